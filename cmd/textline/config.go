package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/duty"
	"github.com/textline/textline/bot/handoff"
	"github.com/textline/textline/bot/proxy"
	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/bot/understand"
	"github.com/textline/textline/content"
)

// config is the environment (the README's table under "Connecting a real
// Twilio number"); every field has a flag of the same meaning, and the
// flag wins.
type config struct {
	Port            int
	PublicURL       string
	TrustForwarded  bool
	Proxies         proxy.Trusted // TRUSTED_PROXIES, with TrustForwarded only
	AuthToken       string
	AuthTokenSecond string
	RedisURL        string
	HashKey         string
	ContentDir      string
	SessionIdle     time.Duration
	LogLevel        string

	// The human line and outbound sends.
	AccountSID    string
	APIKey        string
	APISecret     string
	From          string
	APIURL        string
	HandoffPhones []string
	HumanLine     string
	HandoffHours  *duty.Hours
	HandoffRemind time.Duration
	Retention     time.Duration

	later func() error // checks values that flags may have changed
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
		trust, err := envBool(getenv, "TRUST_FORWARDED")
		errs = append(errs, err)
		fs.BoolVar(&c.TrustForwarded, "trust-forwarded", trust, "believe X-Forwarded-For, -Proto and -Host from TRUSTED_PROXIES ($TRUST_FORWARDED)")
		var proxies string
		str(&proxies, "trusted-proxies", "TRUSTED_PROXIES", "comma-separated IP addresses and CIDR ranges of the reverse proxies in front of the line")
		str(&c.AuthToken, "auth-token", "TWILIO_AUTH_TOKEN", "Twilio auth token that signs webhooks")
		str(&c.AuthTokenSecond, "auth-token-secondary", "TWILIO_AUTH_TOKEN_SECONDARY", "also accepted while rotating the token")
		str(&c.RedisURL, "redis-url", "REDIS_URL", "redis:// or rediss:// URL")
		str(&c.HashKey, "hash-key", "TEXTLINE_HASH_KEY", "secret for pseudonymising phone numbers")
		fs.StringVar(&c.LogLevel, "log-level", orStr(getenv("LOG_LEVEL"), "info"), "debug, info, warn or error ($LOG_LEVEL)")
		str(&c.AccountSID, "account-sid", "TWILIO_ACCOUNT_SID", "Twilio account for messages Textline starts")
		str(&c.APIKey, "api-key", "TWILIO_API_KEY", "Twilio API key SID (unset: the auth token signs in)")
		str(&c.APISecret, "api-secret", "TWILIO_API_SECRET", "Twilio API key secret")
		str(&c.From, "from", "TWILIO_FROM", "number or Messaging Service SID outbound messages come from (unset: the number texted)")
		str(&c.APIURL, "api-url", "TWILIO_API_URL", "base URL of the Twilio REST API")
		str(&c.HumanLine, "human-line", "HUMAN_LINE", "voice number staffed by people; calls are put through to it")
		phones := getenv("HANDOFF_PHONES")
		fs.Func("handoff-phones", "comma-separated E.164 numbers of responders on call ($HANDOFF_PHONES)", func(v string) error {
			c.HandoffPhones, phones = nil, v
			return nil
		})
		hours := getenv("HANDOFF_HOURS")
		fs.Func("handoff-hours", "when responders are on duty, e.g. \"America/Chicago Mon-Fri 09:00-21:00\" ($HANDOFF_HOURS)", func(v string) error {
			hours = v
			return nil
		})
		remind, err := envDuration(getenv, "HANDOFF_REMIND", 3*time.Minute)
		errs = append(errs, err)
		fs.DurationVar(&c.HandoffRemind, "handoff-remind", remind, "how long a handoff waits before a reminder ($HANDOFF_REMIND)")
		retention, err := envDuration(getenv, "RETENTION", 720*time.Hour)
		errs = append(errs, err)
		fs.DurationVar(&c.Retention, "retention", retention, "how long transcripts and handoff records are kept ($RETENTION)")
		c.later = func() error {
			var err error
			if c.HandoffPhones, err = parsePhones(phones); err != nil {
				return err
			}
			if hours != "" {
				if c.HandoffHours, err = duty.ParseHours(hours); err != nil {
					return fmt.Errorf("HANDOFF_HOURS: %w", err)
				}
			}
			if c.HumanLine != "" && !e164(c.HumanLine) {
				return fmt.Errorf("HUMAN_LINE=%q: not an E.164 number such as +15551234567", c.HumanLine)
			}
			return c.trustProxies(proxies)
		}
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

// check runs the checks that need every flag parsed.
func (c *config) check() error {
	if err := checkPublicURL(c.PublicURL); err != nil {
		return err
	}
	if c.later == nil {
		return nil
	}
	return c.later()
}

// checkPublicURL refuses a PUBLIC_URL that Twilio could not have signed
// for: it must be an http(s) URL of a host, without a query.
func checkPublicURL(v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("PUBLIC_URL %q: want the base URL Twilio calls, such as https://line.example.org", v)
	}
	return nil
}

// trustProxies reads TRUSTED_PROXIES, which counts only together with
// TRUST_FORWARDED=true, and which that needs.
func (c *config) trustProxies(list string) error {
	switch {
	case c.TrustForwarded && strings.TrimSpace(list) == "":
		return errors.New("TRUST_FORWARDED=true needs TRUSTED_PROXIES: the IP addresses or CIDR ranges of the reverse proxies in front of the line")
	case c.TrustForwarded:
		var err error
		if c.Proxies, err = proxy.ParseTrusted(list); err != nil {
			return fmt.Errorf("TRUSTED_PROXIES: %w", err)
		}
	case list != "":
		return errors.New("TRUSTED_PROXIES is set without TRUST_FORWARDED=true: set both to believe the proxies' forwarded headers, or neither")
	}
	return nil
}

// parsePhones reads HANDOFF_PHONES.
func parsePhones(v string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !e164(p) {
			return nil, fmt.Errorf("HANDOFF_PHONES: %q is not an E.164 number such as +15551234567", p)
		}
		out = append(out, p)
	}
	return out, nil
}

// e164 reports whether n is a number in E.164 form: +, then 8 to 15 digits.
func e164(n string) bool {
	if len(n) < 9 || len(n) > 16 || n[0] != '+' || n[1] == '0' {
		return false
	}
	for _, c := range n[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
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

func envBool(getenv func(string) string, name string) (bool, error) {
	v := getenv(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s=%q: not true or false", name, v)
	}
	return b, nil
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

// loadContent loads and checks the content the line will send, and
// compiles its crisis triage and its understanding. The embedded content
// is loaded once per process: it cannot change.
func loadContent(dir string) (*loaded, error) {
	if dir == "" {
		return loadEmbedded()
	}
	return loadFrom(contentFS(dir))
}

// loaded is the content and what is compiled from it.
type loaded struct {
	lib    *content.Library
	triage *safety.Classifier
	reader *understand.Reader
}

var loadEmbedded = sync.OnceValues(func() (*loaded, error) { return loadFrom(content.Embedded()) })

// What a call to the line says.
const (
	voiceConnect  = "voice.connect"
	voiceNoAnswer = "voice.no_answer"
	voiceNoLine   = "voice.no_line"
)

// lintContent checks the content against everything that sends it: the
// engine's flows, the human line and the voice handler.
func lintContent(lib *content.Library) []string {
	return bot.Lint(lib, append(slices.Clone(handoff.Texts), voiceConnect, voiceNoAnswer, voiceNoLine)...)
}

func loadFrom(fsys fs.FS) (*loaded, error) {
	lib, err := content.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("content: %w", err)
	}
	if problems := lintContent(lib); len(problems) > 0 {
		return nil, fmt.Errorf("content: %s", strings.Join(problems, "\n"))
	}
	triage, err := compileTriage(lib)
	if err != nil {
		return nil, fmt.Errorf("content: %w", err)
	}
	reader, err := understand.Compile(lib)
	if err != nil {
		return nil, fmt.Errorf("content: %w", err)
	}
	if !reader.Trained() {
		return nil, errors.New("content: understand: no trained model (intent.model): run textline understand train")
	}
	return &loaded{lib: lib, triage: triage, reader: reader}, nil
}

// compileTriage builds the crisis triage of lib; a line never runs on
// rules alone, so its models must be there.
func compileTriage(lib *content.Library) (*safety.Classifier, error) {
	c, err := safety.Compile(lib.Triage)
	if err != nil {
		return nil, err
	}
	if !c.Trained() {
		return nil, errors.New("triage: no trained models (category.model, severity.model): run textline triage train")
	}
	return c, nil
}
