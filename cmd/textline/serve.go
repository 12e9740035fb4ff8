package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/console"
	"github.com/textline/textline/bot/handoff"
	"github.com/textline/textline/bot/metrics"
	"github.com/textline/textline/bot/outbox"
	"github.com/textline/textline/bot/phone"
	"github.com/textline/textline/bot/redisstore"
	"github.com/textline/textline/bot/twilio"
	"github.com/textline/textline/content"
)

// sessionMargin is how long past SESSION_IDLE a session is kept, so a
// texter who comes back is welcomed back rather than as a stranger.
const sessionMargin = 72 * time.Hour

// devHashKey pseudonymises numbers in dev mode, where no secret is set.
const devHashKey = "textline-dev-only"

// serve runs `textline serve`, or `textline dev` when dev is set.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, dev bool) error {
	name := "serve"
	if dev {
		name = "dev"
	}
	fs, c, errs := newFlags(name, getenv, stderr)
	if err := parse(fs, args, errs); err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return err
	}
	if missing := missingSecrets(c); !dev && len(missing) > 0 {
		return fmt.Errorf("serve needs %s (see README: Connecting Twilio)", strings.Join(missing, ", "))
	}
	if !dev && c.PublicURL == "" && !c.TrustForwarded {
		return errors.New("serve needs PUBLIC_URL, the https:// base URL Twilio calls, or else TRUST_FORWARDED=true with TRUSTED_PROXIES, the addresses of your reverse proxies (see README: Connecting Twilio)")
	}
	log, err := newLogger(stderr, c.LogLevel)
	if err != nil {
		return err
	}
	redisLogOnce.Do(func() { redis.SetLogger(redisLog{log}) })
	if c.TrustForwarded {
		log.Info("believing forwarded headers from trusted proxies", slog.String("proxies", c.Proxies.String()))
	}
	ld, err := loadContent(c.ContentDir)
	if err != nil {
		return err
	}
	rdb, closeRedis, err := connect(c, dev)
	if err != nil {
		return err
	}
	defer closeRedis()

	var show io.Writer
	if dev {
		show = stdout
	}
	app, err := newLine(c, ld, rdb, log, dev, show)
	if err != nil {
		return err
	}
	stopTally := flushEvery(ctx, app.tally, 10*time.Second, log)
	defer stopTally()
	stopWorkers := background(ctx, app.workers)
	defer stopWorkers()

	host := ""
	if dev {
		host = "127.0.0.1" // dev checks no signatures: never reachable from outside
	}
	listener, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(c.Port)))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if dev {
		printDevHelp(stdout, "http://"+listener.Addr().String(), app.demo, c.HandoffPhones)
	}
	log.Info("listening", slog.String("addr", listener.Addr().String()), slog.Bool("dev", dev))
	return serveUntil(ctx, &http.Server{
		Handler:           app.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}, listener, log, app.closeStreams)
}

// redisLogOnce: go-redis has one logger for the whole process.
var redisLogOnce sync.Once

// connect opens REDIS_URL, or in dev without one an embedded server.
func connect(c *config, dev bool) (redis.UniversalClient, func(), error) {
	var embedded *miniredis.Miniredis
	url := c.RedisURL
	if dev && url == "" {
		embedded = miniredis.NewMiniRedis()
		if err := embedded.StartAddr("127.0.0.1:0"); err != nil {
			return nil, nil, fmt.Errorf("start embedded redis: %w", err)
		}
		url = "redis://" + embedded.Addr()
	}
	rdb, err := openRedis(url)
	if err != nil {
		if embedded != nil {
			embedded.Close()
		}
		return nil, nil, err
	}
	return rdb, func() {
		rdb.Close()
		if embedded != nil {
			embedded.Close()
		}
	}, nil
}

// flushEvery flushes the counters in the background; the returned stop
// flushes them a last time and waits.
func flushEvery(ctx context.Context, tally *redisstore.Tally, every time.Duration, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		tally.Run(ctx, every, func(err error) {
			log.LogAttrs(ctx, slog.LevelWarn, "counters", slog.Any("error", err))
		})
	}()
	return func() { cancel(); <-done }
}

// background runs workers until ctx ends; the returned stop ends them and
// waits.
func background(ctx context.Context, workers []func(context.Context)) (stop func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() { w(ctx) })
	}
	return func() { cancel(); wg.Wait() }
}

// serveUntil serves on listener until ctx ends, then finishes the
// requests in flight and stops.
func serveUntil(ctx context.Context, srv *http.Server, listener net.Listener, log *slog.Logger, onShutdown ...func()) error {
	for _, f := range onShutdown {
		srv.RegisterOnShutdown(f)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(listener) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// line is the wired service: its routes, the counters that are flushed
// beside them, and the workers that run beside them.
type line struct {
	handler http.Handler
	tally   *redisstore.Tally
	workers []func(context.Context)
	demo    string // dev's demo responder's password

	closeStreams func() // ends the console's event streams, for shutdown
}

// Intervals of the workers.
const (
	outboxPoll   = time.Second            // items enqueued elsewhere, retries due
	reminderTick = 5 * time.Second        // handoffs due a reminder
	laterTick    = 250 * time.Millisecond // what the human line could not be told
)

func newLine(c *config, ld *loaded, rdb redis.UniversalClient, log *slog.Logger, dev bool, show io.Writer) (*line, error) {
	lib := ld.lib
	store := redisstore.New(rdb)
	store.SessionTTL = c.SessionIdle + sessionMargin
	tally := store.Tally()
	engine := bot.NewEngine(lib, ld.triage, ld.reader, store)
	engine.Idle = c.SessionIdle
	engine.Counter = tally
	engine.Log = log
	hashKey := c.HashKey
	if hashKey == "" {
		hashKey = devHashKey
	}
	pseudo := bot.NewPseudonymizer([]byte(hashKey))
	seal := bot.NewSealer([]byte(hashKey))
	m := metrics.New()
	var inbox *phone.Inbox
	if dev {
		inbox = phone.NewInbox()
	}
	send, err := sender(c, pseudo, log, show, inbox)
	if err != nil {
		return nil, err
	}
	out := outbox.New(rdb, handoff.Prefix, send, store, seal)
	out.From = c.From
	out.Callback = statusCallback(c.PublicURL)
	out.Log = log
	out.Observer = m
	human := handoff.New(rdb, out, lib, pseudo, seal, c.HandoffPhones)
	human.Hours = c.HandoffHours
	human.Remind = c.HandoffRemind
	human.Retention = c.Retention
	human.From = c.From
	human.Log = log
	human.Counter = tally
	if h := c.HandoffHours; h != nil && len(c.HandoffPhones) > 0 {
		now := time.Now()
		log.Info("handoff hours", slog.String("hours", h.String()), slog.Bool("on_duty", h.Open(now)),
			slog.Time("next_on_duty", h.Next(now)))
	}
	connect, noAnswer := lib.Text(content.English, voiceConnect), lib.Text(content.English, voiceNoAnswer)
	if c.HumanLine != "" {
		human.CallTwiML = twilio.CallTwiML(c.HumanLine, connect, noAnswer)
	}
	accounts := console.NewAccounts(rdb, console.Prefix)
	staffed, demo := humanLineStaffed(c, accounts, dev && c.RedisURL == "", log)
	staffed = staffed || dev
	var answer bot.Handler = engine
	later := bot.NewLater(human, store)
	later.Log = log
	if staffed {
		engine.HumanLine = human
		engine.Later = later
		engine.Calls = c.HumanLine != ""
		if c.HandoffHours != nil {
			engine.OnDuty = c.HandoffHours.Open
		}
		answer = human.Route(engine)
	}

	verify := twilio.Unverified()
	if !dev {
		verify = twilio.NewVerifier(c.AuthToken, c.AuthTokenSecond)
		verify.PublicURL = c.PublicURL
		verify.Proxies = c.Proxies
	}
	sms := twilio.NewHandler(answer, verify, pseudo)
	sms.Log = log
	sms.Observer = m
	status := twilio.NewStatus(verify, statusSink{out})
	status.Log = log
	voice := twilio.NewVoice(verify, c.HumanLine, connect, lib.Text(content.English, voiceNoLine), noAnswer)
	desk := console.New(accounts, human, handoff.NewFeed(rdb, handoff.Prefix), tally, inserts(lib))
	desk.Secure = !dev
	desk.Proxies = c.Proxies
	desk.Log = log
	h := handlers{sms: sms, status: status, voice: voice, console: desk, metrics: m.Handler()}
	if dev {
		h.phone = phone.Handler(inbox)
	}
	return &line{
		handler:      routes(h, store.Ping, log),
		tally:        tally,
		demo:         demo,
		closeStreams: desk.Close,
		workers: []func(context.Context){
			func(ctx context.Context) { out.Run(ctx, outboxPoll) },
			func(ctx context.Context) { human.Run(ctx, reminderTick) },
			func(ctx context.Context) { later.Run(ctx, laterTick) },
		},
	}, nil
}

// humanLineStaffed reports whether the human line has anyone to answer:
// responders' phones, or console accounts. dev on its embedded Redis
// (demo) always has one: a demo responder with a new password, returned;
// a Redis of its own never gets one. It never stops the line from
// starting: with Redis down, texters still get the fallback.
func humanLineStaffed(c *config, accounts *console.Accounts, demo bool, log *slog.Logger) (staffed bool, password string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if demo {
		password = demoPassword()
		err := accounts.Remove(ctx, demoResponder)
		if err == nil || errors.Is(err, console.ErrNoSuch) {
			err = accounts.Add(ctx, demoResponder, password)
		}
		if err != nil {
			log.Warn("no demo responder for the console", slog.Any("error", err))
			password = ""
		}
		return true, password
	}
	if len(c.HandoffPhones) > 0 {
		return true, ""
	}
	names, err := accounts.List(ctx)
	switch {
	case err != nil:
		log.Warn("human line off: console responders could not be read", slog.Any("error", err))
	case len(names) == 0:
		log.Info("human line off: no HANDOFF_PHONES and no console responders (textline responder add NAME, then restart)")
	}
	return len(names) > 0, ""
}

// demoResponder is dev's console account.
const demoResponder = "demo"

func demoPassword() string {
	b := make([]byte, 12)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// inserts are the resources a responder can send from the console: each
// line of the checked directory, as it reaches people.
func inserts(lib *content.Library) []console.Insert {
	var out []console.Insert
	for _, l := range lib.Directory.Lines {
		out = append(out, console.Insert{Label: l.Name, Text: l.Name + ": " + strings.Join(l.Reach, ", ") + "."})
	}
	return out
}

func missingSecrets(c *config) []string {
	var missing []string
	for _, v := range []struct{ name, value string }{
		{"TWILIO_AUTH_TOKEN", c.AuthToken},
		{"REDIS_URL", c.RedisURL},
		{"TEXTLINE_HASH_KEY", c.HashKey},
	} {
		if v.value == "" {
			missing = append(missing, v.name)
		}
	}
	return missing
}

func printDevHelp(w io.Writer, addr, demo string, responders []string) {
	signIn := "add one with: textline responder add NAME"
	if demo != "" {
		signIn = "sign in as " + demoResponder + ", password " + demo
	}
	fmt.Fprintf(w, `Textline dev is running at %[1]s
  signature checks off, reachable from this machine only.

  Phone simulator:  %[1]s/
  Console:          %[1]s/console/  (%[2]s)

Text PERSON from the phone to see the conversation arrive in the console.
Or text the line with curl:
  curl -s %[1]s/twilio/sms --data-urlencode From=+15555550100 -d MessageSid=SM$RANDOM -d Body=hi
Or chat with the bot in the terminal: go run ./cmd/textline sim
`, addr, signIn)
	if len(responders) > 0 {
		fmt.Fprintf(w, "\nTexting as %s is texting as a responder (TAKE, PASS, CLOSE, LIST).\n", strings.Join(responders, ", "))
	}
	fmt.Fprintln(w, "\nWhat the line sends to phones is printed here. Stop with Ctrl-C.")
}
