package safety_test

import (
	"strings"
	"testing"
)

// Classify never panics, gives the same verdict twice, and finds a crisis
// phrase wherever it stands in noise.
func FuzzClassify(f *testing.F) {
	c := classifier(f)
	for _, s := range []string{"", "hola", "i want to kill myself", "\xff\xfe\x00", "k i l l", "took took took took", strings.Repeat("ñ", 50), "💊💊💊 🔫"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, b := c.Classify(s), c.Classify(s)
		if a.Category != b.Category || a.Severity != b.Severity || strings.Join(a.Signals, ",") != strings.Join(b.Signals, ",") {
			t.Fatalf("not deterministic: %+v then %+v", a, b)
		}
		if v := c.Classify(s + ". i want to kill myself"); !v.Crisis() {
			t.Fatalf("a crisis after %q was missed: %+v", s, v)
		}
	})
}
