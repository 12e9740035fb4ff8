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
// exists; every reply the engine composes (a text with its state's footer,
// a tip, a list of groups) fits in content.MaxSegments. It returns one
// located line per problem, sorted.
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
		out = append(out, lintReplies(lib, lang)...)
	}
	sort.Strings(out)
	return out
}

// requiredTexts are sent by the engine outside the flows table.
var requiredTexts = []string{
	"welcome", "welcome_back", "menu", "help", "media_only", "stop_hint",
	"opted_in", "fallback", "crisis.fallback", "groups.results", "groups.none_near",
	"crisis." + string(safety.SuicideRisk),
}

func lintReplies(lib *content.Library, lang content.Lang) []string {
	var out []string
	check := func(where, reply string) {
		if n, _ := content.Segments(reply); n > content.MaxSegments {
			out = append(out, fmt.Sprintf("%s/%s: %d segments with what the engine adds, over %d", lang, where, n, content.MaxSegments))
		}
	}
	for _, step := range flows.Steps {
		if step.Footer == "" {
			continue
		}
		footer := "\n\n" + lib.Text(lang, step.Footer)
		if step.Enter != "" {
			check("messages.yaml: "+step.Enter, lib.Text(lang, step.Enter)+footer)
		}
		for _, opt := range step.Options {
			if opt.Say != "" {
				check("messages.yaml: "+opt.Say, lib.Text(lang, opt.Say)+footer)
			}
		}
		if step.Name == flows.Tips {
			for _, tip := range lib.Tips(lang) {
				check("tips.yaml: "+tip.ID, tip.Text+footer)
			}
		}
		if step.Name == flows.GroupsResult {
			worst := longestGroups(lib, lang)
			for _, id := range []string{"groups.results", "groups.none_near"} {
				check("messages.yaml: "+id, strings.ReplaceAll(lib.Text(lang, id), "{groups}", worst)+footer)
			}
		}
	}
	return out
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
