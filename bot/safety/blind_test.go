package safety_test

import (
	"testing"

	"github.com/textline/textline/bot/learn"
	"github.com/textline/textline/bot/safety"
)

// The blind set (testdata/blind) was written from a brief of categories
// and texting styles, without sight of the lexicon, the rules, the corpus
// or the model, and nothing is tuned against it: this test prints its
// figures, never its texts or its misses.
func TestBlind(t *testing.T) {
	set := readLabelled(t, "testdata/blind/*.jsonl")
	if len(set) < 400 {
		t.Fatalf("the blind set has %d texts; it needs at least 400", len(set))
	}
	r := safety.Evaluate(classifier(t), set)
	if r.Crisis < 200 {
		t.Fatalf("the blind set has %d crisis texts; it needs at least 200", r.Crisis)
	}
	r.Misses = nil
	t.Log("\nblind set:\n" + r.String())
	for _, f := range []struct {
		name      string
		got, want float64
		atMost    bool
	}{
		{"crisis caught", r.Recall(), 97, false},
		{"exact category", r.ExactRate(), 90, false},
		{"high or imminent where expected", r.SevereRate(), 90, false},
		{"crisis on benign texts", r.BenignAlarm(), 3, true},
		{"moderate or above on distress texts", r.DistressAlarm(), 5, true},
		{"helpers handled", r.HelperRate(), 90, false},
	} {
		if f.atMost && f.got > f.want || !f.atMost && f.got < f.want {
			t.Errorf("blind set: %s %.1f%%, the floor is %.0f%%", f.name, f.got, f.want)
		}
	}
}

// readLabelled reads every labelled set matching glob.
func readLabelled(t *testing.T, glob string) []safety.Labelled {
	t.Helper()
	set, err := learn.ReadSets(glob, safety.ParseLabelled)
	if err != nil {
		t.Fatal(err)
	}
	return set
}
