package content

import "testing"

// TestAsksForPerson: plain requests for a person, as whole words, and not
// when negated.
func TestAsksForPerson(t *testing.T) {
	lib, err := Load(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"can i talk to a real person", true},
		{"Is anyone there??", true},
		{"i need to talk to someone", true},
		{"are you a bot", false},
		{"quiero hablar con una persona", true},
		{"¿Hay alguien ahí?", true},
		{"i dont want to talk to a person", false},
		{"I don't need a human", false},
		{"i need a personal loan", false},
		{"my surreal personality", false},
		{"tips", false},
		{"no i want a real person", true},
		{"no one listens, i need to talk to someone", true},
		{"i cant do this, i need a human", true},
		{"can i speak to someone", true},
		{"i do not want to talk to a person", false},
	} {
		if got := lib.Vocab.AsksForPerson(Fold(tc.text)); got != tc.want {
			t.Errorf("AsksForPerson(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
