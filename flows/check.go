package flows

import (
	"fmt"
	"sort"
)

// Check validates the table against the content: every text it names
// exists (has reports whether an id does), every state can reach the menu
// and the crisis path, and no event is defined twice for one state. It
// returns one line per problem.
func Check(has func(id string) bool) []string {
	var out []string
	seen := map[[2]string]bool{}
	for _, t := range Table {
		for _, s := range t.Src {
			k := [2]string{t.Event, s}
			if seen[k] {
				out = append(out, fmt.Sprintf("flows: event %q is defined twice in state %q", t.Event, s))
			}
			seen[k] = true
		}
		if t.Say != "" && !has(t.Say) {
			out = append(out, fmt.Sprintf("flows: event %q says %q, which is not in the content", t.Event, t.Say))
		}
		if t.Say == "" && t.Do == "" {
			if s, ok := steps[t.Dst]; !ok || s.Enter == "" {
				out = append(out, fmt.Sprintf("flows: event %q leads to %q, which has nothing to say on entry", t.Event, t.Dst))
			}
		}
	}
	for _, s := range Steps {
		for _, id := range []string{s.Enter, s.Footer, steps[s.Name].Reprompt} {
			if id != "" && !has(id) {
				out = append(out, fmt.Sprintf("flows: state %q needs text %q, which is not in the content", s.Name, id))
			}
		}
	}
	for _, st := range All {
		for _, goal := range []string{Menu, Crisis} {
			if !reaches(st, goal) {
				out = append(out, fmt.Sprintf("flows: state %q cannot reach %q", st, goal))
			}
		}
		if _, ok := steps[st]; !ok && st != Welcome {
			out = append(out, fmt.Sprintf("flows: state %q has no step", st))
		}
	}
	sort.Strings(out)
	return out
}

func reaches(from, goal string) bool {
	seen := map[string]bool{from: true}
	queue := []string{from}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if s == goal {
			return true
		}
		for _, t := range Table {
			for _, src := range t.Src {
				if src == s && !seen[t.Dst] {
					seen[t.Dst] = true
					queue = append(queue, t.Dst)
				}
			}
		}
	}
	return false
}
