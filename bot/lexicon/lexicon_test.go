package lexicon

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/textline/textline/content"
)

func TestTokenize(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string // keys, clauses split by |, sentences by ||
	}{
		{"I want to DIEEEE", "i want to die"},
		{"killll mys3lf", "kil myself"},
		{"soon, my son", "soon | my son"},
		{"k i l l", "kill"},
		{"u r a burden", "u r a burden"},
		{"i m so t i r e d", "i m so tired"},
		{"don't; can’t", "dont | cant"},
		{"¡Ayúdame! Estoy sola", "ayudame || estoy sola"},
		{"im fine but im not", "im fine | im not"},
		{"i got r*ped", "i got r*ped"},
		{"my ex SA'd me", "my ex sa d me"},
		{"she OD'd, od'ing", "she od d | od ing"},
		{"💊💊 👋🏽", "💊 💊 👋"},
		{"im 13yo", "im 13yo"},
		{"", ""},
	} {
		var b strings.Builder
		toks := Tokenize(tc.text)
		for i, tok := range toks {
			if i > 0 {
				switch {
				case tok.Sentence != toks[i-1].Sentence:
					b.WriteString(" || ")
				case tok.Clause != toks[i-1].Clause:
					b.WriteString(" | ")
				default:
					b.WriteString(" ")
				}
			}
			b.WriteString(tok.Key)
		}
		if got := b.String(); got != tc.want {
			t.Errorf("Tokenize(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// A run of three or more letters is read both ways: once and twice.
func TestRuns(t *testing.T) {
	for word, want := range map[string][2]string{"killll": {"kil", "kill"}, "dieeee": {"die", "diee"}, "soon": {"soon", "soon"}, "kill": {"kill", "kill"}} {
		if tok := Tokenize(word)[0]; tok.Key != want[0] || tok.Alt != want[1] {
			t.Errorf("%s: key %q alt %q, want %q %q", word, tok.Key, tok.Alt, want[0], want[1])
		}
	}
}

func testLexicon(t *testing.T) *Lexicon {
	t.Helper()
	m := func(en ...string) map[content.Lang][]string { return map[content.Lang][]string{content.English: en} }
	l, err := Compile([]Concept{
		{ID: "negation", Members: m("not", "dont", "no", "never")},
		{ID: "discourse", Members: m("not gonna lie", "no lie")},
		{ID: "light", Members: m("to", "a", "really", "be")},
		{ID: "self", Members: m("i", "me", "myself")},
		{ID: "desire", Members: m("want")},
		{ID: "death", Members: m("die", "dead")},
		{ID: "life", Members: m("to live", "alive")},
		{ID: "burden", Members: m("a burden", "burden")},
		{ID: "suicide", Typos: true, Members: m("suicide", "suicidal", "kill myself")},
		{ID: "medication", Typos: true, Members: m("tylenol", "overdos*")},
		{ID: "sexual", Members: m("raped")},
	}, Options{Negation: "negation", Discourse: "discourse", Pass: []string{"light", "self"}, Carry: []string{"desire"}})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Negation binds to the word it negates, through light words and wishes,
// and never from inside a discourse phrase.
func TestNegation(t *testing.T) {
	l := testLexicon(t)
	for _, tc := range []struct {
		text string
		want string // the concepts found, "not " before a negated one
	}{
		{"i want to die", "desire death"},
		{"i dont want to die", "not desire not death"},
		{"i dont want to live", "not desire not life"},
		{"i really dont want to be alive", "not desire not life"},
		{"not gonna lie i want to die", "desire death"},
		{"no lie i want to die", "desire death"},
		{"im not suicidal", "not suicide"},
		{"not a burden", "not burden not burden"},
		{"not today, i want to die", "desire death"},
		{"i never said it. i want to die", "desire death"},
	} {
		var got []string
		for _, m := range l.Find(Tokenize(tc.text)) {
			id := l.ID(m.Concept)
			if id == "negation" || id == "light" || id == "self" || id == "discourse" {
				continue
			}
			if m.Negated {
				id = "not " + id
			}
			got = append(got, id)
		}
		if diff := cmp.Diff(tc.want, strings.Join(got, " ")); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.text, diff)
		}
	}
}

// Stems, misspellings of distinctive words, censored letters; not the
// misspelling of a word that takes no typos, and not a real member.
func TestSpelling(t *testing.T) {
	l := testLexicon(t)
	for _, tc := range []struct {
		text, want string
	}{
		{"sucide", "suicide"},
		{"suicdal", "suicide"},
		{"tylenoll", "medication"},
		{"overdosed", "medication"},
		{"overdosing", "medication"},
		{"r*ped", "sexual"},
		{"d*e", "death"},
		{"rapes", ""}, // raped takes no typos
		{"die", "death"},
		{"dye", ""},
	} {
		var got []string
		for _, m := range l.Find(Tokenize(tc.text)) {
			got = append(got, l.ID(m.Concept))
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("%q found %q, want %q", tc.text, g, tc.want)
		}
	}
	for word, fuzzy := range map[string]bool{"sucide": true, "suicide": false} {
		if ms := l.Find(Tokenize(word)); len(ms) != 1 || ms[0].Fuzzy != fuzzy {
			t.Errorf("%q: found %+v, want one match, fuzzy %v", word, ms, fuzzy)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	_, err := Compile([]Concept{{ID: "a", Members: map[content.Lang][]string{content.English: {"ab*", "x&y"}}}}, Options{Negation: "missing"})
	if err == nil || !strings.Contains(err.Error(), "ab*") || !strings.Contains(err.Error(), `no concept "missing"`) {
		t.Errorf("Compile = %v; want every problem", err)
	}
}

// Tokenize and Find never panic, and every match lies inside the text.
func FuzzFind(f *testing.F) {
	for _, s := range []string{"", "i dont want to die", "r**p*d", "\xff\xfe", "k i l l", "not not not not", "💊\u200d💊"} {
		f.Add(s)
	}
	l, err := Compile([]Concept{
		{ID: "negation", Members: map[content.Lang][]string{content.English: {"not", "no"}}},
		{ID: "death", Typos: true, Members: map[content.Lang][]string{content.English: {"die", "suicide", "kill myself", "overdos*"}}},
	}, Options{Negation: "negation"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks := Tokenize(s)
		for _, m := range l.Find(toks) {
			if m.Start < 0 || m.End > len(toks) || m.Start >= m.End {
				t.Fatalf("%q: match %+v outside %d tokens", s, m, len(toks))
			}
		}
	})
}
