package content

import (
	"slices"
	"testing"
)

// A word of two choices names both, in the same order on every load: the
// step decides which one it means, never the order of a map.
func TestPicksAreStable(t *testing.T) {
	for range 200 {
		var v Vocab
		if err := decode(Embedded(), "vocab.yaml", &v); err != nil {
			t.Fatal(err)
		}
		v.compile()
		if got := v.Picks("family"); !slices.Equal(got, []string{"family", "someone"}) {
			t.Fatalf("Picks(family) = %v, want [family someone]", got)
		}
		if got := v.Picks("familia"); !slices.Equal(got, []string{"family", "someone"}) {
			t.Fatalf("Picks(familia) = %v, want [family someone]", got)
		}
	}
}

func TestShared(t *testing.T) {
	v := Vocab{Choices: map[string][]string{"peer": {"Peers", "pares"}, "family": {"family", "PARES"}, "online": {"online"}}}
	v.compile()
	if got := v.Shared("peer", "family"); !slices.Equal(got, []string{"pares"}) {
		t.Errorf("Shared(peer, family) = %v, want [pares]", got)
	}
	if got := v.Shared("peer", "online"); got != nil {
		t.Errorf("Shared(peer, online) = %v, want none", got)
	}
}
