package safety_test

import (
	"strings"
	"testing"

	"github.com/textline/textline/bot/safety"
)

// Classify never panics, gives the same verdict twice, and finds a crisis
// stated in a sentence of its own wherever it stands in noise.
func FuzzClassify(f *testing.F) {
	c := classifier(f)
	for _, s := range []string{"", "hola", "i want to kill myself", "\xff\xfe\x00", "k i l l", "took took took took",
		strings.Repeat("ñ", 50), "💊💊💊 🔫", "r*p*d", "not not not", "im 13 im 13", "no no no quiero", "🪢" + strings.Repeat("\u200d", 20)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, b := c.Classify(s), c.Classify(s)
		if a.Category != b.Category || a.Severity != b.Severity || strings.Join(a.Signals, ",") != strings.Join(b.Signals, ",") || a.Probability != b.Probability {
			t.Fatalf("not deterministic: %+v then %+v", a, b)
		}
		if a.Crisis() && a.Severity == safety.None || !a.Crisis() && a.Severity != safety.None {
			t.Fatalf("%q: category %s with severity %s", s, a.Category, a.Severity)
		}
		if v := c.Classify(s + ". i want to kill myself"); !v.Crisis() {
			t.Fatalf("a crisis after %q was missed: %+v", s, v)
		}
		for _, p := range []safety.Prior{{Asked: safety.AskedRisk, Category: safety.SuicideRisk}, {Asked: safety.AskedSafe, Category: safety.AbuseDV}} {
			c.ClassifyAfter(s, p)
		}
	})
}
