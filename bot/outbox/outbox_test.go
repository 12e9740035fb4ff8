package outbox

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot/cas"
	"github.com/textline/textline/bot/redisstore/redistest"
)

// tempErr is an error that says whether retrying may help.
type tempErr bool

func (e tempErr) Error() string   { return "send failed" }
func (e tempErr) Temporary() bool { return bool(e) }

func TestTemporary(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{tempErr(true), true},
		{fmt.Errorf("send: %w", tempErr(false)), false},
		{errors.New("something unknown"), true}, // late beats lost
	} {
		if got := temporary(tc.err); got != tc.want {
			t.Errorf("temporary(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	prev := time.Duration(0)
	for n := 1; n <= 20; n++ {
		lo, hi := time.Duration(1<<62), time.Duration(0)
		for range 200 {
			d := backoff(n)
			lo, hi = min(lo, d), max(hi, d)
		}
		if lo <= 0 || hi > 5*time.Minute {
			t.Errorf("backoff(%d) in [%v, %v], want within (0, 5m]", n, lo, hi)
		}
		if hi < prev/2 {
			t.Errorf("backoff(%d) up to %v shrank from %v", n, hi, prev)
		}
		prev = hi
	}
}

func TestValidID(t *testing.T) {
	for id, want := range map[string]bool{
		"12:alert:abc":            true,
		"SM123:relay":             true,
		"":                        false,
		"../x":                    false,
		"a b":                     false,
		"x{tl:other}y":            false,
		string(make([]byte, 200)): false,
	} {
		if got := validID(id); got != want {
			t.Errorf("validID(%q) = %v, want %v", id, got, want)
		}
	}
}

// TestEnqueueOnce: an id is enqueued once, and not again once sent.
func TestEnqueueOnce(t *testing.T) {
	rdb := redistest.Client(t)
	prefix := fmt.Sprintf("{tl:outbox-test%d}:", rand.Int64())
	t.Cleanup(func() {
		keys, _ := rdb.Keys(context.Background(), prefix+"*").Result()
		for _, k := range keys {
			rdb.Del(context.Background(), k)
		}
	})
	s := &recorder{}
	o := New(rdb, prefix, s, noGate{}, plain{})
	ctx := context.Background()
	it := Item{ID: "m1", To: "+15550000001", Body: "hello"}
	for i := range 2 {
		if err := enqueue(ctx, o, it); err != nil {
			t.Fatalf("enqueue %d: %v", i, err)
		}
	}
	if n, err := o.Flush(ctx); err != nil || n != 1 || len(s.sent) != 1 {
		t.Fatalf("flush = %d, %v; sent %v", n, err, s.sent)
	}
	if err := enqueue(ctx, o, it); err != nil {
		t.Fatal(err)
	}
	if n, _ := o.Flush(ctx); n != 0 {
		t.Errorf("sent %d more", n)
	}
}

type recorder struct{ sent []string }

func (r *recorder) SendSMS(_ context.Context, to, _, body, _ string) (string, error) {
	r.sent = append(r.sent, to+" "+body)
	return "SM1", nil
}

func (r *recorder) Call(_ context.Context, to, _, _, _ string) (string, error) {
	r.sent = append(r.sent, "call "+to)
	return "CA1", nil
}

type noGate struct{}

func (noGate) OptedOut(context.Context, string) (bool, error) { return false, nil }

type plain struct{}

func (plain) Open(s string) (string, error) { return s, nil }

// TestForget: after DELETE, nothing enqueued for the texter before it is
// sent; what is enqueued after is.
func TestForget(t *testing.T) {
	rdb := redistest.Client(t)
	prefix := fmt.Sprintf("{tl:outbox-test%d}:", rand.Int64())
	t.Cleanup(func() { redistest.DeleteMatching(context.Background(), rdb, prefix+"*") })
	s := &recorder{}
	now := time.Unix(1767225600, 0)
	o := New(rdb, prefix, s, noGate{}, plain{})
	o.Now = func() time.Time { return now }
	ctx := context.Background()
	if err := enqueue(ctx, o, Item{ID: "before", To: "+15550000001", Body: "old", Texter: "t1"}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Second)
	if _, err := cas.Commit(ctx, rdb, cas.Tx{Slot: prefix + "outbox", Ops: o.Forget(now, "t1")}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Second)
	if err := enqueue(ctx, o, Item{ID: "after", To: "+15550000001", Body: "new", Texter: "t1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(s.sent) != 1 || s.sent[0] != "+15550000001 new" {
		t.Errorf("sent %q, want only the message enqueued after", s.sent)
	}
}

// enqueue commits it alone, due now, as a commit of the human line does
// with its own writes.
func enqueue(ctx context.Context, o *Outbox, it Item) error {
	_, err := cas.Commit(ctx, o.rdb, cas.Tx{Slot: o.queue(0), Ops: o.Ops(o.now(), it)})
	return err
}

// TestSentIsRecorded: an item the provider took is recorded as sent,
// within its lease, although Redis was restarting or the worker was
// stopping meanwhile, so its lease does not bring it back to be sent
// again. A worker that stops finishes the send under way.
func TestSentIsRecorded(t *testing.T) {
	for _, tc := range []struct {
		name   string
		during func(stop context.CancelFunc, restart func(time.Duration))
	}{
		{"redis restarts", func(_ context.CancelFunc, restart func(time.Duration)) { restart(300 * time.Millisecond) }},
		{"the worker stops mid-send", func(stop context.CancelFunc, _ func(time.Duration)) { stop() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			flaky, prefix, restart := restarting(t)
			ctx, stop := context.WithCancel(context.Background())
			s := &meanwhile{during: func() { tc.during(stop, restart) }}
			o := New(flaky, prefix, s, noGate{}, plain{})
			o.Lease = time.Second
			if err := enqueue(ctx, o, Item{ID: "m1", To: "+15550000001", Body: "hello"}); err != nil {
				t.Fatal(err)
			}
			o.Flush(ctx)
			time.Sleep(o.Lease + 200*time.Millisecond)
			if _, err := o.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			if len(s.sent) != 1 {
				t.Errorf("sent %q; want the item once", s.sent)
			}
		})
	}
}

// meanwhile sends, and has something happen while it does, once.
type meanwhile struct {
	recorder
	during func()
	done   bool
}

// The provider has the message as soon as the request reaches it; its
// answer takes a moment, and is lost if ctx ends first.
func (m *meanwhile) SendSMS(ctx context.Context, to, from, body, callback string) (string, error) {
	sid, _ := m.recorder.SendSMS(ctx, to, from, body, callback)
	if !m.done {
		m.done = true
		m.during()
	}
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case <-time.After(50 * time.Millisecond):
		return sid, nil
	}
}

// TestPutBackWhileRedisRestarts: an item that could not be sent because
// Redis failed under it (the opt-out check) is put back once Redis is
// back, and sent after its backoff, not after its lease.
func TestPutBackWhileRedisRestarts(t *testing.T) {
	flaky, prefix, restart := restarting(t)
	s := &recorder{}
	o := New(flaky, prefix, s, &failingGate{restart: func() { restart(300 * time.Millisecond) }}, plain{})
	o.Lease = time.Minute
	ctx := context.Background()
	if err := enqueue(ctx, o, Item{ID: "m1", To: "+15550000001", Body: "hello", Texter: "t1"}); err != nil {
		t.Fatal(err)
	}
	o.Flush(ctx)                        // Redis restarts under the opt-out check
	time.Sleep(1200 * time.Millisecond) // the first backoff: at most a second
	if _, err := o.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(s.sent) != 1 {
		t.Errorf("sent %q; want the item, after its backoff", s.sent)
	}
}

// failingGate fails its first check, with Redis restarting under it.
type failingGate struct {
	restart func()
	failed  bool
}

func (g *failingGate) OptedOut(context.Context, string) (bool, error) {
	if g.failed {
		return false, nil
	}
	g.failed = true
	g.restart()
	return false, errors.New("read session: connection refused")
}

// TestStoppingPutsBack: a worker that stops after its claim, before it
// sent anything, puts the item back at once, its try uncounted; the
// item is not held for its lease.
func TestStoppingPutsBack(t *testing.T) {
	for _, tc := range []struct {
		name       string
		gate, open bool // which one the worker is stopped in
	}{
		{"during the opt-out check", true, false},
		{"before the send", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rdb := redistest.Client(t)
			prefix := fmt.Sprintf("{tl:outbox-test%d}:", rand.Int64())
			t.Cleanup(func() { redistest.DeleteMatching(context.Background(), rdb, prefix+"*") })
			ctx, stop := context.WithCancel(context.Background())
			s := &recorder{}
			o := New(rdb, prefix, s, stopping{stop, tc.gate}, stopping{stop, tc.open})
			o.Lease = time.Minute
			if err := enqueue(ctx, o, Item{ID: "m1", To: "+15550000001", Body: "hello", Texter: "t1"}); err != nil {
				t.Fatal(err)
			}
			o.Flush(ctx)
			if len(s.sent) != 0 {
				t.Fatalf("sent %q by a worker that stopped before the send", s.sent)
			}
			if tries, err := rdb.HGet(context.Background(), prefix+"out:m1", "tries").Int(); err != nil || tries != 0 {
				t.Errorf("the item counts %d tries (%v), want the stopped one uncounted", tries, err)
			}
			o.gate, o.open = noGate{}, plain{}
			if _, err := o.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			if len(s.sent) != 1 {
				t.Errorf("sent %q; want the item at once, not after its lease", s.sent)
			}
		})
	}
}

// stopping is a gate and an opener that, when stops is set, stop the
// worker as it calls them.
type stopping struct {
	stop  context.CancelFunc
	stops bool
}

func (s stopping) OptedOut(ctx context.Context, _ string) (bool, error) {
	if s.stops {
		s.stop()
	}
	return false, ctx.Err()
}

func (s stopping) Open(sealed string) (string, error) {
	if s.stops {
		s.stop()
	}
	return sealed, nil
}

// restarting is a client of the test Redis through a proxy that can act
// out a restart, and a key prefix of the test's own, deleted after it.
func restarting(t *testing.T) (*redis.Client, string, func(time.Duration)) {
	t.Helper()
	rdb := redistest.Client(t)
	prefix := fmt.Sprintf("{tl:outbox-test%d}:", rand.Int64())
	t.Cleanup(func() { redistest.DeleteMatching(context.Background(), rdb, prefix+"*") })
	proxy, restart := redistest.Restarting(t, rdb.Options().Addr)
	opts := *rdb.Options()
	opts.Addr, opts.MaxRetries = proxy, -1
	flaky := redis.NewClient(&opts)
	t.Cleanup(func() { flaky.Close() })
	return flaky, prefix, restart
}
