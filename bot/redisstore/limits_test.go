package redisstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/redisstore/redistest"
	"github.com/textline/textline/flows"
)

// A texter in crisis gets the fallback within 3 seconds (docs/ARCHITECTURE.md, "Limits"), so a
// Redis that hangs or is gone must fail Apply within Store.Timeout.
func TestApplyUnreachable(t *testing.T) {
	for _, tc := range []struct {
		name string
		addr func(*testing.T) string
	}{
		{"silent server", func(t *testing.T) string { return redistest.Silent(t) }},
		{"closed port", func(t *testing.T) string { return redistest.Closed(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// MaxRetries 0 is go-redis's default of 3 retries: the
			// store's Timeout has to bound them too.
			rdb := redis.NewClient(&redis.Options{Addr: tc.addr(t), ContextTimeoutEnabled: true, MaxRetries: 0})
			t.Cleanup(func() { rdb.Close() })
			s := New(rdb)
			s.Timeout = 300 * time.Millisecond

			done := make(chan error, 1)
			start := time.Now()
			go func() {
				_, err := s.Apply(t.Context(), "unreachable", "SM1", func(bot.Session) bot.Outcome {
					return bot.Outcome{Reply: "hi"}
				})
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil {
					t.Fatal("Apply succeeded without Redis, want an error")
				}
				t.Logf("failed after %v: %v", time.Since(start).Round(time.Millisecond), err)
			case <-time.After(3 * time.Second):
				t.Fatal("Apply still waiting after 3s, want an error within the 300ms timeout")
			}
		})
	}
}

// Two Redis round trips or fewer per message. A store that
// guessed the texter's session right (a new texter, or the last message
// came through it) needs one; a retried message id needs one.
func TestApplyRoundTrips(t *testing.T) {
	rdb := redistest.Client(t)
	s, other := New(rdb), New(rdb)
	var c turns
	// Load the script (EVALSHA, NOSCRIPT, EVAL) and open the connection
	// before counting.
	if _, err := s.Apply(t.Context(), newTexter(t, rdb), "warm", c.step); err != nil {
		t.Fatalf("warm up: %v", err)
	}
	var h redistest.RoundTrips
	rdb.AddHook(&h)

	id := newTexter(t, rdb)
	erase := func(bot.Session) bot.Outcome { return bot.Outcome{Erase: true, Reply: "deleted"} }
	for _, call := range []struct {
		name  string
		store *Store
		msg   string
		step  bot.Update
		want  int64
	}{
		{"new texter", s, "SM1", c.step, 1},
		{"known texter", s, "SM2", c.step, 1},
		{"retried message", s, "SM2", c.step, 1},
		{"texter new to this store", other, "SM3", c.step, 2},
		{"stale guess", s, "SM4", c.step, 2},
		{"retried message, stale guess", other, "SM4", c.step, 1},
		{"erase", s, "SM5", erase, 1},
		{"retried erase", s, "SM5", erase, 1},
		{"after erase elsewhere", other, "SM6", c.step, 2},
	} {
		before := h.Load()
		if _, err := call.store.Apply(t.Context(), id, call.msg, call.step); err != nil {
			t.Fatalf("%s: Apply: %v", call.name, err)
		}
		if got := h.Load() - before; got != call.want {
			t.Errorf("%s: Apply took %d round trips, want %d", call.name, got, call.want)
		}
	}
}

// TestIdleSessionMemory checks that one idle session takes under 300
// bytes of Redis memory.
func TestIdleSessionMemory(t *testing.T) {
	if !redistest.Real() {
		t.Skip("MEMORY USAGE needs a real Redis: set REDIS_URL")
	}
	rdb := redistest.Client(t)
	s := New(rdb)
	id := newTexter(t, rdb)
	session := bot.Session{
		Flow: at(flows.GroupsResult, flows.AskedNothing), Lang: "es", TipNext: 4, GroupKind: "family", Category: "suicide_risk",
		StopHinted: true, Turns: 37, LastSeen: time.Now(),
	}
	// A reply of typical length: the line's answers to the load tool's
	// texters average 240 bytes.
	reply := "Aquí tienes grupos de apoyo cerca de ti:\n\nGrupo Familias Unidas, martes 6pm, centro comunitario.\n" +
		"Línea de apoyo en español: llama al 988 y marca 2.\n\nResponde MÁS para ver otros, MENÚ para volver, o FIN si terminaste."
	const messages = 16 // with message ids of Twilio's length
	for i := range messages {
		if _, err := s.Apply(t.Context(), id, fmt.Sprintf("SM%032x", i+1), func(bot.Session) bot.Outcome {
			return bot.Outcome{Session: session, Reply: reply}
		}); err != nil {
			t.Fatalf("Apply: %v", err)
		}
	}
	k := keysOf(id, fmt.Sprintf("SM%032x", 1))
	got := memoryUsage(t, rdb, k.session)
	t.Logf("idle session %q: MEMORY USAGE %d bytes (%q)", k.session, got, encode(session))
	t.Logf("for 15 minutes after a message, also: its reply (%d bytes of text) %d bytes, and the reply index %d bytes for %d replies",
		len(reply), memoryUsage(t, rdb, k.reply), memoryUsage(t, rdb, k.sent), messages)
	if got >= 300 {
		t.Errorf("idle session takes %d bytes, want under 300", got)
	}
}

func memoryUsage(t *testing.T, rdb *redis.Client, key string) int64 {
	t.Helper()
	n, err := rdb.MemoryUsage(context.Background(), key).Result()
	if err != nil {
		t.Fatalf("MEMORY USAGE %s: %v", key, err)
	}
	return n
}
