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
// content fit together, in every language. Every text the flows name
// exists, and every reply a transition of the table can compose (its text
// with the state's footer, each tip, the longest list of groups) fits in
// content.MaxSegments. It returns one located line per problem, sorted.
func Lint(lib *content.Library) []string {
	var out []string
	for _, lang := range content.Langs {
		for _, p := range flows.Check(func(id string) bool { return lib.Has(lang, id) }) {
			out = append(out, fmt.Sprintf("%s: %s", lang, p))
		}
		for _, id := range requiredTexts {
			if !lib.Has(lang, id) {
				out = append(out, fmt.Sprintf("%s/messages.yaml: %s: missing; the engine sends it", lang, id))
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

// requiredTexts are sent by the engine outside the flows table.
var requiredTexts = []string{
	"welcome", "welcome_back", "menu", "help", "media_only", "stop_hint",
	"opted_in", "fallback", "crisis.fallback", "groups.results", "groups.none_near",
	"support.distress", "support.helper", "talk.person", "talk.person.human",
	"handoff.asked", "handoff.notice", "handoff.waiting", "handoff.reminder", "handoff.joined",
	"handoff.joined_call", "handoff.closed", "handoff.passed", "handoff.off_hours", "handoff.calling",
	"handoff.no_call", "voice.connect", "voice.no_line", "voice.no_answer",
	"responder.alert", "responder.alert_again", "responder.alert_optedout", "responder.taken",
	"responder.taken_other", "responder.unknown", "responder.list", "responder.list_empty",
	"responder.passed", "responder.closed", "responder.none_held", "responder.which",
	"responder.relay", "responder.relay_flag", "responder.texter_left",
	"responder.help",
}

type reply struct{ where, text string }

// replies lists every reply row can send in lang, composed as fire does.
func replies(lib *content.Library, lang content.Lang, row flows.Transition) []reply {
	var bodies []reply // where: file and id of the body
	switch row.Do {
	case flows.DoTip:
		for _, tip := range lib.Tips(lang) {
			bodies = append(bodies, reply{"tips.yaml: " + tip.ID, tip.Text})
		}
	case flows.DoGroups, flows.DoOnline:
		worst := longestGroups(lib, lang)
		for _, id := range []string{"groups.results", "groups.none_near"} {
			bodies = append(bodies, reply{"messages.yaml: " + id, strings.ReplaceAll(lib.Text(lang, id), "{groups}", worst)})
		}
	case flows.DoCrisis, flows.DoEscalate, flows.DoAsk:
		// Each may carry the handoff notice under the referral.
		prefix := "crisis."
		switch row.Do {
		case flows.DoEscalate:
			prefix = row.Say
		case flows.DoAsk:
			prefix = "risk_check."
		}
		notice := lib.Text(lang, "handoff.notice")
		for _, id := range lib.IDs(lang) {
			if strings.HasPrefix(id, prefix) {
				bodies = append(bodies, reply{"messages.yaml: " + id + " with handoff.notice", lib.Text(lang, id) + "\n" + notice})
			}
		}
	default:
		id := row.Say
		if id == "" {
			step, _ := flows.StepOf(row.Dst)
			id = step.Enter
		}
		bodies = append(bodies, reply{"messages.yaml: " + id, lib.Text(lang, id)})
	}
	for i := range bodies {
		bodies[i].text = compose(lib, lang, row.Dst, bodies[i].text)
	}
	return bodies
}

// longestGroups is the longest list of groups a reply could carry.
func longestGroups(lib *content.Library, lang content.Lang) string {
	var lines []string
	for _, g := range lib.AllGroups() {
		lines = append(lines, g.Line(lang))
	}
	sort.Slice(lines, func(i, j int) bool { return len(lines[i]) > len(lines[j]) })
	if len(lines) > maxGroups {
		lines = lines[:maxGroups]
	}
	return strings.Join(lines, "\n")
}
