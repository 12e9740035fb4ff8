package bot_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/golden"
	"github.com/textline/textline/bot/logtest"
	"github.com/textline/textline/bot/tally"
	"github.com/textline/textline/content"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts")

// A transcript script (testdata/transcripts/NAME.txt) is one texter
// message per line. Lines starting with @ are directives: "@wait 25h"
// moves the clock, "@media" sends a picture without text, "@retry" sends
// the previous message again with the same MessageSid. # starts a comment.
// The golden file NAME.golden holds each message, the reply, the texter's
// state and language after it, and its effects: the alerts logged ("!")
// and the counters counted ("+").
func TestTranscripts(t *testing.T) {
	lib := library(t)
	golden.Run(t, "testdata/transcripts", *update, func(t *testing.T, script string) string { return play(t, lib, script) })
}

func play(t *testing.T, lib *content.Library, script string) string {
	t.Helper()
	f, err := os.Open(script)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	store := newMemSessions()
	e := bot.NewEngine(lib, classifier(t, lib), reader(t, lib), store)
	logged := &logtest.Records{Keys: []string{"reason", "category", "severity"}}
	e.Log = slog.New(logged)
	counted := &counts{}
	e.Counter = counted
	texter := bot.NewPseudonymizer([]byte("test")).Texter("+15555550100")
	now := time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC)
	var out strings.Builder
	var last bot.Inbound
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		in := bot.Inbound{From: texter, Body: line}
		switch {
		case strings.HasPrefix(line, "@wait "):
			d, err := time.ParseDuration(strings.TrimPrefix(line, "@wait "))
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			now = now.Add(d)
			fmt.Fprintf(&out, "(%s later)\n\n", d)
			continue
		case line == "@media":
			in.Body, in.NumMedia = "", 1
		case line == "@retry":
			in = last
		}
		if line != "@retry" {
			n++
			in.ID = fmt.Sprintf("SM%04d", n)
		}
		in.At = now
		now = now.Add(time.Minute)
		last = in
		reply, err := e.Handle(context.Background(), in)
		if err != nil {
			t.Fatalf("message %q: %v", line, err)
		}
		if n, _ := content.Segments(reply.Text); n > content.MaxSegments {
			t.Errorf("reply to %q takes %d segments, over %d", line, n, content.MaxSegments)
		}
		s := store.get(texter.ID())
		text := reply.Text
		if text == "" {
			text = "(no reply)"
		}
		fmt.Fprintf(&out, "> %s\n%s\n[%s %s]\n", line, text, s.Flow.State(), s.Lang)
		for _, r := range logged.Take() {
			fmt.Fprintf(&out, "! %s\n", r)
		}
		if c := counted.take(); len(c) > 0 {
			fmt.Fprintf(&out, "+ %s\n", strings.Join(c, " "))
		}
		out.WriteString("\n")
	}
	return out.String()
}

// counts keeps the counters the engine counts.
type counts struct {
	mu    sync.Mutex
	names []string
}

func (c *counts) Count(_ context.Context, name tally.Name) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.names = append(c.names, string(name))
	return nil
}

func (c *counts) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.names
	c.names = nil
	return out
}
