// Package phone is textline dev's phone simulator at /: a page to text the
// line as one or several made-up numbers. Texts go to the real webhook
// (POST /twilio/sms, unsigned in dev) and its replies show at once;
// messages the line starts itself (a responder's words, reminders) are
// kept in an Inbox the page reads.
package phone

import (
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"strconv"
	"sync"
)

// Inbox keeps the last messages the line sent to each number.
type Inbox struct {
	mu   sync.Mutex
	next int
	by   map[string][]Message
}

// Message is one message the line sent.
type Message struct {
	N    int    `json:"n"` // increasing, for "after"
	Text string `json:"text"`
}

// NewInbox returns an empty inbox.
func NewInbox() *Inbox { return &Inbox{by: map[string][]Message{}} }

// keep bounds what is kept per number.
const keep = 100

// Add keeps text as sent to number.
func (b *Inbox) Add(number, text string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.next++
	list := append(b.by[number], Message{N: b.next, Text: text})
	if len(list) > keep {
		list = list[len(list)-keep:]
	}
	b.by[number] = list
}

// After returns number's messages after n.
func (b *Inbox) After(number string, n int) []Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := []Message{}
	for _, m := range b.by[number] {
		if m.N > n {
			out = append(out, m)
		}
	}
	return out
}

//go:embed static/*
var files embed.FS

// Handler serves the page at / and the inbox at /phone/inbox.
func Handler(inbox *Inbox) http.Handler {
	static, _ := fs.Sub(files, "static")
	mux := http.NewServeMux()
	mux.Handle("GET /phone/static/", http.StripPrefix("/phone/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
		http.ServeFileFS(w, r, static, "index.html")
	})
	mux.HandleFunc("GET /phone/inbox", func(w http.ResponseWriter, r *http.Request) {
		after, _ := strconv.Atoi(r.URL.Query().Get("after"))
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		json.NewEncoder(w).Encode(inbox.After(r.URL.Query().Get("number"), after))
	})
	return mux
}
