package safety_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/textline/textline/bot/learn"
	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/content"
)

const corpusGlob = "../../content/triage/corpus/*.jsonl"

// The embedded models are the ones the corpus, the lexicon and the rules
// give: a change to any of them is retrained (textline triage train)
// before it lands.
func TestModelsAreTrainedFromTheCorpus(t *testing.T) {
	lib, err := content.Load(content.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	m, err := safety.Train(lib.Triage, readLabelled(t, corpusGlob), safety.TrainOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		model *learn.Model
		want  []byte
	}{{"category.model", m.Category, lib.Triage.CategoryModel}, {"severity.model", m.Severity, lib.Triage.SeverityModel}} {
		got, err := c.model.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if !learn.SameStored(got, c.want) {
			t.Errorf("content/triage/%s is not what the corpus trains: run go run ./cmd/textline triage train", c.name)
		}
	}
}

// On the corpus it was trained on, triage is a regression test, not a
// result: these floors catch a change that breaks what used to work.
func TestCorpus(t *testing.T) {
	r := safety.Evaluate(classifier(t), readLabelled(t, corpusGlob))
	t.Log("\ncorpus (trained on):\n" + r.String())
	if r.Recall() < 97.5 || r.ExactRate() < 97 || r.SevereRate() < 97 || r.BenignAlarm() > 2.5 || r.DistressAlarm() > 3.5 || r.HelperRate() < 99 {
		t.Errorf("triage on its own corpus fell below its floors:\n%s", r)
	}
}

// Short replies read in the light of the line's last message
// (testdata/context.jsonl): after the line asked directly about a
// possible risk (A), or answered a crisis (B, C).
func TestContextSet(t *testing.T) {
	c := classifier(t)
	data, err := os.ReadFile("testdata/context.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var right, crisis, caught, n int
	for i, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var l struct {
			After, Prior string
			safety.Labelled
		}
		if err := json.Unmarshal(line, &l); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		prior := safety.Prior{Asked: safety.AskedSafe, Category: safety.Category(l.Prior)}
		if l.After == "A" {
			prior.Asked = safety.AskedRisk
		}
		v := c.ClassifyAfter(l.Text, prior)
		n++
		if v.Crisis() == l.Expect.Crisis() {
			right++
		}
		if l.Expect.Crisis() {
			crisis++
			if v.Crisis() {
				caught++
			}
		}
	}
	t.Logf("context replies: %d/%d judged crisis or not as labelled; crisis caught %d/%d", right, n, caught, crisis)
	if safety.Pct(right, n) < contextFloor || safety.Pct(caught, crisis) < contextCrisisFloor {
		t.Errorf("context replies fell below their floors (%.0f%%, %.0f%%)", contextFloor, contextCrisisFloor)
	}
}

// The floors of TestContextSet, a regression test: the set was read while
// the after rules were written.
const contextFloor, contextCrisisFloor = 78.0, 83.0
