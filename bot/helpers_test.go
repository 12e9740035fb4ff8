package bot_test

import (
	"log/slog"
	"testing"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/content"
)

func library(t testing.TB) *content.Library {
	t.Helper()
	lib, err := content.Load(content.Embedded())
	if err != nil {
		t.Fatalf("load content: %v", err)
	}
	return lib
}

func quietLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// classifier compiles lib's crisis triage.
func classifier(t testing.TB, lib *content.Library) *safety.Classifier {
	t.Helper()
	c, err := safety.Compile(lib.Triage)
	if err != nil {
		t.Fatalf("compile triage: %v", err)
	}
	return c
}

// newEngine is an engine on the embedded content.
func newEngine(t testing.TB, sessions bot.Sessions) *bot.Engine {
	lib := library(t)
	return bot.NewEngine(lib, classifier(t, lib), sessions)
}
