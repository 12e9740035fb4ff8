package safety

import (
	"strconv"

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
	var buf []byte
	toks := rd.toks[sp.from:sp.to]
	for i, t := range toks {
		switch t.Kind {
		case lexicon.Number:
			n, _ := number(t.Key)
			bag.Add("n", numberClass(n))
			bag.Add("w", t.Key)
		case lexicon.Emoji:
			bag.Add("e", t.Key)
		default:
			bag.Add("w", t.Key)
			buf = grams(bag, t.Key, buf)
		}
		if i > 0 && toks[i-1].Clause == t.Clause {
			bag.Add("b", toks[i-1].Key, t.Key)
		}
	}
	var in []lexicon.Match
	for _, m := range rd.ms {
		if m.Start >= sp.from && m.End <= sp.to && !c.quiet[m.Concept] {
			in = append(in, m)
		}
	}
	for i, m := range in {
		bag.Add(polarity(m), c.lex.ID(m.Concept))
		for _, o := range in[i+1:] {
			if rd.toks[o.Start].Clause == rd.toks[m.Start].Clause && o.Concept != m.Concept {
				a, b := c.lex.ID(m.Concept), c.lex.ID(o.Concept)
				if b < a {
					a, b = b, a
				}
				bag.Add("p", a, b)
			}
		}
	}
	for _, r := range fired {
		bag.Add("r", r.id)
	}
	bag.Add("len", lengthClass(len(toks)))
	return bag.Vector(c.bits)
}

func polarity(m lexicon.Match) string {
	if m.Negated {
		return "not"
	}
	return "k"
}

// grams adds the three-, four- and five-letter pieces of a word, with its
// edges marked: <kill> gives <ki, kil, ill, ll>, <kil and so on.
func grams(bag *learn.Bag, key string, buf []byte) []byte {
	w := append(append(append(buf[:0], '<'), key...), '>')
	if len(w) < 5 {
		return w
	}
	for n := 3; n <= 5; n++ {
		for i := 0; i+n <= len(w); i++ {
			bag.AddBytes("c", w[i:i+n])
		}
	}
	return w
}

func numberClass(n int) string {
	switch {
	case n < 0:
		return "none"
	case n < 5:
		return "few"
	case n < 18:
		return "teen"
	case n < 100:
		return "many"
	}
	return "big"
}

func lengthClass(n int) string {
	for _, top := range []int{1, 3, 8, 20, 50} {
		if n <= top {
			return strconv.Itoa(top)
		}
	}
	return "long"
}
