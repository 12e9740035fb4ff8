package understand_test

import (
	"testing"

	"github.com/textline/textline/bot/learn"
	"github.com/textline/textline/bot/understand"
)

// The blind set (testdata/blind) was written from a brief of intents and
// texting styles, without sight of the concepts, the corpus or the model,
// and nothing is tuned against it: this test prints its figures, never
// its texts or its misses.
func TestBlind(t *testing.T) {
	set := readLabelled(t, "testdata/blind/*.jsonl")
	if len(set) < 300 {
		t.Fatalf("the blind set has %d texts; it needs at least 300", len(set))
	}
	r := understand.Evaluate(reader(t), set)
	r.Misses = nil
	t.Log("\nblind set:\n" + r.String())
	if got := r.Accuracy(); got < 90 {
		t.Errorf("blind set: accuracy %.1f%%, the floor is 90%%", got)
	}
	for _, in := range understand.Intents {
		if got := r.Recall(in); got < 80 {
			t.Errorf("blind set: %s recall %.1f%%, the floor is 80%%", in, got)
		}
	}
	if got := r.LostRate(); got > 5 {
		t.Errorf("blind set: %.1f%% of texts with a real intent read as other, the ceiling is 5%%", got)
	}
}

// readLabelled reads every labelled set matching glob.
func readLabelled(t *testing.T, glob string) []understand.Labelled {
	t.Helper()
	set, err := learn.ReadSets(glob, understand.ParseLabelled)
	if err != nil {
		t.Fatal(err)
	}
	return set
}
