package safety

import (
	"slices"
	"testing"

	"github.com/textline/textline/content"
)

// Every rule's examples fire it and its counter-examples do not, in both
// languages: the rules file is its own test table.
func TestRuleExamples(t *testing.T) {
	lib, c := shippedLexicon(t)
	byID := map[string]content.Rule{}
	for _, set := range [][]content.Rule{lib.Triage.Rules.Verdicts, lib.Triage.Rules.Raise, lib.Triage.Rules.Shift, lib.Triage.Rules.After} {
		for _, r := range set {
			byID[r.ID] = r
		}
	}
	for _, set := range [][]*rule{c.verdicts, c.raise, c.shift, c.after} {
		for _, r := range set {
			src := byID[r.id]
			for _, ex := range append(src.Examples.En, src.Examples.Es...) {
				if !c.fires(r, c.read(ex)) {
					t.Errorf("%s: example %q does not fire it", r.id, ex)
				}
			}
			for _, ex := range append(src.Counter.En, src.Counter.Es...) {
				if c.fires(r, c.read(ex)) {
					t.Errorf("%s: counter-example %q fires it", r.id, ex)
				}
			}
		}
	}
}

// The verdict rules tried for a text, found by the concepts of their
// first terms, fire exactly as trying every rule does, in the same order.
func TestCandidatesFireAsEveryRule(t *testing.T) {
	lib, c := shippedLexicon(t)
	texts := []string{"", "hi", "1", "more", "i want to kill myself", "i dont want to kill myself", "im 14 and my uncle touches me",
		"took a whole bottle of pills", "no", "yes i have a plan", "mi esposo me pega", "my friend says she wants to die"}
	for _, set := range [][]content.Rule{lib.Triage.Rules.Verdicts, lib.Triage.Rules.Raise, lib.Triage.Rules.Shift, lib.Triage.Rules.After} {
		for _, r := range set {
			texts = append(append(append(texts, r.Examples.En...), r.Examples.Es...), append(r.Counter.En, r.Counter.Es...)...)
		}
	}
	fired := 0
	for _, text := range texts {
		var every, tried []string
		for _, r := range c.verdicts {
			if c.fires(r, c.read(text)) {
				every = append(every, r.id)
			}
		}
		rd := c.read(text)
		for _, i := range c.candidates(rd) {
			if r := c.verdicts[i]; c.fires(r, rd) {
				tried = append(tried, r.id)
			}
		}
		if !slices.Equal(every, tried) {
			t.Errorf("%q: candidates fired %q, every rule %q", text, tried, every)
		}
		fired += len(every)
	}
	if fired == 0 {
		t.Error("no rule fired on any text")
	}
}

// shippedLexicon is the embedded content and its compiled lexicon.
func shippedLexicon(t *testing.T) (*content.Library, *Classifier) {
	t.Helper()
	lib, err := content.Load(content.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	c, err := compileLexicon(lib.Triage)
	if err != nil {
		t.Fatal(err)
	}
	return lib, c
}
