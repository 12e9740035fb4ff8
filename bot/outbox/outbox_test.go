package outbox

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

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
	for i, want := range []bool{true, false} {
		if got, err := o.Enqueue(ctx, it); err != nil || got != want {
			t.Fatalf("enqueue %d = %v, %v; want %v", i, got, err, want)
		}
	}
	if n, err := o.Flush(ctx); err != nil || n != 1 || len(s.sent) != 1 {
		t.Fatalf("flush = %d, %v; sent %v", n, err, s.sent)
	}
	if got, _ := o.Enqueue(ctx, it); got {
		t.Error("a sent id was enqueued again")
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
