package redisstore

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/flows"
)

// newTexter returns a pseudonym no other test, run or machine sharing the
// Redis uses, shaped like the line's real ones, and deletes the texter's
// keys when the test ends (an opted-out session would never expire).
func newTexter(tb testing.TB, rdb *redis.Client) string {
	tb.Helper()
	id := bot.NewPseudonymizer([]byte(rand.Text())).Texter("+15555550100").ID()
	tb.Cleanup(func() {
		if keys := texterKeys(tb, rdb, id); len(keys) > 0 {
			if err := rdb.Del(context.Background(), keys...).Err(); err != nil {
				tb.Errorf("clean up texter %s: %v", id, err)
			}
		}
	})
	return id
}

// texterKeys lists every key of texter id, sorted.
func texterKeys(tb testing.TB, rdb *redis.Client, id string) []string {
	tb.Helper()
	var keys []string
	iter := rdb.Scan(context.Background(), 0, "tl:{"+id+"}*", 1000).Iterator()
	for iter.Next(context.Background()) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		tb.Fatalf("scan keys of %s: %v", id, err)
	}
	slices.Sort(keys)
	return keys
}

// stored reads texter id's session as Redis holds it.
func stored(tb testing.TB, rdb *redis.Client, id string) bot.Session {
	tb.Helper()
	v, err := rdb.Get(context.Background(), SessionKey(id)).Result()
	if err != nil {
		tb.Fatalf("get session of %s: %v", id, err)
	}
	s, err := decode(v)
	if err != nil {
		tb.Fatalf("stored session %q: %v", v, err)
	}
	return s
}

// pttl is the key's time to live; -1 without one, -2 when there is no key.
func pttl(tb testing.TB, rdb *redis.Client, key string) time.Duration {
	tb.Helper()
	ms, err := rdb.Do(context.Background(), "PTTL", key).Int64()
	if err != nil {
		tb.Fatalf("PTTL %s: %v", key, err)
	}
	if ms < 0 {
		return time.Duration(ms)
	}
	return time.Duration(ms) * time.Millisecond
}

// near reports whether a time to live just read is what was set a moment
// ago.
func near(got, want time.Duration) bool {
	return got <= want && got > want-10*time.Second
}

// turns is a step that counts how often it ran and answers with the turn
// it stores, as a real step would: pure, so it may run more than once.
type turns struct{ runs atomic.Int64 }

func (c *turns) step(s bot.Session) bot.Outcome {
	c.runs.Add(1)
	s.Turns++
	s.Flow.Fire(flows.EvArrive, false)
	return bot.Outcome{Session: s, Reply: turnReply(s.Turns)}
}

func turnReply(n int) string { return fmt.Sprintf("turn %d", n) }

// committed unpacks what Apply returns, as the tests read it.
func committed(c bot.Committed, err error) (reply string, fresh bool, _ error) {
	return c.Reply, c.Fresh, err
}
