package safety

import (
	"testing"

	"github.com/textline/textline/content"
)

// Every rule's examples fire it and its counter-examples do not, in both
// languages: the rules file is its own test table.
func TestRuleExamples(t *testing.T) {
	lib, err := content.Load(content.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	c, err := compileLexicon(lib.Triage)
	if err != nil {
		t.Fatal(err)
	}
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
