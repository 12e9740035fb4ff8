package bot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/content"
	"github.com/textline/textline/flows"
)

// conversation sends texts from one texter and returns the replies.
type conversation struct {
	t      *testing.T
	engine *bot.Engine
	store  *memSessions
	texter bot.Texter
	n      int
	clock  time.Duration // since the first message
}

// try sends body and returns the reply and the error, as the webhook
// would get them.
func (c *conversation) try(body string) (string, error) {
	c.n++
	c.clock += time.Minute
	r, err := c.engine.Handle(context.Background(), bot.Inbound{
		ID: fmt.Sprintf("SM%d", c.n), From: c.texter, Body: body, At: time.Unix(1_800_000_000, 0).Add(c.clock),
	})
	return r.Text, err
}

func newConversation(t *testing.T) *conversation {
	store := newMemSessions()
	e := newEngine(t, store)
	e.Log = quietLog()
	return &conversation{t: t, engine: e, store: store, texter: bot.NewPseudonymizer([]byte("k")).Texter("+15555550123")}
}

func (c *conversation) send(body string) string {
	c.t.Helper()
	r, err := c.try(body)
	if err != nil {
		c.t.Fatalf("send %q: %v", body, err)
	}
	return r
}

func TestOptOutWords(t *testing.T) {
	for _, word := range []string{"STOP", "stop", "Stop.", " STOP ", "StopAll", "UNSUBSCRIBE", "cancel", "END", "quit", "Revoke", "OPTOUT", "opt out", "Opt-Out", "stop!"} {
		t.Run(word, func(t *testing.T) {
			c := newConversation(t)
			c.send("hi")
			if got := c.send(word); got != "" {
				t.Errorf("reply to %q = %q, want nothing (the carrier confirms)", word, got)
			}
			if !c.store.get(c.texter.ID()).OptedOut() {
				t.Errorf("%q did not opt out", word)
			}
			for _, later := range []string{"hello", "1", "menu", "help", "stop"} {
				if got := c.send(later); got != "" {
					t.Errorf("after opt-out, %q got %q, want nothing", later, got)
				}
			}
			if got := c.send("START"); !strings.Contains(got, "1 Coping tips") {
				t.Errorf("START got %q, want the welcome menu", got)
			}
		})
	}
}

func TestNotAnOptOut(t *testing.T) {
	for _, text := range []string{"make it stop", "i just want it all to stop", "stop it", "please stop", "the end", "can i quit my job"} {
		t.Run(text, func(t *testing.T) {
			c := newConversation(t)
			c.send("hi")
			if got := c.send(text); got == "" {
				t.Errorf("%q got no reply; only the whole word opts out", text)
			}
			if c.store.get(c.texter.ID()).OptedOut() {
				t.Errorf("%q opted out", text)
			}
		})
	}
}

func TestEveryStateAnswersCrisis(t *testing.T) {
	// How to reach each state from a new texter.
	paths := map[flows.State][]string{
		flows.Welcome:       nil,
		flows.Menu:          {"hi"},
		flows.Tips:          {"hi", "1"},
		flows.GroupsKind:    {"hi", "2"},
		flows.GroupsWhere:   {"hi", "2", "1"},
		flows.GroupsResult:  {"hi", "2", "3"},
		flows.Talk:          {"hi", "3"},
		flows.Someone:       {"hi", "4"},
		flows.Learn:         {"hi", "5"},
		flows.Feedback:      {"hi", "1", "done"},
		flows.Crisis:        {"hi", "i want to kill myself"},
		flows.RiskCheck:     {"hi", "i just want it all to stop"},
		flows.ConfirmDelete: {"hi", "delete"},
	}
	for _, state := range flows.All {
		if state == flows.Waiting || state == flows.WithPerson || state == flows.OptedOut {
			continue // with the human line, or opted out: see handoff_test.go and crisis_opted_out.txt
		}
		for _, text := range []string{"i want to kill myself", "Quiero morir"} {
			t.Run(string(state)+"/"+text, func(t *testing.T) {
				c := newConversation(t)
				path, ok := paths[state]
				if !ok {
					t.Fatalf("no path to state %s", state)
				}
				for _, p := range path {
					c.send(p)
				}
				if got := c.store.get(c.texter.ID()).Flow.State(); state != flows.Welcome && got != state {
					t.Fatalf("path reached %s, want %s", got, state)
				}
				got := c.send(text)
				if !strings.Contains(got, "988") || c.store.get(c.texter.ID()).Flow.State() != flows.Crisis {
					t.Errorf("crisis in %s got %q, state %s; want the 988 referral and the crisis state", state, got, c.store.get(c.texter.ID()).Flow.State())
				}
			})
		}
	}
}

func TestFallbackWhenStoreFails(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"ordinary text", "hi", []string{"trouble", "988", "741741"}},
		{"crisis text", "i want to kill myself", []string{"988", "741741", "911"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := newMemSessions()
			store.err = errors.New("redis down")
			e := newEngine(t, store)
			e.Log = quietLog()
			r, err := e.Handle(context.Background(), bot.Inbound{ID: "SM1", From: bot.NewPseudonymizer(nil).Texter("+1555"), Body: tc.body})
			if err == nil {
				t.Error("no error from a failing store")
			}
			for _, w := range tc.want {
				if !strings.Contains(r.Text, w) {
					t.Errorf("fallback %q lacks %q", r.Text, w)
				}
			}
		})
	}
}

// panicking is a store whose step blows up, as a bug in the engine would.
type panicking struct{}

func (panicking) Apply(context.Context, string, string, bot.Update) (bot.Committed, error) {
	panic("boom")
}

func (panicking) Forget(string) {}

func TestPanicIsAReply(t *testing.T) {
	e := newEngine(t, panicking{})
	r, err := e.Handle(context.Background(), bot.Inbound{ID: "SM1", From: bot.NewPseudonymizer(nil).Texter("+1555"), Body: "hi"})
	if err == nil || !strings.Contains(r.Text, "988") || !strings.Contains(r.Text, "741741") {
		t.Errorf("panic gave %q, %v; want the fallback and an error", r.Text, err)
	}
}

func TestAlertsAreLoggedWithoutNumberOrText(t *testing.T) {
	var buf bytes.Buffer
	c := newConversation(t)
	c.engine.Log = slog.New(slog.NewJSONHandler(&buf, nil))
	c.send("hi")
	c.send("stop")
	body := "i want to end my life tonight"
	if got := c.send(body); got != "" {
		t.Errorf("opted-out texter in crisis got %q; nothing may be sent", got)
	}
	logs := buf.String()
	if !strings.Contains(logs, "crisis alert") || !strings.Contains(logs, c.texter.ID()) {
		t.Errorf("no alert with the pseudonym in the log:\n%s", logs)
	}
	for _, secret := range []string{c.texter.Addr(), "5555550123", body, "end my life"} {
		if strings.Contains(logs, secret) {
			t.Errorf("log carries %q:\n%s", secret, logs)
		}
	}
}

func TestRetriedMessageMovesOnce(t *testing.T) {
	c := newConversation(t)
	c.send("hi")
	in := bot.Inbound{ID: "SMretry", From: c.texter, Body: "1", At: time.Unix(1_800_000_000, 0)}
	first, err1 := c.engine.Handle(context.Background(), in)
	second, err2 := c.engine.Handle(context.Background(), in)
	if err1 != nil || err2 != nil || first != second {
		t.Errorf("retry got %q (%v), first %q (%v)", second, err2, first, err1)
	}
	if s := c.store.get(c.texter.ID()); s.TipNext != 1 || s.Turns != 2 {
		t.Errorf("after a retry: tip cursor %d, turns %d; want 1 and 2", s.TipNext, s.Turns)
	}
}

func TestTipsDoNotRepeatUntilAllShown(t *testing.T) {
	c := newConversation(t)
	c.send("hi")
	n := len(library(t).Tips("en"))
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		word := "more"
		if i == 0 {
			word = "tips"
		}
		tip, _, _ := strings.Cut(c.send(word), "\n\n")
		if seen[tip] {
			t.Fatalf("tip %d repeats before all %d were shown: %q", i+1, n, tip)
		}
		seen[tip] = true
	}
	tip, _, _ := strings.Cut(c.send("more"), "\n\n")
	if !seen[tip] {
		t.Errorf("after all %d tips, got an unknown one: %q", n, tip)
	}
}

// A retried crisis message gets the same reply and alerts the human line
// once, not once per delivery.
func TestRetriedCrisisAlertsOnce(t *testing.T) {
	var buf bytes.Buffer
	c := newConversation(t)
	c.engine.Log = slog.New(slog.NewJSONHandler(&buf, nil))
	in := bot.Inbound{ID: "SMcrisis", From: c.texter, Body: "i want to kill myself", At: time.Unix(1_800_000_000, 0)}
	for i := 0; i < 3; i++ {
		if r, err := c.engine.Handle(context.Background(), in); err != nil || !strings.Contains(r.Text, "988") {
			t.Fatalf("delivery %d: %q, %v", i+1, r.Text, err)
		}
	}
	if n := strings.Count(buf.String(), "crisis alert"); n != 1 {
		t.Errorf("%d alerts for one message delivered three times, want 1", n)
	}
}

// Only START, UNSTOP and YES opt back in: "ok" is what people answer the
// carrier's STOP confirmation with.
func TestOnlyStartOptsBackIn(t *testing.T) {
	for _, text := range []string{"ok", "okay", "si", "sure", "y", "yeah", "thanks", "menu", "hello"} {
		t.Run(text, func(t *testing.T) {
			c := newConversation(t)
			c.send("hi")
			c.send("STOP")
			if got := c.send(text); got != "" || !c.store.get(c.texter.ID()).OptedOut() {
				t.Errorf("after STOP, %q got %q; want silence and still opted out", text, got)
			}
		})
	}
	for _, text := range []string{"START", "unstop", "Yes"} {
		c := newConversation(t)
		c.send("hi")
		c.send("stop")
		if got := c.send(text); !strings.Contains(got, "1 Coping tips") {
			t.Errorf("after STOP, %q got %q; want the menu again", text, got)
		}
	}
}

// STOP forgets the conversation: only what keeps the line silent stays.
func TestOptOutForgetsTheConversation(t *testing.T) {
	c := newConversation(t)
	c.send("hi")
	c.send("i want to kill myself")
	c.send("yes")
	c.send("2")
	c.send("1")
	c.send("stop")
	got := c.store.get(c.texter.ID())
	want := bot.Session{Flow: got.Flow, Lang: "en", Turns: got.Turns, LastSeen: got.LastSeen}
	if got != want || !got.OptedOut() {
		t.Errorf("after STOP the session is %+v, want %+v", got, want)
	}
}

// A first message that is a keyword (but STOP and HELP) or a picture still
// gets the welcome, in the language the keyword implies.
func TestFirstMessageIsWelcomed(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"START", "automated support line"},
		{"menu", "automated support line"},
		{"ESPAÑOL", "linea de apoyo automatizada"},
		{"inicio", "linea de apoyo automatizada"},
		{"borrar", "linea de apoyo automatizada"},
		{"ENGLISH", "automated support line"},
		{"", "automated support line"},
		{"AYUDA", "Textline es una linea de apoyo automatizada, no un consejero"},
		{"HELP", "Textline is an automated support line, not a counselor"},
	} {
		t.Run(tc.text, func(t *testing.T) {
			c := newConversation(t)
			if got := c.send(tc.text); !strings.Contains(got, tc.want) {
				t.Errorf("first message %q got %q; want %q", tc.text, got, tc.want)
			}
		})
	}
}

// When the store fails, a STOP is still never answered.
func TestStopDuringOutageIsNotAnswered(t *testing.T) {
	store := newMemSessions()
	store.err = errors.New("redis down")
	e := newEngine(t, store)
	e.Log = quietLog()
	for _, text := range []string{"STOP", "stop", "unsubscribe"} {
		r, err := e.Handle(context.Background(), bot.Inbound{ID: "SM1", From: bot.NewPseudonymizer(nil).Texter("+1555"), Body: text})
		if err != nil || r.Text != "" {
			t.Errorf("%q during an outage got %q, %v; want no reply", text, r.Text, err)
		}
	}
}

// Invisible characters pasted into a word do not hide it from triage.
func TestInvisibleCharactersDoNotHideACrisis(t *testing.T) {
	for _, text := range []string{"i want to kill my\u00adself", "sui\u200bcide", "quiero\u200d morir"} {
		c := newConversation(t)
		c.send("hi")
		if got := c.send(text); !strings.Contains(got, "988") || c.store.get(c.texter.ID()).Flow.State() != flows.Crisis {
			t.Errorf("%q got %q; want the crisis referral", text, got)
		}
	}
}

// Every crisis category answers with its own referral (docs/SAFETY.md), as a
// first message and in the middle of a conversation, in both languages.
func TestCrisisReferrals(t *testing.T) {
	for _, tc := range []struct {
		category safety.Category
		text     string
		want     []string
	}{
		{"suicide_risk", "i want to kill myself", []string{"988", "741741", "911", "Are you safe right now?"}},
		{"suicide_risk", "me quiero matar", []string{"988", "marca 2", "AYUDA al 741741", "SI o NO"}},
		{"self_harm", "i keep cutting myself", []string{"988", "741741", "911"}},
		{"self_harm", "me corto los brazos", []string{"988", "marca 2"}},
		{"overdose", "i took a whole bottle of tylenol", []string{"911", "1-800-222-1222"}},
		{"overdose", "me tome un monton de pastillas", []string{"911", "1-800-222-1222"}},
		{"abuse_dv", "my husband hits me", []string{"1-800-799-7233", "START to 88788", "911", "safe to text"}},
		{"abuse_dv", "mi esposo me pega", []string{"1-800-799-7233", "START al 88788", "911"}},
		{"sexual_assault", "someone raped me last night", []string{"1-800-656-4673", "rainn.org", "911", "not your fault"}},
		{"sexual_assault", "me violaron", []string{"1-800-656-4673", "911"}},
		{"child_abuse", "im 12 and my dad hits me", []string{"1-800-422-4453", "911", "safe adult"}},
		{"child_abuse", "tengo 12 y mi papa me pega", []string{"1-800-422-4453", "911"}},
		{"medical_emergency", "my chest hurts and i cant breathe", []string{"911"}},
		{"medical_emergency", "no puedo respirar", []string{"911"}},
		{"harm_to_others", "i want to kill my boss", []string{"911", "988", "Is everyone safe"}},
		{"harm_to_others", "voy a lastimar a mi hermano", []string{"911", "988"}},
	} {
		for _, first := range []bool{true, false} {
			name := fmt.Sprintf("%s/%s/first=%v", tc.category, tc.text, first)
			t.Run(name, func(t *testing.T) {
				c := newConversation(t)
				if !first {
					c.send("hi")
					c.send("1")
				}
				got := c.send(tc.text)
				for _, w := range tc.want {
					if !strings.Contains(got, w) {
						t.Errorf("reply lacks %q:\n%s", w, got)
					}
				}
				s := c.store.get(c.texter.ID())
				if s.Flow.State() != flows.Crisis || s.Category != tc.category {
					t.Errorf("state %s, category %s; want crisis, %s", s.Flow.State(), s.Category, tc.category)
				}
			})
		}
	}
}

// Distress is met with support, never an alarm; a worried helper gets how
// to help.
func TestDistressAndHelperAreSupported(t *testing.T) {
	for _, tc := range []struct {
		text, want string
		state      flows.State
	}{
		{"i feel so lonely", "That sounds really lonely", flows.Menu},
		{"me siento muy sola", "Suena a mucha soledad", flows.Menu},
		{"my friend is suicidal how can i help", "you want to help", flows.Someone},
	} {
		for _, first := range []bool{true, false} {
			c := newConversation(t)
			if !first {
				c.send("hi")
				c.send("1")
			}
			got := c.send(tc.text)
			if !strings.Contains(got, tc.want) || c.store.get(c.texter.ID()).Flow.State() != tc.state {
				t.Errorf("%q (first %v) got %q in state %s; want %q in %s", tc.text, first, got, c.store.get(c.texter.ID()).Flow.State(), tc.want, tc.state)
			}
		}
	}
}

// A short reply is read in the light of the line's last question only
// while that question is fresh: "saturday" an hour after a crisis names no
// day for it.
func TestContextFades(t *testing.T) {
	for _, tc := range []struct {
		wait     time.Duration
		imminent bool
	}{
		{0, true},
		{2 * time.Hour, false},
	} {
		var buf bytes.Buffer
		c := newConversation(t)
		c.engine.Log = slog.New(slog.NewJSONHandler(&buf, nil))
		c.send("hi")
		c.send("i want to kill myself")
		c.clock += tc.wait
		c.send("saturday")
		if got := strings.Contains(buf.String(), `"severity":"imminent"`); got != tc.imminent {
			t.Errorf("\"saturday\" %v after a crisis: imminent %v, want %v; log %s", tc.wait, got, tc.imminent, buf.String())
		}
	}
}

// During a crisis a possible risk is answered as the crisis it may be,
// not with a new question.
func TestPossibleRiskDuringCrisis(t *testing.T) {
	c := newConversation(t)
	c.send("hi")
	c.send("i want to kill myself")
	got := c.send("i just want it all to stop")
	if !strings.Contains(got, "988") || strings.Contains(got, "thinking about suicide") {
		t.Errorf("possible risk in a crisis got %q; want the referral and no new question", got)
	}
	if s := c.store.get(c.texter.ID()).Flow.State(); s != flows.Crisis {
		t.Errorf("state %s, want %s", s, flows.Crisis)
	}
}

// "family" is a word of the menu's "someone I care about" and of the
// groups step's family groups: each step reads it as its own choice.
func TestChoiceWordsArePerStep(t *testing.T) {
	lib := library(t)
	for _, tc := range []struct {
		path []string
		want flows.State
		text string
	}{
		{[]string{"hi", "family"}, flows.Someone, "someone.main"},
		{[]string{"hi", "groups", "family"}, flows.GroupsWhere, "groups.ask_where"},
		{[]string{"hola", "familia"}, flows.Someone, "someone.main"},
		{[]string{"hola", "grupos", "familia"}, flows.GroupsWhere, "groups.ask_where"},
	} {
		c := newConversation(t)
		var got string
		for _, text := range tc.path {
			got = c.send(text)
		}
		s := c.store.get(c.texter.ID())
		if s.Flow.State() != tc.want || !strings.HasPrefix(got, lib.Text(s.Lang, tc.text)) {
			t.Errorf("%q: in %s with %q; want %s and %s", tc.path, s.Flow.State(), got, tc.want, tc.text)
		}
		if tc.want == flows.GroupsWhere && s.GroupKind != content.KindFamily {
			t.Errorf("%q: looking for %q groups, want family", tc.path, s.GroupKind)
		}
	}
}

// Crisis triage runs before the understanding: a clear request that also
// signals danger gets the crisis referral, from the middle of any path.
func TestCrisisWinsOverIntent(t *testing.T) {
	for _, tc := range []struct {
		path []string
		text string
	}{
		{[]string{"hi", "1"}, "can you find me a support group, i want to kill myself tonight"},
		{[]string{"hi", "2"}, "who runs this? i took all my pills"},
		{[]string{"hi", "5"}, "thanks but i dont want to be alive anymore"},
		{[]string{"hola", "1"}, "dame consejos, ya no quiero vivir"},
	} {
		c := newConversation(t)
		for _, m := range tc.path {
			c.send(m)
		}
		got := c.send(tc.text)
		if st := c.store.get(c.texter.ID()).Flow.State(); st != flows.Crisis && st != flows.RiskCheck || !strings.Contains(got, "988") && !strings.Contains(got, "911") {
			t.Errorf("%q after %v: %q in state %s; want its crisis referral", tc.text, tc.path, got, st)
		}
	}
}

// A text the line cannot follow says so and offers options; the second
// in a row offers a person first; anything understood clears the count.
func TestMissesOfferAPerson(t *testing.T) {
	c := newConversation(t)
	c.send("hi")
	if got := c.send("blah blah"); !strings.Contains(got, "automated line") || !strings.Contains(got, "988") {
		t.Errorf("first miss: %q", got)
	}
	if got := c.send("purple monkey dishwasher"); !strings.HasPrefix(got, "Sorry, I'm still not following. To talk with a person now, call or text 988") {
		t.Errorf("second miss: %q", got)
	}
	c.send("who runs this?")
	if got := c.send("zxcvb qwerty"); !strings.Contains(got, "couldn't follow") {
		t.Errorf("a miss after an understood text: %q; want the first miss again", got)
	}
	if c.store.get(c.texter.ID()).Flow.State() != flows.Menu {
		t.Errorf("a miss moved the texter to %s", c.store.get(c.texter.ID()).Flow.State())
	}
}

// Only the safety question's own YES and NO answer it: a vague reply in
// free words asks again, with the referral.
func TestSafetyQuestionsTakeOnlyTheirAnswers(t *testing.T) {
	for _, tc := range []struct {
		crisis string
		reply  string
		state  flows.State
	}{
		{"i want to kill myself", "not sure", flows.Crisis},
		{"i want to kill myself", "kinda", flows.Crisis},
		{"i want to kill myself", "yes but barely", flows.Crisis},
		{"i want to kill myself", "can you find me a group", flows.Crisis},
		{"i just want it all to stop", "not right now", flows.RiskCheck},
	} {
		c := newConversation(t)
		c.send("hi")
		c.send(tc.crisis)
		if st := c.store.get(c.texter.ID()).Flow.State(); st != tc.state {
			t.Fatalf("%q left the texter in %s, want %s", tc.crisis, st, tc.state)
		}
		got := c.send(tc.reply)
		if st := c.store.get(c.texter.ID()).Flow.State(); st != tc.state && st != flows.Crisis || !strings.Contains(got, "988") && !strings.Contains(got, "911") {
			t.Errorf("%q after %q: %q in %s; want the question again with its referral", tc.reply, tc.crisis, got, st)
		}
		if strings.Contains(got, "glad you're safe") {
			t.Errorf("%q after %q was taken as safe: %q", tc.reply, tc.crisis, got)
		}
	}
}

// A worried helper always gets the helper's text (911 and 988 for the
// person they worry about), whatever else they ask for.
func TestHelperKeepsItsReferral(t *testing.T) {
	for _, text := range []string{
		"my friend is talking about suicide, can you give me some tips",
		"my girlfriend said she wants to end it all, any groups in chicago",
	} {
		c := newConversation(t)
		c.send("hi")
		got := c.send(text)
		if !strings.Contains(got, "988") || !strings.Contains(got, "911") {
			t.Errorf("%q got %q; want 911 and 988 for the person", text, got)
		}
	}
}

// What is not a request is not answered as one: a bare 911 is asked
// about, a keyword as a first message is welcomed; and a two-letter word
// that is also a state's code names no place.
func TestNotARequest(t *testing.T) {
	checkAfter(t, []after{
		{[]string{"hi"}, "911", "call 911", flows.RiskCheck},
		{nil, "CALL", "1 Coping tips", flows.Menu},
	})
	c := newConversation(t)
	c.send("hi")
	if got := c.send("in"); strings.Contains(got, "near there") || strings.Contains(got, "Here are some groups") {
		t.Errorf("\"in\" was read as Indiana: %q", got)
	}
}

// A reply whose language switched says so and still fits in three
// segments.
func TestLanguageSwitchFits(t *testing.T) {
	for _, tc := range []struct{ first, text, want string }{
		{"hi", "hay grupos de apoyo en houston?", "español"},
		{"hola", "i need a peer group in ohio", "English"},
	} {
		c := newConversation(t)
		c.send(tc.first)
		got := c.send(tc.text)
		if n, _ := content.Segments(got); n > content.MaxSegments || !strings.Contains(got, tc.want) {
			t.Errorf("%q: %d segments, %q", tc.text, n, got)
		}
	}
}

// Every reply word a reflection or a miss offers (the words in capitals)
// is taken where the texter then is, in both languages.
func TestOfferedWordsAreTaken(t *testing.T) {
	lib := library(t)
	offered := regexp.MustCompile(`(?m)^([A-ZÑ][A-ZÑ ]+[A-ZÑ])(:| for | to | para | sobre )`)
	for _, tc := range []struct {
		first string
		lang  content.Lang
	}{{"hi", content.English}, {"hola", content.Spanish}} {
		var words []string
		for _, id := range lib.IDs(tc.lang) {
			if strings.HasPrefix(id, "share.") || strings.HasPrefix(id, "option.") {
				for _, m := range offered.FindAllStringSubmatch(lib.Text(tc.lang, id), -1) {
					words = append(words, m[1])
				}
			}
		}
		if len(words) < 10 {
			t.Fatalf("%s: only %d offered words found", tc.lang, len(words))
		}
		for _, path := range [][]string{nil, {"1"}, {"5"}, {"2"}} {
			for _, w := range words {
				c := newConversation(t)
				c.send(tc.first)
				for _, m := range path {
					c.send(m)
				}
				if got := c.send(w); strings.Contains(got, "couldn't follow") || strings.Contains(got, "no entendi") {
					t.Errorf("%s after %v: %q is offered but not taken: %q", tc.lang, path, w, got)
				}
			}
		}
	}
}

// Death words in a text triage did not call a crisis are asked about
// gently and directly, with the referral, not answered as a request.
func TestDeathWordsAreAskedAbout(t *testing.T) {
	for _, text := range []string{
		"i need some coping tips for work stress and school stress and family stress and sometimes i want to die",
		"necesito consejos para el estres del trabajo y de la escuela y de mi familia y a veces quiero morirme",
		"hello hello hello hello hello hello hello hello hello hello hello hello hello hello anyone there i want to die",
		"hey so i was wondering if you could help me find a support group somewhere near columbus ohio because honestly i want to die",
		"my mom died and i feel so hopeless",
		"mi esposo murio y me siento sin esperanza",
		"i lost my son and i cant go on",
		"any tips, my friend just overdosed",
		"911",
	} {
		for _, first := range []bool{true, false} {
			c := newConversation(t)
			if !first {
				c.send("hi")
			}
			got := c.send(text)
			st := c.store.get(c.texter.ID()).Flow.State()
			if st != flows.RiskCheck && st != flows.Crisis || !strings.Contains(got, "988") && !strings.Contains(got, "911") {
				t.Errorf("%q (first %v): %q in %s; want a direct question with its referral", text, first, got, st)
			}
		}
	}
}

// A texter back after a day is answered for what they say; a number or a
// choice word of the step they left long ago gets the welcome back.
func TestBackAfterADay(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"my friend keeps saying she wants to disappear forever", "911"},
		{"can you find me a group in texas", "Here are some groups"},
		{"more", "Welcome back"},
	} {
		c := newConversation(t)
		c.send("hi")
		c.send("1")
		c.clock += 25 * time.Hour
		if got := c.send(tc.text); !strings.Contains(got, tc.want) {
			t.Errorf("%q after a day: %q; want %q", tc.text, got, tc.want)
		}
	}
}

// A step that asks its own question takes its answer in words, and asks
// again, saying the line is automated, when it gets none.
func TestStepsAskAgain(t *testing.T) {
	checkAfter(t, []after{
		{[]string{"hi", "2", "1"}, "i dont know", "5-digit ZIP", flows.GroupsWhere},
		{[]string{"hi", "2", "1"}, "near my house", "5-digit ZIP", flows.GroupsWhere},
		{[]string{"hi", "2", "1"}, "near dallas", "Here are some groups", flows.GroupsResult},
		{[]string{"hi", "1", "done"}, "no it didnt help", "Thanks for telling us", flows.Menu},
		{[]string{"hi", "1", "done"}, "yeah it did a bit", "glad it helped", flows.Menu},
	})
}

// Death words of everyday life are not asked about: triage is sure the
// text is nothing, or they are told in grief.
func TestEverydayDeathWords(t *testing.T) {
	for _, text := range []string{
		"the battery is dead, sorry for the late reply",
		"my phone died",
		"dying of boredom here",
		"this traffic is killing me lol, any tips",
		"i need tips for grief, my uncle died",
		"my dog died yesterday, is there a group for pet loss",
		"my sister is cutting me off, any tips",
	} {
		c := newConversation(t)
		c.send("hi")
		got := c.send(text)
		if st := c.store.get(c.texter.ID()).Flow.State(); st == flows.RiskCheck || st == flows.Crisis {
			t.Errorf("%q was taken for a crisis: %q", text, got)
		}
	}
}

// A disclosure inside an answer the step takes is still a crisis: a
// place at "where?", a NO at "did this help?".
func TestDisclosureInAnAnswer(t *testing.T) {
	for _, tc := range []struct {
		path []string
		text string
	}{
		{[]string{"hi", "2", "1"}, "78701, ive been cutting again"},
		{[]string{"hi", "1", "done"}, "no thanks, i have the pills ready"},
		{[]string{"hi", "1", "done"}, "no it didnt help, i have the pills ready"},
	} {
		c := newConversation(t)
		for _, m := range tc.path {
			c.send(m)
		}
		got := c.send(tc.text)
		if st := c.store.get(c.texter.ID()).Flow.State(); st != flows.Crisis && st != flows.RiskCheck {
			t.Errorf("%q after %v: %q in %s; want its crisis referral", tc.text, tc.path, got, st)
		}
	}
}

// after is a text sent after a path of messages, and what its reply must
// hold and where it must leave the texter.
type after struct {
	path       []string
	text, want string
	state      flows.State
}

func checkAfter(t *testing.T, cases []after) {
	t.Helper()
	for _, tc := range cases {
		c := newConversation(t)
		for _, m := range tc.path {
			c.send(m)
		}
		got := c.send(tc.text)
		if st := c.store.get(c.texter.ID()).Flow.State(); st != tc.state || !strings.Contains(got, tc.want) {
			t.Errorf("%q after %v: %q in %s; want %q in %s", tc.text, tc.path, got, st, tc.want, tc.state)
		}
	}
}
