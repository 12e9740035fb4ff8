package content_test

import (
	"testing"

	"github.com/textline/textline/content"
)

// Render fills every placeholder in one pass: a texter's words that look
// like a placeholder stay as they were written.
func TestRender(t *testing.T) {
	lib, err := content.Load(content.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	got := lib.Render(content.English, "responder.relay", content.Vars{"handle": "K7", "text": "{handle} is {text}"})
	if want := "K7: {handle} is {text}"; got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
	if got := lib.Render(content.Spanish, "responder.relay", content.Vars{"handle": "K7", "text": "hola"}); got != "K7: hola" {
		t.Errorf("Render in Spanish, which lacks the text = %q, want the English one", got)
	}
}
