package lexicon

import (
	"strconv"

	"github.com/textline/textline/bot/learn"
)

// AddTokens adds to bag what a model reads of toks themselves: each word,
// emoji and number (with its size: a few, a teen's age, many), each two
// neighbouring words of a clause, the letters of each word (three to
// five at a time, so a misspelling shares most of them), and how long
// the text is. Triage and understanding read texts alike through it.
func AddTokens(bag *learn.Bag, toks []Token) {
	var buf []byte
	for i, t := range toks {
		switch t.Kind {
		case Number:
			n, _ := Leading(t.Key)
			bag.Add("n", numberClass(n))
			bag.Add("w", t.Key)
		case Emoji:
			bag.Add("e", t.Key)
		default:
			bag.Add("w", t.Key)
			buf = grams(bag, t.Key, buf)
		}
		if i > 0 && toks[i-1].Clause == t.Clause {
			bag.Add("b", toks[i-1].Key, t.Key)
		}
	}
	bag.Add("len", lengthClass(len(toks)))
}

// AddConcepts adds to bag each concept of ms (negated or not) and each
// pair of different concepts in one clause, leaving out the concepts
// quiet reports.
func (l *Lexicon) AddConcepts(bag *learn.Bag, toks []Token, ms []Match, quiet func(concept int) bool) {
	for i, m := range ms {
		if quiet(m.Concept) {
			continue
		}
		bag.Add(polarity(m), l.ID(m.Concept))
		for _, o := range ms[i+1:] {
			if quiet(o.Concept) || o.Concept == m.Concept || toks[o.Start].Clause != toks[m.Start].Clause {
				continue
			}
			a, b := l.ID(m.Concept), l.ID(o.Concept)
			if b < a {
				a, b = b, a
			}
			bag.Add("p", a, b)
		}
	}
}

func polarity(m Match) string {
	if m.Negated {
		return "not"
	}
	return "k"
}

// Leading splits a number token into its leading digits and the letters
// after them: "13yo" is 13 and "yo". The number is -1 when there are no
// digits.
func Leading(key string) (int, string) {
	i := 0
	for i < len(key) && key[i] >= '0' && key[i] <= '9' {
		i++
	}
	n, err := strconv.Atoi(key[:i])
	if err != nil {
		return -1, ""
	}
	return n, key[i:]
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
