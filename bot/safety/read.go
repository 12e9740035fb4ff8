package safety

import (
	"cmp"
	"slices"

	"github.com/textline/textline/bot/lexicon"
	"github.com/textline/textline/content"
)

// reading is one text as triage reads it: its tokens and the concepts
// found in them, indexed by concept.
type reading struct {
	toks     []lexicon.Token
	ms       []lexicon.Match
	order    []int32 // indices into ms, grouped by concept in concept order, each group in ms's order
	concepts []int32 // the concept of each of order: what of searches
	buf      []int32 // scratch for rules
}

// of returns the indices of the matches of concept c. A text has few
// matches: a search of them costs less than an index of every concept.
func (r *reading) of(c int) []int32 {
	lo, found := slices.BinarySearch(r.concepts, int32(c))
	if !found {
		return nil
	}
	hi := lo + 1
	for hi < len(r.concepts) && r.concepts[hi] == int32(c) {
		hi++
	}
	return r.order[lo:hi]
}

// read tokenizes text and finds its concepts, the built-in ones included.
func (c *Classifier) read(text string) *reading {
	toks := lexicon.Tokenize(text)
	r := &reading{toks: toks, ms: c.lex.Find(toks)}
	for i, t := range toks {
		if t.Kind != lexicon.Number {
			continue
		}
		switch {
		case isAge(toks, i):
			r.ms = append(r.ms, lexicon.Match{Concept: c.ageMinor, Start: i, End: i + 1})
		case isYear(toks[i].Key):
			r.ms = append(r.ms, lexicon.Match{Concept: c.history, Start: i, End: i + 1})
		case isCount(toks, i):
			r.ms = append(r.ms, lexicon.Match{Concept: c.many, Start: i, End: i + 1})
		}
	}
	if len(toks) > 0 && len(toks) <= briefWords {
		r.ms = append(r.ms, lexicon.Match{Concept: c.brief, Start: 0, End: len(toks)})
	}
	index := make([]int32, 2*len(r.ms))
	r.order, r.concepts = index[:len(r.ms)], index[len(r.ms):]
	for k := range r.order {
		r.order[k] = int32(k)
	}
	slices.SortStableFunc(r.order, func(a, b int32) int { return cmp.Compare(r.ms[a].Concept, r.ms[b].Concept) })
	for k, m := range r.order {
		r.concepts[k] = int32(r.ms[m].Concept)
	}
	return r
}

// briefWords is how many tokens a brief message has at most.
const briefWords = 3

// lang is the language most of the text's concepts were found in, or ""
// when that is not clear.
func (r *reading) lang() content.Lang {
	n := map[content.Lang]int{}
	for _, m := range r.ms {
		if m.Lang != "" {
			n[m.Lang]++
		}
	}
	switch {
	case n[content.Spanish] > n[content.English]:
		return content.Spanish
	case n[content.English] > n[content.Spanish]:
		return content.English
	}
	return ""
}

var (
	ageSuffix = map[string]bool{"yo": true, "y": true, "yr": true, "yrs": true, "f": true, "m": true, "anos": true, "ano": true, "an": true, "years": true}
	agePrefix = [][]string{{"im"}, {"i", "am"}, {"iam"}, {"only"}, {"tengo"}, {"tienes"}, {"tiene"}, {"shes"}, {"hes"}, {"is"}, {"age"}, {"aged"}, {"edad"}, {"turned"}, {"turning"}, {"cumpli"}, {"cumple"}}
	ageAfter  = map[string]bool{"yo": true, "y": true, "anos": true, "ano": true, "and": true, "n": true, "so": true, "yrs": true, "yr": true, "years": true, "year": true, "e": true, "pero": true}
	units     = map[string]bool{"minutes": true, "minute": true, "mins": true, "min": true, "hours": true, "hour": true, "hrs": true, "hr": true, "days": true, "day": true, "weeks": true, "months": true, "dollars": true, "bucks": true, "miles": true, "blocks": true, "percent": true, "minutos": true, "horas": true, "dias": true, "semanas": true, "meses": true, "dolares": true, "pesos": true, "cuadras": true, "millas": true, "pm": true, "am": true}
)

// isAge reports whether the number at i gives an age under 18: "im 13",
// "13yo", "14 years old", "tengo 12 anos"; not "10 years ago".
func isAge(toks []lexicon.Token, i int) bool {
	n, suffix := lexicon.Leading(toks[i].Key)
	if n < 5 || n > 17 {
		return false
	}
	next := func(k int) string {
		if j := i + k; j < len(toks) && toks[j].Clause == toks[i].Clause {
			return toks[j].Key
		}
		return ""
	}
	if ageSuffix[suffix] || suffix == "" && (next(1) == "yo" || next(1) == "y" && next(2) == "o" ||
		(next(1) == "years" || next(1) == "yrs" || next(1) == "year") && next(2) == "old" || next(1) == "anos") {
		return true
	}
	if suffix != "" {
		return false
	}
	for _, p := range agePrefix {
		if i < len(p) {
			continue
		}
		match := true
		for k, w := range p {
			if toks[i-len(p)+k].Key != w || toks[i-len(p)+k].Clause != toks[i].Clause {
				match = false
			}
		}
		if match && (next(1) == "" || ageAfter[next(1)]) {
			return true
		}
	}
	return false
}

// isYear reports whether a number is a year: "in 2019" tells of the past
// (a date to come is told otherwise: "on saturday", "next month").
func isYear(key string) bool {
	n, suffix := lexicon.Leading(key)
	return suffix == "" && n >= 1950 && n < 2100
}

// isCount reports whether the number at i counts five or more things
// ("took 30", "like 20"), not minutes or money.
func isCount(toks []lexicon.Token, i int) bool {
	n, suffix := lexicon.Leading(toks[i].Key)
	if n < 5 || n >= 1000 || suffix != "" && suffix != "x" {
		return false
	}
	if i+1 < len(toks) && units[toks[i+1].Key] {
		return false
	}
	return true
}
