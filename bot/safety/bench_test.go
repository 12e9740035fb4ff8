package safety_test

import "testing"

// Typical SMS lengths, crisis and not. The target is 100,000 a second on
// one core: under 10 µs each (go test -bench Classify -cpu 1).
var benchTexts = []string{
	"hi",
	"i want to kill myself",
	"this homework is killing me lol",
	"my husband hits me and i dont know what to do anymore, hes asleep now",
	"im 14 and my uncle comes in my room at night, please dont tell my mom",
	"been feeling really down lately, work is stressful and i cant sleep. any tips for anxiety?",
	"ya no quiero vivir, me siento muy sola y nadie me entiende",
	"Took a whole bottle of tylenol about an hour ago and now my stomach really hurts, im scared",
}

func BenchmarkClassify(b *testing.B) {
	c := classifier(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.Classify(benchTexts[i%len(benchTexts)])
	}
}
