package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/textline/textline/bot/twilio/twiliotest"
)

func TestCheckLocal(t *testing.T) {
	for target, ok := range map[string]bool{
		"http://127.0.0.1:8080/twilio/sms": true,
		"http://localhost:8080/twilio/sms": true,
		"http://[::1]:8080/twilio/sms":     true,
		"http://10.0.0.5:8080/twilio/sms":  false,
		"https://line.example.org/sms":     false,
	} {
		if err := checkLocal(target); (err == nil) != ok {
			t.Errorf("checkLocal(%s) = %v, want ok=%v", target, err, ok)
		}
	}
}

// A run against a fake line: every message is sent, signed, each texter's
// messages in order, and the report has its figures.
func TestLoad(t *testing.T) {
	var mu sync.Mutex
	seen := map[string][]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.Header.Get("X-Twilio-Signature") != twiliotest.Sign("tok", "http://"+r.Host+"/twilio/sms", r.PostForm) {
			http.Error(w, "bad signature", http.StatusForbidden)
			return
		}
		mu.Lock()
		seen[r.PostForm.Get("From")] = append(seen[r.PostForm.Get("From")], r.PostForm.Get("Body"))
		mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Response><Message>ok</Message></Response>`))
	}))
	defer srv.Close()
	var out bytes.Buffer
	err := run(context.Background(), []string{"-url", srv.URL + "/twilio/sms", "-token", "tok", "-c", "8", "-texters", "20", "-n", "400"},
		func(string) string { return "" }, &out, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, &out)
	}
	for _, want := range []string{"400 answered, 0 failed", "messages/s", "p99"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, &out)
		}
	}
	if len(seen) != 20 {
		t.Errorf("%d texters sent, want 20", len(seen))
	}
	for from, got := range seen {
		for i, b := range got {
			if b != bodies[i%len(bodies)] {
				t.Fatalf("texter %s message %d = %q, want %q: out of order", from, i, b, bodies[i%len(bodies)])
			}
		}
	}
}
