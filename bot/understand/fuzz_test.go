package understand_test

import (
	"slices"
	"testing"

	"github.com/textline/textline/bot/understand"
)

// Whatever arrives, reading it never panics and gives an intent of the
// contract with a probability.
func FuzzRead(f *testing.F) {
	for _, s := range []string{"", "hi", "im in san antonio tx", "¿es gratis?", "k i l l", "🙏🙏", "78704-1234", "new york new york new york", "a\u200bb", "\xff\xfe"} {
		f.Add(s)
	}
	r := reader(f)
	f.Fuzz(func(t *testing.T, text string) {
		got := r.Read(text)
		if !slices.Contains(understand.Intents, got.Intent) || got.Confidence < 0 || got.Confidence > 1 {
			t.Fatalf("%q: %+v", text, got)
		}
	})
}
