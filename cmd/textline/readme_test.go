package main

import (
	"os"
	"strings"
	"testing"

	"github.com/textline/textline/flows"
)

// The README's diagram is the one the table draws, and its first screen
// gives the commands CI and newcomers run.
func TestREADME(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	diagram := flows.Mermaid()
	if !strings.Contains(readme, "```mermaid\n"+diagram+"```") {
		t.Error("README's conversation diagram is not the current one: paste the output of `go run ./cmd/textline graph`")
	}
	first := strings.Join(strings.SplitN(readme, "\n", 40)[:min(39, strings.Count(readme, "\n"))], "\n")
	for _, cmd := range []string{"go run ./cmd/textline dev", "go test -race ./..."} {
		if !strings.Contains(first, "\n"+cmd+"\n") {
			t.Errorf("the README's first screen lacks %q", cmd)
		}
	}
	ci, err := os.ReadFile("../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(ci), "\ngo test -race ./...\n") {
		t.Error(".ci/run does not end with the README's test command")
	}
}
