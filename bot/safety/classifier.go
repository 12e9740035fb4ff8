package safety

import (
	"strings"

	"github.com/textline/textline/content"
)

// Classifier triages texts with a compiled lexicon. It is safe for
// concurrent use.
type Classifier struct {
	tz      tokenizer
	m       *matcher
	entries []entry
}

// entry is what a phrase stands for: a signal, or a context marker.
type entry struct {
	signal   string // signal id; empty for a marker
	marker   string
	category Category
	severity Severity
	person   string
	past     bool
	lang     content.Lang // the language of the phrases
}

// Compile builds a classifier from the lexicon of content/triage.yaml
// (which content.Load has validated).
func Compile(lex content.Triage) *Classifier {
	c := &Classifier{tz: tokenizer{emoji: map[rune]string{}}, m: newMatcher()}
	for e, w := range lex.Emoji {
		if r := []rune(e); len(r) > 0 {
			c.tz.emoji[r[0]] = w
		}
	}
	for _, s := range lex.Signals {
		c.addAll(s.Phrases, entry{signal: s.ID, category: Category(s.Category), severity: Severity(s.Severity), person: s.Person, past: s.Past})
	}
	for kind, phrases := range lex.Markers {
		c.addAll(phrases, entry{marker: kind})
	}
	return c
}

func (c *Classifier) addAll(phrases content.LangPhrases, e entry) {
	for lang, list := range phrases {
		e.lang = lang
		id := int32(len(c.entries))
		c.entries = append(c.entries, e)
		for _, p := range list {
			c.m.add(c.slots(p), id)
		}
	}
}

// slots reads a phrase into its slots: each word (folded, which may give
// several words), each "(a|b c|)" group of alternatives, each "~" gap.
func (c *Classifier) slots(phrase string) []slot {
	var out []slot
	for rest := strings.TrimSpace(phrase); rest != ""; rest = strings.TrimSpace(rest) {
		if rest[0] == '(' {
			end := strings.IndexByte(rest, ')')
			if end < 0 {
				end = len(rest) - 1 // content.Load refuses unbalanced phrases
			}
			var alts [][]string
			for _, alt := range strings.Split(rest[1:end], "|") {
				alts = append(alts, c.tz.tokens(alt))
			}
			out = append(out, slot{alts: alts})
			rest = rest[end+1:]
			continue
		}
		word, after, _ := strings.Cut(rest, " ")
		if open := strings.IndexByte(word, '('); open > 0 {
			word, after = word[:open], rest[open:]
		}
		if word == "~" {
			out = append(out, slot{gap: true})
		} else if toks := c.tz.tokens(word); len(toks) > 0 {
			out = append(out, slot{alts: [][]string{toks}})
		}
		rest = after
	}
	return out
}

// Classify triages one text.
func (c *Classifier) Classify(text string) Verdict {
	toks := c.tz.tokens(text)
	hits, _ := c.m.scan(c.m.lookup(toks))
	return c.judge(toks, hits)
}
