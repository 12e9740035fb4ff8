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

// humanLine records what the engine hands it; its handoffs stay open
// unless closed is set.
type humanLine struct {
	mu     sync.Mutex
	got    []bot.HandoffRequest
	closed bool
}

func (h *humanLine) Handoff(_ context.Context, r bot.HandoffRequest) (bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.got = append(h.got, r)
	return !h.closed, nil
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
	c.store.update(c.texter.ID(), func(s *bot.Session) { s.Flow.Fire(flows.EvTaken, true) })
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

// TestHandoffRejoin: a handoff that ended without the session hearing of
// it gives the texter the bot back on their next message.
func TestHandoffRejoin(t *testing.T) {
	c, h := withLine(t)
	c.send("person")
	c.store.update(c.texter.ID(), func(s *bot.Session) { s.Flow.Fire(flows.EvTaken, true) })
	h.closed = true
	if got := c.send("hello?"); got != library(t).Text(content.English, "handoff.closed") {
		t.Errorf("reply %q, want handoff.closed", got)
	}
	if s := c.store.get(c.texter.ID()); s.Flow.State() != flows.Menu {
		t.Errorf("session %+v, want the menu", s)
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

func (failingLine) Handoff(context.Context, bot.HandoffRequest) (bool, error) {
	return false, errors.New("human line down")
}

// When the human line cannot be told, a texter who opted out still gets
// nothing; anyone else gets the line's reply or the fallback.
func TestHumanLineDown(t *testing.T) {
	for _, tc := range []struct {
		name   string
		texts  []string
		silent bool
	}{
		{"STOP while waiting", []string{"hi", "person", "STOP"}, true},
		{"crisis after STOP", []string{"hi", "STOP", "i am going to kill myself tonight"}, true},
		{"words while waiting", []string{"hi", "person", "hello?"}, false},
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
			if tc.silent && (got != "" || err != nil) {
				t.Errorf("opted out: reply %q, %v; want nothing", got, err)
			}
			if !tc.silent && !strings.Contains(got, "988") {
				t.Errorf("reply %q, want one with 988", got)
			}
		})
	}
}
