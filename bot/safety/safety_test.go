package safety_test

import (
	"testing"

	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/content"
)

func classifier(tb testing.TB) *safety.Classifier {
	tb.Helper()
	lib, err := content.Load(content.Embedded())
	if err != nil {
		tb.Fatal(err)
	}
	return safety.Compile(lib.Triage)
}

// Each category, in both languages, with the forms texts really take; and
// the look-alikes that must not raise an alarm.
func TestClassify(t *testing.T) {
	c := classifier(t)
	for _, tc := range []struct {
		text string
		want safety.Category
		sev  safety.Severity // checked when set
	}{
		{"i want to kill myself", safety.SuicideRisk, safety.High},
		{"I WANT TO KILL MYSELF!!!", safety.SuicideRisk, ""},
		{"i want to dieeeee", safety.SuicideRisk, ""},
		{"gonna k1ll mys3lf", safety.SuicideRisk, ""},
		{"i want to k i l l myself", safety.SuicideRisk, ""},
		{"thinking about sucide", safety.SuicideRisk, ""},
		{"kil myself", safety.SuicideRisk, ""},
		{"wanna unalive fr", safety.SuicideRisk, ""},
		{"i have the pills in my hand", safety.SuicideRisk, safety.Imminent},
		{"i want to die tonight", safety.SuicideRisk, safety.Imminent},
		{"goodbye everyone, im sorry", safety.SuicideRisk, safety.Imminent},
		{"thinking about suicide lol but for real i have a plan tonight", safety.SuicideRisk, safety.Imminent},
		{"quiero morir", safety.SuicideRisk, ""},
		{"me quiero matar", safety.SuicideRisk, ""},
		{"i feel suicidal because my friend is mad at me", safety.SuicideRisk, ""},
		{"i dont see a reason to keep living", safety.SuicideRisk, ""},
		{"i cut myself again last night", safety.SelfHarm, ""},
		{"me corto los brazos", safety.SelfHarm, ""},
		{"i took 20 tylenol", safety.Overdose, safety.Imminent},
		{"my son swallowed a bunch of my pills", safety.Overdose, ""},
		{"my husband hits me", safety.AbuseDV, ""},
		{"mi esposo me pega", safety.AbuseDV, ""},
		{"my boyfriend raped me", safety.SexualAssault, ""},
		{"im 12 and my dad hits me", safety.ChildAbuse, ""},
		{"my uncle touches me", safety.ChildAbuse, ""},
		{"my chest hurts and i cant breathe", safety.MedicalEmergency, ""},
		{"i want to kill him", safety.HarmToOthers, ""},
		{"my friend says he wants to kill himself", safety.Helper, ""},
		{"how do i help my sister who is suicidal", safety.Helper, ""},
		{"im not suicidal, just tired", safety.Distress, ""},
		{"i would never hurt myself", safety.Benign, ""},
		{"i attempted years ago, doing better now", safety.Distress, ""},
		{"i feel so alone", safety.Distress, ""},
		{"this homework is killing me", safety.Benign, ""},
		{"id die for tacos", safety.Benign, ""},
		{"id kill for a coffee", safety.Benign, ""},
		{"hit me up later", safety.Benign, ""},
		{"my phone is dying", safety.Benign, ""},
		{"me muero de risa", safety.Benign, ""},
		{"that's odd", safety.Benign, ""},
		{"hello", safety.Benign, safety.None},
		{"", safety.Benign, safety.None},
	} {
		v := c.Classify(tc.text)
		if v.Category != tc.want || tc.sev != "" && v.Severity != tc.sev {
			t.Errorf("Classify(%q) = %s/%s %v; want %s/%s", tc.text, v.Category, v.Severity, v.Signals, tc.want, tc.sev)
		}
	}
}
