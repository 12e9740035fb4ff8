package safety

import (
	"strings"
	"testing"

	"github.com/textline/textline/content"
)

// The matcher's work grows with the text, not with the lexicon or with
// repetition: a fixed number of trie steps a word, even for texts built
// to make gaps and alternatives branch.
func TestLinearTime(t *testing.T) {
	lib, err := content.Load(content.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	c := Compile(lib.Triage)
	for _, unit := range []string{"took ", "how many how many pills ", "i want to kill myself ", "a b c d e f g ", "im 12 im 12 "} {
		var perWord []float64
		for _, n := range []int{1_000, 10_000} {
			text := strings.Repeat(unit, n/len(unit)+1)[:n]
			toks := c.tz.tokens(text)
			_, steps := c.m.scan(c.m.lookup(toks))
			perWord = append(perWord, float64(steps)/float64(len(toks)+1))
		}
		if perWord[1] > 2*perWord[0]+1 || perWord[1] > 200 {
			t.Errorf("%q: %.1f then %.1f trie steps a word: not linear", unit, perWord[0], perWord[1])
		}
	}
}
