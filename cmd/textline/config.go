package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/content"
)

// config is the environment of SPEC §3; every field has a flag of the
// same meaning, and the flag wins.
type config struct {
	Port            int
	PublicURL       string
	AuthToken       string
	AuthTokenSecond string
	RedisURL        string
	HashKey         string
	ContentDir      string
	SessionIdle     time.Duration
	LogLevel        string
}

// newFlags returns a flag set for cmd whose defaults come from the
// environment. Errors in environment values are reported when parsing.
func newFlags(cmd string, getenv func(string) string, stderr io.Writer) (*flag.FlagSet, *config, *[]error) {
	c := &config{}
	var errs []error
	fs := flag.NewFlagSet("textline "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	str := func(p *string, name, env, usage string) {
		fs.StringVar(p, name, getenv(env), usage+" ($"+env+")")
	}
	str(&c.ContentDir, "content-dir", "TEXTLINE_CONTENT_DIR", "a folder that replaces the embedded content")
	switch cmd {
	case "serve", "dev":
		port, err := envInt(getenv, "PORT", 8080)
		errs = append(errs, err)
		fs.IntVar(&c.Port, "port", port, "HTTP port ($PORT)")
		str(&c.PublicURL, "public-url", "PUBLIC_URL", "base URL Twilio calls, for signature checks")
		str(&c.AuthToken, "auth-token", "TWILIO_AUTH_TOKEN", "Twilio auth token that signs webhooks")
		str(&c.AuthTokenSecond, "auth-token-secondary", "TWILIO_AUTH_TOKEN_SECONDARY", "also accepted while rotating the token")
		str(&c.RedisURL, "redis-url", "REDIS_URL", "redis:// or rediss:// URL")
		str(&c.HashKey, "hash-key", "TEXTLINE_HASH_KEY", "secret for pseudonymising phone numbers")
		fs.StringVar(&c.LogLevel, "log-level", orStr(getenv("LOG_LEVEL"), "info"), "debug, info, warn or error ($LOG_LEVEL)")
		fallthrough
	case "sim":
		idle, err := envDuration(getenv, "SESSION_IDLE", 24*time.Hour)
		errs = append(errs, err)
		fs.DurationVar(&c.SessionIdle, "session-idle", idle, "after this long without a message a conversation starts again ($SESSION_IDLE)")
	}
	return fs, c, &errs
}

// parse parses args and reports the first bad environment value.
func parse(fs *flag.FlagSet, args []string, errs *[]error) error {
	if err := errors.Join(*errs...); err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return nil
}

func envInt(getenv func(string) string, name string, def int) (int, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return def, fmt.Errorf("%s=%q: not a number", name, v)
	}
	return n, nil
}

func envDuration(getenv func(string) string, name string, def time.Duration) (time.Duration, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return def, fmt.Errorf("%s=%q: not a positive duration such as 24h", name, v)
	}
	return d, nil
}

func orStr(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// contentFS is the embedded content, or dir when dir is set.
func contentFS(dir string) fs.FS {
	if dir != "" {
		return os.DirFS(dir)
	}
	return content.Embedded()
}

// loadContent loads and checks the content the line will send.
func loadContent(dir string) (*content.Library, error) {
	lib, err := content.Load(contentFS(dir))
	if err != nil {
		return nil, fmt.Errorf("content: %w", err)
	}
	if problems := bot.Lint(lib); len(problems) > 0 {
		return nil, fmt.Errorf("content: %s", strings.Join(problems, "\n"))
	}
	return lib, nil
}
