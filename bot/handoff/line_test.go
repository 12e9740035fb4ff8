package handoff_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot/duty"
	"github.com/textline/textline/bot/handoff"
	"github.com/textline/textline/content"
	"github.com/textline/textline/flows"
)

// TestWalk is the whole handoff: a request, the alert, TAKE, words both
// ways, CLOSE, and the bot again.
func TestWalk(t *testing.T) {
	w := newWorld(t)
	en := func(id string) string { return w.lib.Text(content.English, id) }

	reply := w.text(w.texter, "can i talk to a real person please")
	if reply != en("handoff.asked") {
		t.Fatalf("request: reply %q, want handoff.asked", reply)
	}
	contains(t, "request reply", reply, "988")
	if s := w.session().Flow.State(); s != flows.Waiting {
		t.Fatalf("texter in %s, want waiting", s)
	}

	sent := w.flush()
	for _, r := range w.resp {
		alerts := to(sent, r)
		if len(alerts) != 1 {
			t.Fatalf("responder got %d alerts, want 1: %+v", len(alerts), sent)
		}
		if strings.Contains(alerts[0].Body, w.texter[2:]) {
			t.Errorf("alert %q shows the texter's number", alerts[0].Body)
		}
		if alerts[0].From != lineNumber {
			t.Errorf("alert from %q, want the line's number %q", alerts[0].From, lineNumber)
		}
	}
	handle := handleOf(t, sent)

	if got := w.text(w.texter, "hello? anyone?"); got != en("handoff.waiting") {
		t.Errorf("while waiting: reply %q, want handoff.waiting", got)
	}

	got := w.text(w.resp[0], "take "+strings.ToLower(handle))
	contains(t, "TAKE reply", got, "You have "+handle)
	contains(t, "TAKE reply", got, "> hello? anyone?")
	if strings.Contains(got, w.texter[2:]) {
		t.Errorf("TAKE reply %q shows the texter's number", got)
	}
	joined := to(w.flush(), w.texter)
	if len(joined) != 1 || joined[0].Body != en("handoff.joined_call") {
		t.Fatalf("texter got %+v, want handoff.joined_call", joined)
	}
	contains(t, "second TAKE", w.text(w.resp[1], "TAKE "+handle), "already taken")

	if got := w.text(w.texter, "i just feel awful tonight"); got != "" {
		t.Errorf("texter's words while active got a bot reply %q", got)
	}
	if s := w.session().Flow.State(); s != flows.WithPerson {
		t.Fatalf("texter in %s, want with_person", s)
	}
	relayed := to(w.flush(), w.resp[0])
	if len(relayed) != 1 || relayed[0].Body != handle+": i just feel awful tonight" {
		t.Fatalf("responder got %+v, want the texter's words", relayed)
	}

	if got := w.text(w.resp[0], "I'm here with you. What happened tonight?"); got != "" {
		t.Errorf("responder's words got a reply %q", got)
	}
	out := to(w.flush(), w.texter)
	if len(out) != 1 || out[0].Body != "I'm here with you. What happened tonight?" {
		t.Fatalf("texter got %+v, want the responder's words", out)
	}
	if out[0].From != lineNumber {
		t.Errorf("relay from %q, want the line's number", out[0].From)
	}

	contains(t, "CLOSE reply", w.text(w.resp[0], "CLOSE"), handle+" is closed")
	closing := to(w.flush(), w.texter)
	if len(closing) != 1 || closing[0].Body != en("handoff.closed") {
		t.Fatalf("texter got %+v, want handoff.closed", closing)
	}
	if got := w.text(w.texter, "1"); !strings.Contains(got, w.lib.Tips(content.English)[0].Text) {
		t.Errorf("after CLOSE the bot answers again: got %q", got)
	}
	if s := w.session(); s.Flow.State() != flows.Tips || s.LineKnows() {
		t.Fatalf("after CLOSE: session %+v, want tips, away from the line", s)
	}

	want := []string{"opened", "alerted", "taken", "take refused", "replied", "closed", "sent"}
	trail := strings.Join(w.audit(), ",")
	for _, step := range want {
		if !strings.Contains(trail, step) {
			t.Errorf("audit %s lacks %q", trail, step)
		}
	}
	for _, s := range w.api.Sent() {
		for _, n := range append([]string{w.texter}, w.resp...) {
			if strings.Contains(s.Body, n[2:]) {
				t.Errorf("message %q shows a number", s.Body)
			}
		}
	}
}

// TestRacingTake: two responders take one handoff at once; one has it.
func TestRacingTake(t *testing.T) {
	for range 5 {
		w := newWorld(t)
		w.text(w.texter, "HUMAN")
		handle := handleOf(t, w.flush())
		replies := make([]string, 2)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() { replies[i] = w.text(w.resp[i], "TAKE "+handle) })
		}
		wg.Wait()
		won := 0
		for _, r := range replies {
			if strings.HasPrefix(r, "You have "+handle) {
				won++
			} else if !strings.Contains(r, "already taken") {
				t.Errorf("loser got %q", r)
			}
		}
		if won != 1 {
			t.Fatalf("%d responders hold %s: %q", won, handle, replies)
		}
		if joined := to(w.flush(), w.texter); len(joined) != 1 {
			t.Errorf("texter told of %d joins", len(joined))
		}
	}
}

// TestReminder: nobody takes it; after HANDOFF_REMIND the texter is
// reminded and the responders alerted again.
func TestReminder(t *testing.T) {
	w := newWorld(t)
	w.text(w.texter, "i want to talk to a human")
	w.flush()
	ctx := context.Background()
	w.advance(2 * time.Minute)
	if n, err := w.line.Tick(ctx); err != nil || n != 0 {
		t.Fatalf("tick before the reminder is due = %d, %v", n, err)
	}
	w.advance(time.Minute + time.Second)
	if n, err := w.line.Tick(ctx); err != nil || n != 1 {
		t.Fatalf("tick when due = %d, %v; want 1", n, err)
	}
	sent := w.flush()
	rem := to(sent, w.texter)
	if len(rem) != 1 || rem[0].Body != w.lib.Text(content.English, "handoff.reminder") {
		t.Fatalf("texter got %+v, want the reminder", rem)
	}
	contains(t, "reminder", rem[0].Body, "988")
	for _, r := range w.resp {
		again := to(sent, r)
		if len(again) != 1 {
			t.Fatalf("responder got %+v, want one alert again", again)
		}
		contains(t, "alert again", again[0].Body, "still waiting, 3 min")
	}
	if n, _ := w.line.Tick(ctx); n != 0 {
		t.Errorf("a second tick at once fired %d", n)
	}
}

// TestCrisisAlertsAtOnce: an imminent crisis opens a handoff in the same
// reply, and the alert is in the outbox before the reply is back.
func TestCrisisAlertsAtOnce(t *testing.T) {
	w := newWorld(t)
	reply := w.text(w.texter, "i have the pills in my hand and im going to take them all tonight")
	contains(t, "crisis reply", reply, "988")
	contains(t, "crisis reply", reply, w.lib.Text(content.English, "handoff.notice"))
	sent := w.flush()
	for _, r := range w.resp {
		alert := to(sent, r)
		if len(alert) != 1 {
			t.Fatalf("responder got %+v", alert)
		}
		contains(t, "alert", alert[0].Body, "imminent")
	}
}

// TestOffHours: outside HANDOFF_HOURS a request gets the 24/7 lines, and
// responders hear of it when they come on duty.
func TestOffHours(t *testing.T) {
	w := offHoursWorld(t)
	reply := w.text(w.texter, "PERSON")
	if reply != w.lib.Text(content.English, "handoff.off_hours") {
		t.Fatalf("off hours: reply %q", reply)
	}
	contains(t, "off-hours reply", reply, "741741")
	if len(w.flush()) != 0 {
		t.Fatal("responders alerted off hours")
	}
	if s := w.session(); s.WithLine() {
		t.Errorf("texter waits off hours: session %+v", s)
	}
	if got := w.text(w.texter, "1"); !strings.Contains(got, w.lib.Tips(content.English)[0].Text) {
		t.Errorf("off hours, the bot goes on: got %q", got)
	}
	q, total, err := w.line.Queue(context.Background(), 8)
	if err != nil || total != 1 || !q[0].OffHours {
		t.Fatalf("queue = %+v, %d, %v; want the off-hours request", q, total, err)
	}
	w.advance(45 * time.Hour) // Monday 09:00
	if n, err := w.line.Tick(context.Background()); err != nil || n != 1 {
		t.Fatalf("tick on duty = %d, %v", n, err)
	}
	sent := w.flush()
	if len(to(sent, w.resp[0])) != 1 || len(to(sent, w.texter)) != 0 {
		t.Fatalf("on duty: sent %+v, want alerts only", sent)
	}
	handle := handleOf(t, sent)
	contains(t, "TAKE", w.text(w.resp[0], "TAKE "+handle), "You have")
	w.flush()
	if got := w.text(w.texter, "thank you for answering"); got != "" {
		t.Errorf("after TAKE, the bot said %q", got)
	}
	if s := w.session(); s.Flow.State() != flows.WithPerson {
		t.Errorf("after TAKE: session %+v", s)
	}
	relayed := to(w.flush(), w.resp[0])
	if len(relayed) != 1 || relayed[0].Body != handle+": thank you for answering" {
		t.Errorf("responder got %+v, want the texter's words", relayed)
	}
}

// TestQueueOrderAndSeveral: the queue is by severity, then wait; a
// responder holding two addresses one with #handle.
func TestQueueOrderAndSeveral(t *testing.T) {
	w := newWorld(t)
	other := randomNumber()
	t.Cleanup(func() { forgetTexter(w, other) })
	w.text(w.texter, "PERSON")
	w.advance(time.Minute)
	w.text(other, "i am going to kill myself tonight")
	q, total, err := w.line.Queue(context.Background(), 8)
	if err != nil || total != 2 {
		t.Fatalf("queue %+v, %d, %v", q, total, err)
	}
	if q[0].Severity != "imminent" || q[1].Category != "request" {
		t.Fatalf("queue order %+v, want the crisis first", q)
	}
	list := w.text(w.resp[0], "LIST")
	if strings.Index(list, q[0].Handle) > strings.Index(list, q[1].Handle) {
		t.Errorf("LIST %q not in queue order", list)
	}
	w.text(w.resp[0], "TAKE "+q[0].Handle)
	w.text(w.resp[0], "TAKE "+q[1].Handle)
	w.flush()
	contains(t, "plain text with two held", w.text(w.resp[0], "hello"), "#")
	if got := w.text(w.resp[0], "#"+q[1].Handle+" hello there"); got != "" {
		t.Errorf("#handle got %q", got)
	}
	sent := to(w.flush(), w.texter)
	if len(sent) != 1 || sent[0].Body != "hello there" {
		t.Fatalf("texter got %+v", sent)
	}
	contains(t, "LIST when nobody waits", w.text(w.resp[1], "LIST"), "Nobody is waiting")
}

// TestCall: a texter's CALL during a handoff starts a call to them that is
// put through to the human line.
func TestCall(t *testing.T) {
	w := newWorld(t)
	w.text(w.texter, "PERSON")
	w.flush()
	if got := w.text(w.texter, "CALL"); got != w.lib.Text(content.English, "handoff.calling") {
		t.Fatalf("CALL: %q", got)
	}
	sent := to(w.flush(), w.texter)
	if len(sent) != 1 || sent[0].Kind != "call" || !strings.Contains(sent[0].Twiml, `<Dial timeout="30">+15550009999</Dial>`) {
		t.Fatalf("sent %+v, want a call put through to the human line", sent)
	}
}

// TestWhatsApp: a texter on WhatsApp is answered on WhatsApp; responders
// are texted by SMS from the same number.
func TestWhatsApp(t *testing.T) {
	w := newWorld(t)
	w.texter = "whatsapp:" + w.texter
	w.to = "whatsapp:" + lineNumber
	w.text(w.texter, "PERSON")
	sent := w.flush()
	handle := handleOf(t, sent)
	if alert := to(sent, w.resp[0]); len(alert) != 1 || alert[0].From != lineNumber {
		t.Fatalf("alert %+v, want SMS from %s", alert, lineNumber)
	}
	w.text(w.resp[0], "TAKE "+handle)
	joined := to(w.flush(), w.texter)
	if len(joined) != 1 || joined[0].From != "whatsapp:"+lineNumber {
		t.Fatalf("texter got %+v, want WhatsApp from the line", joined)
	}
}

// TestCancelAndTake: a texter who stopped waiting is out of the queue.
func TestCancelAndTake(t *testing.T) {
	w := newWorld(t)
	w.text(w.texter, "PERSON")
	handle := handleOf(t, w.flush())
	if got := w.text(w.texter, "MENU"); !strings.Contains(got, "1 Coping tips") {
		t.Fatalf("MENU while waiting: %q", got)
	}
	contains(t, "TAKE after the texter left", w.text(w.resp[0], "TAKE "+handle), "No open conversation")
	if _, total, _ := w.line.Queue(context.Background(), 8); total != 0 {
		t.Errorf("queue holds %d after the texter stopped waiting", total)
	}
}

// TestConsoleResponder: a responder without a phone takes, reads the
// transcript, notes, answers and closes, through the same operations.
func TestConsoleResponder(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.text(w.texter, "PERSON")
	handle := handleOf(t, w.flush())
	act := func(verb handoff.Verb, text string) handoff.Result {
		t.Helper()
		res, err := w.line.Act(ctx, handoff.Action{ID: fmt.Sprintf("web-%d", rand.Int64()), Responder: "web:sam", Verb: verb, Handle: handle, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := act(handoff.Take, ""); res.Reply != handoff.Taken {
		t.Fatalf("take: %+v", res)
	}
	w.flush()
	w.text(w.texter, "thanks for coming")
	if got := w.flush(); len(got) != 0 {
		t.Errorf("relayed by SMS to a console responder: %+v", got)
	}
	if err := w.line.Note(ctx, "note-1", "web:sam", handle, "sounds calmer"); err != nil {
		t.Fatal(err)
	}
	act(handoff.Say, "I'm here.")
	c, err := w.line.View(ctx, handle)
	if err != nil {
		t.Fatal(err)
	}
	var who []string
	for _, m := range c.Messages {
		who = append(who, string(m.From)+" "+m.Responder+": "+m.Text)
	}
	want := []string{"texter : PERSON", "texter : thanks for coming", "note web:sam: sounds calmer", "responder web:sam: I'm here."}
	if strings.Join(who, "\n") != strings.Join(want, "\n") {
		t.Errorf("transcript\n%s\nwant\n%s", strings.Join(who, "\n"), strings.Join(want, "\n"))
	}
	if c.Status != handoff.Active || c.Holder != "web:sam" || len(c.Audit) == 0 {
		t.Errorf("view %+v", c)
	}
	act(handoff.Close, "")
	if _, err := w.line.View(ctx, handle); err != handoff.ErrNotOpen {
		t.Errorf("view after close: %v", err)
	}
}

// TestFeed: consoles hear of a new handoff and of it being taken.
func TestFeed(t *testing.T) {
	w := newWorld(t)
	rdb, ok := w.rdb.(*redis.Client)
	if !ok {
		t.Fatal("the feed needs a pub/sub client")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changes, err := handoff.NewFeed(rdb, w.prefix).Changes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w.text(w.texter, "PERSON")
	handle := handleOf(t, w.flush())
	w.text(w.resp[0], "TAKE "+handle)
	for _, want := range []handoff.Happened{handoff.ChangeOpened, handoff.ChangeTaken} {
		select {
		case c := <-changes:
			if c.Handle != handle || c.What != want {
				t.Errorf("change %+v, want %s %s", c, handle, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no %s change", want)
		}
	}
}

// TestLeftWhileHeld: a texter who opted out while held is out of their
// responder's hands: the responder's words and PASS reach nobody, and
// nothing reopens.
func TestLeftWhileHeld(t *testing.T) {
	w := newWorld(t)
	w.text(w.texter, "PERSON")
	handle := handleOf(t, w.flush())
	w.text(w.resp[0], "TAKE "+handle)
	w.flush()
	w.text(w.texter, "STOP")
	w.text(w.texter, "START")
	w.flush()
	contains(t, "words after the texter left", w.text(w.resp[0], "are you still there?"), "aren't holding")
	contains(t, "PASS after the texter left", w.text(w.resp[0], "PASS"), "aren't holding")
	if sent := w.flush(); len(sent) != 0 {
		t.Errorf("sent after the texter left: %+v", sent)
	}
	if s := w.session().Flow.State(); s != flows.Menu {
		t.Errorf("texter in %s, want the menu", s)
	}
	if _, total, _ := w.line.Queue(context.Background(), 8); total != 0 {
		t.Errorf("%d in the queue", total)
	}
	n, _ := w.line.Tick(context.Background())
	if n != 0 {
		t.Errorf("tick fired %d", n)
	}
}

// TestStopEndsAnOffHoursRequest: a texter who asked off hours and then
// sent STOP is not announced to responders when duty starts.
func TestStopEndsAnOffHoursRequest(t *testing.T) {
	w := offHoursWorld(t)
	w.text(w.texter, "PERSON")
	w.text(w.texter, "STOP")
	w.advance(45 * time.Hour) // Monday 09:00
	if n, err := w.line.Tick(context.Background()); err != nil || n != 0 {
		t.Errorf("tick on duty = %d, %v; want nothing to announce", n, err)
	}
	if sent := w.flush(); len(sent) != 0 {
		t.Errorf("sent %+v, want nothing", sent)
	}
	if _, total, _ := w.line.Queue(context.Background(), 8); total != 0 {
		t.Errorf("%d in the queue", total)
	}
}

// offHoursWorld is a world whose responders are on duty on weekdays from
// 09:00 to 17:00 UTC, on a Saturday at noon.
func offHoursWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t)
	hours, err := duty.ParseHours("UTC Mon-Fri 09:00-17:00")
	if err != nil {
		t.Fatal(err)
	}
	w.line.Hours = hours
	w.engine.OnDuty = hours.Open
	w.now = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	return w
}
