package bot_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/textline/textline/bot"
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
	scripts, err := filepath.Glob("testdata/transcripts/*.txt")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	lib := library(t)
	for _, script := range scripts {
		name := strings.TrimSuffix(filepath.Base(script), ".txt")
		t.Run(name, func(t *testing.T) {
			got := play(t, lib, script)
			golden := strings.TrimSuffix(script, ".txt") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./bot -run TestTranscripts -update)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("transcript %s changed (-golden +now); if intended, run with -update:\n%s", name, diff)
			}
		})
	}
}

func play(t *testing.T, lib *content.Library, script string) string {
	t.Helper()
	f, err := os.Open(script)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	store := newMemSessions()
	e := bot.NewEngine(lib, classifier(t, lib), store)
	logged := &records{}
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
		for _, r := range logged.take() {
			fmt.Fprintf(&out, "! %s\n", r)
		}
		if c := counted.take(); len(c) > 0 {
			fmt.Fprintf(&out, "+ %s\n", strings.Join(c, " "))
		}
		out.WriteString("\n")
	}
	return out.String()
}

// records keeps what the engine logs, as "message: reason category
// severity".
type records struct {
	mu    sync.Mutex
	lines []string
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *records) WithGroup(string) slog.Handler            { return r }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	var f []string
	rec.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "reason", "category", "severity":
			f = append(f, a.Value.String())
		}
		return true
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, rec.Message+": "+strings.Join(f, " "))
	return nil
}

func (r *records) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.lines
	r.lines = nil
	return out
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
