package safety

import (
	"slices"
	"strconv"
	"strings"

	"github.com/textline/textline/content"
)

// priority orders the crisis categories, most urgent first (SAFETY.md):
// one message may carry several; its label is the most urgent.
var priority = []Category{Overdose, MedicalEmergency, SuicideRisk, HarmToOthers, ChildAbuse, SexualAssault, AbuseDV, SelfHarm, Helper, Distress}

// worry are the categories that, about someone else and with no danger
// now, make the texter a helper. An overdose, an emergency, a threat or a
// child being hurt keep their category whoever tells of them.
var worry = map[Category]bool{SuicideRisk: true, SelfHarm: true, AbuseDV: true, SexualAssault: true, Distress: true}

// negationReach is how many words before a signal a negation reaches.
const negationReach = 3

// found is what the matcher saw in one text, sorted into signals and
// context markers.
type found struct {
	toks    []string
	signals []hit
	markers map[string][]hit
}

func (f found) has(marker string) bool { return len(f.markers[marker]) > 0 }

// judge applies the context rules to what the matcher found.
func (c *Classifier) judge(toks []string, hits []hit) Verdict {
	f := found{toks: toks, markers: map[string][]hit{}}
	for _, h := range hits {
		if e := c.entries[h.entry]; e.marker != "" {
			f.markers[e.marker] = append(f.markers[e.marker], h)
		} else {
			f.signals = append(f.signals, h)
		}
	}
	best := map[Category]Severity{}
	langs := map[Category]map[content.Lang]bool{}
	var ids, notes []string
	note := func(n string) {
		if !slices.Contains(notes, n) {
			notes = append(notes, n)
		}
	}
	minor := f.minor()
	for _, h := range f.signals {
		e := c.entries[h.entry]
		switch {
		case f.overlaps("figurative", h):
			note("context.figure_of_speech")
			continue
		case f.negated(h):
			note("context.negated")
			continue
		}
		cat, sev := e.category, e.severity
		if worry[cat] && f.aboutSomeoneElse(e, h) {
			if cat == Distress || !f.has("imminent") {
				note("context.someone_else")
				cat, sev = Helper, Moderate
			}
		}
		if (cat == SuicideRisk || cat == SelfHarm || cat == Overdose) && f.inThePast(e, h) {
			note("context.history")
			cat, sev = Distress, Moderate
		}
		if (cat == AbuseDV || cat == SexualAssault) && (minor || f.has("parent")) {
			note("context.child")
			cat = ChildAbuse
		}
		if rank(sev) > rank(best[cat]) {
			best[cat] = sev
		}
		if langs[cat] == nil {
			langs[cat] = map[content.Lang]bool{}
		}
		langs[cat][e.lang] = true
		ids = append(ids, e.signal)
	}
	v := Verdict{Category: Benign, Severity: None}
	for _, cat := range priority {
		if sev, ok := best[cat]; ok {
			v = Verdict{Category: cat, Severity: sev}
			if len(langs[cat]) == 1 {
				for l := range langs[cat] {
					v.Lang = l
				}
			}
			break
		}
	}
	if f.has("imminent") && v.Crisis() {
		switch v.Category {
		case SuicideRisk, HarmToOthers:
			v.Severity = Imminent
			note("context.imminent")
		case SelfHarm, AbuseDV:
			if rank(v.Severity) < rank(High) {
				v.Severity = High
				note("context.imminent")
			}
		}
	}
	slices.Sort(ids)
	v.Signals = append(slices.Compact(ids), notes...)
	return v
}


// overlaps reports whether a marker of kind covers any word of h.
func (f found) overlaps(kind string, h hit) bool {
	for _, m := range f.markers[kind] {
		if m.start < h.end && h.start < m.end {
			return true
		}
	}
	return false
}

// negated reports whether a negation ends just before h, in its clause:
// "not suicidal", "i would never hurt myself". What is negated counts, not
// whether "not" appears: "i dont see a reason to live" is a signal whose
// phrase holds its own negation.
func (f found) negated(h hit) bool {
	for _, n := range f.markers["negation"] {
		if n.end <= h.start && h.start-n.end < negationReach && !f.boundaryIn(n.end, h.start) {
			return true
		}
	}
	return false
}

func (f found) boundaryIn(from, to int) bool {
	return slices.Contains(f.toks[from:to], boundary)
}

// firstPerson are the words that make the texter the subject.
var firstPerson = map[string]bool{"i": true, "im": true, "ive": true, "id": true, "il": true, "me": true, "myself": true, "feling": true, "fel": true, "yo": true, "estoy": true}

// aboutSomeoneElse reports whether the signal is about another person:
// its phrase says so (killing himself), or the message names someone else
// or asks how to help, and nothing just before the signal makes the
// texter its subject.
func (f found) aboutSomeoneElse(e entry, h hit) bool {
	switch e.person {
	case "third":
		return true
	case "first":
		return false
	}
	if !f.has("third_person") && !(f.has("help_seeking") && e.category != Distress) {
		return false
	}
	if e.category == Distress && !f.has("help_seeking") {
		return false
	}
	for i := h.start; i < h.end; i++ {
		if firstPerson[f.toks[i]] || f.toks[i] == "my" || f.toks[i] == "mi" {
			return false // the phrase names the texter: "raped me"
		}
	}
	// The nearest pronoun before the signal, in its clause, is its subject.
	for i := h.start - 1; i >= 0 && i >= h.start-4 && f.toks[i] != boundary; i-- {
		switch {
		case thirdPerson[f.toks[i]]:
			return true
		case firstPerson[f.toks[i]]:
			return false
		}
	}
	return true
}

// thirdPerson are the words that make someone else the subject.
var thirdPerson = map[string]bool{"he": true, "she": true, "they": true, "hes": true, "shes": true, "theyre": true, "him": true, "her": true, "el": true, "ella": true}

// inThePast reports whether the signal tells of something past: an
// attempt told as history ("when i was 19"), or any signal in a clause
// that says "years ago" or "used to".
func (f found) inThePast(e entry, h hit) bool {
	for _, m := range f.markers["history"] {
		if e.past || !f.boundaryIn(min(m.start, h.start), max(m.end, h.end)-1) {
			return true
		}
	}
	return false
}

// minor reports whether the texter gives an age under 18: "im 13",
// "tengo 12", "14 years old", "13yo"; "10 years ago" is not an age.
func (f found) minor() bool {
	young := func(s string) bool {
		s = strings.TrimSuffix(strings.TrimSuffix(s, "yo"), "y")
		n, err := strconv.Atoi(s)
		return err == nil && n >= 5 && n <= 17
	}
	for _, m := range f.markers["minor_age"] {
		if m.end < len(f.toks) && young(f.toks[m.end]) {
			return true
		}
	}
	for i, t := range f.toks {
		if strings.HasSuffix(t, "yo") && young(t) {
			return true
		}
		// "14 years old", "14 yo": not "10 years ago".
		next := func(k int) string {
			if i+k < len(f.toks) {
				return f.toks[i+k]
			}
			return ""
		}
		if young(t) && (next(1) == "yo" || (next(1) == "years" || next(1) == "yrs") && next(2) == "old") {
			return true
		}
	}
	return false
}
