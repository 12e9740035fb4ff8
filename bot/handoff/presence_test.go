package handoff_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot/handoff"
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
		if sent := w.flush(); len(sent) != 0 {
			t.Errorf("sent %+v; want nothing: no handoff opens again", sent)
		}
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
		conv, err := w.line.View(context.Background(), handle)
		if err != nil {
			t.Fatal(err)
		}
		if n := said(conv.Messages, "hello? anyone?"); n != 1 {
			t.Errorf("the transcript holds the words %d times, want once", n)
		}
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
		if sent := w.flush(); len(sent) != 0 {
			t.Errorf("sent %+v after the close; want nothing", sent)
		}
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
		"R:TAKE", "menu", "R:CLOSE", "help", "STOP",
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
}

// said counts a text in a transcript.
func said(msgs []handoff.Said, text string) int {
	n := 0
	for _, m := range msgs {
		if m.Text == text {
			n++
		}
	}
	return n
}
