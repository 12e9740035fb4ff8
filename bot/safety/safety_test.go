package safety_test

import (
	"testing"

	"github.com/textline/textline/bot/safety"
)

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		text   string
		crisis bool
	}{
		{"i want to kill myself", true},
		{"I WANT TO KILL MYSELF!!!", true},
		{"thinking about suicide", true},
		{"i feel suicidal", true},
		{"i want to end my life", true},
		{"Quiero morir", true},
		{"me quiero matar", true},
		{"pienso en suicidarme", true},
		{"hi", false},
		{"1", false},
		{"i want to dies", false}, // not a whole-word match
		{"suicidesquad fan here", false},
		{"", false},
	} {
		v := safety.Classify(tc.text)
		if v.Crisis() != tc.crisis {
			t.Errorf("Classify(%q) = %+v; crisis %v, want %v", tc.text, v, v.Crisis(), tc.crisis)
		}
		if tc.crisis && (v.Category != safety.SuicideRisk || len(v.Signals) == 0) {
			t.Errorf("Classify(%q) = %+v; want suicide_risk with its signals", tc.text, v)
		}
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"i want to kill myself", "hola", "", "\xff\xfe", "suicide suicide"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, b := safety.Classify(s), safety.Classify(s)
		if a.Category != b.Category || a.Severity != b.Severity || len(a.Signals) != len(b.Signals) {
			t.Fatalf("not deterministic: %+v then %+v", a, b)
		}
		if !safety.Classify("xx " + s + " i want to kill myself").Crisis() {
			t.Fatalf("a crisis phrase after %q was missed", s)
		}
	})
}
