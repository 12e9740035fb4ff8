package understand_test

import "testing"

// Typical texts, short and long, in both languages. The target is 20,000
// a second on one core: under 50 µs each (go test -bench Read -cpu 1).
var benchTexts = []string{
	"hi",
	"2",
	"how do i find a support group near me",
	"just started college three states away and i eat lunch alone every day",
	"im in san antonio tx",
	"como puedo ayudar a mi hermano, esta muy deprimido y no quiere hablar con nadie",
	"who runs this?",
	"so today was a lot. my sister called about thanksgiving and we argued again, then my car wouldnt start and i was late for work, my boss wrote me up, and honestly im so tired of all of it",
}

func BenchmarkRead(b *testing.B) {
	r := reader(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r.Read(benchTexts[i%len(benchTexts)])
	}
}
