package safety

import (
	"strings"
	"unicode"

	"github.com/textline/textline/content"
)

// boundary is the token that separates clauses (punctuation, "but"):
// negation and gaps do not reach across it.
const boundary = "|"

// tokenizer turns a text into the words the matcher reads. Every phrase of
// the lexicon goes through the same steps, so both sides agree.
type tokenizer struct {
	emoji map[rune]string
}

var leet = map[rune]rune{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's'}

// clauseEnds are the marks that end a clause.
const clauseEnds = ".,;:!?¿¡()\n"

// tokens splits s into folded words and clause boundaries.
func (tz *tokenizer) tokens(s string) []string {
	var out []string
	var word []rune
	flush := func() {
		if len(word) > 0 {
			out = append(out, finish(word))
			word = word[:0]
		}
	}
	mark := func() {
		if len(out) > 0 && out[len(out)-1] != boundary {
			out = append(out, boundary)
		}
	}
	runes := []rune(s)
	for i, r := range runes {
		r = content.Unaccent(unicode.ToLower(r))
		switch {
		case r == '\'' || r == '’' || r == '‘' || r == '`':
			// don't = dont
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word = append(word, r)
		case (r == '@' || r == '$') && (len(word) > 0 || i+1 < len(runes) && unicode.IsLetter(runes[i+1])):
			word = append(word, r)
		case strings.ContainsRune(clauseEnds, r):
			flush()
			mark()
		default:
			flush()
			if w, ok := tz.emoji[r]; ok {
				out = append(out, w)
			}
		}
	}
	flush()
	out = joinSpelled(out)
	for i, t := range out {
		if t == "but" || t == "pero" {
			out[i] = boundary
		}
	}
	return out
}

// finish reads digits inside a word that starts with a letter as letters
// (k1ll, mys3lf) and collapses
// repeated letters (dieee, kil and kill all become die and kil).
func finish(word []rune) string {
	if !unicode.IsLetter(word[0]) {
		return string(word) // a number or an age: 12, 988, 13yo
	}
	var b strings.Builder
	var last rune
	for _, r := range word {
		if l, ok := leet[r]; ok {
			r = l
		}
		if r == last {
			continue
		}
		b.WriteRune(r)
		last = r
	}
	return b.String()
}

// joinSpelled joins three or more one-letter words typed apart: "k i l l".
func joinSpelled(toks []string) []string {
	out := toks[:0]
	for i := 0; i < len(toks); {
		j := i
		for j < len(toks) && len(toks[j]) == 1 && toks[j] != boundary && unicode.IsLetter(rune(toks[j][0])) {
			j++
		}
		if j-i >= 3 {
			out = append(out, finish([]rune(strings.Join(toks[i:j], ""))))
			i = j
			continue
		}
		out = append(out, toks[i])
		i++
	}
	return out
}
