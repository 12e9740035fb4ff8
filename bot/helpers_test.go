package bot_test

import (
	"log/slog"
	"testing"

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
