package main

import (
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/textline/textline/bot/learn"
	"github.com/textline/textline/bot/understand"
	"github.com/textline/textline/content"
)

// understandLine is one result of `textline understand`.
type understandLine struct {
	Text       string              `json:"text"`
	Intent     understand.Intent   `json:"intent"`
	Confidence float64             `json:"confidence"`
	Slots      map[string]string   `json:"slots"`
	Lang       content.Lang        `json:"lang,omitempty"`
	Likely     []understand.Intent `json:"likely"`
	Signals    []string            `json:"signals"`
}

// understandTexts runs `textline understand`: texts in, one per line (or
// JSONL objects with a "text" field), one JSON reading out per line, as
// `textline triage` does. `textline understand train` and `textline
// understand score` train and score the intent model.
func understandTexts(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "train":
			return understandTrain(args[1:], getenv, stdout, stderr)
		case "score":
			return understandScore(args[1:], getenv, stdout, stderr)
		}
	}
	fs, c, errs := newFlags("understand", getenv, stderr)
	if err := parse(fs, args, errs); err != nil {
		return err
	}
	reader, err := loadReader(c.ContentDir)
	if err != nil {
		return err
	}
	return eachText(stdin, stdout, func(text string) any {
		r := reader.Read(text)
		return understandLine{Text: text, Intent: r.Intent, Confidence: round3(r.Confidence), Slots: slotMap(r.Slots),
			Lang: r.Lang, Likely: orEmpty(r.Likely), Signals: orEmpty(r.Signals)}
	})
}

// slotMap is the slots a reading set, by name.
func slotMap(s understand.Slots) map[string]string {
	out := map[string]string{}
	for name, v := range map[string]string{
		"kind": string(s.Kind), "place": s.Where, "state": s.Place.State, "lesson": string(s.Lesson),
		"topic": string(s.Topic), "feeling": string(s.Feeling),
	} {
		if v != "" {
			out[name] = v
		}
	}
	return out
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func round3(p float64) float64 { return float64(int(p*1000+0.5)) / 1000 }

// loadReader loads the content and compiles its understanding.
func loadReader(dir string) (*understand.Reader, error) {
	ld, err := loadContent(dir)
	if err != nil {
		return nil, err
	}
	return ld.reader, nil
}

// understandTrain runs `textline understand train`: it trains the intent
// model on the labelled corpus with the content's concepts and writes it
// where the content keeps it. With -folds it first reports k-fold
// cross-validation.
func understandTrain(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, c, errs := newFlags("understand train", getenv, stderr)
	corpusDir := fs.String("corpus", filepath.Join("content", "understand", "corpus"), "the folder of labelled JSONL files to train on")
	out := fs.String("out", filepath.Join("content", "understand", "intent.model"), "where to write the model")
	folds := fs.Int("folds", 0, "report k-fold cross-validation first (0: none)")
	misses := fs.Bool("misses", false, "with -folds, list the texts cross-validation read otherwise")
	if err := parse(fs, args, errs); err != nil {
		return err
	}
	lib, err := content.Load(contentFS(c.ContentDir))
	if err != nil {
		return fmt.Errorf("content: %w", err)
	}
	corpus, err := readIntents(filepath.Join(*corpusDir, "*.jsonl"))
	if err != nil {
		return err
	}
	opts := understand.TrainOptions()
	if *folds > 0 {
		start := time.Now()
		r, err := understand.CrossValidate(lib, corpus, *folds, opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d-fold cross-validation on %d texts (%s):\n%s\n", *folds, len(corpus), time.Since(start).Round(time.Second), r)
		if *misses {
			printMisses(stdout, r.Misses)
		}
	}
	start := time.Now()
	model, err := understand.Train(lib, corpus, opts)
	if err != nil {
		return err
	}
	data, err := model.MarshalBinary()
	if err != nil {
		return fmt.Errorf("store %s: %w", *out, err)
	}
	if err := writeFileAtomic(*out, data); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d KB)\ntrained on %d texts in %s\n", *out, len(data)>>10, len(corpus), time.Since(start).Round(time.Millisecond))
	return nil
}

// understandScore runs `textline understand score FILE...`: how the
// understanding does on labelled texts. -misses lists the texts it read
// otherwise.
func understandScore(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return scoreFiles("understand", args, getenv, stdout, stderr, func(ld *loaded, file string, misses bool) error {
		set, err := readIntents(file)
		if err != nil {
			return err
		}
		r := understand.Evaluate(ld.reader, set)
		fmt.Fprintf(stdout, "%s: %d texts\n%s", file, len(set), r)
		if misses {
			printMisses(stdout, r.Misses)
		}
		return nil
	})
}

// readIntents reads the labelled texts of every file matching glob.
func readIntents(glob string) ([]understand.Labelled, error) {
	return learn.ReadSets(glob, understand.ParseLabelled)
}

func printMisses(w io.Writer, ms []understand.Miss) {
	for _, m := range ms {
		fmt.Fprintf(w, "  %-8s got %-8s %.2f %q %v\n", m.Intent, m.Got.Intent, m.Got.Confidence, m.Text, m.Got.Signals)
	}
}
