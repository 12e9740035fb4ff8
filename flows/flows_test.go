package flows_test

import (
	"flag"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/textline/textline/flows"
)

var update = flag.Bool("update", false, "rewrite the golden diagrams")

// words is a tiny vocabulary for Parse: "family" is a word of two
// choices, as in the shipped one.
type words map[string][]flows.Event

func (w words) Choices(folded string) []flows.Event { return w[folded] }
func (w words) IsPlace(folded string) bool          { return folded == "60614" || folded == "tx" }

var vocab = words{
	"tips": {flows.Event(flows.Tips)}, "more": {flows.EvMore}, "done": {flows.EvDone}, "yes": {flows.EvYes},
	"no": {flows.EvNo}, "online": {flows.EvOnline}, "peer": {flows.EvPeer}, "groups": {flows.EvGroups},
	"family": {flows.EvFamily, flows.Event(flows.Someone)},
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		state flows.State
		text  string
		want  flows.Event
		ok    bool
	}{
		{flows.Welcome, "anything at all", "", false},
		{flows.Menu, "1", flows.Event(flows.Tips), true},
		{flows.Menu, "2", flows.EvGroups, true},
		{flows.Menu, "5", flows.Event(flows.Learn), true},
		{flows.Menu, "6", "", false},
		{flows.Menu, "0", "", false},
		{flows.Menu, "tips", flows.Event(flows.Tips), true},
		{flows.Menu, "family", flows.Event(flows.Someone), true},
		{flows.Menu, "more", "", false}, // a word that means nothing here
		{flows.Menu, "gibberish", "", false},
		{flows.Tips, "1", flows.EvMore, true},
		{flows.Tips, "more", flows.EvMore, true},
		{flows.Tips, "done", flows.EvDone, true},
		{flows.GroupsKind, "3", flows.EvOnline, true},
		{flows.GroupsKind, "peer", flows.EvPeer, true},
		{flows.GroupsKind, "family", flows.EvFamily, true},
		{flows.GroupsWhere, "60614", flows.EvPlace, true},
		{flows.GroupsWhere, "tx", flows.EvPlace, true},
		{flows.GroupsWhere, "online", flows.EvOnline, true},
		{flows.GroupsWhere, "99999", "", false},
		{flows.Learn, "9", "learn_first_group", true},
		{flows.Feedback, "yes", flows.EvYes, true},
		{flows.Feedback, "1", "", false}, // numbers do not answer "did this help?"
		{flows.Crisis, "no", flows.EvNo, true},
		{flows.Crisis, "1", "", false}, // nor "are you safe?"
		{flows.Crisis, "tips", "", false},
		{flows.ConfirmDelete, "no thanks", flows.EvKeep, true},
		{flows.Waiting, "1", "", false}, // the human line reads these
		{flows.WithPerson, "no", "", false},
		{flows.OptedOut, "yes", "", false},
	} {
		got, ok := flows.Parse(tc.state, tc.text, vocab)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Parse(%s, %q) = %q, %v; want %q, %v", tc.state, tc.text, got, ok, tc.want, tc.ok)
		}
	}
}

// Every event Parse can return in a state is one the state takes.
func TestParsedEventsFire(t *testing.T) {
	for _, s := range flows.Steps {
		for i := range s.Options {
			ev, ok := flows.Parse(s.Name, string(rune('1'+i)), vocab)
			if !ok {
				t.Errorf("%s: option %d does not parse", s.Name, i+1)
				continue
			}
			if _, ok := flows.Lookup(ev, s.Name, true, flows.AskedNothing); !ok {
				t.Errorf("%s: option %d fires %q, which the state does not take", s.Name, i+1, ev)
			}
		}
	}
}

func TestCheck(t *testing.T) {
	all := func(string) bool { return true }
	if problems := flows.Check(all); len(problems) > 0 {
		t.Errorf("the table has problems:\n%s", strings.Join(problems, "\n"))
	}
	none := func(string) bool { return false }
	problems := strings.Join(flows.Check(none), "\n")
	for _, want := range []string{`state "menu" needs text "menu"`, `state "tips" needs text "reprompt.tips"`, `event "arrive" says "welcome"`} {
		if !strings.Contains(problems, want) {
			t.Errorf("with no content, Check does not report %s; got:\n%s", want, problems)
		}
	}
}

// Every state takes a crisis; every state of the bot takes DELETE and the
// language keywords, and all but welcome MENU.
func TestEveryStateHasAWayOut(t *testing.T) {
	for _, s := range flows.All {
		if !flows.Takes(s, flows.EvCrisis) {
			t.Errorf("state %s does not take a crisis", s)
		}
		if s == flows.Waiting || s == flows.WithPerson || s == flows.OptedOut {
			continue
		}
		for _, ev := range []flows.Event{flows.EvDelete, flows.EvLanguage, flows.EvStop} {
			if !flows.Takes(s, ev) {
				t.Errorf("state %s does not take %s", s, ev)
			}
		}
		if !flows.Takes(s, flows.EvMenu) && s != flows.Welcome {
			t.Errorf("state %s does not take menu", s)
		}
	}
}

// Fire follows the table and nothing else; rows that need the human line
// apply only with it, and a NO after "are you safe?" while waiting is
// read as one.
func TestFire(t *testing.T) {
	var p flows.Position
	if !p.New() || p.State() != flows.Welcome {
		t.Fatalf("zero position: new %v, state %s", p.New(), p.State())
	}
	step := func(ev flows.Event, lineOn bool, want flows.State, ok bool) {
		t.Helper()
		_, got := p.Fire(ev, lineOn)
		if got != ok || p.State() != want {
			t.Errorf("Fire(%s, line %v) = %v in %s; want %v in %s", ev, lineOn, got, p.State(), ok, want)
		}
	}
	step(flows.EvMore, false, flows.Welcome, false)
	step(flows.EvArrive, false, flows.Menu, true)
	step(flows.EvPerson, false, flows.Menu, false) // needs the human line
	step(flows.EvCrisis, false, flows.Crisis, true)
	if p.Asked() != flows.AskedSafe {
		t.Errorf("after a crisis the line asked %d, want AskedSafe", p.Asked())
	}
	step(flows.EvNo, false, flows.Crisis, true) // no human line: the referral again
	step(flows.EvNo, true, flows.Waiting, true)
	step(flows.EvText, true, flows.Waiting, true)
	if p.Asked() != flows.AskedSafe {
		t.Errorf("waiting, the question fell: %d", p.Asked())
	}
	step(flows.EvNo, true, flows.Waiting, true)
	step(flows.EvTaken, true, flows.WithPerson, true)
	step(flows.EvClosed, true, flows.Menu, true)
	step(flows.EvNo, true, flows.Menu, false)
	step(flows.EvStop, true, flows.OptedOut, true)
	step(flows.EvMenu, true, flows.OptedOut, false)
	step(flows.EvStart, true, flows.Menu, true)
}

// A stored position comes back as it was; an unknown one is refused.
func TestRestore(t *testing.T) {
	for _, s := range flows.All {
		p, err := flows.Restore(s, flows.AskedSafe)
		if err != nil || p.State() != s || p.Asked() != flows.AskedSafe {
			t.Errorf("Restore(%s) = %s, %d, %v", s, p.State(), p.Asked(), err)
		}
	}
	if _, err := flows.Restore("nowhere", 0); err == nil {
		t.Error("Restore accepted an unknown state")
	}
	if _, err := flows.Restore(flows.Menu, 9); err == nil {
		t.Error("Restore accepted an unknown question")
	}
}

func TestByWord(t *testing.T) {
	if got := flows.ByWord(flows.GroupsKind); !slices.Contains(got, flows.EvFamily) || slices.Contains(got, flows.Event(flows.Someone)) {
		t.Errorf("ByWord(groups_kind) = %v", got)
	}
	if got := flows.ByWord(flows.Menu); !slices.Contains(got, flows.Event(flows.Someone)) || slices.Contains(got, flows.EvCrisis) {
		t.Errorf("ByWord(menu) = %v", got)
	}
}

func TestGraphGolden(t *testing.T) {
	dot, err := flows.Dot()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ file, got string }{
		{"testdata/conversation.mmd", flows.Mermaid()},
		{"testdata/conversation.dot", dot},
	} {
		if *update {
			if err := os.WriteFile(tc.file, []byte(tc.got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), tc.got); diff != "" {
			t.Errorf("%s changed (-golden +now); run go test ./flows -update:\n%s", tc.file, diff)
		}
	}
}

// Parse reads a texter's words: whatever they are, in any state, it
// returns an event the state takes, or nothing.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1", "9", "family", "60614", "no", "", "0x1", "-1", "99999999999999999999", "done"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, state := range flows.All {
			ev, ok := flows.Parse(state, text, vocab)
			if ok && !flows.Takes(state, ev) {
				t.Fatalf("Parse(%s, %q) = %s, which the state does not take", state, text, ev)
			}
			if !ok && ev != "" {
				t.Fatalf("Parse(%s, %q) = %s, not ok", state, text, ev)
			}
		}
	})
}
