package main

import (
	"context"
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
	"github.com/textline/textline/bot/metrics"
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
	if missing := missingSecrets(c); !dev && len(missing) > 0 {
		return fmt.Errorf("serve needs %s (see README: Connecting Twilio)", strings.Join(missing, ", "))
	}
	log, err := newLogger(stderr, c.LogLevel)
	if err != nil {
		return err
	}
	redisLogOnce.Do(func() { redis.SetLogger(redisLog{log}) })
	lib, err := loadContent(c.ContentDir)
	if err != nil {
		return err
	}
	rdb, closeRedis, err := connect(c, dev)
	if err != nil {
		return err
	}
	defer closeRedis()

	app := newLine(c, lib, rdb, log, dev)
	stopTally := flushEvery(ctx, app.tally, 10*time.Second, log)
	defer stopTally()

	host := ""
	if dev {
		host = "127.0.0.1" // dev checks no signatures: never reachable from outside
	}
	listener, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(c.Port)))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if dev {
		printDevHelp(stdout, "http://"+listener.Addr().String())
	}
	log.Info("listening", slog.String("addr", listener.Addr().String()), slog.Bool("dev", dev))
	return serveUntil(ctx, &http.Server{
		Handler:           app.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}, listener, log)
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

// serveUntil serves on listener until ctx ends, then finishes the
// requests in flight and stops.
func serveUntil(ctx context.Context, srv *http.Server, listener net.Listener, log *slog.Logger) error {
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

// line is the wired service: its routes, and the counters that are
// flushed beside them.
type line struct {
	handler http.Handler
	tally   *redisstore.Tally
}

func newLine(c *config, lib *content.Library, rdb redis.UniversalClient, log *slog.Logger, dev bool) *line {
	store := redisstore.New(rdb)
	store.SessionTTL = c.SessionIdle + sessionMargin
	tally := store.Tally()
	engine := bot.NewEngine(lib, store)
	engine.Idle = c.SessionIdle
	engine.Counter = tally
	engine.Log = log
	hashKey := c.HashKey
	if hashKey == "" {
		hashKey = devHashKey
	}
	m := metrics.New()
	verify := twilio.Unverified()
	if !dev {
		verify = twilio.NewVerifier(c.AuthToken, c.AuthTokenSecond)
		verify.PublicURL = c.PublicURL
	}
	sms := twilio.NewHandler(engine, verify, bot.NewPseudonymizer([]byte(hashKey)))
	sms.Log = log
	sms.Observer = m
	return &line{handler: routes(sms, m.Handler(), store.Ping, log), tally: tally}
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

func printDevHelp(w io.Writer, addr string) {
	fmt.Fprintf(w, `Textline dev is running at %[1]s
  embedded Redis, signature checks off, reachable from this machine only.

Text the line as a made-up number:
  curl -s %[1]s/twilio/sms --data-urlencode From=+15555550100 -d MessageSid=SM$RANDOM -d Body=hi

Or chat with the bot in the terminal:
  go run ./cmd/textline sim

Stop with Ctrl-C.
`, addr)
}
