package safety

import (
	"fmt"
	"slices"
	"sync"

	"github.com/textline/textline/bot/learn"
	"github.com/textline/textline/bot/lexicon"
	"github.com/textline/textline/content"
)

// Classifier triages texts. It is safe for concurrent use.
type Classifier struct {
	lex                           *lexicon.Lexicon
	verdicts, raise, shift, after []*rule
	verdictsBy                    [][]int32 // by concept: the verdict rules whose first term accepts it
	category, severity            *learn.Model
	bits                          uint8

	// concepts the code itself reads
	self, light, ageMinor, many, brief, history int
	others                                      map[int]bool // concepts that name someone else
	quiet                                       map[int]bool // concepts the model does not read
	bags                                        *sync.Pool
}

// Concepts the lexicon must have, for negation and for who a text is
// about.
var (
	passConcepts   = []string{"light", "self"}
	carryConcepts  = []string{"desire", "intent", "thinking", "possession"}
	otherConcepts  = []string{"other", "partner", "family", "child", "friend", "authority", "stranger"}
	quietConcepts  = []string{"light", "known_words"}
	neededConcepts = append(append([]string{"negation", "discourse", "self", "light", "history"}, carryConcepts...), otherConcepts...)
)

// Compile builds a classifier from the triage content: the concepts, the
// rules and the trained models. Without models (a corpus being trained
// for the first time) it judges by the rules alone.
func Compile(t content.Triage) (*Classifier, error) {
	c, err := compileLexicon(t)
	if err != nil {
		return nil, err
	}
	for _, m := range []struct {
		data []byte
		dst  **learn.Model
	}{{t.CategoryModel, &c.category}, {t.SeverityModel, &c.severity}} {
		if len(m.data) == 0 {
			continue
		}
		model := &learn.Model{}
		if err := model.UnmarshalBinary(m.data); err != nil {
			return nil, fmt.Errorf("triage: %w", err)
		}
		*m.dst = model
	}
	if c.category != nil {
		c.bits = c.category.Bits
		if err := sameClasses("category", c.category.Classes, allCategories); err != nil {
			return nil, err
		}
	}
	if c.severity != nil {
		if c.category == nil || c.severity.Bits != c.bits {
			return nil, fmt.Errorf("triage: the severity model needs a category model reading the same features")
		}
		if err := sameClasses("severity", c.severity.Classes, crisisSeverities); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// sameClasses checks that a model was trained on exactly the classes the
// classifier reads from it, in any order.
func sameClasses[T ~string](model string, got []string, want []T) error {
	w := make([]string, len(want))
	for i, k := range want {
		w[i] = string(k)
	}
	g := slices.Clone(got)
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		return fmt.Errorf("triage: the %s model has classes %v, want %v", model, got, w)
	}
	return nil
}

// compileLexicon builds the lexicon and the rules.
func compileLexicon(t content.Triage) (*Classifier, error) {
	concepts := make([]lexicon.Concept, 0, len(t.Concepts)+len(content.BuiltinConcepts))
	for _, k := range t.Concepts {
		members := make(map[content.Lang][]string, len(content.Langs))
		for _, lang := range content.Langs {
			members[lang] = k.Members(lang)
		}
		concepts = append(concepts, lexicon.Concept{ID: k.ID, Typos: k.Typos, Members: members})
	}
	for _, b := range content.BuiltinConcepts {
		concepts = append(concepts, lexicon.Concept{ID: b})
	}
	lex, err := lexicon.Compile(concepts, lexicon.Options{Negation: "negation", Discourse: "discourse", Pass: passConcepts, Carry: carryConcepts})
	if err != nil {
		return nil, fmt.Errorf("triage: %w", err)
	}
	c := &Classifier{lex: lex, bits: defaultBits, others: map[int]bool{}, quiet: map[int]bool{}}
	c.bags = &sync.Pool{New: func() any { return &learn.Bag{} }}
	for _, name := range neededConcepts {
		if _, ok := lex.Index(name); !ok {
			return nil, fmt.Errorf("triage: the lexicon has no concept %q", name)
		}
	}
	c.self, _ = lex.Index("self")
	c.light, _ = lex.Index("light")
	c.ageMinor, _ = lex.Index("age_minor")
	c.many, _ = lex.Index("many")
	c.brief, _ = lex.Index("brief")
	c.history, _ = lex.Index("history")
	for _, name := range otherConcepts {
		id, _ := lex.Index(name)
		c.others[id] = true
	}
	for _, name := range quietConcepts {
		if id, ok := lex.Index(name); ok {
			c.quiet[id] = true
		}
	}
	for _, set := range []struct {
		rules []content.Rule
		dst   *[]*rule
	}{{t.Rules.Verdicts, &c.verdicts}, {t.Rules.Raise, &c.raise}, {t.Rules.Shift, &c.shift}, {t.Rules.After, &c.after}} {
		if *set.dst, err = c.compileRules(set.rules); err != nil {
			return nil, fmt.Errorf("triage: %w", err)
		}
	}
	c.verdictsBy = make([][]int32, lex.Len())
	for i, r := range c.verdicts {
		for _, a := range r.terms[0] {
			if k := c.verdictsBy[a.concept]; len(k) == 0 || k[len(k)-1] != int32(i) {
				c.verdictsBy[a.concept] = append(k, int32(i))
			}
		}
	}
	return c, nil
}

// Trained reports whether the classifier has its models: without them
// it judges by the rules alone (bot.Lint says so).
func (c *Classifier) Trained() bool { return c.category != nil && c.severity != nil }

// defaultBits is the size of the feature space models are trained in.
const defaultBits = 18

// Classify triages one text on its own.
func (c *Classifier) Classify(text string) Verdict { return c.ClassifyAfter(text, Prior{}) }

// ClassifyAfter triages a text in the light of the turn before it: a short
// reply after a direct question or a crisis ("yeah", "saturday", "already
// took them") means what it answers.
func (c *Classifier) ClassifyAfter(text string, prior Prior) Verdict {
	rd := c.read(text)
	var fired []*rule
	for _, i := range c.candidates(rd) {
		if r := c.verdicts[i]; c.fires(r, rd) {
			fired = append(fired, r)
		}
	}
	v := c.decide(rd, fired)
	if prior.Asked != AskedNothing && prior.Category.Crisis() && len(rd.toks) <= shortReply {
		v = c.context(rd, prior, v)
	}
	v = c.modify(rd, v)
	v.Lang = rd.lang()
	slices.Sort(v.Signals)
	v.Signals = slices.Compact(v.Signals)
	return v
}

// shortReply is how many words a reply may have to be read in the light
// of the line's last message.
const shortReply = 8

// context applies the after rules: the reply answers the prior turn.
func (c *Classifier) context(rd *reading, prior Prior, v Verdict) Verdict {
	for _, r := range c.after {
		if r.asked != prior.Asked || !c.fires(r, rd) {
			continue
		}
		cat := r.category
		if cat == "" {
			cat = prior.Category
		}
		if outranks(cat, r.severity, v) {
			v.Category, v.Severity, v.Ruled = cat, r.severity, true
		}
		v.Signals = append(v.Signals, r.id)
	}
	return v
}

// candidates are the verdict rules that may fire in rd, in order: those
// whose first term accepts a concept rd has. A text has few concepts and
// the rules many.
func (c *Classifier) candidates(rd *reading) []int32 {
	var out []int32
	for k, concept := range rd.concepts {
		if k == 0 || concept != rd.concepts[k-1] {
			out = append(out, c.verdictsBy[concept]...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// modify applies the shifts, then the raises.
func (c *Classifier) modify(rd *reading, v Verdict) Verdict {
	for _, r := range c.shift {
		if !r.category.Crisis() && !r.firm && c.category != nil && v.Probability >= calmShiftBelow {
			continue // the model judges history and worry better than the rule
		}
		if r.from[v.Category] && c.fires(r, rd) {
			v.Category = r.category
			v.Signals = append(v.Signals, r.id)
			if !v.Crisis() {
				v.Severity = None
			}
		}
	}
	if !v.Crisis() {
		return v
	}
	for _, r := range c.raise {
		if r.from[v.Category] && !v.Severity.AtLeast(r.severity) && c.fires(r, rd) {
			v.Severity = r.severity
			v.Signals = append(v.Signals, r.id)
		}
	}
	return v
}

// outranks reports whether a crisis of cat at sev is more urgent than v.
func outranks(cat Category, sev Severity, v Verdict) bool {
	if !v.Crisis() || urgency(cat) < urgency(v.Category) {
		return true
	}
	return cat == v.Category && !v.Severity.AtLeast(sev)
}
