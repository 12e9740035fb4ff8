package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/textline/textline/bot/learn"
	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/content"
)

// triageTrain runs `textline triage train`: it reads the labelled corpus,
// trains the two triage models with the content's lexicon and rules, and
// writes them where the content keeps them. The same corpus and content
// always give the same models. With -folds it first reports k-fold
// cross-validation.
func triageTrain(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, c, errs := newFlags("triage train", getenv, stderr)
	corpusDir := fs.String("corpus", filepath.Join("content", "triage", "corpus"), "the folder of labelled JSONL files to train on")
	outDir := fs.String("out", filepath.Join("content", "triage"), "where to write category.model and severity.model")
	folds := fs.Int("folds", 0, "report k-fold cross-validation first (0: none)")
	if err := parse(fs, args, errs); err != nil {
		return err
	}
	lib, err := content.Load(contentFS(c.ContentDir))
	if err != nil {
		return fmt.Errorf("content: %w", err)
	}
	corpus, err := readLabelled(filepath.Join(*corpusDir, "*.jsonl"))
	if err != nil {
		return err
	}
	opts := safety.TrainOptions()
	if *folds > 0 {
		start := time.Now()
		r, err := safety.CrossValidate(lib.Triage, corpus, *folds, opts)
		if err != nil {
			return err
		}
		r.Misses = nil
		fmt.Fprintf(stdout, "%d-fold cross-validation on %d texts (%s):\n%s\n", *folds, len(corpus), time.Since(start).Round(time.Second), r)
	}
	start := time.Now()
	models, err := safety.Train(lib.Triage, corpus, opts)
	if err != nil {
		return err
	}
	for _, m := range []struct {
		name  string
		model interface{ MarshalBinary() ([]byte, error) }
	}{{"category.model", models.Category}, {"severity.model", models.Severity}} {
		data, err := m.model.MarshalBinary()
		if err != nil {
			return fmt.Errorf("store %s: %w", m.name, err)
		}
		path := filepath.Join(*outDir, m.name)
		if err := writeFileAtomic(path, data); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s (%d KB)\n", path, len(data)>>10)
	}
	fmt.Fprintf(stdout, "trained on %d texts in %s\n", len(corpus), time.Since(start).Round(time.Millisecond))
	return nil
}

// writeFileAtomic replaces path with data, or leaves it as it was: a
// model half written would not load.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after a rename, there is nothing to remove
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(f.Name(), path)
}

// triageScore runs `textline triage score FILE...`: how triage does on
// labelled texts. -misses lists the texts it judged otherwise.
func triageScore(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return scoreFiles("triage", args, getenv, stdout, stderr, func(ld *loaded, file string, misses bool) error {
		set, err := readLabelled(file)
		if err != nil {
			return err
		}
		r := safety.Evaluate(ld.triage, set)
		fmt.Fprintf(stdout, "%s: %d texts\n%s", file, len(set), r)
		if !misses {
			return nil
		}
		for _, m := range r.Misses {
			fmt.Fprintf(stdout, "  %-17s got %-17s %-9s %.2f %q %v\n", m.Expect, m.Got.Category, m.Got.Severity, m.Got.Probability, m.Text, m.Got.Signals)
		}
		return nil
	})
}

// scoreFiles runs `textline NAME score [-misses] FILE...`: score reports
// on each labelled file, with the texts read otherwise when misses is set.
func scoreFiles(name string, args []string, getenv func(string) string, stdout, stderr io.Writer, score func(ld *loaded, file string, misses bool) error) error {
	fs, c, errs := newFlags(name+" score", getenv, stderr)
	misses := fs.Bool("misses", false, "list the texts read otherwise than their label")
	if err := errors.Join(*errs...); err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%s score: name one or more labelled JSONL files", name)
	}
	ld, err := loadContent(c.ContentDir)
	if err != nil {
		return err
	}
	for _, file := range fs.Args() {
		if err := score(ld, file, *misses); err != nil {
			return err
		}
	}
	return nil
}

// readLabelled reads the labelled texts of every file matching glob.
func readLabelled(glob string) ([]safety.Labelled, error) {
	return learn.ReadSets(glob, safety.ParseLabelled)
}
