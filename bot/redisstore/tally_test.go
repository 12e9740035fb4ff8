package redisstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot/redisstore/redistest"
	"github.com/textline/textline/bot/tally"
)

// Counts wait in memory, reach the day's hash (named by UTC date) in one
// flush, and the hash expires after StatsTTL.
func TestTallyFlush(t *testing.T) {
	for _, tc := range []struct {
		name     string
		now      time.Time
		statsTTL time.Duration
		wantKey  string
		wantTTL  time.Duration
	}{
		{"default ttl, day in UTC", time.Date(2031, 5, 6, 23, 30, 0, 0, time.FixedZone("UTC-5", -5*3600)), 0, "tl:stats:2031-05-07", 720 * time.Hour},
		{"configured ttl", time.Date(2031, 12, 31, 12, 0, 0, 0, time.UTC), 2 * time.Hour, "tl:stats:2031-12-31", 2 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rdb := redistest.Client(t)
			s := New(rdb)
			s.Now = func() time.Time { return tc.now }
			s.StatsTTL = tc.statsTTL
			counts := s.Tally()
			name := tally.Name("feedback." + newTexter(t, rdb)) // unique per run on a shared Redis
			t.Cleanup(func() { rdb.HDel(context.Background(), tc.wantKey, string(name)) })

			for range 3 {
				if err := counts.Count(t.Context(), name); err != nil {
					t.Fatalf("Count: %v", err)
				}
			}
			if err := rdb.HGet(t.Context(), tc.wantKey, string(name)).Err(); err != redis.Nil {
				t.Fatalf("before a flush HGET = %v, want nothing written", err)
			}
			if err := counts.Flush(t.Context()); err != nil {
				t.Fatalf("Flush: %v", err)
			}
			if got := hget(t, rdb, tc.wantKey, string(name)); got != 3 {
				t.Errorf("after a flush %s %s = %d, want 3", tc.wantKey, name, got)
			}
			if got := pttl(t, rdb, tc.wantKey); !near(got, tc.wantTTL) {
				t.Errorf("%s PTTL = %v, want about %v", tc.wantKey, got, tc.wantTTL)
			}
			// A second flush with nothing new changes nothing.
			if err := counts.Flush(t.Context()); err != nil || hget(t, rdb, tc.wantKey, string(name)) != 3 {
				t.Errorf("an empty flush changed the count (err %v)", err)
			}
		})
	}
}

// A failed flush keeps its counts for the next one.
func TestTallyKeepsCountsWhenRedisFails(t *testing.T) {
	rdb := redistest.Client(t)
	name := "feedback." + newTexter(t, rdb) // unique per run on a shared Redis
	down := redis.NewClient(&redis.Options{Addr: redistest.Closed(t), MaxRetries: -1})
	t.Cleanup(func() { down.Close() })
	failing := New(down).Tally()
	failing.Count(t.Context(), tally.Name(name))
	failing.Count(t.Context(), tally.Name(name))
	if err := failing.Flush(t.Context()); err == nil || !strings.Contains(err.Error(), "flush counters") {
		t.Fatalf("flush to a closed port: %v, want an error", err)
	}
	// Point the same counts at a working Redis: they arrive whole.
	failing.store.rdb = rdb
	key := failing.store.statsKey()
	t.Cleanup(func() { rdb.HDel(context.Background(), key, name) })
	if err := failing.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := hget(t, rdb, key, name); got != 2 {
		t.Errorf("after the retry %d counts arrived, want 2", got)
	}
}

// Run flushes once more when its context ends, so a shutdown loses nothing.
func TestTallyRunFlushesOnStop(t *testing.T) {
	rdb := redistest.Client(t)
	s := New(rdb)
	counts := s.Tally()
	name := "feedback." + newTexter(t, rdb)
	key := s.statsKey()
	t.Cleanup(func() { rdb.HDel(context.Background(), key, name) })
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		counts.Run(ctx, time.Hour, func(err error) { t.Errorf("flush: %v", err) })
	}()
	counts.Count(t.Context(), tally.Name(name))
	cancel()
	<-done
	if got := hget(t, rdb, key, name); got != 1 {
		t.Errorf("after Run stopped, %s = %d, want 1", name, got)
	}
}

func hget(t *testing.T, rdb *redis.Client, key, field string) int64 {
	t.Helper()
	n, err := rdb.HGet(context.Background(), key, field).Int64()
	if err != nil && err != redis.Nil {
		t.Fatalf("HGET %s %s: %v", key, field, err)
	}
	return n
}
