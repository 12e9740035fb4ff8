package flows

// Step describes one state: what it says on entry, how it asks again when
// a message is not understood, the footer under each of its texts, its
// numbered options and where BACK leads.
type Step struct {
	Name     State
	Enter    string // content id said on entering; empty when an action writes it
	Footer   string // content id appended to what the state says
	Options  []Option
	Back     State
	Reprompt string // content id; empty for a state that never asks again
}

// Option is a numbered choice: its number is its place in Options, plus
// one. It fires Event; an option with Say shows that text and stays.
type Option struct {
	Event Event
	Say   string
}

// Steps describes every state but welcome, which only ever moves on.
var Steps = []Step{
	{Name: Menu, Enter: "menu", Back: Menu, Options: []Option{{Event: Event(Tips)}, {Event: EvGroups}, {Event: Event(Talk)}, {Event: Event(Someone)}, {Event: Event(Learn)}}},
	{Name: Tips, Footer: "footer.tips", Options: []Option{{Event: EvMore}}, Back: Menu},
	{Name: GroupsKind, Enter: "groups.ask_kind", Options: []Option{{Event: EvPeer}, {Event: EvFamily}, {Event: EvOnline}}, Back: Menu},
	{Name: GroupsWhere, Enter: "groups.ask_where", Back: GroupsKind},
	{Name: GroupsResult, Footer: "footer.groups_result", Options: []Option{{Event: EvExpect}}, Back: GroupsKind},
	{Name: Talk, Enter: "talk.main", Footer: "footer.talk", Back: Menu, Options: []Option{
		{Event: "talk_how", Say: "talk.how_to_use"},
		{Event: "talk_lines", Say: "talk.lines"},
		{Event: "talk_lines_more", Say: "talk.lines_more"},
		{Event: "talk_person", Say: "talk.person"},
	}},
	{Name: Someone, Enter: "someone.main", Footer: "footer.someone", Back: Menu, Options: []Option{
		{Event: "someone_help", Say: "someone.how_to_help"},
		{Event: "someone_say", Say: "someone.what_to_say"},
		{Event: "someone_family", Say: "someone.family_role"},
		{Event: "someone_resources", Say: "someone.resources"},
		{Event: "someone_danger", Say: "someone.danger"},
	}},
	{Name: Learn, Enter: "learn.main", Footer: "footer.learn", Back: Menu, Options: []Option{
		{Event: EvLearnWhy, Say: "learn.why"},
		{Event: EvLearnPeer, Say: "learn.peer"},
		{Event: EvLearnFamily, Say: "learn.family"},
		{Event: EvLearnKinds, Say: "learn.kinds"},
		{Event: EvLearnReachOut, Say: "learn.reach_out"},
		{Event: EvLearnClubs, Say: "learn.clubs"},
		{Event: EvLearnMaintain, Say: "learn.maintain"},
		{Event: EvLearnCounseling, Say: "learn.counseling"},
		{Event: EvLearnFirstGroup, Say: "groups.expect"},
	}},
	// Feedback, crisis and risk_check take YES or NO in words only: a number
	// there is more likely a menu pick than an answer to "are you safe?".
	// In risk_check, a YES (or "kinda") is read by triage in the light of the
	// question, and answered as a crisis.
	{Name: Feedback, Enter: "feedback.ask", Back: Menu},
	{Name: Crisis},
	{Name: RiskCheck, Back: Menu},
	{Name: ConfirmDelete, Enter: "delete_confirm"},
	// With the human line, the texter's words go to a person; opted out,
	// nothing is answered.
	{Name: Waiting},
	{Name: WithPerson},
	{Name: OptedOut},
}

var steps = func() map[State]Step {
	bot := map[State]bool{}
	for _, s := range inBot {
		bot[s] = true
	}
	m := make(map[State]Step, len(Steps))
	for _, s := range Steps {
		if bot[s.Name] {
			s.Reprompt = "reprompt." + string(s.Name)
		}
		m[s.Name] = s
	}
	return m
}()

// StepOf returns the description of state.
func StepOf(state State) (Step, bool) {
	s, ok := steps[state]
	return s, ok
}
