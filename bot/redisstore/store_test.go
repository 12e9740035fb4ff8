package redisstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/redisstore/redistest"
	"github.com/textline/textline/flows"
)

func TestApplyStoresOutcome(t *testing.T) {
	rdb := redistest.Client(t)
	s := New(rdb)
	id := newTexter(t, rdb)
	first := bot.Session{Flow: at(flows.Menu, flows.AskedNothing), Lang: "es", Turns: 1, LastSeen: time.Unix(1767225600, 0)}
	second := bot.Session{Flow: at(flows.Tips, flows.AskedNothing), Lang: "es", TipNext: 1, StopHinted: true, Turns: 2, LastSeen: time.Unix(1767225660, 0)}

	for _, c := range []struct {
		msg      string
		wantSeen bot.Session
		store    bot.Session
		reply    string
	}{
		{"m1", bot.Session{}, first, "hola"},
		{"m2", first, second, ""}, // an empty reply is an answer too: send nothing
	} {
		var seen bot.Session // by the run whose outcome was stored: the last
		reply, fresh, err := committed(s.Apply(t.Context(), id, c.msg, func(got bot.Session) bot.Outcome {
			seen = got
			return bot.Outcome{Session: c.store, Reply: c.reply}
		}))
		if err != nil {
			t.Fatalf("Apply(%s): %v", c.msg, err)
		}
		if reply != c.reply || !fresh {
			t.Errorf("Apply(%s) = %q, %v; want the step's reply %q, fresh", c.msg, reply, fresh, c.reply)
		}
		if diff := cmp.Diff(c.wantSeen, seen); diff != "" {
			t.Errorf("Apply(%s): step saw (-want +got):\n%s", c.msg, diff)
		}
		if diff := cmp.Diff(c.store, stored(t, rdb, id)); diff != "" {
			t.Errorf("after Apply(%s), stored session mismatch (-want +got):\n%s", c.msg, diff)
		}
	}
}

func TestApplyRetriedMessage(t *testing.T) {
	rdb := redistest.Client(t)
	s := New(rdb)
	id := newTexter(t, rdb)
	var c turns
	for i, call := range []struct {
		msg       string
		wantReply string
		wantFresh bool
		wantTurns int
	}{
		{"SM1", "turn 1", true, 1},
		{"SM1", "turn 1", false, 1}, // Twilio's retry: same answer, nothing stored
		{"SM2", "turn 2", true, 2},
		{"SM1", "turn 1", false, 2}, // the cache is per message, not the last reply
		{"SM2", "turn 2", false, 2},
	} {
		reply, fresh, err := committed(s.Apply(t.Context(), id, call.msg, c.step))
		if err != nil {
			t.Fatalf("call %d: Apply(%s): %v", i, call.msg, err)
		}
		if reply != call.wantReply || fresh != call.wantFresh {
			t.Errorf("call %d: Apply(%s) = %q, fresh %v; want %q, fresh %v", i, call.msg, reply, fresh, call.wantReply, call.wantFresh)
		}
		if got := stored(t, rdb, id).Turns; got != call.wantTurns {
			t.Errorf("call %d: after Apply(%s) stored Turns = %d, want %d", i, call.msg, got, call.wantTurns)
		}
	}
}

// A store guesses a texter's session from the last message it handled; a
// guess gone stale (another instance of the line handled a message, the
// session expired) must never be what the step works on.
func TestApplyStaleGuess(t *testing.T) {
	rdb := redistest.Client(t)
	a, b := New(rdb), New(rdb) // two instances of the line
	id := newTexter(t, rdb)
	var c turns
	for i, call := range []struct {
		store     *Store
		expire    bool // the session expires before this message
		wantReply string
	}{
		{store: a, wantReply: "turn 1"},
		{store: b, wantReply: "turn 2"}, // b has no guess: the texter is not new
		{store: a, wantReply: "turn 3"}, // a's guess is turn 1
		{store: a, wantReply: "turn 4"},
		{store: a, expire: true, wantReply: "turn 1"},
		{store: b, wantReply: "turn 2"},
	} {
		if call.expire {
			if err := rdb.Del(t.Context(), SessionKey(id)).Err(); err != nil {
				t.Fatal(err)
			}
		}
		msg := fmt.Sprintf("SM%d", i)
		reply, fresh, err := committed(call.store.Apply(t.Context(), id, msg, c.step))
		if err != nil {
			t.Fatalf("Apply(%s): %v", msg, err)
		}
		if reply != call.wantReply || !fresh {
			t.Errorf("Apply(%s) = %q, fresh %v; want %q, fresh", msg, reply, fresh, call.wantReply)
		}
	}
}

func TestApplyUnreadableSession(t *testing.T) {
	rdb := redistest.Client(t)
	s := New(rdb)
	id := newTexter(t, rdb)
	if err := rdb.Set(t.Context(), SessionKey(id), "9|written|by|a|newer|release", 0).Err(); err != nil {
		t.Fatal(err)
	}
	var seen bot.Session
	want := bot.Session{Turns: 1}
	if _, err := s.Apply(t.Context(), id, "m1", func(got bot.Session) bot.Outcome {
		seen = got
		return bot.Outcome{Session: want, Reply: "hi"}
	}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if diff := cmp.Diff(bot.Session{}, seen); diff != "" {
		t.Errorf("step saw (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, stored(t, rdb, id)); diff != "" {
		t.Errorf("stored session mismatch (-want +got):\n%s", diff)
	}
}

// applyAll runs n Applys for texter id at once, message i with msg(i),
// spread over two stores (two instances of the line), and returns their
// replies and how many were fresh. Every step runs before any Apply
// stores (each holds its first run until all have got there), so the
// commits really collide, however fast Redis is.
//
// These tests are about lost updates, not speed: the stores get time
// enough for 50 messages to take turns even on the embedded Redis under
// the race detector, where the default 800ms is short.
func applyAll(t *testing.T, rdb *redis.Client, id string, n int, msg func(int) string, step bot.Update) (replies []string, fresh int) {
	t.Helper()
	stores := []*Store{New(rdb), New(rdb)}
	for _, s := range stores {
		s.Timeout = 10 * time.Second
	}
	defer func(start time.Time) {
		t.Logf("%d concurrent Applys took %v", n, time.Since(start).Round(time.Millisecond))
	}(time.Now())
	replies = make([]string, n)
	fresher := make([]bool, n)
	errs := make([]error, n)
	all := make(chan struct{})
	var arrived atomic.Int64
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			arrive := sync.OnceFunc(func() {
				if arrived.Add(1) == int64(n) {
					close(all)
				}
			})
			replies[i], fresher[i], errs[i] = committed(stores[i%len(stores)].Apply(t.Context(), id, msg(i), func(sess bot.Session) bot.Outcome {
				arrive()
				<-all
				return step(sess)
			}))
			arrive() // one that failed before its step must not hold the others
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent Apply: %v", err)
	}
	for _, f := range fresher {
		if f {
			fresh++
		}
	}
	return replies, fresh
}

func TestApplyConcurrentMessages(t *testing.T) {
	const n = 50
	rdb := redistest.Client(t)
	id := newTexter(t, rdb)
	var c turns
	got, fresh := applyAll(t, rdb, id, n, func(i int) string { return fmt.Sprintf("SM%d", i) }, c.step)

	var want []string
	for i := 1; i <= n; i++ {
		want = append(want, turnReply(i))
	}
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("replies mismatch: each message should see the one before it (-want +got):\n%s", diff)
	}
	if fresh != n {
		t.Errorf("%d of %d messages were fresh, want all", fresh, n)
	}
	if got := stored(t, rdb, id).Turns; got != n {
		t.Errorf("stored Turns = %d, want %d: updates were lost", got, n)
	}
	t.Logf("%d messages ran the step %d times", n, c.runs.Load())
}

func TestApplyConcurrentRetries(t *testing.T) {
	const n = 50
	rdb := redistest.Client(t)
	id := newTexter(t, rdb)
	var c turns
	got, fresh := applyAll(t, rdb, id, n, func(int) string { return "SM1" }, c.step)

	want := slices.Repeat([]string{turnReply(1)}, n)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("replies to one message id mismatch (-want +got):\n%s", diff)
	}
	if fresh != 1 {
		t.Errorf("%d of %d tries of one message were fresh, want exactly 1: its effects would happen %d times", fresh, n, fresh)
	}
	if got := stored(t, rdb, id).Turns; got != 1 {
		t.Errorf("stored Turns = %d, want 1: one message id changed state more than once", got)
	}
}

// A commit that reaches Redis after Apply gave up (Redis stalled; the
// texter got the fallback) is refused when it finally runs: nothing moves
// that the texter was not told of.
func TestApplyLateCommitIsRefused(t *testing.T) {
	rdb := redistest.Client(t)
	id := newTexter(t, rdb)
	proxy, stall := redistest.Stalled(t, rdb.Options().Addr)
	o := *rdb.Options()
	o.Addr, o.PoolSize, o.ContextTimeoutEnabled, o.MaxRetries = proxy, 1, true, -1 // as the line connects
	slow := redis.NewClient(&o)
	defer slow.Close()
	s := New(slow)
	s.Timeout = 150 * time.Millisecond
	// A first message goes through, which loads the commit script: the
	// late one is not refused for want of it.
	warm := newTexter(t, rdb)
	if _, err := s.Apply(t.Context(), warm, "m0", func(bot.Session) bot.Outcome {
		return bot.Outcome{Session: bot.Session{Flow: at(flows.Menu, flows.AskedNothing), Turns: 1}, Reply: "hi"}
	}); err != nil {
		t.Fatal(err)
	}
	stall(600 * time.Millisecond)
	_, err := s.Apply(t.Context(), id, "m1", func(bot.Session) bot.Outcome {
		return bot.Outcome{Session: bot.Session{Flow: at(flows.Crisis, flows.AskedSafe), Turns: 1}, Reply: "crisis"}
	})
	if err == nil {
		t.Fatal("Apply through a stalled Redis succeeded")
	}
	time.Sleep(time.Second) // the held command runs meanwhile
	if keys := texterKeys(t, rdb, id); len(keys) > 0 {
		t.Errorf("a commit that came after its deadline was stored: %v", keys)
	}
}

// TestPingEveryMaster: on a Cluster, ready means every master answers,
// not one picked at random: a master down leaves a third of the texters
// with the fallback.
func TestPingEveryMaster(t *testing.T) {
	live := redistest.Client(t).Options().Addr
	for _, tc := range []struct {
		name  string
		addrs []string
		ok    bool
	}{
		{"every master answers", []string{live, live}, true},
		{"one master down", []string{live, "127.0.0.1:1"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := redis.NewClusterClient(&redis.ClusterOptions{
				ClusterSlots: func(context.Context) ([]redis.ClusterSlot, error) {
					return []redis.ClusterSlot{
						{Start: 0, End: 8191, Nodes: []redis.ClusterNode{{Addr: tc.addrs[0]}}},
						{Start: 8192, End: 16383, Nodes: []redis.ClusterNode{{Addr: tc.addrs[1]}}},
					}, nil
				},
				DialTimeout: 200 * time.Millisecond, MaxRetries: -1,
			})
			t.Cleanup(func() { c.Close() })
			err := New(c).Ping(context.Background())
			if (err == nil) != tc.ok {
				t.Errorf("Ping() = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

// A commit that Redis runs before its deadline, but whose answer comes
// after the client stopped waiting for it (a read timeout shorter than
// the store's), is not a failure: the texter's step happened, so the
// texter must be told of it, not given the fallback.
func TestApplyLostAnswer(t *testing.T) {
	rdb := redistest.Client(t)
	id := newTexter(t, rdb)
	proxy, stall := redistest.Stalled(t, rdb.Options().Addr)
	o := *rdb.Options()
	o.Addr, o.ContextTimeoutEnabled, o.MaxRetries, o.ReadTimeout = proxy, true, -1, 100*time.Millisecond
	slow := redis.NewClient(&o)
	defer slow.Close()
	s := New(slow)
	warm := newTexter(t, rdb)
	if _, err := s.Apply(t.Context(), warm, "m0", (&turns{}).step); err != nil {
		t.Fatal(err)
	}
	stall(200 * time.Millisecond) // longer than the client waits for an answer, shorter than the commit's deadline
	began := time.Now()
	reply, fresh, err := committed(s.Apply(t.Context(), id, "m1", (&turns{}).step))
	if err != nil {
		t.Fatalf("Apply failed (%v) after %v, although Redis stored the step: the texter would get the fallback "+
			"and have moved a step they were never told of", err, time.Since(began))
	}
	if reply != turnReply(1) || fresh {
		t.Errorf("Apply = %q, fresh %v; want %q as answered before", reply, fresh, turnReply(1))
	}
	if got := stored(t, rdb, id).Turns; got != 1 {
		t.Errorf("stored Turns = %d, want 1", got)
	}
}
