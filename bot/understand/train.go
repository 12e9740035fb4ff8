package understand

import (
	"fmt"

	"github.com/textline/textline/bot/learn"
	"github.com/textline/textline/content"
)

// TrainOptions are the settings the shipped model is trained with; the
// same corpus, concepts and options always give the same model.
func TrainOptions() learn.Options {
	return learn.Options{Bits: defaultBits, Epochs: 30, Rate: 0.5, L2: 1e-6, Seed: 20261130, Balance: 0.5}
}

// Train fits the intent model to a labelled corpus, reading it with the
// concepts of lib (its model is not used).
func Train(lib *content.Library, corpus []Labelled, opts learn.Options) (*learn.Model, error) {
	r, err := compileLexicon(lib.Triage.Concepts, lib.Understanding.Concepts, lib.Understanding.Danger, nil)
	if err != nil {
		return nil, err
	}
	r.bits = opts.Bits
	return r.train(corpus, opts), nil
}

func (r *Reader) train(corpus []Labelled, opts learn.Options) *learn.Model {
	classes := make([]string, len(Intents))
	index := map[Intent]int{}
	for i, in := range Intents {
		classes[i] = string(in)
		index[in] = i
	}
	examples := make([]learn.Example, 0, len(corpus))
	bag := &learn.Bag{}
	for _, l := range corpus {
		x := r.features(r.read(l.Text), l.Text, bag)
		examples = append(examples, learn.Example{X: x, Class: index[l.Intent]})
	}
	return learn.Train(classes, examples, opts)
}

// CrossValidate trains on all but one of k folds of the corpus in turn,
// scores the fold left out, and reports the sum: how the model does on
// texts it was not trained on.
func CrossValidate(lib *content.Library, corpus []Labelled, k int, opts learn.Options) (Report, error) {
	if k < 2 || k > len(corpus) {
		return Report{}, fmt.Errorf("cross-validation needs 2 to %d folds, not %d", len(corpus), k)
	}
	r, err := compileLexicon(lib.Triage.Concepts, lib.Understanding.Concepts, lib.Understanding.Danger, lib)
	if err != nil {
		return Report{}, err
	}
	r.bits = opts.Bits
	total := newReport()
	for fold := range k {
		train, test := learn.Split(corpus, k, fold, opts.Seed)
		fr := *r
		if err := fr.use(r.train(train, opts)); err != nil {
			return Report{}, err
		}
		total.add(Evaluate(&fr, test))
	}
	return total, nil
}
