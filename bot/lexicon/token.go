// Package lexicon reads texts the way people write them. It folds a text
// into tokens (case, accents, repeated letters, digits for letters,
// letters typed apart, censored letters, emoji) and finds in them the
// concepts of a lexicon: words, stems and phrases grouped by meaning, with
// spelling tolerance for longer words, and negation bound to the word it
// negates. It is pure and safe for concurrent use.
package lexicon

import (
	"strings"
	"unicode"

	"github.com/textline/textline/content"
)

// Token is one word, number or emoji of a text.
type Token struct {
	// Key is the form words are matched in: folded, with every run of
	// three or more of one letter written once ("dieeee" is "die",
	// "sooo" is "so"); a word spelled as usual is its own key.
	Key string
	// Alt is the word with such runs written twice ("killll" is "kill"),
	// matched too; it is Key when the word has no such run.
	Alt string
	// Word is the folded word.
	Word string
	// Clause and Sentence number the clause and the sentence the token is
	// in. Clauses end at commas, semicolons, colons, brackets and
	// "but"/"pero"; sentences at full stops, question and exclamation
	// marks and line breaks.
	Clause, Sentence int
	Kind             Kind
}

// Kind is what a token is made of.
type Kind uint8

// The kinds of token.
const (
	Word   Kind = iota // letters, maybe with digits read as letters
	Number             // starts with a digit: 12, 988, 13yo, 3x
	Emoji              // one pictograph
)

var leet = map[rune]rune{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's'}

const (
	sentenceEnds = ".!?¿¡\n…"
	clauseEnds   = ",;:()[]{}"
	censor       = '*'
)

// Tokenize folds text into tokens.
func Tokenize(text string) []Token {
	runes := []rune(text)
	tz := tokenizer{out: make([]Token, 0, len(runes)/4+1)}
	for i, r := range runes {
		r = content.Unaccent(unicode.ToLower(r))
		switch {
		case r == '\'' || r == '’' || r == '‘' || r == '`' || r == '´':
			// don't = dont; but SA'd (sexually assaulted) is not sad, and
			// OD'd, OD'ing (overdosed) are OD
			if w := string(tz.word); (w == "sa" || w == "od") && i+1 < len(runes) && strings.ContainsRune("dDiI", runes[i+1]) {
				tz.flush()
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			tz.word = append(tz.word, r)
		case r == censor && len(tz.word) > 0 && i+1 < len(runes) && unicode.IsLetter(runes[i+1]):
			tz.word = append(tz.word, r) // r*ped, s*icide
		case (r == '@' || r == '$') && (len(tz.word) > 0 || i+1 < len(runes) && unicode.IsLetter(runes[i+1])):
			tz.word = append(tz.word, r)
		case strings.ContainsRune(sentenceEnds, r):
			tz.flush()
			tz.endSentence()
		case strings.ContainsRune(clauseEnds, r) || r == '-' && i > 0 && runes[i-1] == ' ':
			tz.flush()
			tz.endClause()
		case r == 0xFE0F || r == 0x200D || r >= 0x1F3FB && r <= 0x1F3FF:
			// emoji presentation, joiners and skin tones belong to the emoji before
		case isPictograph(r):
			tz.flush()
			tz.emit(string(r), string(r), Emoji)
		default:
			tz.flush()
		}
	}
	tz.flush()
	return joinSpelled(tz.out)
}

type tokenizer struct {
	out              []Token
	word             []rune
	clause, sentence int
}

func (tz *tokenizer) flush() {
	if len(tz.word) == 0 {
		return
	}
	w := string(tz.word)
	tz.word = tz.word[:0]
	if w == "but" || w == "pero" {
		tz.endClause()
		return
	}
	if unicode.IsDigit([]rune(w)[0]) {
		tz.emit(w, w, Number)
		return
	}
	word := deleet(w)
	tz.emit(collapse(word, 1), word, Word)
}

func (tz *tokenizer) emit(key, word string, k Kind) {
	alt := key
	if k == Word {
		alt = collapse(word, 2)
	}
	tz.out = append(tz.out, Token{Key: key, Alt: alt, Word: word, Clause: tz.clause, Sentence: tz.sentence, Kind: k})
}

// endClause starts a new clause, unless no token was read since the last.
func (tz *tokenizer) endClause() {
	if n := len(tz.out); n > 0 && tz.out[n-1].Clause == tz.clause {
		tz.clause++
	}
}

func (tz *tokenizer) endSentence() {
	if n := len(tz.out); n > 0 && tz.out[n-1].Sentence == tz.sentence {
		tz.sentence++
		tz.clause++
	}
}

// deleet reads digits and symbols inside a word that starts with a letter
// as the letters they stand for: k1ll, mys3lf, $uicide.
func deleet(w string) string {
	if !strings.ContainsAny(w, "013457@$") {
		return w
	}
	r := []rune(w)
	for i, c := range r {
		if l, ok := leet[c]; ok {
			r[i] = l
		}
	}
	return string(r)
}

// collapse writes every run of three or more of one letter keep times:
// collapse("dieeee", 1) is "die", collapse("killll", 2) is "kill". Runs
// of two are spelling (soon, kill, llamar) and stay.
func collapse(w string, keep int) string {
	if !hasRun(w) {
		return w
	}
	r := []rune(w)
	var b strings.Builder
	b.Grow(len(w))
	for i := 0; i < len(r); {
		j := i
		for j < len(r) && r[j] == r[i] {
			j++
		}
		n := j - i
		if n >= 3 {
			n = keep
		}
		for range n {
			b.WriteRune(r[i])
		}
		i = j
	}
	return b.String()
}

// hasRun reports whether w has three or more of one byte in a row.
func hasRun(w string) bool {
	for i := 2; i < len(w); i++ {
		if w[i] == w[i-1] && w[i] == w[i-2] {
			return true
		}
	}
	return false
}

// joinSpelled joins three or more one-letter words typed apart: "k i l
// l". Letters that are words of their own in texting ("u r a", "y o")
// are left apart.
func joinSpelled(toks []Token) []Token {
	single := func(t Token) bool { return t.Kind == Word && len(t.Word) == 1 }
	out := toks[:0]
	for i := 0; i < len(toks); {
		j, words := i, true
		for j < len(toks) && single(toks[j]) && toks[j].Clause == toks[i].Clause {
			words = words && strings.Contains(letterWords, toks[j].Word)
			j++
		}
		if j-i >= 3 && !words {
			var b strings.Builder
			for _, t := range toks[i:j] {
				b.WriteString(t.Word)
			}
			t := toks[i]
			t.Word = b.String()
			t.Key, t.Alt = collapse(t.Word, 1), collapse(t.Word, 2)
			out = append(out, t)
			i = j
			continue
		}
		out = append(out, toks[i])
		i++
	}
	return out
}

// letterWords are letters that stand for words when texted: i, a, u (you),
// r (are), y (and), o (or), e (and), k (ok).
const letterWords = "iauryoek"

// isPictograph reports whether r is an emoji or a pictographic symbol.
func isPictograph(r rune) bool {
	return unicode.Is(unicode.So, r) || r >= 0x1F000 && r <= 0x1FAFF || r >= 0x2600 && r <= 0x27BF
}
