package flows

import "slices"

// State is where a texter is in the conversation.
type State string

// States of the conversation.
const (
	Welcome       State = "welcome" // a new texter, or one whose data was erased
	Menu          State = "menu"
	Tips          State = "tips"
	GroupsKind    State = "groups_kind"
	GroupsWhere   State = "groups_where"
	GroupsResult  State = "groups_result"
	Talk          State = "talk"
	Someone       State = "someone"
	Learn         State = "learn"
	Feedback      State = "feedback"
	Crisis        State = "crisis"
	RiskCheck     State = "risk_check" // a possible risk was asked about directly
	ConfirmDelete State = "confirm_delete"
	Waiting       State = "waiting"     // a person was asked to join
	WithPerson    State = "with_person" // a responder holds the conversation
	OptedOut      State = "opted_out"   // STOP: nothing is sent until START
)

// Event is what moves a texter from one state to another.
type Event string

// Events. A menu pick uses the name of the state it leads to.
const (
	// The texter's words.
	EvMenu     Event = "menu"
	EvBack     Event = "back"
	EvMore     Event = "more"
	EvDone     Event = "done"
	EvYes      Event = "yes"
	EvNo       Event = "no"
	EvPeer     Event = "peer"
	EvFamily   Event = "family"
	EvOnline   Event = "online"
	EvPlace    Event = "place"
	EvExpect   Event = "expect"
	EvGroups   Event = "groups"
	EvDelete   Event = "delete"
	EvConfirm  Event = "confirm" // a second DELETE
	EvKeep     Event = "keep"    // anything else after DELETE
	EvLanguage Event = "language"
	EvStop     Event = "stop"  // a carrier opt-out word
	EvStart    Event = "start" // START (or YES) after an opt-out
	EvCall     Event = "call"  // CALL while waiting for or talking with a person
	EvText     Event = "text"  // any other message while waiting for or talking with a person

	// The lessons of the learn step, one event each.
	EvLearnWhy        Event = "learn_why"
	EvLearnPeer       Event = "learn_peer"
	EvLearnFamily     Event = "learn_family"
	EvLearnKinds      Event = "learn_kinds"
	EvLearnReachOut   Event = "learn_reach_out"
	EvLearnClubs      Event = "learn_clubs"
	EvLearnMaintain   Event = "learn_maintain"
	EvLearnCounseling Event = "learn_counseling"
	EvLearnFirstGroup Event = "learn_first_group"

	// What the texter meant in their own words (bot/understand), besides
	// the events above that it can also fire.
	EvFind    Event = "find"    // a group of a kind for a place, asked for in one text
	EvShare   Event = "share"   // told how they feel or what happened
	EvAbout   Event = "about"   // asked about the line itself
	EvGreet   Event = "greet"   // said hello
	EvThanks  Event = "thanks"  // said thanks
	EvGoodbye Event = "goodbye" // said goodbye

	// The engine's reading of a message.
	EvArrive    Event = "arrive"     // the first message of a new texter
	EvReturn    Event = "return"     // the first message after a long time away
	EvDistress  Event = "distress"   // distress, not a crisis: met with support
	EvHelper    Event = "helper"     // worried about someone else
	EvCrisis    Event = "crisis"     // a crisis: its referral
	EvUrgent    Event = "urgent"     // a crisis that calls the human line at once
	EvPossible  Event = "possible"   // a possible risk: asked about directly
	EvPerson    Event = "person"     // asks for a person, responders on duty
	EvPersonOff Event = "person_off" // asks for a person outside duty hours

	// The human line's doing.
	EvTaken   Event = "taken"    // a responder took the conversation
	EvPassed  Event = "passed"   // its responder passed it back to the queue
	EvClosed  Event = "closed"   // its responder closed it
	EvLineOff Event = "line_off" // the human line was turned off
	EvQueued  Event = "queued"   // it opened a handoff for a crisis answered by the fallback
)

// Action is what the engine does on a transition besides saying its text.
type Action string

// Actions.
const (
	DoTip       Action = "tip"        // show the next coping tip
	DoKind      Action = "kind"       // remember which kind of group was asked for
	DoGroups    Action = "groups"     // list groups for the place given
	DoOnline    Action = "online"     // list groups that meet online
	DoFeedback  Action = "feedback"   // count the answer to "did this help?"
	DoCrisis    Action = "crisis"     // answer a crisis with its category's referral
	DoUrgent    Action = "urgent"     // the referral, and the human line is called
	DoAsk       Action = "ask"        // ask directly about a possible risk, with its referral
	DoUnsafe    Action = "unsafe"     // the texter is not safe right now: the human line is called
	DoHeld      Action = "held"       // a crisis while a person is asked for or holds it
	DoAlertOnly Action = "alert_only" // a crisis from an opted-out texter: responders only
	DoHandoff   Action = "handoff"    // hand the texter to the human line
	DoLater     Action = "later"      // record the request for when responders are on duty
	DoWait      Action = "wait"       // keep the message for the person who will join
	DoRelay     Action = "relay"      // pass the message to the responder who holds it
	DoCallBack  Action = "call_back"  // a call to the texter, put through to the human line
	DoCancel    Action = "cancel"     // the texter stopped waiting for a person
	DoOptOut    Action = "opt_out"    // forget the conversation; keep silent until START
	DoErase     Action = "erase"      // forget everything kept about the texter
	DoFind      Action = "find"       // list groups of the kind asked for, for the place named
	DoShare     Action = "share"      // reflect what the texter shared, with next steps
	DoAbout     Action = "about"      // answer what was asked about the line
)

// Question is what the line's last message asked, so that a short answer
// can be read in its light.
type Question uint8

// Questions.
const (
	AskedNothing Question = iota
	AskedSafe             // "are you safe right now?", with a crisis referral
	AskedRisk             // a possible risk, asked about directly
)

// Needs is a condition on the human line under which a row applies.
type Needs uint8

// Conditions.
const (
	Always  Needs = iota
	LineOn        // the human line is on
	LineOff       // the human line is off
)

// Transition is one row of the table: an event, the states it fires in
// and where it leads; what it says (a content id; empty means the Enter
// text of To) and what the engine does; the question the reply asks;
// and when the row applies. To is empty for a row that stays where it is.
type Transition struct {
	Event Event
	From  []State
	To    State
	Say   string
	Do    Action
	Asks  Question
	Needs Needs
	// After, when set, is the question the line must have asked last.
	After Question
	// Plain replies carry no footer of the state they lead to.
	Plain bool
	// Understood rows fire on what the texter meant in their own words.
	// A choice word picks a step's own choices first ("family" is the
	// family groups in groups_kind and "help someone I care about" in
	// the menu); only a word no choice of the step has picks an
	// Understood row, and only when it names exactly one (Parse).
	Understood bool
}

// Table is the whole conversation. No two rows share an event, a state
// and a condition (Check finds them).
var Table = build()

// inBot are the states in which the bot answers.
var inBot = []State{Welcome, Menu, Tips, GroupsKind, GroupsWhere, GroupsResult, Talk, Someone, Learn, Feedback, Crisis, RiskCheck, ConfirmDelete}

// understood are the states whose texter may change their mind in their
// own words: every state of the bot but a pending crisis question and
// DELETE's confirmation.
var understood = without(without(without(inBot, Crisis), RiskCheck), ConfirmDelete)

// withLine are the states of a texter handed to the human line.
var withLine = []State{Waiting, WithPerson}

// All lists every state.
var All = append(append(append([]State(nil), inBot...), withLine...), OptedOut)

func build() []Transition {
	notStopped := without(All, OptedOut)
	t := []Transition{
		// Arriving, coming back, opting out and in.
		{Event: EvArrive, From: []State{Welcome}, To: Menu, Say: "welcome"},
		{Event: EvReturn, From: without(inBot, Crisis), To: Menu, Say: "welcome_back"},
		{Event: EvDistress, From: inBot, To: Menu, Say: "support.distress"},
		{Event: EvHelper, From: inBot, To: Someone, Say: "support.helper", Plain: true},
		{Event: EvStop, From: notStopped, To: OptedOut, Do: DoOptOut},
		{Event: EvStart, From: []State{OptedOut}, To: Menu, Say: "opted_in"},

		// Crisis, in every state.
		{Event: EvCrisis, From: inBot, To: Crisis, Do: DoCrisis, Asks: AskedSafe},
		{Event: EvUrgent, From: inBot, To: Waiting, Do: DoUrgent, Asks: AskedSafe, Needs: LineOn},
		{Event: EvCrisis, From: withLine, Do: DoHeld, Asks: AskedSafe},
		{Event: EvCrisis, From: []State{OptedOut}, Do: DoAlertOnly},
		{Event: EvPossible, From: without(inBot, Crisis), To: RiskCheck, Do: DoAsk, Asks: AskedRisk},
		{Event: EvYes, From: []State{Crisis}, To: Menu, Say: "crisis.safe_yes"},
		{Event: EvNo, From: []State{Crisis}, To: Crisis, Say: "crisis.safe_no", Do: DoUnsafe, Asks: AskedSafe, Needs: LineOff},
		{Event: EvNo, From: []State{Crisis}, To: Waiting, Say: "crisis.safe_no", Do: DoUnsafe, Asks: AskedSafe, Needs: LineOn},
		{Event: EvNo, From: withLine, Say: "crisis.safe_no", Do: DoUnsafe, Asks: AskedSafe, After: AskedSafe},
		{Event: EvNo, From: []State{RiskCheck}, To: Menu, Say: "risk_check.no"},

		// The human line.
		{Event: EvPerson, From: inBot, To: Waiting, Say: "handoff.asked", Do: DoHandoff, Needs: LineOn},
		{Event: EvPersonOff, From: []State{Welcome}, To: Menu, Say: "handoff.off_hours", Do: DoLater, Needs: LineOn},
		{Event: EvPersonOff, From: without(inBot, Welcome), Say: "handoff.off_hours", Do: DoLater, Needs: LineOn, Plain: true},
		{Event: EvText, From: []State{Waiting}, Say: "handoff.waiting", Do: DoWait},
		{Event: EvText, From: []State{WithPerson}, Do: DoRelay},
		{Event: EvCall, From: withLine, Say: "handoff.calling", Do: DoCallBack},
		{Event: EvMenu, From: []State{Waiting}, To: Menu, Do: DoCancel},
		{Event: EvBack, From: []State{Waiting}, To: Menu, Do: DoCancel},
		{Event: EvDelete, From: []State{Waiting}, To: ConfirmDelete, Say: "delete_confirm", Do: DoCancel},
		// What a responder did, which the texter's session follows at
		// their next message (bot.Session.Follow): a request made off
		// hours is taken from wherever the texter is with the bot.
		{Event: EvTaken, From: notStopped, To: WithPerson},
		{Event: EvPassed, From: []State{WithPerson}, To: Waiting},
		{Event: EvClosed, From: withLine, To: Menu},
		{Event: EvLineOff, From: withLine, To: Menu},
		// A crisis whose session could not be stored was answered with the
		// fallback; once Redis is back the line opens its handoff, and the
		// session follows (bot.Later): the next message hears it waits.
		{Event: EvQueued, From: inBot, To: Waiting},

		// The steps.
		{Event: EvYes, From: []State{Feedback}, To: Menu, Say: "feedback.yes", Do: DoFeedback},
		{Event: EvNo, From: []State{Feedback}, To: Menu, Say: "feedback.no", Do: DoFeedback},
		{Event: EvMore, From: []State{Tips}, To: Tips, Do: DoTip},
		{Event: EvPeer, From: []State{GroupsKind}, To: GroupsWhere, Do: DoKind},
		{Event: EvFamily, From: []State{GroupsKind}, To: GroupsWhere, Do: DoKind},
		{Event: EvOnline, From: []State{GroupsKind, GroupsWhere}, To: GroupsResult, Do: DoOnline},
		{Event: EvPlace, From: []State{GroupsWhere}, To: GroupsResult, Do: DoGroups},
		{Event: EvExpect, From: []State{GroupsResult}, To: GroupsResult, Say: "groups.expect"},
		{Event: EvDone, From: []State{Tips, GroupsResult, Talk, Someone, Learn}, To: Feedback, Say: "feedback.ask"},

		// Deleting, the language, the menu: from every state of the bot.
		{Event: EvDelete, From: inBot, To: ConfirmDelete, Say: "delete_confirm"},
		{Event: EvConfirm, From: []State{ConfirmDelete}, To: Welcome, Say: "delete_done", Do: DoErase},
		{Event: EvKeep, From: []State{ConfirmDelete}, To: Menu, Say: "delete_kept"},
		{Event: EvLanguage, From: inBot, To: Menu, Say: "lang_set"},
		{Event: EvMenu, From: without(inBot, Welcome), To: Menu},
	}
	for _, s := range Steps {
		for _, opt := range s.Options {
			if opt.Say != "" {
				t = append(t, Transition{Event: opt.Event, From: []State{s.Name}, To: s.Name, Say: opt.Say})
			}
		}
		if s.Back != "" {
			t = append(t, Transition{Event: EvBack, From: []State{s.Name}, To: s.Back})
		}
	}
	t = append(t,
		Transition{Event: Event(Tips), From: []State{Menu}, To: Tips, Do: DoTip},
		Transition{Event: EvGroups, From: []State{Menu}, To: GroupsKind},
		Transition{Event: Event(Talk), From: []State{Menu}, To: Talk},
		Transition{Event: Event(Someone), From: []State{Menu}, To: Someone},
		Transition{Event: Event(Learn), From: []State{Menu}, To: Learn},
	)
	// The lessons the reflections of what a texter shares offer by name.
	for _, ev := range []Event{EvLearnReachOut, EvLearnClubs, EvLearnPeer, EvLearnCounseling} {
		t = append(t, Transition{Event: ev, From: []State{Menu}, To: Learn, Say: lessonText(ev)})
	}
	return append(t, heard(t)...)
}

// heard are the rows of what a texter means in their own words: each
// part of the conversation, from every state that does not already take
// its event by a choice word.
func heard(t []Transition) []Transition {
	done := []State{Tips, GroupsResult, Talk, Someone, Learn}
	rows := []Transition{
		{Event: Event(Tips), To: Tips, Do: DoTip},
		{Event: EvGroups, From: without(understood, GroupsWhere), To: GroupsKind},
		{Event: EvPeer, To: GroupsWhere, Do: DoKind},
		{Event: EvFamily, To: GroupsWhere, Do: DoKind},
		{Event: EvOnline, To: GroupsResult, Do: DoOnline},
		{Event: EvFind, To: GroupsResult, Do: DoFind},
		{Event: Event(Talk), To: Talk},
		{Event: Event(Someone), To: Someone},
		{Event: Event(Learn), To: Learn},
		{Event: EvShare, From: except(understood, []State{GroupsKind, GroupsWhere}), To: Menu, Do: DoShare},
		{Event: EvAbout, From: []State{Welcome}, To: Menu, Do: DoAbout},
		{Event: EvAbout, From: without(understood, Welcome), Do: DoAbout},
		{Event: EvGreet, From: without(understood, Welcome), To: Menu, Say: "greeting"},
		{Event: EvThanks, From: done, To: Feedback, Say: "feedback.ask"},
		{Event: EvThanks, From: except(understood, append(done, Welcome)), To: Menu, Say: "thanks_reply", Plain: true},
		{Event: EvGoodbye, From: without(understood, Welcome), To: Menu, Say: "goodbye", Plain: true},
	}
	step, _ := StepOf(Learn)
	for _, o := range step.Options {
		rows = append(rows, Transition{Event: o.Event, To: Learn, Say: o.Say})
	}
	var out []Transition
	for _, r := range rows {
		if r.From == nil {
			r.From = understood
		}
		var from []State
		for _, s := range r.From {
			if !taken(t, r.Event, s) {
				from = append(from, s)
			}
		}
		if len(from) > 0 {
			r.From, r.Understood = from, true
			out = append(out, r)
		}
	}
	return out
}

// taken reports whether a row of t fires on ev in state.
func taken(t []Transition, ev Event, state State) bool {
	for _, r := range t {
		if r.Event == ev && slices.Contains(r.From, state) {
			return true
		}
	}
	return false
}

// lessonText is what the learn step's option ev says.
func lessonText(ev Event) string {
	for _, s := range Steps {
		for _, o := range s.Options {
			if s.Name == Learn && o.Event == ev {
				return o.Say
			}
		}
	}
	return ""
}

func except(list, drop []State) []State {
	var out []State
	for _, s := range list {
		if !slices.Contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}

func without(list []State, drop State) []State {
	var out []State
	for _, s := range list {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

type key struct {
	ev    Event
	state State
}

// index holds, for an event and a state, the rows that may apply.
var index = func() map[key][]Transition {
	m := make(map[key][]Transition, len(Table)*4)
	for _, t := range Table {
		for _, s := range t.From {
			m[key{t.Event, s}] = append(m[key{t.Event, s}], t)
		}
	}
	return m
}()

// Understands reports whether a texter in state may change their mind in
// their own words, and hears it plainly said when they cannot be followed.
func Understands(state State) bool { return slices.Contains(understood, state) }

// Chooses reports whether a choice word may pick ev in state: the state
// takes ev by a row that is not Understood.
func Chooses(state State, ev Event) bool {
	for _, t := range index[key{ev, state}] {
		if !t.Understood {
			return true
		}
	}
	return false
}

// Lookup returns the row for event in state, when the human line is on
// or off and the line last asked asked.
func Lookup(ev Event, state State, lineOn bool, asked Question) (Transition, bool) {
	for _, t := range index[key{ev, state}] {
		if t.Needs == LineOn && !lineOn || t.Needs == LineOff && lineOn || t.After != AskedNothing && t.After != asked {
			continue
		}
		return t, true
	}
	return Transition{}, false
}

// Takes reports whether state takes ev under any condition.
func Takes(state State, ev Event) bool { return len(index[key{ev, state}]) > 0 }
