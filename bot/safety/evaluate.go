package safety

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/textline/textline/content"
)

// Labelled is a text with the verdict a person gave it: one line of a
// labelled set (JSONL).
type Labelled struct {
	Text     string       `json:"text"`
	Expect   Category     `json:"expect"`
	Severity Severity     `json:"severity,omitempty"`
	Lang     content.Lang `json:"lang,omitempty"`
	Note     string       `json:"note,omitempty"`
}

// ParseLabelled reads a labelled set, one JSON object a line.
func ParseLabelled(data []byte) ([]Labelled, error) {
	var out []Labelled
	for n, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var l Labelled
		if err := json.Unmarshal(line, &l); err != nil {
			return nil, fmt.Errorf("line %d: %w", n+1, err)
		}
		if err := l.check(); err != nil {
			return nil, fmt.Errorf("line %d: %w", n+1, err)
		}
		out = append(out, l)
	}
	return out, nil
}

// check refuses a label the classifier could not be judged by: an
// unknown category, a crisis without its severity, a calm text with one.
func (l Labelled) check() error {
	switch {
	case !known(l.Expect):
		return fmt.Errorf("unknown category %q", l.Expect)
	case l.Expect.Crisis() && !slices.Contains(crisisSeverities, l.Severity):
		return fmt.Errorf("%s needs a severity of %v, not %q", l.Expect, crisisSeverities, l.Severity)
	case !l.Expect.Crisis() && l.Severity != "" && l.Severity != None:
		return fmt.Errorf("%s takes no severity, not %q", l.Expect, l.Severity)
	case l.Lang != "" && l.Lang != content.English && l.Lang != content.Spanish:
		return fmt.Errorf("unknown language %q", l.Lang)
	}
	return nil
}

// Report is how triage did on a labelled set.
type Report struct {
	Crisis, Caught, Exact int // crisis texts, caught as any crisis, in their category
	Severe, SevereCaught  int // crisis texts labelled high or imminent, and judged so
	Benign, BenignAlarms  int // benign texts, and those given a crisis category
	// Distress texts, and those given a crisis category at moderate or
	// above (a "possible" that asks is no alarm).
	Distress, DistressAlarms int
	Helpers, HelpersExact    int // helper texts, and those judged helper
	HelpersHandled           int // helper texts judged helper or a crisis: both answer with 988 and how to help
	PerCategory              map[Category]*CategoryScore
	Misses                   []Miss
}

// CategoryScore is one category's row: its texts, how many were judged
// in it, and how many texts of any label were.
type CategoryScore struct{ Texts, Right, Judged int }

// Miss is a text judged in another category than its label.
type Miss struct {
	Labelled
	Got Verdict
}

// Evaluate triages every text of set and scores the verdicts.
func Evaluate(c *Classifier, set []Labelled) Report {
	r := Report{PerCategory: map[Category]*CategoryScore{}}
	row := func(cat Category) *CategoryScore {
		if r.PerCategory[cat] == nil {
			r.PerCategory[cat] = &CategoryScore{}
		}
		return r.PerCategory[cat]
	}
	for _, l := range set {
		v := c.Classify(l.Text)
		row(l.Expect).Texts++
		row(v.Category).Judged++
		if v.Category == l.Expect {
			row(l.Expect).Right++
		} else {
			r.Misses = append(r.Misses, Miss{Labelled: l, Got: v})
		}
		switch l.Expect {
		case Benign:
			r.Benign++
			r.BenignAlarms += b2i(v.Crisis())
		case Distress:
			r.Distress++
			r.DistressAlarms += b2i(v.Crisis() && rank(v.Severity) >= rank(Moderate))
		case Helper:
			r.Helpers++
			r.HelpersExact += b2i(v.Category == Helper)
			r.HelpersHandled += b2i(v.Category == Helper || v.Crisis())
		default:
			r.Crisis++
			r.Caught += b2i(v.Crisis())
			r.Exact += b2i(v.Category == l.Expect)
			if l.Severity == High || l.Severity == Imminent {
				r.Severe++
				r.SevereCaught += b2i(v.Crisis() && rank(v.Severity) >= rank(High))
			}
		}
	}
	return r
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Pct is a share in percent; 100 when there is nothing to share.
func Pct(part, whole int) float64 {
	if whole == 0 {
		return 100
	}
	return 100 * float64(part) / float64(whole)
}

// Recall, ExactRate and the rest are the report's figures in percent.
func (r Report) Recall() float64        { return Pct(r.Caught, r.Crisis) }
func (r Report) ExactRate() float64     { return Pct(r.Exact, r.Crisis) }
func (r Report) SevereRate() float64    { return Pct(r.SevereCaught, r.Severe) }
func (r Report) BenignAlarm() float64   { return Pct(r.BenignAlarms, r.Benign) }
func (r Report) DistressAlarm() float64 { return Pct(r.DistressAlarms, r.Distress) }
func (r Report) HelperRate() float64    { return Pct(r.HelpersHandled, r.Helpers) }

// String is the report's figures, without any text.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "crisis caught %d/%d (%.1f%%), exact category %d/%d (%.1f%%), high or imminent %d/%d (%.1f%%)\n",
		r.Caught, r.Crisis, r.Recall(), r.Exact, r.Crisis, r.ExactRate(), r.SevereCaught, r.Severe, r.SevereRate())
	fmt.Fprintf(&b, "crisis on benign %d/%d (%.1f%%), moderate or above on distress %d/%d (%.1f%%), helpers handled %d/%d (%.1f%%, as helper %.1f%%)\n",
		r.BenignAlarms, r.Benign, r.BenignAlarm(), r.DistressAlarms, r.Distress, r.DistressAlarm(),
		r.HelpersHandled, r.Helpers, r.HelperRate(), Pct(r.HelpersExact, r.Helpers))
	fmt.Fprintf(&b, "  %-18s %5s %7s %9s\n", "category", "texts", "recall", "precision")
	for _, cat := range allCategories {
		if s := r.PerCategory[cat]; s != nil {
			fmt.Fprintf(&b, "  %-18s %5d %6.1f%% %8.1f%%\n", cat, s.Texts, Pct(s.Right, s.Texts), Pct(s.Right, s.Judged))
		}
	}
	return b.String()
}
