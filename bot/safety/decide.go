package safety

import (
	"slices"

	"github.com/textline/textline/bot/learn"
)

// The model's probability of a crisis (all crisis categories together)
// steers the verdict at these points, chosen by cross-validation on the
// corpus (textline triage train -folds).
const (
	// A rule's crisis stands unless the model gives a crisis less than
	// this: the model is all but sure the rule misread the text.
	vetoBelow = 0.05
	// Without a rule, the model's crisis at or above this is a crisis at
	// the severity its second model gives.
	crisisAbove = 0.8
	// Between this and crisisAbove the verdict is Possible: ask.
	askAbove = 0.5
	// A crisis category the model gives at least this probability is
	// kept beside a rule's when it is the more urgent of the two.
	otherAbove = 0.5
)

// Long messages are also scored a sentence at a time (a clause at a time
// when a sentence is long), and the part most likely a crisis speaks for
// the whole: danger in the last clause of a chatty message is not
// drowned by the rest.
const (
	longMessage = 12 // tokens
	longPart    = 20 // tokens
	minPart     = 3
	maxParts    = 16
)

// decide turns the rules that fired and the model's reading into a
// verdict.
func (c *Classifier) decide(rd *reading, fired []*rule) Verdict {
	v := Verdict{Category: Benign, Severity: None}
	ruled := Verdict{Category: Benign, Severity: None}
	helper := false
	for _, r := range fired {
		switch {
		case r.category.Crisis() && outranks(r.category, r.severity, ruled):
			ruled.Category, ruled.Severity = r.category, r.severity
		case r.category == Helper:
			helper = true
		}
	}
	for _, r := range fired {
		if r.category == ruled.Category || !ruled.Crisis() && r.category == Helper {
			ruled.Signals = append(ruled.Signals, r.id)
		}
	}
	ruled.Ruled = ruled.Crisis() || helper
	if c.category == nil {
		if ruled.Crisis() || helper {
			if helper && !ruled.Crisis() {
				ruled.Category = Helper
			}
			return ruled
		}
		return v
	}
	probs, x := c.score(rd, fired)
	pCrisis, top := 0.0, Category("")
	for i, p := range probs {
		cat := Category(c.category.Classes[i])
		if cat.Crisis() {
			pCrisis += p
			if top == "" || p > probs[c.category.Class(string(top))] {
				top = cat
			}
		}
	}
	v.Probability = pCrisis
	switch {
	case ruled.Crisis() && pCrisis >= vetoBelow:
		v.Category, v.Severity, v.Signals, v.Ruled = ruled.Category, ruled.Severity, ruled.Signals, true
		if p := probs[c.category.Class(string(top))]; p >= otherAbove && urgency(top) < urgency(ruled.Category) {
			v.Category, v.Severity = top, maxSeverity(c.severityOf(x), Moderate)
			v.Signals = append(v.Signals, "model")
		}
	case pCrisis >= crisisAbove:
		v.Category, v.Severity, v.Signals = top, c.severityOf(x), []string{"model"}
	case pCrisis >= askAbove:
		v.Category, v.Severity, v.Signals = top, Possible, []string{"model"}
	default:
		v.Category = c.calm(probs, helper)
		if v.Category == Helper && helper {
			v.Signals, v.Ruled = ruled.Signals, true
		}
	}
	return v
}

// calm picks helper, distress or benign: the likeliest by the model.
func (c *Classifier) calm(probs []float64, helperRule bool) Category {
	best, bestP := Benign, -1.0
	for _, cat := range []Category{Helper, Distress, Benign} {
		p := probs[c.category.Class(string(cat))]
		if cat == Helper && helperRule {
			p += helperBonus
		}
		if p > bestP {
			best, bestP = cat, p
		}
	}
	return best
}

// helperBonus is what a helper rule adds to the model's helper
// probability.
const helperBonus = 0.15

// score returns the model's probabilities for the part of the text most
// likely a crisis, and that part's features.
func (c *Classifier) score(rd *reading, fired []*rule) ([]float64, learn.Vector) {
	bag := c.bags.Get().(*learn.Bag)
	defer c.bags.Put(bag)
	x := c.features(rd, span{0, len(rd.toks)}, fired, bag)
	best := c.category.Probs(x, nil)
	var probs []float64
	for _, sp := range c.parts(rd) {
		x2 := c.features(rd, sp, nil, bag)
		probs = c.category.Probs(x2, probs)
		if c.crisisMass(probs) > c.crisisMass(best) {
			best = append(best[:0], probs...)
			x = x2
		}
	}
	return best, x
}

func (c *Classifier) crisisMass(probs []float64) float64 {
	sum := 0.0
	for i, p := range probs {
		if Category(c.category.Classes[i]).Crisis() {
			sum += p
		}
	}
	return sum
}

// severityOf is the likeliest crisis severity the second model gives x.
func (c *Classifier) severityOf(x learn.Vector) Severity {
	if c.severity == nil {
		return High
	}
	probs := c.severity.Probs(x, nil)
	best := 0
	for i, p := range probs {
		if p > probs[best] {
			best = i
		}
	}
	return Severity(c.severity.Classes[best])
}

// parts are the sentences of a long message, and the clauses of a long
// sentence.
func (c *Classifier) parts(rd *reading) []span {
	if len(rd.toks) < longMessage {
		return nil
	}
	var sentences, out []span
	cut := func(same func(a, b int) bool, from, to int, dst *[]span) {
		for i := from; i < to; {
			j := i
			for j < to && same(i, j) {
				j++
			}
			*dst = append(*dst, span{i, j})
			i = j
		}
	}
	cut(func(a, b int) bool { return rd.toks[a].Sentence == rd.toks[b].Sentence }, 0, len(rd.toks), &sentences)
	for _, sp := range sentences {
		if n := sp.to - sp.from; n >= longPart {
			cut(func(a, b int) bool { return rd.toks[a].Clause == rd.toks[b].Clause }, sp.from, sp.to, &out)
		}
		if n := sp.to - sp.from; n >= minPart && n < len(rd.toks) {
			out = append(out, sp)
		}
	}
	out = slices.DeleteFunc(out, func(sp span) bool { return sp.to-sp.from < minPart || sp.to-sp.from == len(rd.toks) })
	if len(out) > maxParts {
		out = out[len(out)-maxParts:]
	}
	return out
}

func maxSeverity(a, b Severity) Severity {
	if a.AtLeast(b) {
		return a
	}
	return b
}
