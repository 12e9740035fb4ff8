// Package safety is crisis triage: a text in, a verdict out (a category,
// a severity, the probability the model gives a crisis, and the ids of the
// rules that decided, never the text). It is pure and deterministic, does
// no I/O, and runs on every message before anything else.
//
// Triage reads a text three ways (package lexicon finds the concepts in
// it):
//
//  1. rules (content/triage/rules) combine concepts in a clause or a
//     message into a verdict: "possession + means", "age under 18 +
//     sexual touching", "weapon + place + time";
//  2. a trained model (package learn) scores the words, their letters,
//     the concepts and the rules that fired, the whole message and each
//     of its sentences, and covers wording no rule was written for;
//  3. modifiers raise the severity (a time, means at hand, a goodbye),
//     move the category (a child, history told as history) and read a
//     short reply in the light of the line's last message.
//
// A rule's verdict stands unless the model is all but sure there is no
// crisis; without a rule, the model decides, and when it is unsure the
// verdict is the lowest severity, Possible: the reply asks directly.
package safety

import (
	"slices"

	"github.com/textline/textline/content"
)

// Category is a triage category.
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

// allCategories lists the categories, crisis ones first, most urgent
// first: one message may carry several signals, and its label is the most
// urgent.
var allCategories = []Category{Overdose, MedicalEmergency, SuicideRisk, HarmToOthers, ChildAbuse, SexualAssault, AbuseDV, SelfHarm, Helper, Distress, Benign}

// CrisisCategories are the categories that call for a crisis referral,
// most urgent first.
func CrisisCategories() []Category { return slices.Clone(allCategories[:urgency(Helper)]) }

func known(c Category) bool { return urgency(c) < len(allCategories) }

// urgency is c's place in allCategories: lower is more urgent. Triage
// asks it many times a text: a switch, which TestUrgencyFollowsTheList
// holds to the list.
func urgency(c Category) int {
	switch c {
	case Overdose:
		return 0
	case MedicalEmergency:
		return 1
	case SuicideRisk:
		return 2
	case HarmToOthers:
		return 3
	case ChildAbuse:
		return 4
	case SexualAssault:
		return 5
	case AbuseDV:
		return 6
	case SelfHarm:
		return 7
	case Helper:
		return 8
	case Distress:
		return 9
	case Benign:
		return 10
	}
	return len(allCategories)
}

// Crisis reports whether c calls for a crisis referral.
func (c Category) Crisis() bool { return urgency(c) < urgency(Helper) }

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

var severities = []Severity{None, Possible, Moderate, High, Imminent}

// rank orders severities: none 0, possible 1, moderate 2, high 3,
// imminent 4.
func rank(s Severity) int {
	for i, k := range severities {
		if s == k {
			return i
		}
	}
	return 0
}

// AtLeast reports whether s is as urgent as t or more.
func (s Severity) AtLeast(t Severity) bool { return rank(s) >= rank(t) }

// Verdict is what triage concluded about one message.
type Verdict struct {
	Category Category
	Severity Severity
	// Probability is how likely the model thinks a crisis is, 0 to 1.
	Probability float64
	// Signals are the ids of the rules that decided, "model" when the
	// model decided or named the category, and "model.veto" before the
	// ids of rules whose crisis the model overruled; never the text.
	Signals []string
	// Ruled: a rule found the crisis (or the helper), not the model
	// alone; the model may still have named the category.
	Ruled bool
	// Lang is the language the text was written in, when its words tell:
	// a crisis is answered in the language it was told in.
	Lang content.Lang
}

// Crisis reports whether the verdict calls for a crisis referral.
func (v Verdict) Crisis() bool { return v.Category.Crisis() }

// Overruled reports whether the model overruled a rule's crisis: the
// rules read one, and the model was all but sure they misread the text.
func (v Verdict) Overruled() bool { return len(v.Signals) > 0 && v.Signals[0] == vetoSignal }

// Asked is what the line's last message did, for reading a short reply
// in its light.
type Asked string

// What the line's last message may have done.
const (
	AskedNothing Asked = ""
	// AskedRisk: the line asked directly about a possible risk ("Are you
	// thinking about suicide?").
	AskedRisk Asked = "ask"
	// AskedSafe: the line answered a crisis and asked whether the texter
	// is safe.
	AskedSafe Asked = "crisis"
)

// Prior is the turn before: what the line asked, about which category.
type Prior struct {
	Asked    Asked
	Category Category
}
