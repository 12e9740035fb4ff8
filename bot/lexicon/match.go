package lexicon

import (
	"slices"
	"strings"

	"github.com/textline/textline/content"
)

// Match is one concept found in a text: tokens [Start, End).
type Match struct {
	Concept    int
	Start, End int
	// Lang is the language of the member that matched, or "" when
	// members of several languages did.
	Lang content.Lang
	// Negated: a negation in its clause binds to this concept ("not
	// suicidal", "no quiero vivir").
	Negated bool
	// Fuzzy: a word of it was matched within one edit.
	Fuzzy bool
}

// candidate is a unit a token may stand for.
type candidate struct {
	unit  int32
	fuzzy bool
}

// maxReach is how many light words a negation reaches over.
const maxReach = 5

// Find returns every concept of the lexicon in toks, in order of where
// they start, with negation bound.
func (l *Lexicon) Find(toks []Token) []Match {
	cands := make([][]candidate, len(toks))
	for i, t := range toks {
		cands[i] = l.candidates(t.Key, nil)
		if t.Alt != t.Key {
			cands[i] = l.candidates(t.Alt, cands[i])
		}
	}
	var out []Match
	for i := range toks {
		l.walk(&l.root, toks, cands, i, i, false, &out)
	}
	out = dedupe(out)
	l.negate(toks, out)
	return out
}

func (l *Lexicon) walk(n *node, toks []Token, cands [][]candidate, start, pos int, fuzzy bool, out *[]Match) {
	for _, e := range n.ends {
		if !fuzzy || e.typos {
			*out = append(*out, Match{Concept: e.concept, Start: start, End: pos, Lang: e.lang, Fuzzy: fuzzy})
		}
	}
	if pos >= len(toks) || n.next == nil || toks[pos].Clause != toks[start].Clause {
		return
	}
	for _, c := range cands[pos] {
		if next := n.next[c.unit]; next != nil {
			l.walk(next, toks, cands, start, pos+1, fuzzy || c.fuzzy, out)
		}
	}
}

// candidates returns the units key may stand for: itself, its stems, and,
// for a word no member spells exactly, members within one edit.
func (l *Lexicon) candidates(key string, out []candidate) []candidate {
	add := func(u int32, fuzzy bool) {
		for _, c := range out {
			if c.unit == u {
				return
			}
		}
		out = append(out, candidate{u, fuzzy})
	}
	exact, ok := l.words[key]
	if ok {
		add(exact, false)
	}
	for n := minStem; n <= len(key) && n <= l.maxStem; n++ {
		if u, ok := l.stems[key[:n]]; ok {
			add(u, false)
		}
	}
	if ok {
		return out
	}
	if censored(key) {
		for _, u := range l.uncensor(key) {
			add(u, false)
		}
		return out
	}
	if len([]rune(key)) < minFuzzy-1 {
		return out
	}
	probe := func(p string) {
		for _, u := range l.fuzzy[p] {
			if oneEdit(key, l.keys[u]) {
				add(u, true)
			}
		}
	}
	probe(key)
	if !ascii(key) {
		for _, d := range deletes(key) {
			probe(d)
		}
		return out
	}
	var buf [64]byte
	for i := 0; i < len(key) && len(key) <= len(buf); i++ {
		d := append(append(buf[:0], key[:i]...), key[i+1:]...)
		if us, ok := l.fuzzy[string(d)]; ok { // no allocation: the conversion is only for the lookup
			for _, u := range us {
				if oneEdit(key, l.keys[u]) {
					add(u, true)
				}
			}
		}
	}
	return out
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func censored(key string) bool { return strings.ContainsRune(key, censor) }

// uncensor returns the members a word with "*" for letters may be:
// r*ped is raped, s*icide is suicide.
func (l *Lexicon) uncensor(key string) []int32 {
	r := []rune(key)
	var out []int32
	var try func(i int)
	try = func(i int) {
		for ; i < len(r) && r[i] != censor; i++ {
		}
		if i == len(r) {
			if u, ok := l.words[string(r)]; ok {
				out = append(out, u)
			}
			return
		}
		for c := 'a'; c <= 'z'; c++ {
			r[i] = c
			try(i + 1)
		}
		r[i] = censor
	}
	if strings.Count(key, string(censor)) <= 2 {
		try(0)
	}
	return out
}

// oneEdit reports whether a and b are within one insertion, deletion,
// substitution or swap of neighbours of each other.
func oneEdit(a, b string) bool {
	x, y := []rune(a), []rune(b)
	if len(x) > len(y) {
		x, y = y, x
	}
	if len(y)-len(x) > 1 {
		return false
	}
	i := 0
	for i < len(x) && x[i] == y[i] {
		i++
	}
	if i == len(x) {
		return true
	}
	if len(x) == len(y) {
		if string(x[i+1:]) == string(y[i+1:]) {
			return true // substitution
		}
		return i+1 < len(x) && x[i] == y[i+1] && x[i+1] == y[i] && string(x[i+2:]) == string(y[i+2:])
	}
	return string(x[i:]) == string(y[i+1:])
}

// dedupe keeps one match per concept and span; when members of several
// languages gave it, its language is unknown.
func dedupe(ms []Match) []Match {
	slices.SortStableFunc(ms, func(a, b Match) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		if a.End != b.End {
			return a.End - b.End
		}
		return a.Concept - b.Concept
	})
	out := ms[:0]
	for _, m := range ms {
		if n := len(out); n > 0 && out[n-1].Concept == m.Concept && out[n-1].Start == m.Start && out[n-1].End == m.End {
			if out[n-1].Lang != m.Lang {
				out[n-1].Lang = ""
			}
			out[n-1].Fuzzy = out[n-1].Fuzzy && m.Fuzzy
			continue
		}
		out = append(out, m)
	}
	return out
}

// negate binds each negating word to what it negates, within its clause
// and maxReach words. It steps over words where only Pass concepts start
// ("not really a", "never be") and marks the concepts that start at the
// next word, with those inside them ("not a burden" negates burden too);
// a word of no concept takes the negation and ends it. A marked Carry
// concept passes the negation on to what follows it ("dont want to
// die"). A negating word inside a Discourse phrase ("not gonna lie")
// negates nothing.
func (l *Lexicon) negate(toks []Token, ms []Match) {
	if l.negation < 0 {
		return
	}
	starts := make([][]int, len(toks)) // indices of matches by start
	for k, m := range ms {
		starts[m.Start] = append(starts[m.Start], k)
	}
	for _, n := range ms {
		if n.Concept != l.negation || l.inDiscourse(ms, n) {
			continue
		}
		j, steps := n.End, 0
		for j < len(toks) && toks[j].Clause == toks[n.Start].Clause && steps < maxReach {
			bound, next, span := false, -1, j
			for _, k := range starts[j] {
				c := ms[k].Concept
				if c == l.negation || l.pass[c] {
					continue
				}
				ms[k].Negated, bound = true, true
				span = max(span, ms[k].End)
				if l.carry[c] && (next < 0 || ms[k].End < next) {
					next = ms[k].End // the shortest: "want" before "want to"
				}
			}
			// What lies inside a negated phrase is negated with it: "not
			// a burden" negates burden too.
			for t := j + 1; t < span; t++ {
				for _, k := range starts[t] {
					if c := ms[k].Concept; c != l.negation && !l.pass[c] && ms[k].End <= span {
						ms[k].Negated = true
					}
				}
			}
			switch {
			case bound && next < 0:
				j = len(toks) // bound, and it carries no further
			case bound:
				j = next
			case len(starts[j]) == 0:
				j = len(toks) // a word of no concept: the negation binds to it
			default:
				j++ // a word it reaches over
			}
			steps++
		}
	}
}

// inDiscourse reports whether n lies inside a discourse phrase.
func (l *Lexicon) inDiscourse(ms []Match, n Match) bool {
	for _, m := range ms {
		if m.Concept == l.discourse && m.Start <= n.Start && m.End >= n.End {
			return true
		}
	}
	return false
}
