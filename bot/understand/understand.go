// Package understand reads what a texter means in their own words: a free
// text in, an intent out (tips, groups, someone, share, about, ...), with
// a confidence and the slots it names (the kind of group and the place,
// the lesson, what the line is asked about, the feeling told). It reads
// texts as triage does (bot/lexicon: the same folding, the triage
// concepts and its own, the same kind of features) and scores them with
// a small model trained on the labelled corpus in content/understand. It
// is pure, needs no store, and is safe for concurrent use.
package understand

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/textline/textline/bot/learn"
	"github.com/textline/textline/bot/lexicon"
	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/content"
)

// Intent is what a text asks of the line. This label set is the
// contract with the corpus, the blind set and the engine.
type Intent string

// The intents.
const (
	Tips     Intent = "tips"     // ways to cope
	Groups   Intent = "groups"   // a support group (slots: kind, place)
	Hotlines Intent = "hotlines" // lines to call or text
	Person   Intent = "person"   // a person from the team
	Someone  Intent = "someone"  // how to help someone else
	Learn    Intent = "learn"    // about support networks (slot: lesson)
	Share    Intent = "share"    // tells how they feel or what happened, asks nothing
	About    Intent = "about"    // the line itself (slot: topic)
	Greeting Intent = "greeting"
	Thanks   Intent = "thanks"
	Goodbye  Intent = "goodbye"
	Yes      Intent = "yes"
	No       Intent = "no"
	Other    Intent = "other" // nothing the line can answer
)

// Intents lists every intent, in the order reports show them.
var Intents = []Intent{Tips, Groups, Hotlines, Person, Someone, Learn, Share, About, Greeting, Thanks, Goodbye, Yes, No, Other}

// Lesson is a lesson about support networks a text points at.
type Lesson string

// The lessons, as the corpus labels them.
const (
	LessonWhy        Lesson = "why"
	LessonPeer       Lesson = "peer"
	LessonFamily     Lesson = "family"
	LessonKinds      Lesson = "kinds"
	LessonReachOut   Lesson = "reach_out"
	LessonClubs      Lesson = "clubs"
	LessonKeep       Lesson = "keep"
	LessonCounseling Lesson = "counseling"
	LessonFirstGroup Lesson = "first_group"
)

// Topic is what a question about the line asks.
type Topic string

// The topics.
const (
	TopicHow     Topic = "how"     // how it works, what it does
	TopicWho     Topic = "who"     // who runs it
	TopicCost    Topic = "cost"    // whether it is free
	TopicPrivate Topic = "private" // who sees what, what is kept
	TopicBot     Topic = "bot"     // a bot or a person
)

// Feeling is what a text that shares tells of the texter.
type Feeling string

// The feelings a reply can name.
const (
	FeelingLonely   Feeling = "lonely"
	FeelingLeftOut  Feeling = "left_out"
	FeelingStressed Feeling = "stressed"
	FeelingAnxious  Feeling = "anxious"
	FeelingGrieving Feeling = "grieving"
	FeelingDown     Feeling = "down"
)

// Slots are what a text names besides its intent. Each is set only for
// the intents it belongs to.
type Slots struct {
	Kind    content.GroupKind // groups: peer, family or online
	Place   content.Place     // groups: where, when a place was named
	Where   string            // groups: the place as it was written
	Lesson  Lesson            // learn
	Topic   Topic             // about
	Feeling Feeling           // share
}

// Reading is what a text means.
type Reading struct {
	Intent     Intent
	Confidence float64 // the model's probability of Intent
	Slots      Slots
	// Likely are the next likeliest intents the line can answer (not
	// Other), most likely first: the options a reply offers when the
	// text was not understood.
	Likely []Intent
	// Lang is the language the text is plainly written in, or "" when it
	// is not plain (too short, mixed, or no telling words).
	Lang content.Lang
	// Danger is the crisis the text's words of danger may tell of (death,
	// a weapon, an overdose, an emergency), not negated and not
	// figurative, or "". The line asks directly about it rather than
	// answer such a text as a request, when triage did not call it a
	// crisis.
	Danger safety.Category
	// Signals are what decided: the concepts found and the model's call.
	Signals []string
}

// Understood reports whether the text asks something the line can answer.
func (r Reading) Understood() bool { return r.Intent != Other && r.Intent != "" }

// Places finds a place named in words; content.Library is one.
type Places interface {
	FindPlace(words []string) (p content.Place, written string, ok bool)
}

// Reader reads texts. Build one with Compile.
type Reader struct {
	lex    *lexicon.Lexicon
	model  *learn.Model
	bits   uint8
	places Places
	quiet  []bool // concepts the model does not read
	ids    map[string]int
	danger map[sign]safety.Category // words of danger, and the crisis they may tell of
	calm   map[int]bool             // what makes them figurative
	order  []int                    // the model's class index of each intent, in Intents order
	bags   *sync.Pool
}

// sign is a concept found, negated or not.
type sign struct {
	concept int
	negated bool
}

// MinConfidence is how sure the model must be of an intent for the line
// to act on it; below it, the text is not understood.
const MinConfidence = 0.4

// defaultBits is the size of the feature space.
const defaultBits = 18

// quietConcepts are read for negation only.
var quietConcepts = []string{"light", "known_words"}

// Compile builds a reader from the content: the triage and understanding
// concepts, the intent model and the places. Without a model (a corpus
// being trained for the first time) every text is Other.
func Compile(lib *content.Library) (*Reader, error) {
	r, err := compileLexicon(lib.Triage.Concepts, lib.Understanding.Concepts, lib.Understanding.Danger, lib)
	if err != nil {
		return nil, err
	}
	if len(lib.Understanding.Model) > 0 {
		m := &learn.Model{}
		if err := m.UnmarshalBinary(lib.Understanding.Model); err != nil {
			return nil, fmt.Errorf("understand: %w", err)
		}
		if err := r.use(m); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func compileLexicon(triage, own []content.Concept, danger map[string][]string, places Places) (*Reader, error) {
	var concepts []lexicon.Concept
	for _, k := range slices.Concat(triage, own) {
		members := make(map[content.Lang][]string, len(content.Langs))
		for _, lang := range content.Langs {
			members[lang] = k.Members(lang)
		}
		concepts = append(concepts, lexicon.Concept{ID: k.ID, Typos: k.Typos, Members: members})
	}
	lex, err := lexicon.Compile(concepts, lexicon.Options{Negation: "negation", Discourse: "discourse", Pass: []string{"light", "self"}, Carry: []string{"want", "talk_to", "help_other"}})
	if err != nil {
		return nil, fmt.Errorf("understand: %w", err)
	}
	r := &Reader{lex: lex, bits: defaultBits, places: places, quiet: make([]bool, lex.Len()), ids: map[string]int{}}
	r.bags = &sync.Pool{New: func() any { return &learn.Bag{} }}
	for _, name := range quietConcepts {
		if id, ok := lex.Index(name); ok {
			r.quiet[id] = true
		}
	}
	var missing []string
	for _, name := range neededConcepts {
		id, ok := lex.Index(name)
		if !ok {
			missing = append(missing, name)
		}
		r.ids[name] = id
	}
	r.danger, r.calm = map[sign]safety.Category{}, map[int]bool{}
	for _, name := range calmConcepts {
		id, ok := lex.Index(name)
		if !ok {
			missing = append(missing, name)
		}
		r.calm[id] = true
	}
	for cat, names := range danger {
		for _, name := range names {
			name, negated := strings.CutPrefix(name, "not ")
			id, ok := lex.Index(name)
			if !ok {
				missing = append(missing, name)
			}
			k := sign{id, negated}
			if have, ok := r.danger[k]; !ok || urgency(safety.Category(cat)) < urgency(have) {
				r.danger[k] = safety.Category(cat)
			}
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("understand: the concepts have no %s", strings.Join(missing, ", "))
	}
	return r, nil
}

// use makes m the reader's model, once it is known to score the intents.
func (r *Reader) use(m *learn.Model) error {
	r.order = make([]int, len(Intents))
	for i, in := range Intents {
		r.order[i] = m.Class(string(in))
		if r.order[i] < 0 {
			return fmt.Errorf("understand: the model has no class %q", in)
		}
	}
	if len(m.Classes) != len(Intents) {
		return errors.New("understand: the model has classes that are not intents")
	}
	r.model, r.bits = m, m.Bits
	return nil
}

// Trained reports whether the reader has its model.
func (r *Reader) Trained() bool { return r.model != nil }

// Read tells what text means.
func (r *Reader) Read(text string) Reading {
	rd := r.read(text)
	out := Reading{Intent: Other, Lang: rd.lang(r), Danger: rd.danger(r)}
	if r.model == nil || len(rd.toks) == 0 {
		return out
	}
	bag := r.bags.Get().(*learn.Bag)
	x := r.features(rd, text, bag)
	var buf [16]float64
	probs := r.model.Probs(x, buf[:0])
	r.bags.Put(bag)
	ranked := make([]int, len(Intents))
	for i := range ranked {
		ranked[i] = i
	}
	slices.SortStableFunc(ranked, func(a, b int) int {
		pa, pb := probs[r.order[a]], probs[r.order[b]]
		switch {
		case pa > pb:
			return -1
		case pa < pb:
			return 1
		}
		return 0
	})
	best := Intents[ranked[0]]
	out.Confidence = probs[r.order[ranked[0]]]
	if out.Confidence >= MinConfidence && !(best == Person && rd.refused(r)) {
		out.Intent = best
	}
	for _, i := range ranked {
		if in := Intents[i]; in != Other && in != out.Intent && len(out.Likely) < 3 {
			out.Likely = append(out.Likely, in)
		}
	}
	out.Slots = r.slots(rd, out.Intent)
	out.Signals = r.signals(rd, best, out.Confidence)
	return out
}

// signals names the concepts found, and the model's call.
func (r *Reader) signals(rd *reading, best Intent, p float64) []string {
	var out []string
	for _, m := range rd.ms {
		if r.quiet[m.Concept] {
			continue
		}
		id := r.lex.ID(m.Concept)
		if m.Negated {
			id = "not " + id
		}
		out = append(out, id)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	return append(out, fmt.Sprintf("model:%s %.2f", best, p))
}
