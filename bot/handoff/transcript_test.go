package handoff_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/golden"
	"github.com/textline/textline/bot/logtest"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts")

// A transcript script (testdata/transcripts/NAME.txt) plays a whole line:
// one message per line, from the texter unless it starts with "R1:" or
// "R2:", a responder's text. "$1" in a message stands for the first handle
// the responders were alerted with. Lines starting with @ are directives:
// "@wait 4m" moves the clock, "@tick" runs the reminders, "@retry" sends
// the texter's previous message again with its MessageSid, "@media" sends
// a picture without text. # starts a comment. The golden file NAME.golden
// holds, for each message, the reply (lines starting "<"), where the
// texter is after it, the alerts logged ("!") and every SMS or call the
// outbox sent ("→").
func TestLineTranscripts(t *testing.T) {
	golden.Run(t, "testdata/transcripts", *update, playLine)
}

var handleRe = regexp.MustCompile(`\b(?:[A-Z][2-9]{1,2}|N\d+)\b`)

func playLine(t *testing.T, script string) string {
	t.Helper()
	f, err := os.Open(script)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := newWorld(t)
	log := &logtest.Records{Level: slog.LevelWarn, Keys: []string{"reason", "category", "severity"}}
	w.engine.Log = slog.New(log)
	w.line.Log = slog.New(log)
	who := map[string]string{w.texter: "texter", w.resp[0]: "R1", w.resp[1]: "R2"}
	var handles []string
	// label hides what changes from run to run: handles become $1, $2…
	label := func(s string) string {
		return handleRe.ReplaceAllStringFunc(s, func(h string) string {
			if i := slices.Index(handles, h); i >= 0 {
				return fmt.Sprintf("$%d", i+1)
			}
			return h
		})
	}
	var out strings.Builder
	var last bot.Inbound
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var reply string
		responder := false
		switch {
		case strings.HasPrefix(line, "@wait "):
			d, err := time.ParseDuration(strings.TrimPrefix(line, "@wait "))
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			w.advance(d)
			fmt.Fprintf(&out, "(%s later)\n", d)
		case line == "@tick":
			if _, err := w.line.Tick(context.Background()); err != nil {
				t.Fatalf("tick: %v", err)
			}
			out.WriteString("(reminders run)\n")
		default:
			from, body := w.texter, line
			if r, rest, ok := strings.Cut(line, ": "); ok && (r == "R1" || r == "R2") {
				from, body, responder = w.resp[map[string]int{"R1": 0, "R2": 1}[r]], rest, true
			}
			for i, h := range handles {
				body = strings.ReplaceAll(body, fmt.Sprintf("$%d", i+1), h)
			}
			in := bot.Inbound{
				ID: fmt.Sprintf("SM%d", rand.Int64()), From: w.pseudo.Texter(from), To: w.to, Body: body, At: w.clock(),
			}
			if line == "@media" {
				in.Body, in.NumMedia = "", 1
			}
			if line == "@retry" {
				in = last
			} else if from == w.texter {
				last = in
			}
			r, err := w.line.Route(w.engine).Handle(context.Background(), in)
			if err != nil {
				t.Fatalf("%q: %v", line, err)
			}
			reply = r.Text
			if reply == "" {
				reply = "(no reply)"
			}
			w.advance(time.Minute)
		}
		if !strings.HasPrefix(line, "@") || line == "@retry" || line == "@media" {
			fmt.Fprintf(&out, "> %s\n< %s\n", line, strings.ReplaceAll(label(reply), "\n", "\n< "))
		}
		if !responder {
			// Only the texter's own messages move their session: a
			// responder's change it follows at the next one.
			s := w.session()
			fmt.Fprintf(&out, "[%s %s]\n", s.Flow.State(), s.Lang)
		}
		for _, a := range log.Take() {
			fmt.Fprintln(&out, "! "+label(a))
		}
		var sends []string
		for _, s := range w.flush() {
			if m := takeRe.FindStringSubmatch(s.Body); m != nil && !slices.Contains(handles, m[1]) {
				handles = append(handles, m[1])
			}
			body := s.Body
			if s.Kind == "call" {
				body = "(a call)"
			}
			// Only the body is labelled: a handle may be spelled like a
			// responder's label (R2).
			sends = append(sends, fmt.Sprintf("→ %s: %s", who[s.To], label(strings.ReplaceAll(body, "\n", "\n    "))))
		}
		slices.Sort(sends)
		for _, s := range sends {
			fmt.Fprintln(&out, s)
		}
		out.WriteString("\n")
	}
	return out.String()
}
