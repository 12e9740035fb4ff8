package bot_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/content"
	"github.com/textline/textline/flows"
)

// humanLine records what the engine asks of it, and keeps where it has
// the texter as the real line would: a handoff opens into the queue;
// tests move it as responders would (set).
type humanLine struct {
	mu    sync.Mutex
	got   []bot.HandoffRequest
	at    bot.Presence
	heard int // how many messages heard it first
}

func (h *humanLine) Hear(_ context.Context, _ bot.Texter, _ string, hr bot.Hearing) (bot.Heard, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.heard++
	found := h.at
	r := hr.Plans[found]
	kept := false
	if r != nil {
		// As the real line: a message is kept by a handoff that opens or
		// is open.
		open := found == bot.Queued || found == bot.Held
		kept = r.Text != "" && (r.Kind == bot.HandoffOpen || r.Kind == bot.HandoffAlert || r.Kind == bot.HandoffMessage && open)
		h.do(*r)
	}
	return bot.Heard{Presence: found, Kept: kept}, nil
}

func (h *humanLine) Handoff(_ context.Context, r bot.HandoffRequest) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.do(r)
	return nil
}

func (h *humanLine) do(r bot.HandoffRequest) {
	h.got = append(h.got, r)
	switch r.Kind {
	case bot.HandoffOpen:
		if h.at == bot.Away || h.at == bot.Closed {
			h.at = bot.Queued
		}
	case bot.HandoffLeave, bot.HandoffCancel, bot.HandoffErase:
		h.at = bot.Away
	}
}

// set moves the texter as a responder's TAKE, PASS or CLOSE would.
func (h *humanLine) set(p bot.Presence) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.at = p
}

func (h *humanLine) kinds() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var k []string
	for _, r := range h.got {
		k = append(k, string(r.Kind))
	}
	return strings.Join(k, ",")
}

func withLine(t *testing.T) (*conversation, *humanLine) {
	c := newConversation(t)
	h := &humanLine{}
	c.engine.HumanLine = h
	c.engine.Calls = true
	return c, h
}

// TestHandoffTurns: what a texter is told, and what the human line is
// asked, in each case of docs/ARCHITECTURE.md, "The human line".
func TestHandoffTurns(t *testing.T) {
	lib := library(t)
	en := func(id string) string { return lib.Text(content.English, id) }
	es := func(id string) string { return lib.Text(content.Spanish, id) }
	for _, tc := range []struct {
		name  string
		texts []string
		want  string // the last reply; "" for none
		kinds string
		state flows.State // the texter's state after
	}{
		{"keyword", []string{"hi", "PERSON"}, en("handoff.asked"), "open", flows.Waiting},
		{"talk", []string{"hi", "talk"}, en("handoff.asked"), "open", flows.Waiting},
		{"first message asks", []string{"can i talk to a real person"}, en("handoff.asked"), "open", flows.Waiting},
		{"spanish", []string{"quiero hablar con una persona"}, es("handoff.asked"), "open", flows.Waiting},
		{"negated is not a request", []string{"hi", "i dont want to talk to a person"}, "", "", flows.Menu},
		{"waiting", []string{"hi", "human", "hello?"}, en("handoff.waiting"), "open,open", flows.Waiting},
		{"flows silent", []string{"hi", "human", "1"}, en("handoff.waiting"), "open,open", flows.Waiting},
		{"menu stops waiting", []string{"hi", "human", "menu"}, en("menu"), "open,cancel", flows.Menu},
		{"delete stops waiting", []string{"hi", "human", "delete"}, en("delete_confirm"), "open,cancel", flows.ConfirmDelete},
		{"language while waiting", []string{"hi", "human", "espanol"}, es("handoff.waiting"), "open,open", flows.Waiting},
		{"no while waiting in crisis", []string{"hi", "i am going to kill myself tonight", "no"}, en("crisis.safe_no"), "open,open", flows.Waiting},
		{"call", []string{"hi", "human", "CALL"}, en("handoff.calling"), "open,call", flows.Waiting},
		{"stop ends it", []string{"hi", "human", "STOP"}, "", "open,leave", flows.OptedOut},
		{"help still answered", []string{"hi", "human", "help"}, en("help"), "open", flows.Waiting},
		{"crisis escalates", []string{"hi", "i am going to kill myself tonight"}, en("crisis.suicide_risk") + "\n" + en("handoff.notice"), "open", flows.Waiting},
		{"crisis while waiting", []string{"hi", "human", "i am going to kill myself tonight"}, en("crisis.suicide_risk"), "open,open", flows.Waiting},
		{"moderate crisis does not", []string{"hi", "i cut myself last night"}, en("crisis.self_harm"), "", flows.Crisis},
		{"not safe escalates", []string{"hi", "i cut myself last night", "no"}, en("crisis.safe_no") + "\n" + en("handoff.notice"), "open", flows.Waiting},
		{"opted-out crisis alerts", []string{"hi", "stop", "i am going to kill myself tonight"}, "", "leave,alert", flows.OptedOut},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, h := withLine(t)
			var got string
			for _, text := range tc.texts {
				got = c.send(text)
			}
			if tc.want != "" && got != tc.want {
				t.Errorf("reply %q\nwant %q", got, tc.want)
			}
			if tc.want == "" && tc.kinds == "" && strings.Contains(got, "join") {
				t.Errorf("reply %q offers a person unasked", got)
			}
			if k := h.kinds(); k != tc.kinds {
				t.Errorf("human line asked %q, want %q", k, tc.kinds)
			}
			if s := c.store.get(c.texter.ID()).Flow.State(); s != tc.state {
				t.Errorf("texter in %s, want %s", s, tc.state)
			}
		})
	}
}

// TestHandoffActiveIsSilent: while a responder holds it, the bot says
// nothing and relays; a crisis still gets the referral at once.
func TestHandoffActiveIsSilent(t *testing.T) {
	c, h := withLine(t)
	c.send("person")
	h.set(bot.Held)
	if got := c.send("thanks for being here"); got != "" {
		t.Errorf("active: bot said %q", got)
	}
	got := c.send("i took a bottle of pills")
	if !strings.Contains(got, "911") {
		t.Errorf("crisis while active: %q, want the overdose referral", got)
	}
	last := h.got[len(h.got)-1]
	if last.Verdict.Category != safety.Overdose || last.Text != "i took a bottle of pills" {
		t.Errorf("human line got %+v", last)
	}
}

// TestHandoffOffHours: outside HANDOFF_HOURS the request is recorded and
// the texter stays with the bot, with the 24/7 lines.
func TestHandoffOffHours(t *testing.T) {
	c, h := withLine(t)
	c.engine.OnDuty = func(time.Time) bool { return false }
	c.send("hi")
	if got := c.send("human"); got != library(t).Text(content.English, "handoff.off_hours") {
		t.Errorf("off hours: %q", got)
	}
	if len(h.got) != 1 || !h.got[0].OffHours {
		t.Errorf("human line got %+v, want an off-hours request", h.got)
	}
	if s := c.store.get(c.texter.ID()); s.Flow.State() != flows.Menu {
		t.Errorf("session %+v, want the menu", s)
	}
}

// TestHandoffFollowsTheLine: a responder's TAKE, PASS and CLOSE change
// only the human line; the texter's next message finds where they are.
func TestHandoffFollowsTheLine(t *testing.T) {
	lib := library(t)
	c, h := withLine(t)
	c.send("person")
	for _, step := range []struct {
		line  bot.Presence
		text  string
		want  string
		state flows.State
	}{
		{bot.Held, "hello?", "", flows.WithPerson},
		{bot.Queued, "are you there", lib.Text(content.English, "handoff.waiting"), flows.Waiting},
		{bot.Held, "ok", "", flows.WithPerson},
		// The texter was told when it closed; their next words go to
		// the bot, as at the menu.
		{bot.Closed, "2", lib.Text(content.English, "groups.ask_kind"), flows.GroupsKind},
	} {
		h.set(step.line)
		if got := c.send(step.text); !strings.HasPrefix(got, step.want) || step.want == "" && got != "" {
			t.Errorf("%v, %q: reply %q, want %q", step.line, step.text, got, step.want)
		}
		if s := c.store.get(c.texter.ID()).Flow.State(); s != step.state {
			t.Errorf("%v, %q: texter in %s, want %s", step.line, step.text, s, step.state)
		}
	}
	// With the bot again, the line is not asked first.
	before := h.heard
	c.send("menu")
	if h.heard != before {
		t.Error("a texter back with the bot still hears the line first")
	}
}

// TestCrisisAfterClose: after a responder closed the conversation, the
// old safety question no longer stands, and a new crisis that escalates
// opens a new handoff in the same step as its referral.
func TestCrisisAfterClose(t *testing.T) {
	lib := library(t)
	en := func(id string) string { return lib.Text(content.English, id) }
	c, h := withLine(t)
	c.send("i am going to kill myself tonight") // asks "are you safe right now?"
	h.set(bot.Held)
	c.send("i dont know")
	h.set(bot.Closed)
	if got := c.send("no"); strings.Contains(got, en("crisis.safe_no")) {
		t.Errorf("a NO after the close was read against the old question: %q", got)
	}
	if k := h.kinds(); k != "open,message" {
		t.Errorf("human line asked %q, want open,message", k)
	}
	if got := c.send("i took a bottle of pills"); got != en("crisis.overdose")+"\n"+en("handoff.notice") {
		t.Errorf("crisis after the close: %q, want the referral and the notice", got)
	}
	if last := h.got[len(h.got)-1]; last.Kind != bot.HandoffOpen || last.Verdict.Category != safety.Overdose {
		t.Errorf("human line got %+v, want an overdose handoff opened", last)
	}
	if s := c.store.get(c.texter.ID()).Flow.State(); s != flows.Waiting {
		t.Errorf("texter in %s, want waiting", s)
	}
}

// TestHandoffTakenOffHours: a request made off hours leaves the texter
// with the bot until a responder on duty takes it; then their words go to
// that person.
func TestHandoffTakenOffHours(t *testing.T) {
	c, h := withLine(t)
	c.engine.OnDuty = func(time.Time) bool { return false }
	c.send("hi")
	c.send("human")
	if got := c.send("1"); got == "" {
		t.Error("before it is taken, the bot answers")
	}
	h.set(bot.Held)
	if got := c.send("hi, thanks for answering"); got != "" {
		t.Errorf("taken: bot said %q", got)
	}
	if last := h.got[len(h.got)-1]; last.Kind != bot.HandoffMessage || last.Text != "hi, thanks for answering" {
		t.Errorf("human line got %+v, want the words relayed", last)
	}
}

// TestNoHumanLine: without one, a request for a person points to 988,
// and a texter left waiting when it was turned off gets the bot back.
func TestNoHumanLine(t *testing.T) {
	c := newConversation(t)
	c.send("hi")
	if got := c.send("PERSON"); got != library(t).Text(content.English, "talk.person") {
		t.Errorf("reply %q, want talk.person", got)
	}
	c.store.update(c.texter.ID(), func(s *bot.Session) { s.Flow.Fire(flows.EvPassed, true) })
	if got := c.send("menu"); got != library(t).Text(content.English, "menu") {
		t.Errorf("after the line was turned off: %q, want the menu", got)
	}
}

// TestHandoffNoRaises: a NO to "are you safe?" while waiting asks the
// human line for the most urgent level.
func TestHandoffNoRaises(t *testing.T) {
	c, h := withLine(t)
	c.send("i cut myself last night and i have the blade here")
	c.send("person")
	c.send("no")
	last := h.got[len(h.got)-1]
	if last.Kind != bot.HandoffOpen || last.Verdict.Severity != safety.Imminent {
		t.Errorf("human line got %+v, want an imminent open", last)
	}
}

// failingLine is a human line that cannot be reached.
type failingLine struct{}

func (failingLine) Hear(context.Context, bot.Texter, string, bot.Hearing) (bot.Heard, error) {
	return bot.Heard{}, errors.New("human line down")
}

func (failingLine) Handoff(context.Context, bot.HandoffRequest) error {
	return errors.New("human line down")
}

// When the human line cannot be heard or told, a texter who opted out
// still gets nothing; a crisis gets its own referral; anything else gets
// the fallback, with 988, and is not stored, so that it can be sent again.
func TestHumanLineDown(t *testing.T) {
	lib := library(t)
	for _, tc := range []struct {
		name  string
		texts []string
		want  string // the reply, or "" for nothing
		state flows.State
	}{
		{"STOP while waiting", []string{"hi", "person", "STOP"}, "", flows.OptedOut},
		{"crisis after STOP", []string{"hi", "STOP", "i am going to kill myself tonight"}, "", flows.OptedOut},
		{"words while waiting", []string{"hi", "person", "hello?"}, lib.Text(content.English, "fallback"), flows.Waiting},
		{"MENU while waiting", []string{"hi", "person", "menu"}, lib.Text(content.English, "fallback"), flows.Waiting},
		{"crisis while waiting", []string{"hi", "person", "i took a bottle of pills"}, lib.Text(content.English, "crisis.overdose"), flows.Waiting},
		{"NO to are you safe", []string{"i want to kill myself", "no"}, lib.Text(content.English, "crisis.safe_no"), flows.Waiting},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := withLine(t)
			var got string
			var err error
			for i, text := range tc.texts {
				if i == len(tc.texts)-1 {
					c.engine.HumanLine = failingLine{}
				}
				got, err = c.try(text)
			}
			if got != tc.want {
				t.Errorf("reply %q (%v)\nwant %q", got, err, tc.want)
			}
			if tc.want != "" && err == nil {
				t.Error("no error though the human line was down")
			}
			if s := c.store.get(c.texter.ID()).Flow.State(); s != tc.state {
				t.Errorf("texter in %s, want %s", s, tc.state)
			}
		})
	}
}
