package main

import (
	"strings"
	"testing"

	"github.com/textline/textline/bot/redisstore/redistest"
	"github.com/textline/textline/bot/understand"
)

// Through the signed webhook, a texter in the middle of the tips path who
// asks for something else in their own words gets what they asked for.
func TestOwnWordsMidPath(t *testing.T) {
	srv := start(t, serveEnv(t, redistest.URL(t)), "serve")
	for _, tc := range []struct{ text, want string }{
		{"actually can you find me a group", "What kind of group would help?"},
		{"any family support groups in austin", "Here are some groups"},
		{"how do i help my sister, shes been really down", "you want to help"},
		{"what numbers can i call", "call or text 988"},
		{"why does a support network even matter", "Why a support network matters"},
		{"been so lonely since the move", "That sounds really lonely"},
		{"who runs this?", "run by its operator"},
		{"¿me puedes dar consejos para dormir?", "Desde ahora te escribo en español"},
		{"thanks that helped", "Did this help?"},
	} {
		tx := newTexter(t, srv, testToken)
		tx.send("hi")
		tx.send("1")
		if got := tx.send(tc.text); !strings.Contains(got, tc.want) {
			t.Errorf("%q in the tips path got %q; want %q", tc.text, got, tc.want)
		}
	}
}

// The blind set's texts that ask for something, each sent through the
// webhook from the middle of the tips path: how many are answered rather
// than missed. Only the figure is read, never the texts.
func TestBlindMidPath(t *testing.T) {
	set, err := readIntents("../../bot/understand/testdata/blind/*.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	srv := start(t, serveEnv(t, redistest.URL(t)), "serve")
	var asked, missed int
	for _, l := range set {
		switch l.Intent {
		case understand.Other, understand.Yes, understand.No:
			continue // nothing the tips path takes from anywhere
		}
		tx := newTexter(t, srv, testToken)
		tx.send("hi")
		tx.send("1")
		asked++
		if got := tx.send(l.Text); strings.Contains(got, "couldn't follow") || strings.Contains(got, "no entendi") {
			missed++
		}
	}
	t.Logf("blind set from the middle of the tips path: %d of %d answered", asked-missed, asked)
	if missed*20 > asked {
		t.Errorf("%d of %d blind texts with a request were missed from the middle of a path; the ceiling is 5%%", missed, asked)
	}
}
