package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// triageLine is one result of `textline triage`.
type triageLine struct {
	Text        string   `json:"text"`
	Category    string   `json:"category"`
	Severity    string   `json:"severity"`
	Probability float64  `json:"probability"`
	Signals     []string `json:"signals"`
}

// triage runs `textline triage`: texts in, one per line (or JSONL objects
// with a "text" field), one JSON verdict out per line. Blank lines are
// skipped. `textline triage train` and `textline triage score` are in
// train.go.
func triage(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "train":
			return triageTrain(args[1:], getenv, stdout, stderr)
		case "score":
			return triageScore(args[1:], getenv, stdout, stderr)
		}
	}
	fs, c, errs := newFlags("triage", getenv, stderr)
	if err := parse(fs, args, errs); err != nil {
		return err
	}
	ld, err := loadContent(c.ContentDir)
	if err != nil {
		return err
	}
	return eachText(stdin, stdout, func(text string) any {
		v := ld.triage.Classify(text)
		return triageLine{Text: text, Category: string(v.Category), Severity: string(v.Severity),
			Probability: round3(v.Probability), Signals: orEmpty(v.Signals)}
	})
}

// eachText reads texts from in, one a line (or JSONL objects with a
// "text" field), skipping blank lines, and writes what judge makes of
// each as one JSON line.
func eachText(in io.Reader, out io.Writer, judge func(text string) any) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		if strings.TrimSpace(text) == "" {
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(text), "{") {
			var obj struct {
				Text *string `json:"text"`
			}
			if err := json.Unmarshal([]byte(text), &obj); err != nil || obj.Text == nil {
				return fmt.Errorf("line %d: a JSON line needs a \"text\" field", n)
			}
			text = *obj.Text
		}
		if err := enc.Encode(judge(text)); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	return w.Flush()
}
