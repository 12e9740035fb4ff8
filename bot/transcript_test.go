package bot_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/content"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts")

// A transcript script (testdata/transcripts/NAME.txt) is one texter
// message per line. Lines starting with @ are directives: "@wait 25h"
// moves the clock, "@media" sends a picture without text, "@retry" sends
// the previous message again with the same MessageSid. # starts a comment.
// The golden file NAME.golden holds each message, the reply and the state
// after it.
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
	e.Log = quietLog()
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
		fmt.Fprintf(&out, "> %s\n%s\n[%s %s]\n\n", line, text, s.Flow.State(), s.Lang)
	}
	return out.String()
}
