package bot

import (
	"fmt"
	"sort"
	"strings"

	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/content"
	"github.com/textline/textline/flows"
)

// Lint checks what content.Load cannot check alone: that the flows and the
// content fit together, in every language. Every text the flows and the
// engine name exists; every action of the table is one the engine has; no
// two choices a step takes share a word; and every reply a transition can
// compose (its text with the state's footer, each tip, the longest list
// of groups) fits in content.MaxSegments. It returns one located line per
// problem, sorted. also are the ids other parts of the line send (the
// human line, the voice handler): they must exist too.
func Lint(lib *content.Library, also ...string) []string {
	var out []string
	for _, row := range flows.Table {
		if _, ok := actions[row.Do]; row.Do != "" && !ok {
			out = append(out, fmt.Sprintf("flows: event %q does %q, which the engine does not know", row.Event, row.Do))
		}
		if _, ok := groupKinds[row.Event]; row.Do == flows.DoKind && !ok {
			out = append(out, fmt.Sprintf("flows: event %q picks a kind of group the engine does not know", row.Event))
		}
	}
	out = append(out, sharedWords(lib)...)
	for _, lang := range content.Langs {
		for _, p := range flows.Check(func(id string) bool { return lib.Has(lang, id) }) {
			out = append(out, fmt.Sprintf("%s: %s", lang, p))
		}
		for _, id := range append(engineTexts, also...) {
			if !lib.Has(lang, id) {
				out = append(out, fmt.Sprintf("%s/messages.yaml: %s: missing; the line sends it", lang, id))
			}
		}
		for _, c := range safety.CrisisCategories() {
			if id := "crisis." + string(c); !lib.Has(lang, id) {
				out = append(out, fmt.Sprintf("%s/messages.yaml: %s: missing; every crisis category has its referral", lang, id))
			}
			if id := "risk_check." + string(c); !lib.Has(lang, id) {
				out = append(out, fmt.Sprintf("%s/messages.yaml: %s: missing; every crisis category asks directly about a possible risk", lang, id))
			}
		}
		for _, in := range offered {
			if id := "option." + string(in); !lib.Has(lang, id) {
				out = append(out, fmt.Sprintf("%s/messages.yaml: %s: missing; a text not understood offers it", lang, id))
			}
		}
		seen := map[string]bool{}
		for _, row := range flows.Table {
			for _, r := range replies(lib, lang, row) {
				if n, _ := content.Segments(r.text); n > content.MaxSegments && !seen[r.where] {
					seen[r.where] = true
					out = append(out, fmt.Sprintf("%s/%s: %d segments with what the engine adds, over %d", lang, r.where, n, content.MaxSegments))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// sharedWords finds a word that picks two choices of one step: which one
// it picks would be a matter of chance.
func sharedWords(lib *content.Library) []string {
	var out []string
	for _, state := range flows.All {
		evs := flows.ByWord(state)
		for i, a := range evs {
			for _, b := range evs[i+1:] {
				if w := lib.Vocab.Shared(string(a), string(b)); len(w) > 0 {
					a, b := min(a, b), max(a, b)
					out = append(out, fmt.Sprintf("vocab.yaml: choices %s and %s share %s, and step %s takes both",
						a, b, strings.Join(w, ", "), state))
				}
			}
		}
	}
	return out
}

// engineTexts are sent by the engine itself, outside any row of the
// table; the rows' own texts come from flows.Texts.
var engineTexts = []string{
	"help", "media_only", "stop_hint", "fallback", "crisis.fallback", "talk.person",
	"handoff.notice", "handoff.no_call", "intro", "lang_switched",
	"miss", "miss.human", "miss.again", "miss.again.human", "share.heard", "about.how", "support.brief",
}

type reply struct{ where, text string }

// replies lists every reply row can send in lang, composed as fire does.
func replies(lib *content.Library, lang content.Lang, row flows.Transition) []reply {
	var bodies []reply // where: file and id of the body
	if a := actions[row.Do]; a.bodies != nil {
		bodies = a.bodies(lib, lang, row)
	} else {
		id := row.Say
		if id == "" {
			step, _ := flows.StepOf(row.To)
			id = step.Enter
		}
		if id == "" {
			return nil
		}
		bodies = append(bodies, reply{"messages.yaml: " + id, lib.Text(lang, id)})
	}
	var out []reply
	if row.Plain {
		out = bodies
	} else {
		targets := []flows.State{row.To}
		if row.To == "" {
			targets = row.From // a row that stays composes with each state's footer
		}
		for _, to := range targets {
			for _, b := range bodies {
				out = append(out, reply{b.where, compose(lib, lang, to, b.text)})
			}
		}
	}
	return out
}

// longestGroups is the longest list of groups a reply could carry.
func longestGroups(lib *content.Library, lang content.Lang) string {
	var lines []string
	for _, g := range lib.AllGroups() {
		lines = append(lines, g.Listing(lang))
	}
	sort.Slice(lines, func(i, j int) bool { return len(lines[i]) > len(lines[j]) })
	if len(lines) > maxGroups {
		lines = lines[:maxGroups]
	}
	return strings.Join(lines, "\n")
}
