// Command textline is the Textline SMS line: the webhook service, a local
// development server, a terminal chat with the bot, and content tools.
//
//	textline serve   the production webhook service
//	textline dev     everything on one laptop, no accounts
//	textline sim     chat with the bot in the terminal
//	textline triage  classify texts for crisis, one JSON line each
//	textline lint    check the content and the flows
//	textline graph   print the conversation as a diagram
//	textline responder add|remove|list   who may sign in to the console
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	var code exitCode
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.As(err, &code):
		os.Exit(int(code))
	default:
		fmt.Fprintln(os.Stderr, "textline:", err)
		os.Exit(1)
	}
}

// exitCode ends the program with a status after the command has already
// said what went wrong.
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit status %d", int(c)) }

const usage = `Textline: an SMS support line.

Usage: textline <command> [flags]

Commands:
  serve   the production webhook service
  dev     everything on one laptop: embedded Redis, no signature checks
  sim     chat with the bot in the terminal
  triage  classify texts (one per line, or JSONL with "text"); one JSON verdict per line
  understand
          read what texts mean (one per line, or JSONL with "text"); one JSON reading per line
  lint    check all content and flows; non-zero exit on problems
  graph   print the conversation as a Mermaid diagram (--format dot for Graphviz)
  responder add NAME | remove NAME | list
          who may sign in to the console at /console/

Run "textline <command> -h" for a command's flags.
`

// run is the whole program, with its outside world passed in so tests can
// run it as it runs in production.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitCode(2)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, getenv, stdout, stderr, false)
	case "dev":
		return serve(ctx, rest, getenv, stdout, stderr, true)
	case "sim":
		return sim(ctx, rest, getenv, stdin, stdout, stderr)
	case "triage":
		return triage(rest, getenv, stdin, stdout, stderr)
	case "understand":
		return understandTexts(rest, getenv, stdin, stdout, stderr)
	case "lint":
		return lint(rest, getenv, stdout, stderr)
	case "graph":
		return graph(rest, stdout, stderr)
	case "responder":
		return responder(ctx, rest, getenv, stdin, stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "textline: unknown command %q\n\n%s", cmd, usage)
	return exitCode(2)
}
