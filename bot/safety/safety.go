// Package safety is crisis triage: text in, a verdict out (a category of
// SPEC §9, a severity and the ids of the signals that matched). It is pure
// and deterministic, does no I/O, and runs on every message before anything
// else.
//
// This first version recognises a short list of unmistakable phrases of
// suicide risk, in English and Spanish, so that the pipeline's crisis slot
// is real; the full classifier replaces it.
package safety

import (
	"strings"

	"github.com/textline/textline/content"
)

// Category is a triage category of SPEC §9.
type Category string

// The categories.
const (
	SuicideRisk      Category = "suicide_risk"
	SelfHarm         Category = "self_harm"
	Overdose         Category = "overdose"
	AbuseDV          Category = "abuse_dv"
	SexualAssault    Category = "sexual_assault"
	ChildAbuse       Category = "child_abuse"
	MedicalEmergency Category = "medical_emergency"
	HarmToOthers     Category = "harm_to_others"
	Helper           Category = "helper"
	Distress         Category = "distress"
	Benign           Category = "benign"
)

// Severity is how urgent a verdict is.
type Severity string

// The severities, least urgent first.
const (
	None     Severity = "none"
	Moderate Severity = "moderate"
	High     Severity = "high"
	Imminent Severity = "imminent"
)

// Verdict is what triage concluded about one message.
type Verdict struct {
	Category Category
	Severity Severity
	Signals  []string // ids of the signals that matched, never the text
}

// Crisis reports whether the verdict calls for a crisis referral.
func (v Verdict) Crisis() bool {
	switch v.Category {
	case Helper, Distress, Benign, "":
		return false
	}
	return true
}

type phrase struct {
	id   string
	text string
}

// phrases are matched as whole words in the folded text.
var phrases = []phrase{
	{"en.kill_myself", "kill myself"},
	{"en.suicide", "suicide"},
	{"en.suicidal", "suicidal"},
	{"en.end_my_life", "end my life"},
	{"en.want_to_die", "want to die"},
	{"es.quiero_morir", "quiero morir"},
	{"es.quiero_matarme", "quiero matarme"},
	{"es.me_quiero_matar", "me quiero matar"},
	{"es.suicidarme", "suicidarme"},
	{"es.suicidio", "suicidio"},
}

// Classify triages one message.
func Classify(text string) Verdict {
	folded := " " + content.Fold(text) + " "
	var signals []string
	for _, p := range phrases {
		if containsWords(folded, p.text) {
			signals = append(signals, p.id)
		}
	}
	if len(signals) == 0 {
		return Verdict{Category: Benign, Severity: None}
	}
	return Verdict{Category: SuicideRisk, Severity: High, Signals: signals}
}

// containsWords finds phrase in padded with word boundaries on both sides.
func containsWords(padded, phrase string) bool {
	for i := 0; ; {
		j := strings.Index(padded[i:], phrase)
		if j < 0 {
			return false
		}
		at := i + j
		end := at + len(phrase)
		if !isWordByte(padded[at-1]) && (end >= len(padded) || !isWordByte(padded[end])) {
			return true
		}
		i = at + 1
	}
}

func isWordByte(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }
