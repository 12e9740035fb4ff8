package flows

import (
	"fmt"
	"slices"
	"strings"

	"github.com/looplab/fsm"
)

// Mermaid returns the conversation as a Mermaid state diagram for people
// to read: the paths of the steps and the human line drawn once, and the
// events that most states take (a crisis, MENU, DELETE, the language, …)
// written once in a note instead of drawn from every state.
func Mermaid() string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n    [*] --> welcome\n")
	for _, e := range edges() {
		switch n := options(e); {
		case shared(e.row) || n < 0:
		case n > 0:
			fmt.Fprintf(&b, "    %s --> %s: options 1-%d, a text each\n", e.from, e.to, n)
		default:
			fmt.Fprintf(&b, "    %s --> %s: %s\n", e.from, e.to, e.label)
		}
	}
	b.WriteString("    note right of menu\n")
	for _, t := range Table {
		if shared(t) {
			fmt.Fprintf(&b, "        %s\n", sharedLine(t))
		}
	}
	b.WriteString("    end note\n")
	return b.String()
}

// Dot returns every row of the conversation as a Graphviz digraph.
func Dot() (string, error) {
	var evs fsm.Events
	for _, e := range edges() {
		evs = append(evs, fsm.EventDesc{Name: e.label, Src: []string{string(e.from)}, Dst: string(e.to)})
	}
	return fsm.VisualizeWithType(fsm.NewFSM(string(Welcome), evs, nil), fsm.GRAPHVIZ)
}

// options is, for the first of a step's numbered options that only say
// a text, how many it has; -1 for the others, drawn with the first; 0
// for an edge that is not one.
func options(e edge) int {
	first := -1
	for i, o := range steps[e.from].Options {
		if o.Say == "" {
			continue
		}
		if first < 0 {
			first = i
		}
		if o.Event == e.row.Event {
			if i == first {
				return len(steps[e.from].Options)
			}
			return -1
		}
	}
	return 0
}

type edge struct {
	from, to State
	label    string
	row      Transition
}

// edges are the rows, one per state they leave, labelled with their
// event and the condition under which they apply.
func edges() []edge {
	var out []edge
	for _, t := range Table {
		label := string(t.Event) + condition(t)
		for _, s := range t.From {
			to := t.To
			if to == "" {
				to = s
			}
			out = append(out, edge{s, to, label, t})
		}
	}
	slices.SortStableFunc(out, func(a, b edge) int {
		return strings.Compare(string(a.from)+" "+a.label, string(b.from)+" "+b.label)
	})
	return out
}

func condition(t Transition) string {
	var c []string
	switch t.Needs {
	case LineOn:
		c = append(c, "human line on")
	case LineOff:
		c = append(c, "human line off")
	}
	if t.After == AskedSafe {
		c = append(c, `after "are you safe?"`)
	}
	if len(c) == 0 {
		return ""
	}
	return " (" + strings.Join(c, ", ") + ")"
}

// shared reports whether a row leaves most states of the bot: drawn from
// each, it would hide the paths that matter.
// Understood rows, which change the texter's mind from wherever they
// are, are listed in the note too.
func shared(t Transition) bool { return t.Understood || len(t.From) >= len(inBot)-2 }

func sharedLine(t Transition) string {
	to := string(t.To)
	if to == "" {
		to = "stays"
	}
	from := "every state"
	if missing := len(All) - len(t.From); missing > 0 {
		var not []string
		for _, s := range All {
			if !slices.Contains(t.From, s) {
				not = append(not, string(s))
			}
		}
		from = "every state but " + strings.Join(not, ", ")
	}
	if t.Understood {
		var in []string
		for _, s := range t.From {
			in = append(in, string(s))
		}
		from = strings.Join(in, ", ") + ", in their own words"
	}
	return fmt.Sprintf("%s%s: %s, from %s", t.Event, condition(t), to, from)
}
