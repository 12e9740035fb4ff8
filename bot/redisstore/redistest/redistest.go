// Package redistest gives tests a Redis: the real server named by
// REDIS_URL (CI always sets it), or, on a machine without one, an embedded
// miniredis so the suite still runs on a fresh clone.
package redistest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// URL returns a redis:// URL for the test: REDIS_URL when set, otherwise
// an embedded server that stops with the test.
func URL(tb testing.TB) string {
	tb.Helper()
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		tb.Fatalf("start embedded redis: %v", err)
	}
	tb.Cleanup(m.Close)
	return "redis://" + m.Addr()
}

// Real reports whether tests run against a real Redis server.
func Real() bool { return os.Getenv("REDIS_URL") != "" }

// Client returns a client for URL(tb), closed with the test.
func Client(tb testing.TB) *redis.Client {
	tb.Helper()
	o, err := redis.ParseURL(URL(tb))
	if err != nil {
		tb.Fatalf("REDIS_URL: %v", err)
	}
	rdb := redis.NewClient(o)
	tb.Cleanup(func() { rdb.Close() })
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		tb.Fatalf("redis at %s does not answer: %v", o.Addr, err)
	}
	return rdb
}

// DeleteMatching deletes the keys that match pattern, found with SCAN:
// how a test clears what it wrote, and nothing else.
func DeleteMatching(ctx context.Context, rdb redis.Cmdable, pattern string) error {
	iter := rdb.Scan(ctx, 0, pattern, 1000).Iterator()
	for iter.Next(ctx) {
		if err := rdb.Del(ctx, iter.Val()).Err(); err != nil {
			return fmt.Errorf("delete %s: %w", pattern, err)
		}
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("scan %s: %w", pattern, err)
	}
	return nil
}

// Runner is what a TestMain runs; *testing.M is one.
type Runner interface{ Run() int }

// Guard wraps the tests of a package that uses the Redis REDIS_URL names:
// before they run it writes a canary key of its own to that database,
// and after they ran it fails the binary if the canary is gone or
// changed, which is what a flush or a careless delete of keys that are
// not the tests' own would do. Without REDIS_URL it only runs the tests.
func Guard(m Runner) Runner { return guarded{m} }

type guarded struct{ m Runner }

func (g guarded) Run() int {
	u := os.Getenv("REDIS_URL")
	if u == "" {
		return g.m.Run()
	}
	o, err := redis.ParseURL(u)
	if err != nil {
		fmt.Fprintf(os.Stderr, "REDIS_URL: %v\n", err)
		return 1
	}
	rdb := redis.NewClient(o)
	defer rdb.Close()
	ctx := context.Background()
	key := fmt.Sprintf("textline-test:canary:%d:%x", os.Getpid(), rand.Uint64())
	want := "left alone"
	if err := rdb.Set(ctx, key, want, time.Hour).Err(); err != nil {
		fmt.Fprintf(os.Stderr, "redis at %s: write the canary key: %v\n", o.Addr, err)
		return 1
	}
	code := g.m.Run()
	got, err := rdb.Get(ctx, key).Result()
	rdb.Del(ctx, key)
	if err != nil || got != want {
		fmt.Fprintf(os.Stderr, "FAIL: the canary key %s in the database REDIS_URL names is gone or changed (%v): a test deleted keys that were not its own\n", key, err)
		return 1
	}
	return code
}
