package understand_test

import (
	"sync"
	"testing"

	"github.com/textline/textline/bot/understand"
	"github.com/textline/textline/content"
)

// shipped is the embedded content and its understanding, loaded once.
var shipped = sync.OnceValues(func() (*understand.Reader, error) {
	lib, err := content.Load(content.Embedded())
	if err != nil {
		return nil, err
	}
	return understand.Compile(lib)
})

func reader(t testing.TB) *understand.Reader {
	t.Helper()
	r, err := shipped()
	if err != nil {
		t.Fatalf("load the understanding: %v", err)
	}
	return r
}
