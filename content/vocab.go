package content

import "strings"

// Vocab is the words Textline recognises (vocab.yaml).
type Vocab struct {
	Keywords     map[string][]string `yaml:"keywords"`
	StopRequests []string            `yaml:"stop_requests"`
	Choices      map[string][]string `yaml:"choices"`
	SpanishHints []string            `yaml:"spanish_hints"`

	keyword map[string]string
	choice  map[string]string
	hints   map[string]bool
}

func (v *Vocab) compile() {
	v.keyword = invert(v.Keywords)
	v.choice = invert(v.Choices)
	v.hints = map[string]bool{}
	for _, w := range v.SpanishHints {
		v.hints[Fold(w)] = true
	}
	for i, s := range v.StopRequests {
		v.StopRequests[i] = Fold(s)
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

// Choice returns the event a folded message picks by name, or "".
func (v *Vocab) Choice(folded string) string { return v.choice[folded] }

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
