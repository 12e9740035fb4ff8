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
	_, classifier, err := loadContent(c.ContentDir)
	if err != nil {
		return err
	}
	in := bufio.NewScanner(stdin)
	in.Buffer(make([]byte, 64<<10), 1<<20)
	out := bufio.NewWriter(stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for n := 1; in.Scan(); n++ {
		text := in.Text()
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
		v := classifier.Classify(text)
		signals := v.Signals
		if signals == nil {
			signals = []string{}
		}
		line := triageLine{Text: text, Category: string(v.Category), Severity: string(v.Severity),
			Probability: float64(int(v.Probability*1000+0.5)) / 1000, Signals: signals}
		if err := enc.Encode(line); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	if err := in.Err(); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	return out.Flush()
}
