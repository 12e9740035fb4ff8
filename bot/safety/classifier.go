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
			for _, variant := range expand(p) {
				var words []string
				for _, part := range strings.Fields(variant) {
					if part == "~" {
						words = append(words, "~")
						continue
					}
					words = append(words, c.tz.tokens(part)...)
				}
				if len(words) > 0 {
					c.m.add(words, id)
				}
			}
		}
	}
}

// Classify triages one text.
func (c *Classifier) Classify(text string) Verdict {
	toks := c.tz.tokens(text)
	hits, _ := c.m.scan(c.m.lookup(toks))
	return c.judge(toks, hits)
}
