package handoff_test

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/textline/textline/bot/handoff"
	"github.com/textline/textline/bot/outbox"
	"github.com/textline/textline/bot/safety"
)

// activeWorld is a world whose texter is in a conversation held by the
// first responder, with everything sent so far flushed.
func activeWorld(t *testing.T) (*world, string) {
	t.Helper()
	w := newWorld(t)
	w.text(w.texter, "PERSON")
	handle := handleOf(t, w.flush())
	w.text(w.resp[0], "TAKE "+handle)
	w.flush()
	return w, handle
}

// TestOutboxSurvivesRestart: a worker dies with a message claimed and not
// sent; after its lease another process sends it, once.
func TestOutboxSurvivesRestart(t *testing.T) {
	w, _ := activeWorld(t)
	w.text(w.resp[0], "are you still there?")

	dead := outbox.New(w.rdb, w.prefix, hang{}, w.store, w.seal)
	dead.Now = w.clock
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel() // the process dies mid-send
	if n, _ := dead.Flush(ctx); n != 0 {
		t.Fatalf("a dead worker sent %d", n)
	}
	if got := w.flush(); len(got) != 0 {
		t.Fatalf("sent %+v while the dead worker's lease holds", got)
	}
	w.advance(31 * time.Second)
	got := to(w.flush(), w.texter)
	if len(got) != 1 || got[0].Body != "are you still there?" {
		t.Fatalf("after the lease: %+v, want the message once", got)
	}
	w.advance(time.Hour)
	if again := w.flush(); len(again) != 0 {
		t.Fatalf("sent again: %+v", again)
	}
}

// TestOutboxStatusSettles: a worker dies after Twilio took the message;
// the status callback settles it, so it is not sent twice.
func TestOutboxStatusSettles(t *testing.T) {
	w, _ := activeWorld(t)
	w.text(w.resp[0], "hello")
	ids, err := w.rdb.ZRange(context.Background(), w.prefix+"outbox", 0, -1).Result()
	if err != nil || len(ids) != 1 {
		t.Fatalf("outbox holds %q, %v", ids, err)
	}
	if err := w.out.Status(context.Background(), ids[0], "SM1", "sent", 0); err != nil {
		t.Fatal(err)
	}
	w.advance(time.Minute)
	if got := w.flush(); len(got) != 0 {
		t.Fatalf("sent after the status callback settled it: %+v", got)
	}
	if err := w.out.Status(context.Background(), "../../x", "SM1", "sent", 0); err == nil {
		t.Error("a status for a made-up id was taken")
	}
}

// TestOutbox429: Twilio says 429; the messages go out on a retry, still
// in order.
func TestOutbox429(t *testing.T) {
	w, handle := activeWorld(t)
	w.api.FailNext(1, 429, 20429)
	w.text(w.texter, "are you there")
	w.advance(time.Millisecond)
	w.text(w.texter, "please answer")
	if got := w.flush(); len(got) != 0 {
		t.Fatalf("sent %+v through a 429", got)
	}
	w.advance(2 * time.Second)
	got := to(w.flush(), w.resp[0])
	if len(got) != 2 || got[0].Body != handle+": are you there" || got[1].Body != handle+": please answer" {
		t.Fatalf("after the retry: %+v, want both in order", got)
	}
	if !strings.Contains(strings.Join(w.audit(), ","), "sent") {
		t.Error("the send is not in the audit trail")
	}
}

// TestOutboxPermanentFailure: an error retrying cannot fix drops the
// message, recorded, without retrying for ever.
func TestOutboxPermanentFailure(t *testing.T) {
	w, _ := activeWorld(t)
	w.api.FailNext(1, 400, 21211)
	w.text(w.resp[0], "hi")
	before := w.api.Requests()
	w.flush()
	w.advance(time.Hour)
	w.flush()
	if n := w.api.Requests() - before; n != 1 {
		t.Errorf("%d requests for a message Twilio refused for good, want 1", n)
	}
	if !strings.Contains(strings.Join(w.audit(), ","), "not_sent") {
		t.Errorf("audit %q lacks the failure", w.audit())
	}
}

// TestOptedOutNeverMessaged: STOP during a handoff ends it; nothing is
// sent to the texter after, not even what was queued before.
func TestOptedOutNeverMessaged(t *testing.T) {
	w, handle := activeWorld(t)
	w.text(w.resp[0], "queued before the STOP")
	if got := w.text(w.texter, "STOP"); got != "" {
		t.Fatalf("STOP got a reply %q", got)
	}
	sent := w.flush()
	if got := to(sent, w.texter); len(got) != 0 {
		t.Fatalf("sent to an opted-out texter: %+v", got)
	}
	left := to(sent, w.resp[0])
	if len(left) != 1 || !strings.Contains(left[0].Body, handle+" opted out") {
		t.Fatalf("holder told %+v", left)
	}
	w.text(w.resp[0], "hello?")
	w.text(w.resp[0], "#"+handle+" hello?")
	w.text(w.resp[0], "CLOSE "+handle)
	w.advance(time.Hour)
	if got := to(w.flush(), w.texter); len(got) != 0 {
		t.Fatalf("sent to an opted-out texter: %+v", got)
	}
	// A crisis from them now reaches the responders only.
	if got := w.text(w.texter, "i am going to kill myself tonight"); got != "" {
		t.Fatalf("opted-out crisis got a reply %q", got)
	}
	sent = w.flush()
	if len(to(sent, w.texter)) != 0 || len(to(sent, w.resp[1])) != 1 {
		t.Fatalf("opted-out crisis: sent %+v, want alerts only", sent)
	}
	contains(t, "alert", to(sent, w.resp[1])[0].Body, "opted out")
}

// hang is a sender whose sends never finish before the context ends.
type hang struct{}

func (hang) SendSMS(ctx context.Context, _, _, _, _ string) (string, error) {
	<-ctx.Done()
	return "", ctx.Err()
}

func (h hang) Call(ctx context.Context, to, from, twiml, callback string) (string, error) {
	return h.SendSMS(ctx, to, from, twiml, callback)
}

// TestCrisisFlaggedToHolder: a crisis while a responder holds the
// conversation reaches them flagged, and raises the handoff.
func TestCrisisFlaggedToHolder(t *testing.T) {
	w, handle := activeWorld(t)
	reply := w.text(w.texter, "i took a whole bottle of pills")
	contains(t, "crisis reply", reply, "911")
	got := to(w.flush(), w.resp[0])
	if len(got) != 1 || !strings.HasPrefix(got[0].Body, handle+" [overdose, ") {
		t.Fatalf("holder got %+v, want the words flagged", got)
	}
	if !strings.Contains(strings.Join(w.audit(), ","), "raised") {
		t.Errorf("audit %q lacks the raise", w.audit())
	}
	c, err := w.line.View(context.Background(), handle)
	if err != nil {
		t.Fatal(err)
	}
	last := c.Messages[len(c.Messages)-1]
	if last.From != handoff.FromTexter || last.Category != safety.Overdose {
		t.Errorf("transcript's last message %+v, want it flagged", last)
	}
}

// TestDeleteErasesTranscripts: DELETE takes the texter's words and address
// out of their past handoffs; the audit trail keeps that it happened.
func TestDeleteErasesTranscripts(t *testing.T) {
	w, _ := activeWorld(t)
	w.text(w.texter, "something private")
	w.text(w.resp[0], "CLOSE")
	w.flush()
	ctx := context.Background()
	logs, _ := w.rdb.Keys(ctx, w.prefix+"said:*").Result()
	if len(logs) != 1 {
		t.Fatalf("transcripts before DELETE: %q", logs)
	}
	w.text(w.texter, "DELETE")
	w.text(w.texter, "DELETE")
	if logs, _ := w.rdb.Keys(ctx, w.prefix+"said:*").Result(); len(logs) != 0 {
		t.Errorf("transcripts after DELETE: %q", logs)
	}
	recs, _ := w.rdb.Keys(ctx, w.prefix+"h:*").Result()
	for _, k := range recs {
		var r handoff.Record
		s, _ := w.rdb.Get(ctx, k).Result()
		if err := json.Unmarshal([]byte(s), &r); err != nil {
			t.Fatal(err)
		}
		if r.Addr != "" || r.Texter != "" || len(r.Recent) != 0 || !r.Erased {
			t.Errorf("%s keeps %+v after DELETE", k, r)
		}
	}
	if !strings.Contains(strings.Join(w.audit(), ","), "erased") {
		t.Errorf("audit %q lacks the erasure", w.audit())
	}
	// Only the outbox's note to send them nothing more names them.
	keys, _ := w.rdb.Keys(ctx, w.prefix+"*"+w.pseudo.Texter(w.texter).ID()+"*").Result()
	if keys = slices.DeleteFunc(keys, func(k string) bool { return strings.HasPrefix(k, w.prefix+"forgot:") }); len(keys) != 0 {
		t.Errorf("keys naming the texter after DELETE: %q", keys)
	}
}

// TestOutboxOrderAfterFailures: a 429, then a 500, on the first of three
// messages to a responder's phone; they arrive 1, 2, 3.
func TestOutboxOrderAfterFailures(t *testing.T) {
	w, handle := activeWorld(t)
	w.api.FailNext(1, 429, 20429)
	for _, body := range []string{"one", "two", "three"} {
		w.text(w.texter, body)
		w.advance(time.Millisecond)
	}
	if got := w.flush(); len(got) != 0 {
		t.Fatalf("sent %+v through a 429", got)
	}
	w.api.FailNext(1, 500, 20500)
	var got []string
	for range 10 {
		w.advance(5 * time.Second)
		for _, s := range to(w.flush(), w.resp[0]) {
			got = append(got, s.Body)
		}
	}
	if want := []string{handle + ": one", handle + ": two", handle + ": three"}; !slices.Equal(got, want) {
		t.Errorf("delivered %q, want %q", got, want)
	}
}

var (
	severities = regexp.MustCompile(`\b(possible|moderate|high|imminent)\)`)
	urgency    = map[string]int{"possible)": 1, "moderate)": 2, "high)": 3, "imminent)": 4}
)

// TestAlertSurge: 40 crisis texts within a second, three responder
// phones, 300 ms per Twilio request. Every responder is told every
// waiting handle in a few messages, the alerts that piled up combined,
// the most urgent first, so it takes seconds, not the 12 s one message
// per alert would.
func TestAlertSurge(t *testing.T) {
	w := newWorldOf(t, 3)
	// Forty messages at once on a test machine: the subject is the
	// outbox, not how fast the session store answers under the race
	// detector.
	w.store.Timeout = 20 * time.Second
	w.api.Delay(300 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.out.Run(ctx, 50*time.Millisecond) }()
	defer func() { cancel(); <-done }()

	texters := make([]string, 40)
	var wg sync.WaitGroup
	for i := range texters {
		texters[i] = randomNumber()
		t.Cleanup(func() { forgetTexter(w, texters[i]) })
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := "i want to kill myself"
			if i%4 == 0 {
				body = "i took a whole bottle of pills"
			}
			reply, err := w.line.Route(w.engine).Handle(ctx, w.inbound(texters[i], body))
			if err != nil || !strings.Contains(reply.Text, "988") {
				t.Errorf("crisis reply %q, %v; want 988", reply.Text, err)
			}
		}()
	}
	wg.Wait()
	last := time.Now()
	q, total, err := w.line.Queue(ctx, 100)
	if err != nil || total != 40 {
		t.Fatalf("queue holds %d, %v; want 40", total, err)
	}
	deadline := time.After(20 * time.Second)
	for _, phone := range w.resp {
		for {
			told := map[string]bool{}
			msgs := to(w.api.Sent(), phone)
			for _, m := range msgs {
				for _, h := range q {
					if regexp.MustCompile(`\b` + h.Handle + `\b`).MatchString(m.Body) {
						told[h.Handle] = true
					}
				}
			}
			if len(told) == len(q) {
				if len(msgs) > 6 {
					t.Errorf("%s was told in %d messages, want the alerts combined", phone, len(msgs))
				}
				for _, m := range msgs {
					if !slices.IsSortedFunc(severities.FindAllString(m.Body, -1), func(a, b string) int { return urgency[b] - urgency[a] }) {
						t.Errorf("an alert puts a lower risk first:\n%s", m.Body)
					}
				}
				break
			}
			select {
			case <-deadline:
				t.Fatalf("%s told of %d of %d handles in %d messages", phone, len(told), len(q), len(msgs))
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	t.Logf("every responder told every handle %v after the last text; the first phone in %d messages", time.Since(last).Round(10*time.Millisecond), len(to(w.api.Sent(), w.resp[0])))
}

// TestClosedHandleRests: a closed conversation's handle is not given to
// the next texter at once, so a responder's late TAKE or words for it
// cannot reach someone else.
func TestClosedHandleRests(t *testing.T) {
	w, handle := activeWorld(t)
	w.text(w.resp[0], "CLOSE "+handle)
	ttl, err := w.rdb.PTTL(context.Background(), w.prefix+"rest:"+handle).Result()
	if err != nil || ttl <= 0 || ttl > time.Hour {
		t.Fatalf("closed handle %s rests for %v, %v; want up to an hour", handle, ttl, err)
	}
	for range 40 {
		n := randomNumber()
		t.Cleanup(func() { forgetTexter(w, n) })
		w.text(n, "PERSON")
	}
	for _, s := range w.flush() {
		if strings.Contains(s.Body, "TAKE "+handle+".") {
			t.Fatalf("handle %s given out again at once: %q", handle, s.Body)
		}
	}
}
