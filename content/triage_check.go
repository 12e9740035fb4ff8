package content

import (
	"fmt"
	"slices"
	"strings"
)

// BuiltinConcepts are concepts made from numbers and length rather than
// words, which rules may name: age_minor (an age under 18 is given: "im
// 13", "tengo 12 anos", "shes 14"), many (a count of five or more: "like
// 30") and brief (the whole message is three words or emoji or fewer).
var BuiltinConcepts = []string{"age_minor", "many", "brief"}

// The names rules may give (bot/safety has the same as types, and its
// tests hold the two lists together). CrisisCategories call for a crisis
// referral, most urgent first; then come helper, distress and benign.
// CrisisSeverities are a crisis's, least urgent first.
var (
	CrisisCategories = []string{"overdose", "medical_emergency", "suicide_risk", "harm_to_others", "child_abuse", "sexual_assault", "abuse_dv", "self_harm"}
	CrisisSeverities = []string{"possible", "moderate", "high", "imminent"}
)

var (
	calmCategories = []string{"helper", "distress", "benign"}
	windows        = []string{"", WithinClause, WithinSentence, WithinMessage}
)

func (l *Library) validateTriage() Problems {
	var ps Problems
	t := l.Triage
	bad := func(file, item, format string, args ...any) {
		ps = append(ps, Problem{File: file, Item: item, Msg: fmt.Sprintf(format, args...)})
	}
	concepts, cps := checkConcepts(t.Concepts, BuiltinConcepts)
	ps = append(ps, cps...)
	isCat := func(c string) bool { return slices.Contains(CrisisCategories, c) || slices.Contains(calmCategories, c) }
	seen := map[string]bool{}
	check := func(kind string, r Rule) {
		if !idRe.MatchString(r.ID) || seen[r.ID] {
			bad(r.File, r.ID, "rule id must be unique lower-case words")
		}
		seen[r.ID] = true
		if len(r.All) == 0 {
			bad(r.File, r.ID, "a rule needs terms in all")
		}
		for _, term := range append(slices.Clone(r.All), r.Unless...) {
			for _, alt := range strings.Split(term, "|") {
				name := strings.TrimPrefix(strings.TrimSpace(alt), "not ")
				if !concepts[name] {
					bad(r.File, r.ID, "term %q names no concept", term)
				}
			}
		}
		if !slices.Contains(windows, r.Within) {
			bad(r.File, r.ID, "within %q is not clause, sentence or message", r.Within)
		}
		if r.Subject != "" && r.Subject != "self" && r.Subject != "other" {
			bad(r.File, r.ID, "subject %q is not self or other", r.Subject)
		}
		if len(r.Examples.En) == 0 {
			bad(r.File, r.ID, "no English example")
		}
		sevOK := slices.Contains(CrisisSeverities, r.Severity)
		if kind != "after" && r.Asked != "" {
			bad(r.File, r.ID, "only an after rule reads what the line asked")
		}
		if kind != "raise" && kind != "shift" && len(r.From) > 0 {
			bad(r.File, r.ID, "only a raise or a shift applies from categories")
		}
		switch kind {
		case "rules":
			if !isCat(r.Category) {
				bad(r.File, r.ID, "category %q is not a triage category", r.Category)
			}
			if slices.Contains(CrisisCategories, r.Category) != sevOK {
				bad(r.File, r.ID, "severity %q does not fit category %q", r.Severity, r.Category)
			}
		case "raise", "shift":
			if len(r.From) == 0 {
				bad(r.File, r.ID, "a %s needs the categories it applies to in from", kind)
			}
			for _, c := range r.From {
				if !isCat(c) {
					bad(r.File, r.ID, "from %q is not a triage category", c)
				}
			}
			if kind == "raise" && !sevOK {
				bad(r.File, r.ID, "a raise needs a crisis severity, not %q", r.Severity)
			}
			if kind == "shift" && !isCat(r.Category) {
				bad(r.File, r.ID, "a shift needs a category, not %q", r.Category)
			}
		case "after":
			if r.Asked != "ask" && r.Asked != "crisis" {
				bad(r.File, r.ID, "asked %q is not ask or crisis", r.Asked)
			}
			if r.Category != "prior" && !slices.Contains(CrisisCategories, r.Category) || !sevOK {
				bad(r.File, r.ID, "an after rule needs a crisis category (or prior) and a crisis severity")
			}
		}
	}
	for _, r := range t.Rules.Verdicts {
		check("rules", r)
	}
	for _, r := range t.Rules.Raise {
		check("raise", r)
	}
	for _, r := range t.Rules.Shift {
		check("shift", r)
	}
	for _, r := range t.Rules.After {
		check("after", r)
	}
	return ps
}

// checkConcepts checks that concept ids are unique lower-case words (and
// none of builtin), and that each concept has English members and no
// empty one. It returns every id, builtin ones included.
func checkConcepts(cs []Concept, builtin []string) (map[string]bool, Problems) {
	var ps Problems
	bad := func(file, item, format string, args ...any) {
		ps = append(ps, Problem{File: file, Item: item, Msg: fmt.Sprintf(format, args...)})
	}
	ids := map[string]bool{}
	for _, b := range builtin {
		ids[b] = true
	}
	for _, c := range cs {
		if !idRe.MatchString(c.ID) || ids[c.ID] {
			bad(c.File, c.ID, "concept id must be unique lower-case words")
		}
		ids[c.ID] = true
		if len(c.En) == 0 {
			bad(c.File, c.ID, "no English members")
		}
		for _, m := range append(slices.Clone(c.En), c.Es...) {
			if strings.TrimSpace(m) == "" || strings.Trim(m, "*") == "" {
				bad(c.File, c.ID, "empty member")
			}
		}
	}
	return ids, ps
}
