package safety

import (
	"slices"

	"github.com/textline/textline/bot/learn"
)

// The model's probability of a crisis (all crisis categories together)
// steers the verdict at these points, chosen by cross-validation on the
// corpus (textline triage train -folds) to catch as many crises as
// possible with few alarms on everyday texts.
const (
	// A rule's crisis stands unless the model gives a crisis less than
	// this: the model is all but sure the rule misread the text.
	vetoBelow = 0.4
	// Without a rule, the model's crisis at or above this is a crisis at
	// the severity its second model gives.
	crisisAbove = 0.9
	// Between this and crisisAbove the verdict is Possible: ask.
	askAbove = 0.5
	// The model names the category of a crisis when it gives that
	// category at least this; otherwise the rule does. Where the two
	// disagree on texts they were not trained on and the model is this
	// sure, it is right more than four times out of five.
	namesAbove = 0.35
	// A part of a long message the model is this sure is a crisis makes
	// the whole message one.
	partAbove = 0.9
	// A clause the model is this sure is a crisis, read alone, keeps a
	// rule's crisis from the model's veto of the whole message, and
	// without a rule makes the text a possible crisis. Chosen on the
	// corpus: at 0.9, seven times as many distress texts became crises.
	clauseAbove = 0.98
	// When the model is this sure of a crisis, its severity model may
	// raise the severity a rule gave, or the Possible of a model crisis.
	severeAbove = 0.75
	// A shift to a calm category (history told as history, a denial,
	// worry for someone safe now) applies only below this: above it the
	// model, which reads the same words, judges better. On texts they
	// were not written for, calm shifts undid more crises than alarms.
	calmShiftBelow = 0.5
)

// Long messages are also scored a sentence at a time (a clause at a time
// when a sentence is long): danger in the last clause of a chatty message
// is not drowned by the rest.
const (
	longMessage = 12 // tokens
	longPart    = 20 // tokens
	minPart     = 3
	maxParts    = 16
)

// vetoSignal leads the signals of a verdict whose rules' crisis the model
// overruled.
const vetoSignal = "model.veto"

// decide turns the rules that fired and the model's reading into a
// verdict.
func (c *Classifier) decide(rd *reading, fired []*rule) Verdict {
	ruled := rulesSay(fired)
	if c.category == nil {
		return ruled.Verdict
	}
	probs, x := c.score(rd, fired)
	pCrisis, top := c.crisisOf(probs)
	var clause []float64
	if pCrisis < askAbove {
		clause = c.clause(rd)
	}
	clauseOK := clause != nil
	v := Verdict{Category: Benign, Severity: None, Probability: pCrisis}
	switch {
	case ruled.Crisis() && (pCrisis >= vetoBelow || ruled.firm || clauseOK):
		v = ruled.Verdict
		v.Probability = pCrisis
		if probs[c.category.Class(string(top))] >= namesAbove && top != ruled.Category {
			v.Category = top
			v.Signals = append(v.Signals, "model")
		}
		if pCrisis >= severeAbove {
			v.Severity = maxSeverity(v.Severity, c.severityOf(x))
		}
	case pCrisis >= crisisAbove:
		v.Category, v.Severity, v.Signals = top, c.severityOf(x), []string{"model"}
	case pCrisis >= askAbove:
		v.Category, v.Severity, v.Signals = top, Possible, []string{"model"}
		if s := c.severityOf(x); pCrisis >= severeAbove && s.AtLeast(High) {
			v.Severity = s
		}
	case clauseOK:
		// Only one clause, read alone, is a crisis: ask directly.
		_, v.Category = c.crisisOf(clause)
		v.Severity, v.Signals = Possible, []string{"model.clause"}
	default:
		v.Category = c.calm(probs, ruled.Category == Helper)
		switch {
		case ruled.Crisis():
			// Vetoed: the rules stay on record for whoever reads the log.
			v.Signals = append([]string{vetoSignal}, ruled.Signals...)
		case v.Category == Helper && ruled.Category == Helper:
			v.Signals, v.Ruled = ruled.Signals, true
		}
	}
	return v
}

// ruleVerdict is what the rules that fired say: the most urgent crisis at
// its highest severity (firm when a firm rule gave it), or helper.
type ruleVerdict struct {
	Verdict
	firm bool
}

func rulesSay(fired []*rule) ruleVerdict {
	v := Verdict{Category: Benign, Severity: None}
	helper := false
	for _, r := range fired {
		switch {
		case r.category.Crisis() && outranks(r.category, r.severity, v):
			v.Category, v.Severity = r.category, r.severity
		case r.category == Helper:
			helper = true
		}
	}
	if !v.Crisis() && helper {
		v.Category = Helper
	}
	firm := false
	for _, r := range fired {
		if r.category == v.Category {
			v.Signals = append(v.Signals, r.id)
			firm = firm || r.firm
		}
	}
	v.Ruled = v.Category != Benign
	return ruleVerdict{v, firm}
}

// crisisOf sums the crisis categories' probabilities and names the
// likeliest of them.
func (c *Classifier) crisisOf(probs []float64) (float64, Category) {
	sum, top := 0.0, -1
	for i, p := range probs {
		if Category(c.category.Classes[i]).Crisis() {
			sum += p
			if top < 0 || p > probs[top] {
				top = i
			}
		}
	}
	return sum, Category(c.category.Classes[top])
}

// calm picks helper, distress or benign: the likeliest by the model, a
// helper rule adding to helper.
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

// score returns the model's probabilities for the text, and its features.
// A part of a long message the model is all but sure is a crisis, when the
// whole is not, speaks for the whole.
func (c *Classifier) score(rd *reading, fired []*rule) ([]float64, learn.Vector) {
	bag := c.bags.Get().(*learn.Bag)
	defer c.bags.Put(bag)
	x := c.features(rd, span{0, len(rd.toks)}, fired, bag)
	probs := c.category.Probs(x, nil)
	whole, _ := c.crisisOf(probs)
	if whole >= partAbove {
		return probs, x
	}
	var part []float64
	for _, sp := range c.parts(rd) {
		px := c.features(rd, sp, nil, bag)
		part = c.category.Probs(px, part)
		if p, _ := c.crisisOf(part); p >= partAbove && p > whole {
			probs, x, whole = append([]float64(nil), part...), px, p
		}
	}
	return probs, x
}

// clause returns the model's probabilities for the clause it is surest
// is a crisis, when it is all but sure (clauseAbove), or nil: a crisis
// told in a clause after a request or a question about the line ("what
// is this line, i want to kill myself tonight") is not lost in the words
// around it.
func (c *Classifier) clause(rd *reading) []float64 {
	bag := c.bags.Get().(*learn.Bag)
	defer c.bags.Put(bag)
	var out []float64
	best := 0.0
	for i := 0; i < len(rd.toks); {
		j := i
		for j < len(rd.toks) && rd.toks[j].Clause == rd.toks[i].Clause {
			j++
		}
		if j-i >= minPart && j-i < len(rd.toks) {
			probs := c.category.Probs(c.features(rd, span{i, j}, nil, bag), nil)
			if p, _ := c.crisisOf(probs); p >= clauseAbove && p > best {
				best, out = p, probs
			}
		}
		i = j
	}
	return out
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
		if sp.to-sp.from >= longPart {
			cut(func(a, b int) bool { return rd.toks[a].Clause == rd.toks[b].Clause }, sp.from, sp.to, &out)
		}
		out = append(out, sp)
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
