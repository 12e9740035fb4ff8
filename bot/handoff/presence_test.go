package handoff_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/redisstore"
	"github.com/textline/textline/bot/redisstore/redistest"
	"github.com/textline/textline/content"
	"github.com/textline/textline/flows"
)

// TestTwoProcesses: each process remembers the sessions and records it
// last saw, and guesses with them. When another process answered the
// texter meanwhile, the guess is wrong; the message is still answered
// from where the texter is, and the human line does its step once.
func TestTwoProcesses(t *testing.T) {
	lib, _ := shipped()
	en := func(id string) string { return lib.Text(content.English, id) }

	t.Run("left the queue elsewhere", func(t *testing.T) {
		w := newWorld(t)
		one, two := w.line.Route(w.engine), w.process()
		w.textVia(one, w.texter, "PERSON") // one remembers: waiting
		w.flush()
		if got := w.textVia(two, w.texter, "menu"); !strings.HasPrefix(got, en("menu")) {
			t.Fatalf("menu on the other process: %q", got)
		}
		if got := w.textVia(one, w.texter, "1"); !strings.Contains(got, w.lib.Tips(content.English)[0].Text) {
			t.Errorf("back on the first process: %q, want a tip", got)
		}
		if s := w.session(); s.Flow.State() != flows.Tips || s.LineKnows() {
			t.Errorf("session %+v, want tips, with the bot", s)
		}
		nothingSent(t, w, "(no handoff opens again)")
	})

	t.Run("asked for a person elsewhere", func(t *testing.T) {
		w := newWorld(t)
		one, two := w.line.Route(w.engine), w.process()
		w.textVia(one, w.texter, "hi") // one remembers: the menu
		w.textVia(two, w.texter, "PERSON")
		handle := handleOf(t, w.flush())
		if got := w.textVia(one, w.texter, "hello? anyone?"); got != en("handoff.waiting") {
			t.Errorf("on the first process: %q, want handoff.waiting", got)
		}
		q, total, err := w.line.Queue(context.Background(), 8)
		if err != nil || total != 1 || q[0].Handle != handle {
			t.Fatalf("queue %+v, %d, %v; want the one handoff", q, total, err)
		}
		keptOnce(t, w, handle, "hello? anyone?")
	})

	t.Run("taken and closed elsewhere", func(t *testing.T) {
		w := newWorld(t)
		one, two := w.line.Route(w.engine), w.process()
		w.textVia(one, w.texter, "i am going to kill myself tonight") // and are you safe?
		handle := handleOf(t, w.flush())
		w.textVia(two, w.resp[0], "TAKE "+handle)
		w.flush()
		if got := w.textVia(one, w.texter, "thank you"); got != "" {
			t.Errorf("held: the bot said %q", got)
		}
		if relayed := to(w.flush(), w.resp[0]); len(relayed) != 1 {
			t.Errorf("responder got %+v, want the words", relayed)
		}
		w.textVia(two, w.resp[0], "CLOSE")
		w.flush()
		if got := w.textVia(one, w.texter, "no"); strings.Contains(got, "911") || got == "" {
			t.Errorf("a NO after the close: %q; the question before it no longer stands", got)
		}
		nothingSent(t, w, "after the close")
	})

	t.Run("retried on the other process", func(t *testing.T) {
		w, f, _ := held(t)
		one, two := w.line.Route(w.engine), w.process()
		in := w.inbound(w.texter, "are you still there")
		f.arm(2, false) // the line heard it; the session's commit is lost
		if _, err := one.Handle(context.Background(), in); err == nil {
			t.Fatal("no error though the session's commit failed")
		}
		f.disarm()
		if _, err := two.Handle(context.Background(), in); err != nil {
			t.Fatalf("Twilio's retry on the other process: %v", err)
		}
		if relayed := to(w.flush(), w.resp[0]); len(relayed) != 1 {
			t.Errorf("responder got %+v, want the words once", relayed)
		}
		if s := w.session(); s.Flow.State() != flows.WithPerson {
			t.Errorf("session %+v, want with_person", s)
		}
	})
}

// TestRoundTripsWithTheLine: every message and action of a whole handoff
// costs at most two round trips to Redis, once the process has run a
// while; a responder's action costs one.
func TestRoundTripsWithTheLine(t *testing.T) {
	w := newWorld(t)
	warm := randomNumber()
	t.Cleanup(func() { forgetTexter(w, warm) })
	w.text(warm, "PERSON") // the first handoff reserves numbers
	w.flush()
	counter := &redistest.RoundTrips{}
	w.rdb.(*redis.Client).AddHook(counter)
	var handle string
	for _, step := range []string{
		"hi", "person", "hello?", "R:TAKE", "are you there", "R:PASS", "still here", "R:TAKE", "ok",
		"R:CLOSE", "no", "person", "R:TAKE", "CALL", "R:CLOSE", "i am going to kill myself tonight", "no",
		"R:TAKE", "menu", "R:CLOSE", "help", "START", "person", "R:TAKE",
	} {
		from, body, limit := w.texter, step, int64(2)
		if rest, ok := strings.CutPrefix(step, "R:"); ok {
			from, body, limit = w.resp[0], rest, 1
			if rest == "TAKE" {
				body += " " + handle
			}
		}
		before := counter.Load()
		w.text(from, body)
		if n := counter.Load() - before; n > limit {
			t.Errorf("%q cost %d round trips, over %d", step, n, limit)
		}
		for _, s := range w.flush() {
			if m := takeRe.FindStringSubmatch(s.Body); m != nil {
				handle = m[1]
			}
		}
		w.advance(time.Minute)
	}
	// A long talk with a person takes no handoff numbers, which come from
	// Redis in blocks.
	seq := func() string { return w.rdb.Get(context.Background(), w.prefix+"seq").Val() }
	taken := seq()
	for i := range 45 {
		before := counter.Load()
		w.text(w.texter, fmt.Sprintf("message %d", i))
		if n := counter.Load() - before; n > 2 {
			t.Errorf("message %d with a person cost %d round trips, over 2", i, n)
		}
	}
	if now := seq(); now != taken {
		t.Errorf("handoff numbers reserved went from %s to %s during one conversation", taken, now)
	}
}

// gate is a go-redis hook that holds the first command naming key, once
// armed, until released: a process stalled between two writes.
type gate struct {
	key     string
	armed   atomic.Bool
	held    chan struct{}
	release chan struct{}
}

func newGate(key string) *gate {
	return &gate{key: key, held: make(chan struct{}), release: make(chan struct{})}
}

func (g *gate) DialHook(next redis.DialHook) redis.DialHook { return next }

func (g *gate) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if slices.Contains(cmd.Args(), any(g.key)) && g.armed.CompareAndSwap(true, false) {
			close(g.held)
			<-g.release
		}
		return next(ctx, cmd)
	}
}

func (g *gate) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// TestRacingProcesses: two messages of one texter at once, on two
// processes. The second is refused by the line while the first's session
// commit is in flight, waits for it, and is heard on the session with
// the first message in it: its handoff speaks the language the first
// chose.
func TestRacingProcesses(t *testing.T) {
	w, _, _ := held(t)
	one, two := w.line.Route(w.engine), w.process()
	g := newGate(redisstore.SessionKey(w.pseudo.Texter(w.texter).ID()))
	w.rdb.(*redis.Client).AddHook(g)
	g.armed.Store(true)
	var wg sync.WaitGroup
	wg.Go(func() { w.textVia(one, w.texter, "espanol") }) // heard, then its commit stalls
	<-g.held
	wg.Go(func() { w.textVia(two, w.texter, "hola, sigues ahi?") })
	time.Sleep(5 * time.Millisecond)
	close(g.release)
	wg.Wait()
	w.flush()
	w.text(w.resp[0], "CLOSE")
	lib, _ := shipped()
	if closed := to(w.flush(), w.texter); len(closed) != 1 || closed[0].Body != lib.Text(content.Spanish, "handoff.closed") {
		t.Errorf("texter got %+v, want the close in Spanish", closed)
	}
}

// nothingSent checks that nothing went out since the last flush.
func nothingSent(t *testing.T, w *world, why string) {
	t.Helper()
	if sent := w.flush(); len(sent) != 0 {
		t.Errorf("sent %+v; want nothing %s", sent, why)
	}
}

// keptOnce checks that the transcript of the open handoff handle holds
// text once.
func keptOnce(t *testing.T, w *world, handle, text string) {
	t.Helper()
	conv, err := w.line.View(context.Background(), handle)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range conv.Messages {
		if m.Text == text {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the transcript of %s holds %q %d times, want once", handle, text, n)
	}
}

// TestCrisisStoredWhileLineDown: a crisis from a held texter while the
// human line is down gets its referral, and the line's part is stored.
// When Twilio sends the message again after a responder closed the
// conversation, the stored part is done: a new handoff opens for it.
func TestCrisisStoredWhileLineDown(t *testing.T) {
	w, _, _ := held(t)
	in := w.inbound(w.texter, "i am afraid of my husband, he hit me again")
	route := w.line.Route(w.engine)
	w.flaky.down.Store(true)
	r, err := route.Handle(context.Background(), in)
	w.flaky.down.Store(false)
	if err == nil || r.Text != w.lib.Text(content.English, "crisis.abuse_dv") {
		t.Fatalf("line down: %q, %v; want the referral and an error", r.Text, err)
	}
	w.text(w.resp[0], "CLOSE")
	w.flush()
	if _, err := route.Handle(context.Background(), in); err != nil {
		t.Fatalf("sent again: %v", err)
	}
	q, total, err := w.line.Queue(context.Background(), 8)
	if err != nil || total != 1 || q[0].Category != "abuse_dv" {
		t.Fatalf("queue %+v, %d, %v; want a new abuse_dv handoff", q, total, err)
	}
	if alerts := to(w.flush(), w.resp[0]); len(alerts) != 1 {
		t.Errorf("responder got %+v, want one alert", alerts)
	}
	keptOnce(t, w, q[0].Handle, in.Body)
}

// TestStaleGuessActsOnNothing: a process whose memory of the texter is
// out of date is refused by the human line before it acts, reads the
// session again and acts on that.
func TestStaleGuessActsOnNothing(t *testing.T) {
	t.Run("language changed elsewhere", func(t *testing.T) {
		w, _, handle := held(t)
		one, two := w.line.Route(w.engine), w.process()
		w.textVia(two, w.texter, "espanol")
		w.flush()
		w.textVia(one, w.texter, "hola, sigues ahi")
		if relayed := to(w.flush(), w.resp[0]); len(relayed) != 1 || relayed[0].Body != handle+": hola, sigues ahi" {
			t.Errorf("responder got %+v, want the words once", relayed)
		}
		keptOnce(t, w, handle, "hola, sigues ahi")
	})
	t.Run("erased elsewhere", func(t *testing.T) {
		w := newWorld(t)
		one, two := w.line.Route(w.engine), w.process()
		w.textVia(one, w.texter, "PERSON") // one remembers: waiting
		w.flush()
		w.textVia(two, w.texter, "DELETE")
		w.textVia(two, w.texter, "DELETE")
		w.flush()
		if got := w.textVia(one, w.texter, "hi"); !strings.HasPrefix(got, w.lib.Text(content.English, "welcome")) {
			t.Errorf("after DELETE elsewhere: %q, want the welcome", got)
		}
		nothingSent(t, w, "(no handoff opens for an erased texter)")
	})
	t.Run("another message while reading again", func(t *testing.T) {
		w, _, _ := held(t)
		one, two := w.line.Route(w.engine), w.process()
		w.textVia(two, w.texter, "still here") // one is now behind
		w.flaky.beforeOver = func() { w.textVia(two, w.texter, "espanol") }
		w.textVia(one, w.texter, "hola, sigues ahi?")
		w.flush()
		w.text(w.resp[0], "CLOSE")
		if closed := to(w.flush(), w.texter); len(closed) != 1 || closed[0].Body != w.lib.Text(content.Spanish, "handoff.closed") {
			t.Errorf("texter got %+v, want the close in Spanish", closed)
		}
	})
	t.Run("a question that no longer stands", func(t *testing.T) {
		w := newWorld(t)
		one, two := w.line.Route(w.engine), w.process()
		w.textVia(one, w.texter, "i am going to kill myself tonight") // one remembers "are you safe?"
		first := handleOf(t, w.flush())
		w.textVia(two, w.resp[0], "TAKE "+first)
		w.textVia(two, w.resp[0], "CLOSE")
		w.textVia(two, w.texter, "thank you") // the close: back to the menu
		w.textVia(two, w.texter, "person")
		second := handleOf(t, w.flush())
		w.textVia(two, w.resp[1], "TAKE "+second)
		w.flush()
		w.textVia(one, w.texter, "no")
		if relayed := to(w.flush(), w.resp[1]); len(relayed) != 1 || relayed[0].Body != second+": no" {
			t.Errorf("holder got %+v, want a plain \"no\" once", relayed)
		}
		conv, err := w.line.View(context.Background(), second)
		if err != nil {
			t.Fatal(err)
		}
		if conv.Severity != "none" {
			t.Errorf("the new handoff was raised to %s by a question asked before it", conv.Severity)
		}
	})
}

// TestTakenAndClosedWithinASecond: a handoff a responder took and closed
// within a second of the texter's last message is closed, not a request
// to open again.
func TestTakenAndClosedWithinASecond(t *testing.T) {
	w := newWorld(t)
	w.text(w.texter, "PERSON")
	handle := handleOf(t, w.flush())
	w.advance(5 * time.Minute)
	w.text(w.texter, "hello?")
	w.advance(300 * time.Millisecond)
	w.text(w.resp[0], "TAKE "+handle)
	w.advance(400 * time.Millisecond)
	w.text(w.resp[0], "CLOSE")
	w.flush()
	w.advance(time.Minute)
	w.text(w.texter, "ok thanks")
	if _, total, err := w.line.Queue(context.Background(), 8); err != nil || total != 0 {
		t.Errorf("queue %d, %v; want nothing reopened", total, err)
	}
	nothingSent(t, w, "after the close")
}

// TestReopenWithinASecond: a request for a person that the line could not
// hear, within the second an earlier handoff closed, is opened by the
// next message: the earlier handoff was opened long before.
func TestReopenWithinASecond(t *testing.T) {
	w, _, _ := held(t)
	w.advance(10 * time.Minute)
	w.text(w.texter, "thank you for listening")
	w.advance(300 * time.Millisecond)
	w.text(w.resp[0], "CLOSE")
	w.flush()
	w.advance(200 * time.Millisecond)
	w.text(w.texter, "1") // back with the bot
	w.advance(200 * time.Millisecond)
	w.flaky.down.Store(true)
	if _, err := w.line.Route(w.engine).Handle(context.Background(), w.inbound(w.texter, "person")); err == nil {
		t.Fatal("no error though the line was down")
	}
	w.flaky.down.Store(false)
	w.advance(time.Second)
	w.text(w.texter, "hello?")
	if _, total, err := w.line.Queue(context.Background(), 8); err != nil || total != 1 {
		t.Errorf("queue %d, %v; want the request opened", total, err)
	}
}

// TestCrisisUnheardAfterClose: a crisis the line could not hear, after a
// responder closed the conversation, is answered with its referral; the
// texter, still waiting for a person, has a handoff opened by their next
// message.
func TestCrisisUnheardAfterClose(t *testing.T) {
	w := newWorld(t)
	w.text(w.texter, "PERSON")
	handle := handleOf(t, w.flush())
	w.advance(5 * time.Minute)
	w.text(w.resp[0], "TAKE "+handle)
	w.advance(time.Minute)
	w.text(w.resp[0], "CLOSE")
	w.flush()
	w.advance(time.Minute)
	w.flaky.down.Store(true)
	r, err := w.line.Route(w.engine).Handle(context.Background(), w.inbound(w.texter, "i want to kill myself"))
	w.flaky.down.Store(false)
	if err == nil || !strings.Contains(r.Text, "988") {
		t.Fatalf("line down: %q, %v; want the referral and an error", r.Text, err)
	}
	w.advance(time.Minute)
	w.text(w.texter, "hello?")
	if q, total, err := w.line.Queue(context.Background(), 8); err != nil || total != 1 {
		t.Errorf("queue %+v, %d, %v; want a handoff opened", q, total, err)
	}
}

// TestBurstOnManyProcesses: a phone that delivers several messages at
// once, each to another process, has every one relayed once.
func TestBurstOnManyProcesses(t *testing.T) {
	w, _, handle := held(t)
	const n = 6
	routes := make([]bot.Handler, n)
	for i := range routes {
		routes[i] = w.process()
		w.textVia(routes[i], w.texter, fmt.Sprintf("warm %d", i)) // each remembers the texter
	}
	w.flush()
	var wg sync.WaitGroup
	replies := make([]string, n)
	for i := range routes {
		wg.Go(func() { replies[i] = w.textVia(routes[i], w.texter, fmt.Sprintf("burst %d", i)) })
	}
	wg.Wait()
	for i, r := range replies {
		if r != "" {
			t.Errorf("message %d answered %q; want nothing: a person holds the conversation", i, r)
		}
	}
	if relayed := to(w.flush(), w.resp[0]); len(relayed) != n {
		t.Errorf("responder got %d relays, want %d", len(relayed), n)
	}
	for i := range n {
		keptOnce(t, w, handle, fmt.Sprintf("burst %d", i))
	}
}
