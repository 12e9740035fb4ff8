package bot_test

import (
	"sync"
	"testing"

	"github.com/textline/textline/bot"
)

// Pseudonyms are the keys of every texter's records: they never change
// for a number and a secret, whoever asks and however often at once.
func TestPseudonymsAreStable(t *testing.T) {
	p := bot.NewPseudonymizer([]byte("textline-dev-only"))
	for _, tc := range []struct{ addr, id string }{
		{"+15551234567", "5njxajvguwlgj3e6"},
		{" whatsapp:+447700900123 ", "ylf4n7g3wmpgzrwk"},
		{"", "lpoqz5uvsupp42le"},
	} {
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if got := p.Texter(tc.addr).ID(); got != tc.id {
					t.Errorf("Texter(%q).ID() = %q, want %q", tc.addr, got, tc.id)
				}
			})
		}
		wg.Wait()
	}
	if other := bot.NewPseudonymizer([]byte("another secret")).Texter("+15551234567").ID(); other == "5njxajvguwlgj3e6" {
		t.Error("another secret gave the same pseudonym")
	}
}
