package safety_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/textline/textline/bot/safety"
)

type labelled struct {
	Text   string `json:"text"`
	Expect string `json:"expect"`
	Note   string `json:"note"`
}

func readSet(t *testing.T, file string) []labelled {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var set []labelled
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l labelled
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		set = append(set, l)
	}
	return set
}

// score is how triage did on a labelled set.
type score struct {
	crisis, caught, exact, calm, alarms int
	perCat                              map[string]*[3]int // total, exact, as crisis
	misses                              []string
}

func scoreSet(c *safety.Classifier, set []labelled) score {
	s := score{perCat: map[string]*[3]int{}}
	for _, l := range set {
		v := c.Classify(l.Text)
		want := safety.Verdict{Category: safety.Category(l.Expect)}
		row := s.perCat[l.Expect]
		if row == nil {
			row = &[3]int{}
			s.perCat[l.Expect] = row
		}
		row[0]++
		if string(v.Category) == l.Expect {
			row[1]++
		} else {
			s.misses = append(s.misses, fmt.Sprintf("%-17s got %-17s %q %v", l.Expect, v.Category, l.Text, v.Signals))
		}
		if v.Crisis() {
			row[2]++
		}
		switch {
		case want.Crisis():
			s.crisis++
			if v.Crisis() {
				s.caught++
			}
			if v.Category == want.Category {
				s.exact++
			}
		case l.Expect == string(safety.Distress) || l.Expect == string(safety.Benign):
			s.calm++
			if v.Crisis() {
				s.alarms++
			}
		}
	}
	return s
}

func pct(a, b int) float64 {
	if b == 0 {
		return 100
	}
	return 100 * float64(a) / float64(b)
}

func (s score) report(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: crisis caught %d/%d (%.1f%%), exact category %d/%d (%.1f%%), false alarms %d/%d (%.1f%%)\n",
		name, s.caught, s.crisis, pct(s.caught, s.crisis), s.exact, s.crisis, pct(s.exact, s.crisis), s.alarms, s.calm, pct(s.alarms, s.calm))
	cats := make([]string, 0, len(s.perCat))
	for c := range s.perCat {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	fmt.Fprintf(&b, "  %-18s %5s %6s %9s\n", "category", "texts", "exact", "as crisis")
	for _, c := range cats {
		r := s.perCat[c]
		fmt.Fprintf(&b, "  %-18s %5d %5.0f%% %8.0f%%\n", c, r[0], pct(r[1], r[0]), pct(r[2], r[0]))
	}
	return b.String()
}

// The targets of the crisis-triage issue, on the labelled texts: crisis
// texts recognised as a crisis >= 97%, in the exact category >= 85%;
// distress and benign texts raised as a crisis <= 5%. Run with -v to see
// the report; the misses are listed when a target fails.
func TestEvaluation(t *testing.T) {
	c := classifier(t)
	files, err := filepath.Glob("testdata/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no labelled texts in testdata: %v", err)
	}
	for _, file := range files {
		s := scoreSet(c, readSet(t, file))
		t.Log("\n" + s.report(file))
		if pct(s.caught, s.crisis) < 97 || pct(s.exact, s.crisis) < 85 || pct(s.alarms, s.calm) > 5 {
			t.Errorf("%s misses a target:\n%s", file, strings.Join(s.misses, "\n"))
		}
	}
}
