package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/textline/textline/content"
	"github.com/textline/textline/flows"
)

// lint runs `textline lint`: every problem in the content and the flows,
// one located line each, and a non-zero exit when there is any.
func lint(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, c, errs := newFlags("lint", getenv, stderr)
	if err := parse(fs, args, errs); err != nil {
		return err
	}
	where := "embedded content"
	if c.ContentDir != "" {
		where = c.ContentDir
	}
	lib, err := content.Load(contentFS(c.ContentDir))
	var problems content.Problems
	switch {
	case errors.As(err, &problems):
		for _, p := range problems {
			fmt.Fprintln(stdout, p)
		}
		fmt.Fprintf(stderr, "%s: %d problems\n", where, len(problems))
		return exitCode(1)
	case err != nil:
		return err
	}
	ps := lintContent(lib)
	if _, err := compileTriage(lib); err != nil {
		ps = append(ps, err.Error())
	}
	if len(ps) > 0 {
		for _, p := range ps {
			fmt.Fprintln(stdout, p)
		}
		fmt.Fprintf(stderr, "%s: %d problems\n", where, len(ps))
		return exitCode(1)
	}
	fmt.Fprintf(stdout, "%s: ok (%d messages, %d tips, %d groups, in %d languages)\n",
		where, len(lib.IDs(content.English)), len(lib.Tips(content.English)), len(lib.AllGroups()), len(content.Langs))
	return nil
}

// graph runs `textline graph`.
func graph(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("textline graph", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "mermaid", "mermaid or dot")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var out string
	var err error
	switch *format {
	case "mermaid":
		out = flows.Mermaid()
	case "dot":
		out, err = flows.Dot()
	default:
		return fmt.Errorf("graph: unknown format %q: use mermaid or dot", *format)
	}
	if err != nil {
		return fmt.Errorf("graph: %w", err)
	}
	_, err = io.WriteString(stdout, out)
	return err
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
