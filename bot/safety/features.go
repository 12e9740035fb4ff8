package safety

import (
	"github.com/textline/textline/bot/learn"
	"github.com/textline/textline/bot/lexicon"
)

// span is a part of a reading the model scores: tokens [from, to).
type span struct{ from, to int }

// features are what the model reads of the tokens in sp: each word, emoji
// and number (with its size: a few, a teen's age, many), each two
// neighbouring words of a clause, the letters of each word (three to five
// at a time, so a misspelling shares most of them), each concept (negated
// or not), each pair of concepts in a clause, each rule that fired, and
// how long the text is.
func (c *Classifier) features(rd *reading, sp span, fired []*rule, bag *learn.Bag) learn.Vector {
	bag.Reset()
	toks := rd.toks[sp.from:sp.to]
	lexicon.AddTokens(bag, toks)
	var in []lexicon.Match
	for _, m := range rd.ms {
		if m.Start >= sp.from && m.End <= sp.to {
			in = append(in, m)
		}
	}
	c.lex.AddConcepts(bag, rd.toks, in, func(concept int) bool { return c.quiet[concept] })
	for _, r := range fired {
		bag.Add("r", r.id)
	}
	return bag.Vector(c.bits)
}
