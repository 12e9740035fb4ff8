package safety

import (
	"fmt"
	"strings"

	"github.com/textline/textline/bot/lexicon"
	"github.com/textline/textline/content"
)

// alt is one concept a term accepts, negated or not.
type alt struct {
	concept int
	negated bool
}

// term is the alternatives one place of a rule accepts.
type term []alt

// rule is a compiled triage rule (content.Rule).
type rule struct {
	id       string
	terms    []term
	unless   []term
	within   string
	ordered  bool
	adjacent bool
	subject  string
	firm     bool
	category Category // "" for an after rule's "prior"
	severity Severity
	from     map[Category]bool
	asked    Asked
}

func (c *Classifier) compileRules(rs []content.Rule) ([]*rule, error) {
	out := make([]*rule, 0, len(rs))
	for _, r := range rs {
		cr := &rule{
			id: r.ID, within: r.Within, ordered: r.Ordered || r.Adjacent, adjacent: r.Adjacent, subject: r.Subject, firm: r.Firm,
			severity: Severity(r.Severity), from: map[Category]bool{}, asked: Asked(r.Asked),
		}
		if r.Category != "prior" {
			cr.category = Category(r.Category)
		}
		for _, f := range r.From {
			cr.from[Category(f)] = true
		}
		var err error
		if cr.terms, err = c.terms(r.All); err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.ID, err)
		}
		if cr.unless, err = c.terms(r.Unless); err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.ID, err)
		}
		out = append(out, cr)
	}
	return out, nil
}

func (c *Classifier) terms(list []string) ([]term, error) {
	var out []term
	for _, t := range list {
		var tm term
		for _, a := range strings.Split(t, "|") {
			a = strings.TrimSpace(a)
			name, negated := strings.CutPrefix(a, "not ")
			id, ok := c.lex.Index(name)
			if !ok {
				return nil, fmt.Errorf("no concept %q", name)
			}
			tm = append(tm, alt{concept: id, negated: negated})
		}
		out = append(out, tm)
	}
	return out, nil
}

// occurrences appends to rd.buf the indices of the matches term t
// accepts, and returns them.
func (rd *reading) occurrences(t term) []int32 {
	start := len(rd.buf)
	for _, a := range t {
		for _, k := range rd.of(a.concept) {
			if rd.ms[k].Negated == a.negated {
				rd.buf = append(rd.buf, k)
			}
		}
	}
	return rd.buf[start:len(rd.buf):len(rd.buf)]
}

// window is the number of the clause or sentence a token is in, or 0 for
// the whole message.
func (rd *reading) window(within string, tok int) int {
	switch within {
	case content.WithinMessage:
		return 0
	case content.WithinSentence:
		return rd.toks[tok].Sentence
	}
	return rd.toks[tok].Clause
}

// fires reports whether the rule holds in rd.
func (c *Classifier) fires(r *rule, rd *reading) bool {
	var small [8][]int32
	occ := small[:0]
	if len(r.terms) > len(small) {
		occ = make([][]int32, 0, len(r.terms))
	}
	occ = occ[:len(r.terms)]
	rd.buf = rd.buf[:0]
	for i, t := range r.terms {
		if occ[i] = rd.occurrences(t); len(occ[i]) == 0 {
			return false
		}
	}
	for _, first := range occ[0] {
		m := rd.ms[first]
		if r.subject != "" && c.subjectOf(rd, m.Start) != r.subject {
			continue
		}
		if c.stopped(r, rd, m.Start) {
			continue
		}
		if c.rest(r, rd, occ, 1, rd.window(r.within, m.Start), m.Start, m.End) {
			return true
		}
	}
	return false
}

// rest reports whether terms i.. have occurrences in window w: when the
// rule is ordered, starting at or after start (the last term's start);
// when adjacent, right after end (the last term's end) but for light
// words.
func (c *Classifier) rest(r *rule, rd *reading, occ [][]int32, i, w, start, end int) bool {
	if i == len(occ) {
		return true
	}
	for _, k := range occ[i] {
		m := rd.ms[k]
		if rd.window(r.within, m.Start) != w {
			continue
		}
		if r.ordered && m.Start < start || r.adjacent && (m.Start < end || !c.lightBetween(rd, end, m.Start)) {
			continue
		}
		if c.rest(r, rd, occ, i+1, w, m.Start, m.End) {
			return true
		}
	}
	return false
}

// lightBetween reports whether every token in [from, to) is a light word
// or names the texter.
func (c *Classifier) lightBetween(rd *reading, from, to int) bool {
	for tok := from; tok < to; tok++ {
		light := false
		for _, concept := range []int{c.light, c.self} {
			for _, k := range rd.of(concept) {
				if m := rd.ms[k]; m.Start <= tok && tok < m.End {
					light = true
				}
			}
		}
		if !light {
			return false
		}
	}
	return true
}

// stopped reports whether an unless term of r is in the sentence of the
// token at pos, or anywhere when the rule reads the whole message.
func (c *Classifier) stopped(r *rule, rd *reading, pos int) bool {
	sentence := rd.toks[pos].Sentence
	for _, t := range r.unless {
		for _, k := range rd.occurrences(t) {
			m := rd.ms[k]
			if (r.within == content.WithinMessage || rd.toks[m.Start].Sentence == sentence) && !rd.shadowed(m, r) {
				return true
			}
		}
	}
	return false
}

// shadowed reports whether m lies inside a longer match of a concept the
// rule itself looks for: in "safe now", read as being safe, "now" is no
// time.
func (rd *reading) shadowed(m lexicon.Match, r *rule) bool {
	for _, o := range rd.ms {
		if o.Concept != m.Concept && o.Start <= m.Start && o.End >= m.End && o.End-o.Start > m.End-m.Start && r.looksFor(o.Concept) {
			return true
		}
	}
	return false
}

// looksFor reports whether concept is one of the rule's terms.
func (r *rule) looksFor(concept int) bool {
	for _, t := range r.terms {
		for _, a := range t {
			if a.concept == concept {
				return true
			}
		}
	}
	return false
}

// subjectLook is how far back the subject of a term is looked for.
const subjectLook = 6

// subjectOf returns who the words at pos are about: "other" when the
// nearest person named before them, in their clause, is someone else;
// otherwise "self".
func (c *Classifier) subjectOf(rd *reading, pos int) string {
	clause := rd.toks[pos].Clause
	for tok := pos - 1; tok >= 0 && tok >= pos-subjectLook && rd.toks[tok].Clause == clause; tok-- {
		self := false
		for _, m := range rd.ms {
			if m.Start > tok || tok >= m.End || m.Negated {
				continue
			}
			if c.others[m.Concept] {
				return "other"
			}
			self = self || m.Concept == c.self
		}
		if self {
			return "self"
		}
	}
	return "self"
}
