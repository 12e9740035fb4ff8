package understand

import (
	"fmt"
	"strings"

	"github.com/textline/textline/content"
)

// Report is how a reader did on a labelled set.
type Report struct {
	Texts, Right int
	// Real is how many texts have an intent the line can answer; Lost
	// is how many of them were read as Other.
	Real, Lost int
	// Per intent: how many texts have it, how many were read as it, and
	// how many of those rightly.
	Labelled, Read, Hit map[Intent]int
	// Slots: how many labelled slots there were, and how many were read
	// the same (a place counts when the reader found one).
	Slots, SlotsRight int
	// Per language: texts and right ones.
	LangTexts, LangRight map[content.Lang]int
	Misses               []Miss
}

// Miss is one text read otherwise than its label.
type Miss struct {
	Labelled
	Got Reading
}

func newReport() Report {
	return Report{Labelled: map[Intent]int{}, Read: map[Intent]int{}, Hit: map[Intent]int{},
		LangTexts: map[content.Lang]int{}, LangRight: map[content.Lang]int{}}
}

// Evaluate reads every text of set and compares.
func Evaluate(r *Reader, set []Labelled) Report {
	rep := newReport()
	for _, l := range set {
		got := r.Read(l.Text)
		rep.Texts++
		rep.Labelled[l.Intent]++
		rep.Read[got.Intent]++
		rep.LangTexts[l.Lang]++
		if l.Intent != Other {
			rep.Real++
			if got.Intent == Other {
				rep.Lost++
			}
		}
		if got.Intent != l.Intent {
			rep.Misses = append(rep.Misses, Miss{l, got})
			continue
		}
		rep.Right++
		rep.Hit[l.Intent]++
		rep.LangRight[l.Lang]++
		for _, s := range []struct {
			want string
			ok   bool
		}{
			{string(l.Slots.Kind), got.Slots.Kind == l.Slots.Kind},
			{l.Slots.Place, got.Slots.Where != ""},
			{string(l.Slots.Lesson), got.Slots.Lesson == l.Slots.Lesson},
		} {
			if s.want != "" {
				rep.Slots++
				if s.ok {
					rep.SlotsRight++
				}
			}
		}
	}
	return rep
}

func (r *Report) add(o Report) {
	r.Texts += o.Texts
	r.Right += o.Right
	r.Real += o.Real
	r.Lost += o.Lost
	r.Slots += o.Slots
	r.SlotsRight += o.SlotsRight
	for _, m := range []struct{ dst, src map[Intent]int }{{r.Labelled, o.Labelled}, {r.Read, o.Read}, {r.Hit, o.Hit}} {
		for k, v := range m.src {
			m.dst[k] += v
		}
	}
	for k, v := range o.LangTexts {
		r.LangTexts[k] += v
	}
	for k, v := range o.LangRight {
		r.LangRight[k] += v
	}
	r.Misses = append(r.Misses, o.Misses...)
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// Accuracy is the share of texts read as their label, in percent.
func (r Report) Accuracy() float64 { return pct(r.Right, r.Texts) }

// Recall is the share of texts labelled in read as in, in percent.
func (r Report) Recall(in Intent) float64 { return pct(r.Hit[in], r.Labelled[in]) }

// Precision is the share of texts read as in that are labelled in.
func (r Report) Precision(in Intent) float64 { return pct(r.Hit[in], r.Read[in]) }

// LostRate is the share of texts with a real intent read as Other.
func (r Report) LostRate() float64 { return pct(r.Lost, r.Real) }

// SlotRate is the share of labelled slots read alike.
func (r Report) SlotRate() float64 { return pct(r.SlotsRight, r.Slots) }

// String is the report as a table: the totals, then each intent's
// precision and recall.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "accuracy %.1f%% (%d of %d); real intents read as other %.1f%%; slots %.1f%% (%d)\n",
		r.Accuracy(), r.Right, r.Texts, r.LostRate(), r.SlotRate(), r.Slots)
	for _, lang := range content.Langs {
		fmt.Fprintf(&b, "  %s: %.1f%% of %d\n", lang, pct(r.LangRight[lang], r.LangTexts[lang]), r.LangTexts[lang])
	}
	fmt.Fprintf(&b, "  %-9s %6s %9s %7s\n", "intent", "texts", "precision", "recall")
	for _, in := range Intents {
		fmt.Fprintf(&b, "  %-9s %6d %8.1f%% %6.1f%%\n", in, r.Labelled[in], r.Precision(in), r.Recall(in))
	}
	return b.String()
}
