package flows_test

import (
	"errors"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/looplab/fsm"

	"github.com/textline/textline/flows"
)

var update = flag.Bool("update", false, "rewrite the golden diagrams")

// words is a tiny vocabulary for Parse.
type words map[string]string

func (w words) Choice(folded string) string { return w[folded] }
func (w words) IsPlace(folded string) bool  { return folded == "60614" || folded == "tx" }

var vocab = words{"tips": "tips", "more": "more", "done": "done", "yes": "yes", "no": "no", "online": "online", "peer": "peer", "groups": "groups"}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		state, text, want string
		ok                bool
	}{
		{flows.Welcome, "anything at all", flows.EvStart, true},
		{flows.Menu, "1", flows.Tips, true},
		{flows.Menu, "2", flows.EvGroups, true},
		{flows.Menu, "5", flows.Learn, true},
		{flows.Menu, "6", "", false},
		{flows.Menu, "0", "", false},
		{flows.Menu, "tips", flows.Tips, true},
		{flows.Menu, "more", "", false}, // a word that means nothing here
		{flows.Menu, "gibberish", "", false},
		{flows.Tips, "1", flows.EvMore, true},
		{flows.Tips, "more", flows.EvMore, true},
		{flows.Tips, "done", flows.EvDone, true},
		{flows.GroupsKind, "3", flows.EvOnline, true},
		{flows.GroupsKind, "peer", flows.EvPeer, true},
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
	} {
		got, ok := flows.Parse(tc.state, tc.text, vocab)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Parse(%s, %q) = %q, %v; want %q, %v", tc.state, tc.text, got, ok, tc.want, tc.ok)
		}
	}
}

// Every event Parse can return in a state is one the state machine takes.
func TestParsedEventsFire(t *testing.T) {
	for _, s := range flows.Steps {
		for i := range s.Options {
			ev, ok := flows.Parse(s.Name, string(rune('1'+i)), vocab)
			if !ok {
				t.Errorf("%s: option %d does not parse", s.Name, i+1)
				continue
			}
			m := flows.New(s.Name)
			var same fsm.NoTransitionError
			if err := m.Event(t.Context(), ev); err != nil && !errors.As(err, &same) {
				t.Errorf("%s: option %d fires %q: %v", s.Name, i+1, ev, err)
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
	for _, want := range []string{`state "menu" needs text "menu"`, `state "tips" needs text "reprompt.tips"`, `event "start" says "welcome"`} {
		if !strings.Contains(problems, want) {
			t.Errorf("with no content, Check does not report %s; got:\n%s", want, problems)
		}
	}
}

// Every state can get back to the menu and into the crisis path.
func TestEveryStateHasAWayOut(t *testing.T) {
	for _, s := range flows.All {
		for _, ev := range []string{flows.EvCrisis, flows.EvDelete, flows.EvLanguage} {
			if _, ok := flows.Lookup(ev, s); !ok {
				t.Errorf("state %s does not take %s", s, ev)
			}
		}
		if _, ok := flows.Lookup(flows.EvMenu, s); !ok && s != flows.Welcome {
			t.Errorf("state %s does not take menu", s)
		}
	}
}

func TestGraphGolden(t *testing.T) {
	for _, tc := range []struct {
		file string
		gen  func() (string, error)
	}{
		{"testdata/conversation.mmd", flows.Mermaid},
		{"testdata/conversation.dot", flows.Dot},
	} {
		got, err := tc.gen()
		if err != nil {
			t.Fatal(err)
		}
		if *update {
			if err := os.WriteFile(tc.file, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), got); diff != "" {
			t.Errorf("%s changed (-golden +now); run go test ./flows -update:\n%s", tc.file, diff)
		}
	}
}
