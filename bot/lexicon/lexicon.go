package lexicon

import (
	"fmt"
	"strings"

	"github.com/textline/textline/content"
)

// Concept is one meaning and the ways of writing it, by language. A
// member is a word ("rope"), a stem ending in "*" ("overdos*"), an emoji,
// or several of those in a row ("in my hand").
type Concept struct {
	ID      string
	Members map[content.Lang][]string
	// Typos: a text word spelled within one edit of a one-word member of
	// minFuzzy letters or more matches it too, unless it is itself a
	// member of some concept. For concepts of distinctive words (suicide,
	// medicine names), not for everyday ones.
	Typos bool
}

// Options name the concepts that steer negation.
type Options struct {
	// Negation is the concept of negating words (not, never, no).
	Negation string
	// Discourse is the concept of set phrases that hold a negating word
	// but negate nothing ("not gonna lie", "no te miento").
	Discourse string
	// Pass are concepts a negation reaches over to the word it negates:
	// "i dont REALLY want to", "no ME quiero".
	Pass []string
	// Carry are concepts whose negation carries over to the concept after
	// them: "i dont want to die" negates the wish and the dying.
	Carry []string
}

// minFuzzy is the shortest member a word spelled within one edit of it
// still matches: shorter words have too many neighbours.
const minFuzzy = 6

// minStem is the shortest stem a "*" member may have.
const minStem = 3

// Lexicon finds concepts in tokens. Build one with Compile.
type Lexicon struct {
	ids       []string
	index     map[string]int
	words     map[string]int32 // exact key → unit
	stems     map[string]int32 // stem key → unit
	maxStem   int
	fuzzy     map[string][]int32 // a key with one letter deleted → units
	keys      []string           // unit → its key (stems without "*")
	root      node
	negation  int          // the negation concept, or -1
	discourse int          // the discourse concept, or -1
	pass      map[int]bool // concepts a negation reaches over
	carry     map[int]bool // concepts whose negation carries on
}

// node is a state of the member trie, on unit ids.
type node struct {
	next map[int32]*node
	ends []end
}

type end struct {
	concept int
	lang    content.Lang
	typos   bool // the concept takes misspelt words
}

// Compile builds a lexicon. It reports members it cannot read.
func Compile(concepts []Concept, opts Options) (*Lexicon, error) {
	l := &Lexicon{
		index: map[string]int{}, words: map[string]int32{}, stems: map[string]int32{},
		fuzzy: map[string][]int32{}, negation: -1, discourse: -1, pass: map[int]bool{}, carry: map[int]bool{},
	}
	var problems []string
	for _, c := range concepts {
		id := l.concept(c.ID)
		for _, lang := range content.Langs {
			for _, m := range c.Members[lang] {
				units, err := l.units(m)
				if err != nil {
					problems = append(problems, fmt.Sprintf("%s: %q: %v", c.ID, m, err))
					continue
				}
				l.add(units, end{concept: id, lang: lang, typos: c.Typos})
			}
		}
	}
	named := func(name string) int {
		id, ok := l.index[name]
		if !ok {
			problems = append(problems, fmt.Sprintf("no concept %q", name))
			return -1
		}
		return id
	}
	if opts.Negation != "" {
		l.negation = named(opts.Negation)
	}
	if opts.Discourse != "" {
		l.discourse = named(opts.Discourse)
	}
	for _, name := range opts.Pass {
		l.pass[named(name)] = true
	}
	for _, name := range opts.Carry {
		l.carry[named(name)] = true
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("lexicon: %s", strings.Join(problems, "; "))
	}
	return l, nil
}

func (l *Lexicon) concept(name string) int {
	if id, ok := l.index[name]; ok {
		return id
	}
	l.index[name] = len(l.ids)
	l.ids = append(l.ids, name)
	return len(l.ids) - 1
}

// ID returns the id of concept i.
func (l *Lexicon) ID(i int) string { return l.ids[i] }

// Index returns the number of the concept id, and whether there is one.
func (l *Lexicon) Index(id string) (int, bool) {
	i, ok := l.index[id]
	return i, ok
}

// Len is the number of concepts.
func (l *Lexicon) Len() int { return len(l.ids) }

// units reads a member into unit ids, making units as needed.
func (l *Lexicon) units(member string) ([]int32, error) {
	var out []int32
	for _, part := range strings.Fields(member) {
		stem := strings.HasSuffix(part, "*") && len(part) > 1
		toks := Tokenize(strings.TrimSuffix(part, "*"))
		if len(toks) != 1 {
			return nil, fmt.Errorf("%q is not one word", part)
		}
		key := toks[0].Key
		if !stem {
			out = append(out, l.unit(l.words, key, true))
			continue
		}
		if len([]rune(key)) < minStem {
			return nil, fmt.Errorf("stem %q is shorter than %d letters", part, minStem)
		}
		l.maxStem = max(l.maxStem, len(key))
		out = append(out, l.unit(l.stems, key, false))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("empty member")
	}
	return out, nil
}

func (l *Lexicon) unit(m map[string]int32, key string, word bool) int32 {
	if u, ok := m[key]; ok {
		return u
	}
	u := int32(len(l.keys))
	l.keys = append(l.keys, key)
	m[key] = u
	if word && len([]rune(key)) >= minFuzzy {
		for _, d := range deletes(key) {
			l.fuzzy[d] = append(l.fuzzy[d], u)
		}
		l.fuzzy[key] = append(l.fuzzy[key], u)
	}
	return u
}

func (l *Lexicon) add(units []int32, e end) {
	n := &l.root
	for _, u := range units {
		if n.next == nil {
			n.next = map[int32]*node{}
		}
		c := n.next[u]
		if c == nil {
			c = &node{}
			n.next[u] = c
		}
		n = c
	}
	for _, have := range n.ends {
		if have == e {
			return
		}
	}
	n.ends = append(n.ends, e)
}

// deletes returns key with each one of its letters left out.
func deletes(key string) []string {
	r := []rune(key)
	out := make([]string, 0, len(r))
	for i := range r {
		out = append(out, string(r[:i])+string(r[i+1:]))
	}
	return out
}
