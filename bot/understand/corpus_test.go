package understand_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/textline/textline/bot/learn"
	"github.com/textline/textline/bot/understand"
	"github.com/textline/textline/content"
)

const corpusGlob = "../../content/understand/corpus/*.jsonl"

// The embedded model is the one the corpus and the concepts give: a change
// to either is retrained (textline understand train) before it lands.
func TestModelIsTrainedFromTheCorpus(t *testing.T) {
	lib, err := content.Load(content.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	m, err := understand.Train(lib, readLabelled(t, corpusGlob), understand.TrainOptions())
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !learn.SameStored(got, lib.Understanding.Model) {
		t.Error("content/understand/intent.model is not what the corpus trains: run go run ./cmd/textline understand train")
	}
}

// The corpus is written from several briefs, holds every intent in both
// languages, and shares no text with the blind set.
func TestCorpus(t *testing.T) {
	files, _ := filepath.Glob(corpusGlob)
	if len(files) < 4 {
		t.Errorf("the corpus has %d files; it is written from at least 4 briefs", len(files))
	}
	corpus := readLabelled(t, corpusGlob)
	if len(corpus) < 2000 {
		t.Errorf("the corpus has %d texts; it needs at least 2,000", len(corpus))
	}
	type cell struct {
		in   understand.Intent
		lang content.Lang
	}
	n := map[cell]int{}
	texts := map[string]bool{}
	for _, l := range corpus {
		n[cell{l.Intent, l.Lang}]++
		texts[strings.ToLower(l.Text)] = true
	}
	for _, in := range understand.Intents {
		for _, lang := range content.Langs {
			if n[cell{in, lang}] < 40 {
				t.Errorf("the corpus has %d %s texts of %s; it needs 40", n[cell{in, lang}], lang, in)
			}
		}
	}
	for _, l := range readLabelled(t, "testdata/blind/*.jsonl") {
		if texts[strings.ToLower(l.Text)] {
			t.Error("a text of the blind set is in the corpus")
		}
	}
	// On the corpus it was trained on, the understanding is a regression
	// test, not a result.
	r := understand.Evaluate(reader(t), corpus)
	t.Log("\ncorpus (trained on):\n" + r.String())
	if r.Accuracy() < 97 || r.LostRate() > 2 {
		t.Errorf("the understanding of its own corpus fell below its floors:\n%s", r)
	}
}
