package safety_test

import (
	"testing"

	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/content"
)

// Typical SMS lengths, crisis and not. The target is 20,000 a second on
// one core: under 50 µs each (go test -bench Classify -cpu 1).
var benchTexts = []string{
	"hi",
	"i want to kill myself",
	"this homework is killing me lol",
	"my husband hits me and i dont know what to do anymore, hes asleep now",
	"im 14 and my uncle comes in my room at night, please dont tell my mom",
	"been feeling really down lately, work is stressful and i cant sleep. any tips for anxiety?",
	"ya no quiero vivir, me siento muy sola y nadie me entiende",
	"Took a whole bottle of tylenol about an hour ago and now my stomach really hurts, im scared",
	"so today was a lot. my sister called about thanksgiving and we argued again, then my car wouldnt start and i was late for work, my boss wrote me up, and honestly im so tired of all of it. i just want it all to stop",
}

func BenchmarkClassify(b *testing.B) {
	c := classifier(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.Classify(benchTexts[i%len(benchTexts)])
	}
}

// Loading the lexicon, the rules and both models: the target is under
// 200 ms.
func BenchmarkCompile(b *testing.B) {
	lib, err := content.Load(content.Embedded())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := safety.Compile(lib.Triage); err != nil {
			b.Fatal(err)
		}
	}
}
