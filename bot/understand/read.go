package understand

import (
	"strings"

	"github.com/textline/textline/bot/learn"
	"github.com/textline/textline/bot/lexicon"
	"github.com/textline/textline/content"
)

// reading is one text as the reader reads it: its tokens and the
// concepts found in them.
type reading struct {
	toks []lexicon.Token
	ms   []lexicon.Match
}

func (r *Reader) read(text string) *reading {
	toks := lexicon.Tokenize(text)
	return &reading{toks: toks, ms: r.lex.Find(toks)}
}

// has reports whether concept name was found, not negated.
func (rd *reading) has(r *Reader, name string) bool {
	id := r.ids[name]
	for _, m := range rd.ms {
		if m.Concept == id && !m.Negated {
			return true
		}
	}
	return false
}

// refused reports whether the text turns a person down: wanting or
// talking is negated ("i dont want to talk to a person", "no quiero
// hablar con nadie") and no wish is left standing.
func (rd *reading) refused(r *Reader) bool {
	refused := false
	for _, m := range rd.ms {
		switch id := r.lex.ID(m.Concept); {
		case id == "want" && !m.Negated:
			return false
		case (id == "want" || id == "talk_to") && m.Negated:
			refused = true
		}
	}
	return refused
}

// features are what the model reads: the tokens as triage reads them,
// the concepts, and whether the text asks a question.
func (r *Reader) features(rd *reading, text string, bag *learn.Bag) learn.Vector {
	bag.Reset()
	lexicon.AddTokens(bag, rd.toks)
	r.lex.AddConcepts(bag, rd.toks, rd.ms, func(c int) bool { return r.quiet[c] })
	if strings.ContainsAny(text, "?¿") {
		bag.Add("q")
	}
	return bag.Vector(r.bits)
}

// Plain language: a text is plainly in one language when it has at least
// minLangWords telling words of it and at most a quarter as many of the
// other.
const minLangWords = 2

// lang is the language the text is plainly written in, or "": each word
// counts once, for the language of the members that cover it when they
// agree.
func (rd *reading) lang(r *Reader) content.Lang {
	of := make([]content.Lang, len(rd.toks))
	mixed := make([]bool, len(rd.toks))
	for _, m := range rd.ms {
		if m.Lang == "" || r.quiet[m.Concept] {
			continue
		}
		for i := m.Start; i < m.End; i++ {
			if of[i] != "" && of[i] != m.Lang {
				mixed[i] = true
			}
			of[i] = m.Lang
		}
	}
	var en, es int
	for i, l := range of {
		switch {
		case mixed[i]:
		case l == content.English:
			en++
		case l == content.Spanish:
			es++
		}
	}
	switch {
	case es >= minLangWords && 4*en <= es:
		return content.Spanish
	case en >= minLangWords && 4*es <= en:
		return content.English
	}
	return ""
}
