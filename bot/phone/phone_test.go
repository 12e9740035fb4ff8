package phone

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestInbox(t *testing.T) {
	b := NewInbox()
	b.Add("+15550000001", "one")
	b.Add("+15550000002", "other")
	b.Add("+15550000001", "two")
	got := b.After("+15550000001", 0)
	if len(got) != 2 || got[0].Text != "one" || got[1].Text != "two" {
		t.Fatalf("After 0 = %+v", got)
	}
	if again := b.After("+15550000001", got[0].N); len(again) != 1 || again[0].Text != "two" {
		t.Errorf("After first = %+v", again)
	}
	for i := range keep + 10 {
		b.Add("+15550000003", fmt.Sprint(i))
	}
	if n := len(b.After("+15550000003", 0)); n != keep {
		t.Errorf("kept %d, want %d", n, keep)
	}
}

func TestHandler(t *testing.T) {
	b := NewInbox()
	b.Add("+15550000001", "hello <there>")
	h := Handler(b)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/phone/inbox?number=%2B15550000001&after=0", nil))
	var got []Message
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || len(got) != 1 || got[0].Text != "hello <there>" {
		t.Fatalf("inbox = %s (%v)", w.Body, err)
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Text the line") {
		t.Errorf("page: %d", w.Code)
	}
}
