package flows

import "github.com/looplab/fsm"

// States of the conversation.
const (
	Welcome       = "welcome"
	Menu          = "menu"
	Tips          = "tips"
	GroupsKind    = "groups_kind"
	GroupsWhere   = "groups_where"
	GroupsResult  = "groups_result"
	Talk          = "talk"
	Someone       = "someone"
	Learn         = "learn"
	Feedback      = "feedback"
	Crisis        = "crisis"
	RiskCheck     = "risk_check" // a possible risk was asked about directly
	ConfirmDelete = "confirm_delete"
)

// Actions the engine performs on a transition, besides saying its text.
const (
	DoTip      = "tip"      // show the next coping tip
	DoKind     = "kind"     // remember which kind of group was asked for
	DoGroups   = "groups"   // list groups for the place given
	DoOnline   = "online"   // list groups that meet online
	DoCrisis   = "crisis"   // answer a crisis with its category's referral
	DoAsk      = "ask"      // ask directly about a possible risk, with its referral
	DoEscalate = "escalate" // the texter is not safe: alert the human line
	DoErase    = "erase"    // forget everything kept about the texter
	DoFeedback = "feedback" // count the answer to "did this help?"
)

// Events a texter's message can fire. Menu picks use the name of the state
// they lead to.
const (
	EvStart    = "start"
	EvMenu     = "menu"
	EvBack     = "back"
	EvMore     = "more"
	EvDone     = "done"
	EvYes      = "yes"
	EvNo       = "no"
	EvPeer     = "peer"
	EvFamily   = "family"
	EvOnline   = "online"
	EvPlace    = "place"
	EvExpect   = "expect"
	EvCrisis   = "crisis"
	EvPossible = "possible"
	EvDelete   = "delete"
	EvConfirm  = "confirm"
	EvKeep     = "keep"
	EvLanguage = "language"
	EvGroups   = "groups"
)

// Transition is one row of the table: an event, the states it may fire in,
// where it leads, what it says and what the engine does.
type Transition struct {
	Event string
	Src   []string
	Dst   string
	Say   string // content id; empty means the Enter text of Dst
	Do    string // one of the Do* actions, or empty
}

// Table is the whole conversation. Rows with the same event and source
// state are not allowed (Check finds them).
var Table = build()

// Events is Table in looplab/fsm's form.
var Events = func() fsm.Events {
	evs := make(fsm.Events, 0, len(Table))
	for _, t := range Table {
		evs = append(evs, fsm.EventDesc{Name: t.Event, Src: t.Src, Dst: t.Dst})
	}
	return evs
}()

// eventsFrom holds, for each state, the rows of Events that leave it: all
// a machine standing in that state can do, so building one per message
// stays cheap.
var eventsFrom = func() map[string]fsm.Events {
	m := map[string]fsm.Events{}
	for _, e := range Events {
		for _, src := range e.Src {
			m[src] = append(m[src], fsm.EventDesc{Name: e.Name, Src: []string{src}, Dst: e.Dst})
		}
	}
	return m
}()

var index = func() map[[2]string]Transition {
	m := make(map[[2]string]Transition, len(Table)*4)
	for _, t := range Table {
		for _, s := range t.Src {
			m[[2]string{t.Event, s}] = t
		}
	}
	return m
}()

// Lookup returns the row for event in state.
func Lookup(event, state string) (Transition, bool) {
	t, ok := index[[2]string{event, state}]
	return t, ok
}

// New returns a state machine standing in state, with the transitions
// that leave it.
func New(state string) *fsm.FSM { return fsm.NewFSM(state, eventsFrom[state], nil) }

func build() []Transition {
	t := []Transition{
		{Event: EvStart, Src: []string{Welcome}, Dst: Menu, Say: "welcome"},
		{Event: EvYes, Src: []string{Feedback}, Dst: Menu, Say: "feedback.yes", Do: DoFeedback},
		{Event: EvNo, Src: []string{Feedback}, Dst: Menu, Say: "feedback.no", Do: DoFeedback},
		{Event: EvYes, Src: []string{Crisis}, Dst: Menu, Say: "crisis.safe_yes"},
		{Event: EvNo, Src: []string{Crisis}, Dst: Crisis, Say: "crisis.safe_no", Do: DoEscalate},
		{Event: EvMore, Src: []string{Tips}, Dst: Tips, Do: DoTip},
		{Event: EvPeer, Src: []string{GroupsKind}, Dst: GroupsWhere, Do: DoKind},
		{Event: EvFamily, Src: []string{GroupsKind}, Dst: GroupsWhere, Do: DoKind},
		{Event: EvOnline, Src: []string{GroupsKind, GroupsWhere}, Dst: GroupsResult, Do: DoOnline},
		{Event: EvPlace, Src: []string{GroupsWhere}, Dst: GroupsResult, Do: DoGroups},
		{Event: EvExpect, Src: []string{GroupsResult}, Dst: GroupsResult, Say: "groups.expect"},
		{Event: EvDone, Src: []string{Tips, GroupsResult, Talk, Someone, Learn}, Dst: Feedback, Say: "feedback.ask"},
		{Event: EvConfirm, Src: []string{ConfirmDelete}, Dst: Welcome, Say: "delete_done", Do: DoErase},
		{Event: EvKeep, Src: []string{ConfirmDelete}, Dst: Menu, Say: "delete_kept"},
		{Event: EvCrisis, Src: All, Dst: Crisis, Do: DoCrisis},
		{Event: EvPossible, Src: without(All, Crisis), Dst: RiskCheck, Do: DoAsk},
		{Event: EvNo, Src: []string{RiskCheck}, Dst: Menu, Say: "risk_check.no"},
		{Event: EvDelete, Src: All, Dst: ConfirmDelete, Say: "delete_confirm"},
		{Event: EvLanguage, Src: All, Dst: Menu, Say: "lang_set"},
		{Event: EvMenu, Src: without(All, Welcome), Dst: Menu},
	}
	for _, s := range Steps {
		for _, opt := range s.Options {
			if opt.Say != "" {
				t = append(t, Transition{Event: opt.Event, Src: []string{s.Name}, Dst: s.Name, Say: opt.Say})
			}
		}
		if s.Back != "" {
			t = append(t, Transition{Event: EvBack, Src: []string{s.Name}, Dst: s.Back})
		}
	}
	t = append(t,
		Transition{Event: Tips, Src: []string{Menu}, Dst: Tips, Do: DoTip},
		Transition{Event: EvGroups, Src: []string{Menu}, Dst: GroupsKind},
		Transition{Event: Talk, Src: []string{Menu}, Dst: Talk},
		Transition{Event: Someone, Src: []string{Menu}, Dst: Someone},
		Transition{Event: Learn, Src: []string{Menu}, Dst: Learn},
	)
	return t
}

func without(list []string, drop string) []string {
	var out []string
	for _, s := range list {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}
