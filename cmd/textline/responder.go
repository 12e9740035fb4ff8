package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/textline/textline/bot/console"
)

const responderUsage = `Usage: textline responder add NAME | remove NAME | list

Manages who may sign in to the console at /console/. add asks for the
password twice, without echo (or reads one line from standard input when
it is not a terminal). Needs REDIS_URL.
`

// responder runs `textline responder add|remove|list`.
func responder(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("textline responder", flag.ContinueOnError)
	fs.SetOutput(stderr)
	redisURL := fs.String("redis-url", getenv("REDIS_URL"), "redis:// or rediss:// URL ($REDIS_URL)")
	fs.Usage = func() { fmt.Fprint(stderr, responderUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		return err
	}
	verb, rest := fs.Arg(0), fs.Args()
	want := map[string]int{"add": 2, "remove": 2, "list": 1}[verb]
	if want == 0 || len(rest) != want {
		fs.Usage()
		return exitCode(2)
	}
	if *redisURL == "" {
		return errors.New("responder needs REDIS_URL")
	}
	rdb, err := openRedis(*redisURL)
	if err != nil {
		return err
	}
	defer rdb.Close()
	acc := console.NewAccounts(rdb, console.Prefix)
	switch verb {
	case "list":
		names, err := acc.List(ctx)
		if err != nil {
			return err
		}
		for _, n := range names {
			fmt.Fprintln(stdout, n)
		}
		return nil
	case "remove":
		if err := acc.Remove(ctx, rest[1]); err != nil {
			return fmt.Errorf("remove %s: %w", rest[1], err)
		}
		fmt.Fprintf(stdout, "removed %s\n", rest[1])
		return nil
	}
	pw, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	if err := acc.Add(ctx, rest[1], pw); err != nil {
		return fmt.Errorf("add %s: %w", rest[1], err)
	}
	fmt.Fprintf(stdout, "added %s\n", rest[1])
	return nil
}

// readPassword reads a password without echo from a terminal, twice; from
// anything else, one line.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(stderr, "Again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(a) != string(b) {
			return "", errors.New("the passwords differ")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
