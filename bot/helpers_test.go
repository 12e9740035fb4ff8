package bot_test

import (
	"log/slog"
	"sync"
	"testing"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/bot/understand"
	"github.com/textline/textline/content"
)

// embedded is the shipped content and its triage, loaded once: both are
// read-only.
var embedded = sync.OnceValues(func() (*content.Library, error) { return content.Load(content.Embedded()) })

var embeddedTriage = sync.OnceValues(func() (*safety.Classifier, error) {
	lib, err := embedded()
	if err != nil {
		return nil, err
	}
	return safety.Compile(lib.Triage)
})

var embeddedReader = sync.OnceValues(func() (*understand.Reader, error) {
	lib, err := embedded()
	if err != nil {
		return nil, err
	}
	return understand.Compile(lib)
})

// reader is lib's understanding; the embedded content's is compiled once.
func reader(t testing.TB, lib *content.Library) *understand.Reader {
	t.Helper()
	r, err := embeddedReader()
	if l, _ := embedded(); l != lib {
		r, err = understand.Compile(lib)
	}
	if err != nil {
		t.Fatalf("compile understanding: %v", err)
	}
	return r
}

func library(t testing.TB) *content.Library {
	t.Helper()
	lib, err := embedded()
	if err != nil {
		t.Fatalf("load content: %v", err)
	}
	return lib
}

func quietLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// classifier is lib's crisis triage; the embedded content's is compiled
// once.
func classifier(t testing.TB, lib *content.Library) *safety.Classifier {
	t.Helper()
	if l, _ := embedded(); l == lib {
		c, err := embeddedTriage()
		if err != nil {
			t.Fatalf("compile triage: %v", err)
		}
		return c
	}
	c, err := safety.Compile(lib.Triage)
	if err != nil {
		t.Fatalf("compile triage: %v", err)
	}
	return c
}

// newEngine is an engine on the embedded content.
func newEngine(t testing.TB, sessions bot.Sessions) *bot.Engine {
	lib := library(t)
	return bot.NewEngine(lib, classifier(t, lib), reader(t, lib), sessions)
}
