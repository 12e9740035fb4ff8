package content

import (
	"slices"
	"strings"
)

// Vocab is the words Textline recognises (vocab.yaml).
type Vocab struct {
	Keywords     map[string][]string `yaml:"keywords"`
	StopRequests []string            `yaml:"stop_requests"`
	// PersonRequests are plain requests for a person ("talk to a human"),
	// matched as whole words anywhere in a folded message: they start a
	// handoff to the human line.
	PersonRequests []string            `yaml:"person_requests"`
	Choices        map[string][]string `yaml:"choices"`
	SpanishHints   []string            `yaml:"spanish_hints"`

	keyword map[string]string
	choice  map[string][]string // folded word: the choices that have it, sorted
	hints   map[string]bool
}

func (v *Vocab) compile() {
	v.keyword = invert(v.Keywords)
	v.choice = map[string][]string{}
	for name, words := range v.Choices {
		for _, w := range words {
			f := Fold(w)
			if !slices.Contains(v.choice[f], name) {
				v.choice[f] = append(v.choice[f], name)
				slices.Sort(v.choice[f])
			}
		}
	}
	v.hints = map[string]bool{}
	for _, w := range v.SpanishHints {
		v.hints[Fold(w)] = true
	}
	for i, s := range v.StopRequests {
		v.StopRequests[i] = Fold(s)
	}
	for i, s := range v.PersonRequests {
		v.PersonRequests[i] = Fold(s)
	}
}

func invert(m map[string][]string) map[string]string {
	out := map[string]string{}
	for name, words := range m {
		for _, w := range words {
			out[Fold(w)] = name
		}
	}
	return out
}

// Keyword returns which keyword (optout, help, menu, …) the folded message
// is, or "".
func (v *Vocab) Keyword(folded string) string { return v.keyword[folded] }

// Picks returns the choices (events of the flows) whose words include a
// folded message, sorted; a word may belong to choices of different
// steps ("family": the menu's someone, the groups step's family).
func (v *Vocab) Picks(folded string) []string { return v.choice[folded] }

// Shared returns the words two choices have in common, folded and sorted.
func (v *Vocab) Shared(a, b string) []string {
	var out []string
	for w, names := range v.choice {
		if slices.Contains(names, a) && slices.Contains(names, b) {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return out
}

// AsksToStop reports whether a folded message contains a plain request to
// stop the messages.
func (v *Vocab) AsksToStop(folded string) bool {
	for _, s := range v.StopRequests {
		if strings.Contains(folded, s) {
			return true
		}
	}
	return false
}

// AsksForPerson reports whether a folded message asks for a person in
// plain words: one of the requests, as whole words, not just after a
// negation ("i dont want to talk to a person").
func (v *Vocab) AsksForPerson(folded string) bool {
	for _, r := range v.PersonRequests {
		for at := 0; at < len(folded); {
			i := strings.Index(folded[at:], r)
			if i < 0 {
				break
			}
			i += at
			end := i + len(r)
			if wordEdge(folded, i-1) && wordEdge(folded, end) && !negated(folded[:i]) {
				return true
			}
			at = i + 1
		}
	}
	return false
}

// wordEdge reports whether folded has no letter or digit at byte i.
func wordEdge(folded string, i int) bool {
	if i < 0 || i >= len(folded) {
		return true
	}
	return notWord(rune(folded[i]))
}

// negations turn a request that follows them in the same clause around
// ("i dont want to talk to a person"). "no" and "cant" are not among
// them: "no, i want a real person", "i cant do this, i need a human".
var negations = map[string]bool{"dont": true, "not": true, "never": true, "nunca": true, "wont": true, "doesnt": true}

// negated reports whether one of the last three words of before's last
// clause is a negation.
func negated(before string) bool {
	if i := strings.LastIndexAny(before, ",.;:!?"); i >= 0 {
		before = before[i+1:]
	}
	words := strings.FieldsFunc(before, notWord)
	for _, w := range words[max(len(words)-3, 0):] {
		if negations[w] {
			return true
		}
	}
	return false
}

// LooksSpanish reports whether a folded message has any of the Spanish
// hint words; it decides a first message's language.
func (v *Vocab) LooksSpanish(folded string) bool {
	hits := 0
	for _, w := range strings.FieldsFunc(folded, notWord) {
		if v.hints[w] {
			hits++
		}
	}
	return hits > 0
}

func notWord(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }
