package flows

import (
	"fmt"
	"sort"
)

// Check validates the table against the content: every text it names
// exists (has reports whether an id does), every state takes a crisis and
// can get back to the menu, and no two rows share an event, a state and a
// condition. It returns one line per problem.
func Check(has func(id string) bool) []string {
	var out []string
	type cell struct {
		ev    Event
		state State
		needs Needs
		after Question
	}
	seen := map[cell]bool{}
	for _, t := range Table {
		for _, s := range t.From {
			k := cell{t.Event, s, t.Needs, t.After}
			if seen[k] {
				out = append(out, fmt.Sprintf("flows: event %q is defined twice in state %q", t.Event, s))
			}
			seen[k] = true
		}
		if t.Say != "" && !has(t.Say) {
			out = append(out, fmt.Sprintf("flows: event %q says %q, which is not in the content", t.Event, t.Say))
		}
		if t.Say == "" && t.Do == "" && t.To != "" {
			if s, ok := steps[t.To]; !ok || s.Enter == "" && !silent[t.Event] {
				out = append(out, fmt.Sprintf("flows: event %q leads to %q, which has nothing to say on entry", t.Event, t.To))
			}
		}
	}
	for _, st := range Steps {
		s := steps[st.Name]
		for _, id := range []string{s.Enter, s.Footer, s.Reprompt} {
			if id != "" && !has(id) {
				out = append(out, fmt.Sprintf("flows: state %q needs text %q, which is not in the content", s.Name, id))
			}
		}
	}
	for _, st := range All {
		if !Takes(st, EvCrisis) {
			out = append(out, fmt.Sprintf("flows: state %q does not take a crisis", st))
		}
		if !reaches(st, Menu) {
			out = append(out, fmt.Sprintf("flows: state %q cannot reach %q", st, Menu))
		}
		if _, ok := steps[st]; !ok && st != Welcome {
			out = append(out, fmt.Sprintf("flows: state %q has no step", st))
		}
	}
	sort.Strings(out)
	return out
}

// silent are the events the human line fires: the texter hears of them
// from the line itself, not from the bot.
var silent = map[Event]bool{EvTaken: true, EvPassed: true, EvClosed: true, EvLineOff: true, EvQueued: true}

func reaches(from, goal State) bool {
	seen := map[State]bool{from: true}
	queue := []State{from}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if s == goal {
			return true
		}
		for _, t := range Table {
			for _, src := range t.From {
				if src == s && t.To != "" && !seen[t.To] {
					seen[t.To] = true
					queue = append(queue, t.To)
				}
			}
		}
	}
	return false
}
