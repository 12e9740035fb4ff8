package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/textline/textline/bot/redisstore/redistest"
)

// script is a sender that answers each request to a recipient with the
// next of that recipient's planned errors (nil once they run out), and
// records what it took and how many sends were on their way at once.
type script struct {
	mu       sync.Mutex
	plan     map[string][]error
	hold     map[string]bool // recipients whose sends hang until their context ends
	sent     []string        // "to body", in the order they were taken
	requests int
	busy     map[string]int
	inFlight int
	most     int // the most sends on their way at once
	mostLane int // the most sends to one recipient on their way at once
	delay    time.Duration
	limited  time.Duration // while set, every request is a 429 asking to wait this long
}

func newScript() *script {
	return &script{plan: map[string][]error{}, hold: map[string]bool{}, busy: map[string]int{}}
}

func (s *script) SendSMS(ctx context.Context, to, _, body, _ string) (string, error) {
	s.mu.Lock()
	s.requests++
	s.inFlight++
	s.busy[to]++
	s.most, s.mostLane = max(s.most, s.inFlight), max(s.mostLane, s.busy[to])
	hang, delay := s.hold[to], s.delay
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.busy[to]--
		s.mu.Unlock()
	}()
	if hang {
		<-ctx.Done()
		return "", ctx.Err()
	}
	time.Sleep(delay)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limited > 0 {
		return "", providerErr{status: 429, wait: s.limited}
	}
	if p := s.plan[to]; len(p) > 0 {
		s.plan[to] = p[1:]
		if p[0] != nil {
			return "", p[0]
		}
	}
	s.sent = append(s.sent, to+" "+body)
	return fmt.Sprintf("SM%d", s.requests), nil
}

func (s *script) Call(ctx context.Context, to, from, twiml, callback string) (string, error) {
	return s.SendSMS(ctx, to, from, twiml, callback)
}

func (s *script) taken() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

// providerErr is an error as bot/twilio's: temporary, a rate limit, and
// how long to wait.
type providerErr struct {
	status int
	wait   time.Duration
}

func (e providerErr) Error() string             { return fmt.Sprintf("status %d", e.status) }
func (e providerErr) Temporary() bool           { return e.status == 429 || e.status >= 500 }
func (e providerErr) RateLimited() bool         { return e.status == 429 }
func (e providerErr) RetryAfter() time.Duration { return e.wait }

// bench is an outbox on real Redis under its own prefix, on a clock the
// test moves.
type bench struct {
	t   *testing.T
	o   *Outbox
	s   *script
	now time.Time
	mu  sync.Mutex
}

func newBench(t *testing.T) *bench {
	t.Helper()
	rdb := redistest.Client(t)
	prefix := fmt.Sprintf("{tl:outbox-test%d}:", rand.Int64())
	t.Cleanup(func() { redistest.DeleteMatching(context.Background(), rdb, prefix+"*") })
	b := &bench{t: t, s: newScript(), now: time.Unix(1767225600, 0)}
	b.o = New(rdb, prefix, b.s, noGate{}, plain{})
	b.o.Now = b.clock
	b.o.Log = quiet()
	return b
}

func (b *bench) clock() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.now
}

func (b *bench) advance(d time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.now = b.now.Add(d)
}

func (b *bench) enqueue(items ...Item) {
	b.t.Helper()
	for _, it := range items {
		if err := enqueue(context.Background(), b.o, it); err != nil {
			b.t.Fatal(err)
		}
	}
}

func (b *bench) flush() int {
	b.t.Helper()
	n, err := b.o.Flush(context.Background())
	if err != nil {
		b.t.Fatal(err)
	}
	return n
}

// TestOrderAfterFailures: 429, then 500, on the first of three messages to
// one phone; they arrive 1, 2, 3, while another phone's go on.
func TestOrderAfterFailures(t *testing.T) {
	b := newBench(t)
	b.s.plan["+1555A"] = []error{providerErr{status: 429}, providerErr{status: 500}}
	for i := 1; i <= 3; i++ {
		b.enqueue(Item{ID: fmt.Sprintf("a%d", i), To: "+1555A", Body: fmt.Sprint(i), Lane: "r:a"})
		b.advance(time.Millisecond)
	}
	b.flush()
	if got := b.s.taken(); len(got) != 0 {
		t.Fatalf("sent %q through a 429", got)
	}
	for range 20 {
		b.advance(2 * time.Second)
		b.enqueue(Item{ID: fmt.Sprintf("b%d", rand.Int64()), To: "+1555B", Body: "other", Lane: "r:b"})
		b.flush()
	}
	var a []string
	for _, s := range b.s.taken() {
		if body, ok := strings.CutPrefix(s, "+1555A "); ok {
			a = append(a, body)
		}
	}
	if !slices.Equal(a, []string{"1", "2", "3"}) {
		t.Errorf("delivered %q, want 1, 2, 3", a)
	}
	if b.s.mostLane > 1 {
		t.Errorf("%d sends to one phone on their way at once", b.s.mostLane)
	}
}

// TestRetryAfterHolds: after a 429 that asks for 10 s, nothing is sent in
// the window, however much is enqueued; then one trial, and once it goes
// through, the rest.
func TestRetryAfterHolds(t *testing.T) {
	b := newBench(t)
	b.s.limited = 10 * time.Second
	b.enqueue(Item{ID: "first", To: "+1555A", Body: "1", Lane: "r:a"})
	b.flush()
	for i := range 9 {
		b.advance(time.Second)
		b.enqueue(Item{ID: fmt.Sprintf("more%d", i), To: fmt.Sprintf("+1555%d", i), Body: "later", Lane: fmt.Sprintf("r:%d", i)})
		b.flush()
	}
	if b.s.requests != 1 {
		t.Fatalf("%d requests within the 10 s the provider asked for, want only the first", b.s.requests)
	}
	b.advance(time.Second)
	b.s.limited = 5 * time.Second
	b.flush()
	if b.s.requests != 2 {
		t.Fatalf("%d requests after the window, want one trial", b.s.requests)
	}
	b.s.limited = 0
	b.advance(4 * time.Second)
	if b.flush(); b.s.requests != 2 {
		t.Fatalf("%d requests within the second window, want still 2", b.s.requests)
	}
	b.advance(time.Second)
	if n := b.flush(); n != 10 || b.s.requests != 12 {
		t.Errorf("after the second window: %d sent in %d requests, want a trial then the other 9", n, b.s.requests)
	}
}

// TestParallel: sends to different phones go at once, up to Parallel;
// never two to one phone.
func TestParallel(t *testing.T) {
	b := newBench(t)
	b.s.delay = 20 * time.Millisecond
	for i := range 24 {
		lane := fmt.Sprintf("r:%d", i%12)
		b.enqueue(Item{ID: fmt.Sprintf("m%d", i), To: lane, Body: "hi", Lane: lane})
	}
	if n := b.flush(); n != 24 {
		t.Fatalf("sent %d, want 24", n)
	}
	if b.s.most != 8 || b.s.mostLane != 1 {
		t.Errorf("at most %d sends at once, %d to one phone; want 8 and 1", b.s.most, b.s.mostLane)
	}
}

// TestHangHoldsOneLane: a send that hangs is given up after SendTimeout
// and retried; meanwhile everyone else's messages go.
func TestHangHoldsOneLane(t *testing.T) {
	b := newBench(t)
	b.o.SendTimeout = 50 * time.Millisecond
	b.s.hold["+1555A"] = true
	b.enqueue(Item{ID: "a1", To: "+1555A", Body: "stuck", Lane: "r:a"}, Item{ID: "a2", To: "+1555A", Body: "behind", Lane: "r:a"})
	for i := range 10 {
		b.enqueue(Item{ID: fmt.Sprintf("t%d", i), To: fmt.Sprintf("+1555%d", i), Body: "reply", Texter: fmt.Sprintf("t%d", i)})
	}
	if n := b.flush(); n != 10 {
		t.Fatalf("sent %d past a hanging send, want the 10 others", n)
	}
	b.s.mu.Lock()
	b.s.hold["+1555A"] = false
	b.s.mu.Unlock()
	b.advance(2 * time.Second)
	b.flush()
	got := b.s.taken()
	if want := []string{"+1555A stuck", "+1555A behind"}; !slices.Equal(got[len(got)-2:], want) {
		t.Errorf("after the hang: %q, want %q", got[len(got)-2:], want)
	}
}

// TestCombinedAlerts: alerts piled up for one phone go as one message,
// most urgent first, naming each; what is not an alert keeps its place.
func TestCombinedAlerts(t *testing.T) {
	b := newBench(t)
	alert := func(id string, rank int) Item {
		return Item{ID: id, To: "+1555R", Body: "alone " + id, Lane: "r:r", Rank: rank, Gist: id, Head: "Waiting:"}
	}
	b.enqueue(alert("K1", 1), alert("K2", 0), alert("K3", 6), alert("K4", 4),
		Item{ID: "relay", To: "+1555R", Body: "a relay", Lane: "r:r"}, alert("K5", 6))
	b.flush()
	want := []string{"+1555R Waiting:\nK3\nK4\nK1\nK2", "+1555R a relay", "+1555R alone K5"}
	if got := b.s.taken(); !slices.Equal(got, want) {
		t.Errorf("sent %q, want %q", got, want)
	}
}

// TestUrgentFirst: with one send at a time, a crisis alert enqueued last
// goes first.
func TestUrgentFirst(t *testing.T) {
	b := newBench(t)
	b.o.Parallel = 1
	for i := range 5 {
		b.enqueue(Item{ID: fmt.Sprintf("n%d", i), To: fmt.Sprintf("+1555%d", i), Body: "ordinary", Lane: fmt.Sprintf("r:%d", i)})
	}
	b.enqueue(Item{ID: "crisis", To: "+1555C", Body: "crisis", Lane: "r:c", Rank: 6})
	b.flush()
	if got := b.s.taken(); len(got) != 6 || got[0] != "+1555C crisis" {
		t.Errorf("sent %q, want the crisis first", got)
	}
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }
