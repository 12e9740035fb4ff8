package safety

import (
	"fmt"

	"github.com/textline/textline/bot/learn"
	"github.com/textline/textline/content"
)

// TrainOptions are the settings the shipped models are trained with; the
// same corpus, lexicon and options always give the same models.
func TrainOptions() learn.Options {
	return learn.Options{Bits: defaultBits, Epochs: 30, Rate: 0.5, L2: 1e-6, Seed: 20261130, Balance: 0.5}
}

// crisisSeverities are the classes of the severity model.
var crisisSeverities = []Severity{Possible, Moderate, High, Imminent}

// Models are a trained pair: the category of a text, and the severity of
// a crisis.
type Models struct {
	Category, Severity *learn.Model
}

// Train fits both models to a labelled corpus, reading it with the
// lexicon and rules of t (its models are not used).
func Train(t content.Triage, corpus []Labelled, opts learn.Options) (Models, error) {
	c, err := compileLexicon(t)
	if err != nil {
		return Models{}, err
	}
	c.bits = opts.Bits
	return c.train(corpus, opts), nil
}

func (c *Classifier) train(corpus []Labelled, opts learn.Options) Models {
	cats := make([]string, len(allCategories))
	for i, cat := range allCategories {
		cats[i] = string(cat)
	}
	sevs := make([]string, len(crisisSeverities))
	for i, s := range crisisSeverities {
		sevs[i] = string(s)
	}
	var byCat, bySev []learn.Example
	bag := &learn.Bag{}
	for _, l := range corpus {
		rd := c.read(l.Text)
		var fired []*rule
		for _, r := range c.verdicts {
			if c.fires(r, rd) {
				fired = append(fired, r)
			}
		}
		x := c.features(rd, span{0, len(rd.toks)}, fired, bag)
		byCat = append(byCat, learn.Example{X: x, Class: urgency(l.Expect)})
		if s := rank(l.Severity) - 1; l.Expect.Crisis() && s >= 0 {
			bySev = append(bySev, learn.Example{X: x, Class: s})
		}
	}
	sevOpts := opts
	sevOpts.Balance = 0
	return Models{Category: learn.Train(cats, byCat, opts), Severity: learn.Train(sevs, bySev, sevOpts)}
}

// with returns a classifier that reads as c does, with models m.
func (c *Classifier) with(m Models) *Classifier {
	d := *c
	d.category, d.severity, d.bits = m.Category, m.Severity, m.Category.Bits
	return &d
}

// CrossValidate trains on all but one of k folds of the corpus in turn,
// scores the fold left out, and reports the sum: how the models do on
// texts they were not trained on.
func CrossValidate(t content.Triage, corpus []Labelled, k int, opts learn.Options) (Report, error) {
	if k < 2 || k > len(corpus) {
		return Report{}, fmt.Errorf("cross-validation needs 2 to %d folds, not %d", len(corpus), k)
	}
	c, err := compileLexicon(t)
	if err != nil {
		return Report{}, err
	}
	c.bits = opts.Bits
	var total Report
	for fold := range k {
		train, test := learn.Split(corpus, k, fold, opts.Seed)
		total = total.add(Evaluate(c.with(c.train(train, opts)), test))
	}
	return total, nil
}

// add sums two reports.
func (r Report) add(o Report) Report {
	if r.PerCategory == nil {
		r.PerCategory = map[Category]*CategoryScore{}
	}
	r.Crisis += o.Crisis
	r.Caught += o.Caught
	r.Exact += o.Exact
	r.Severe += o.Severe
	r.SevereCaught += o.SevereCaught
	r.Benign += o.Benign
	r.BenignAlarms += o.BenignAlarms
	r.Distress += o.Distress
	r.DistressAlarms += o.DistressAlarms
	r.Helpers += o.Helpers
	r.HelpersExact += o.HelpersExact
	r.HelpersHandled += o.HelpersHandled
	for cat, s := range o.PerCategory {
		if r.PerCategory[cat] == nil {
			r.PerCategory[cat] = &CategoryScore{}
		}
		r.PerCategory[cat].Texts += s.Texts
		r.PerCategory[cat].Right += s.Right
		r.PerCategory[cat].Judged += s.Judged
	}
	r.Misses = append(r.Misses, o.Misses...)
	return r
}
