package handoff_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/content"
)

var errInjected = errors.New("injected fault")

// fault is a go-redis hook that fails one command: the n-th it sees once
// armed, before it reaches Redis (the write is lost) or after (the write
// is done, its answer lost). Armed at -1, it fails every command; at 0,
// none (it counts them).
type fault struct {
	mu    sync.Mutex
	armed bool
	at    int
	after bool
	seen  int
}

func (f *fault) arm(at int, after bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armed, f.at, f.after, f.seen = true, at, after, 0
}

// disarm stops failing and returns how many commands went by.
func (f *fault) disarm() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armed = false
	return f.seen
}

// hit counts a command and reports whether it is the one to fail.
func (f *fault) hit() (fail, after bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.armed {
		return false, false
	}
	f.seen++
	return f.at < 0 || f.seen == f.at, f.after
}

func (f *fault) DialHook(next redis.DialHook) redis.DialHook { return next }

func (f *fault) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		return f.send(func() error { return next(ctx, cmd) }, cmd)
	}
}

func (f *fault) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		return f.send(func() error { return next(ctx, cmds) }, cmds...)
	}
}

// send runs one trip to Redis, or fails it when it is the one to fail:
// before it is sent, or after it landed.
func (f *fault) send(trip func() error, cmds ...redis.Cmder) error {
	fail, after := f.hit()
	if !fail {
		return trip()
	}
	if after {
		if err := trip(); err != nil {
			return err
		}
	}
	for _, c := range cmds {
		c.SetErr(errInjected)
	}
	return errInjected
}

// TestRelayUnderFaults fails, in turn, each write a texter's message to
// the person who holds their conversation makes, before and after it
// lands; Twilio's retry of the same MessageSid then relays it exactly
// once, it is in the transcript once, and no key is left half-written or
// without its expiry.
func TestRelayUnderFaults(t *testing.T) {
	writes := relayWrites(t)
	if writes < 2 {
		t.Fatalf("a relayed message made %d writes; the test expects the session's and the human line's", writes)
	}
	for at := 1; at <= writes; at++ {
		for _, after := range []bool{false, true} {
			t.Run(fmt.Sprintf("write %d, %s", at, map[bool]string{false: "lost", true: "answer lost"}[after]), func(t *testing.T) {
				w, f, handle := held(t)

				in := bot.Inbound{ID: fmt.Sprintf("SMfault%d%v%d", at, after, time.Now().UnixNano()), From: w.pseudo.Texter(w.texter),
					To: w.to, Body: "are you still there", At: w.clock()}
				route := w.line.Route(w.engine)
				f.arm(at, after)
				reply, err := route.Handle(context.Background(), in)
				f.disarm()
				if err != nil && !strings.Contains(reply.Text, "988") {
					t.Errorf("failed message answered %q, want a reply with 988", reply.Text)
				}
				if _, err := route.Handle(context.Background(), in); err != nil {
					t.Fatalf("Twilio's retry: %v", err)
				}
				relayed := to(w.flush(), w.resp[0])
				if len(relayed) != 1 || relayed[0].Body != handle+": are you still there" {
					t.Errorf("responder got %d relays %+v, want the words once", len(relayed), relayed)
				}
				keptOnce(t, w, handle, "are you still there")
				w.text(w.resp[0], "CLOSE")
				w.flush()
				noOrphans(t, w)
			})
		}
	}
}

// held is a world whose texter the first responder holds, with a fault
// hook on its Redis client; and the handoff's handle.
func held(t *testing.T) (*world, *fault, string) {
	t.Helper()
	w := newWorld(t)
	f := &fault{}
	w.rdb.(*redis.Client).AddHook(f)
	w.text(w.texter, "PERSON")
	handle := handleOf(t, w.flush())
	w.text(w.resp[0], "TAKE "+handle)
	w.flush()
	return w, f, handle
}

// relayWrites counts the round trips of one relayed message.
func relayWrites(t *testing.T) int {
	w, f, _ := held(t)
	f.arm(0, false)
	w.text(w.texter, "counting")
	return f.disarm()
}

// noOrphans checks what a closed handoff leaves: nothing waiting to be
// sent, no pointer to an open handoff, and every key of the test with an
// expiry but the line's counters and indexes.
func noOrphans(t *testing.T, w *world) {
	t.Helper()
	ctx := context.Background()
	keep := map[string]bool{w.prefix + "seq": true, w.prefix + "queue": true, w.prefix + "outbox": true}
	for _, pattern := range []string{w.prefix + "*", "tl:{" + w.pseudo.Texter(w.texter).ID() + "}*"} {
		keys, err := w.rdb.Keys(ctx, pattern).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if keep[k] {
				continue
			}
			if strings.Contains(k, "}:out:") || strings.Contains(k, "}:open:") || strings.Contains(k, "}:texter:") {
				t.Errorf("left behind: %s", k)
				continue
			}
			if ttl, _ := w.rdb.PTTL(ctx, k).Result(); ttl < 0 {
				t.Errorf("%s has no expiry", k)
			}
		}
	}
	if n, _ := w.rdb.ZCard(ctx, w.prefix+"queue").Result(); n != 0 {
		t.Errorf("%d handoffs still queued", n)
	}
	if n, _ := w.rdb.ZCard(ctx, w.prefix+"outbox").Result(); n != 0 {
		t.Errorf("%d items still in the outbox", n)
	}
}

// TestCloseIsOneWrite: a responder's CLOSE changes only the human line,
// in one commit. Lost before it lands, nothing changed: the texter is
// still with the responder. Landed with its answer lost, the same CLOSE
// again answers as the first did. Either way the texter's next message
// after the close goes to the bot, with nothing to repair.
func TestCloseIsOneWrite(t *testing.T) {
	for _, after := range []bool{false, true} {
		t.Run(fmt.Sprintf("answer lost %v", after), func(t *testing.T) {
			w, f, handle := held(t)
			closing := bot.Inbound{ID: fmt.Sprintf("SMclose%d", time.Now().UnixNano()), From: w.pseudo.Texter(w.resp[0]), To: w.to, Body: "CLOSE", At: w.clock()}
			f.arm(1, after)
			if _, err := w.line.Route(w.engine).Handle(context.Background(), closing); err == nil {
				t.Fatal("CLOSE reported no error though its commit failed")
			}
			if n := f.disarm(); n != 1 {
				t.Errorf("CLOSE made %d commands, want 1", n)
			}
			if !after {
				if got := w.text(w.texter, "are you still there?"); got != "" {
					t.Errorf("CLOSE lost: the bot said %q", got)
				}
				if relayed := to(w.flush(), w.resp[0]); len(relayed) != 1 {
					t.Errorf("CLOSE lost: responder got %+v, want the texter's words", relayed)
				}
				closing.ID += "-again"
			}
			r, err := w.line.Route(w.engine).Handle(context.Background(), closing)
			if err != nil || !strings.Contains(r.Text, handle+" is closed") {
				t.Fatalf("CLOSE again: %q, %v", r.Text, err)
			}
			if closed := to(w.flush(), w.texter); len(closed) != 1 || closed[0].Body != w.lib.Text(content.English, "handoff.closed") {
				t.Errorf("texter got %+v, want handoff.closed once", closed)
			}
			if got := w.text(w.texter, "1"); !strings.Contains(got, w.lib.Tips(content.English)[0].Text) {
				t.Errorf("after CLOSE the bot answers: %q", got)
			}
			if s := w.session(); s.LineKnows() {
				t.Errorf("after CLOSE: session %+v still with the line", s)
			}
			if sent := to(w.flush(), w.resp[0]); len(sent) != 0 {
				t.Errorf("the responder still got %+v", sent)
			}
		})
	}
}

// TestCrisisFallbackToldLater: a crisis whose session cannot be stored is
// answered with the crisis fallback; once Redis answers again, the human
// line opens a handoff for it and alerts every responder, once, however
// often it is told. The texter's next message finds them waiting.
func TestCrisisFallbackToldLater(t *testing.T) {
	for _, after := range []bool{false, true} {
		t.Run(map[bool]string{false: "commit lost", true: "answer lost"}[after], func(t *testing.T) {
			w := newWorld(t)
			f := &fault{}
			w.rdb.(*redis.Client).AddHook(f)
			later := bot.NewLater(w.line, w.store)
			later.Now, later.Log = w.clock, quiet()
			w.engine.Later = later

			in := w.inbound(w.texter, "i want to kill myself tonight")
			f.arm(-1, after)
			reply, err := w.line.Route(w.engine).Handle(context.Background(), in)
			f.disarm()
			var failed *bot.Failure
			if !errors.As(err, &failed) || !strings.Contains(reply.Text, "988") {
				t.Fatalf("reply %q, %v; want the crisis fallback and the failure", reply.Text, err)
			}
			if later.Waiting() != 1 {
				t.Fatalf("%d waiting to be told, want the crisis", later.Waiting())
			}
			for range 3 {
				later.Retry(context.Background())
				w.advance(time.Second)
			}
			if later.Waiting() != 0 {
				t.Fatalf("%d still waiting after Redis came back", later.Waiting())
			}
			sent := w.flush()
			for _, r := range w.resp {
				got := to(sent, r)
				if len(got) != 1 || !strings.Contains(got[0].Body, "suicide_risk") {
					t.Errorf("responder %s got %+v, want one crisis alert", r, got)
				}
			}
			later.Add(context.Background(), bot.HandoffRequest{Kind: bot.HandoffOpen, Texter: w.pseudo.Texter(w.texter), To: w.to,
				MessageID: in.ID, Verdict: failed.Verdict, Lang: content.English})
			later.Retry(context.Background())
			if again := w.flush(); len(again) != 0 {
				t.Errorf("told twice: sent %+v", again)
			}
			next := w.text(w.texter, "hello?")
			contains(t, "next reply", next, w.lib.Text(content.English, "handoff.waiting"))
		})
	}
}

// TestReopenKeepsSeverity: a crisis's handoff that never opened (the
// human line was down, and nothing retried it) is opened by the texter's
// next message at the crisis's risk, not as a plain request.
func TestReopenKeepsSeverity(t *testing.T) {
	w := newWorld(t)
	w.flaky.down.Store(true)
	reply, err := w.line.Route(w.engine).Handle(context.Background(), w.inbound(w.texter, "i want to kill myself tonight"))
	if err == nil || !strings.Contains(reply.Text, "988") {
		t.Fatalf("reply %q, %v; want the crisis reply and the human line's failure", reply.Text, err)
	}
	w.flaky.down.Store(false)
	if got := w.flush(); len(got) != 0 {
		t.Fatalf("sent %+v while the line was down", got)
	}
	w.text(w.texter, "hello? is anyone there")
	alerts := to(w.flush(), w.resp[0])
	if len(alerts) != 1 || !strings.Contains(alerts[0].Body, "(suicide_risk, imminent)") {
		t.Errorf("alerts %+v, want the handoff at the crisis's risk", alerts)
	}
}
