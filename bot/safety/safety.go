// Package safety is crisis triage: text in, a verdict out (a category of
// SPEC §9, a severity and the ids of the signals that matched, never the
// text). It is pure and deterministic, does no I/O, and runs on every
// message before anything else.
//
// The lexicon (content/triage.yaml) is compiled once into a word trie;
// Classify folds the text into words (case, accents, repeated letters,
// digits for letters, spaced-out letters, emoji), finds every phrase in
// one pass, then applies the context rules of rules.go: figures of speech,
// negation, someone else as the subject, history, a child, and what makes
// a crisis imminent.
package safety

import "github.com/textline/textline/content"

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

// allCategories lists the categories, crisis ones first, most urgent first.
var allCategories = []Category{Overdose, MedicalEmergency, SuicideRisk, HarmToOthers, ChildAbuse, SexualAssault, AbuseDV, SelfHarm, Helper, Distress, Benign}

func known(c Category) bool {
	for _, k := range allCategories {
		if c == k {
			return true
		}
	}
	return false
}

// Severity is how urgent a verdict is.
type Severity string

// The severities, least urgent first.
const (
	None Severity = "none"
	// Possible is risk that is likely but not clear: the reply asks
	// directly, and the answer decides.
	Possible Severity = "possible"
	Moderate Severity = "moderate"
	High     Severity = "high"
	Imminent Severity = "imminent"
)

// Verdict is what triage concluded about one message.
type Verdict struct {
	Category Category
	Severity Severity
	Signals  []string // ids of the signals that matched, never the text
	// Lang is the language of the phrases that decided the verdict, when
	// they were all of one language: a crisis is answered in the language
	// it was told in.
	Lang content.Lang
}

// Crisis reports whether the verdict calls for a crisis referral.
func (v Verdict) Crisis() bool {
	switch v.Category {
	case Helper, Distress, Benign, "":
		return false
	}
	return true
}

// rank orders severities: none 0, possible 1, moderate 2, high 3,
// imminent 4.
func rank(s Severity) int {
	switch s {
	case Possible:
		return 1
	case Moderate:
		return 2
	case High:
		return 3
	case Imminent:
		return 4
	}
	return 0
}
