// Command floor is the least a Textline webhook can do, for
// textline-load to measure the real one against: it reads the Twilio form
// and checks its signature as the line's webhook does (twilio.SignedForm),
// turns the number into
// the line's pseudonym, commits a session and the reply through the line's
// own session store (the same Redis round trips as the real webhook: one
// compare-and-commit script when the store's guess of the session is
// right, two when not) and answers with TwiML of a typical reply's size.
// It does none of the bot's work: no triage, no understanding, no
// conversation, no log line or metric per message.
//
//	floor -port 8090 -redis-url redis://127.0.0.1:6379/0 -token $TWILIO_AUTH_TOKEN -public-url http://127.0.0.1:8090
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/redisstore"
	"github.com/textline/textline/bot/twilio"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

// typicalReply is about as long as the line's answers to the load tool's
// texters (a menu, a tip with its footer).
const typicalReply = "Here is something that may help: breathe in slowly for four counts, " +
	"hold for four, and breathe out for four. Do it four times and notice how your shoulders feel.\n\n" +
	"Reply MORE for another tip, MENU for other options, or DONE when you are finished. " +
	"If you are in danger, call or text 988."

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("floor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8090", "address to listen on")
	redisURL := fs.String("redis-url", getenv("REDIS_URL"), "redis:// URL ($REDIS_URL)")
	token := fs.String("token", getenv("TWILIO_AUTH_TOKEN"), "auth token that signs webhooks ($TWILIO_AUTH_TOKEN)")
	publicURL := fs.String("public-url", getenv("PUBLIC_URL"), "base URL the webhooks are signed for ($PUBLIC_URL)")
	hashKey := fs.String("hash-key", getenv("TEXTLINE_HASH_KEY"), "secret for pseudonymising numbers ($TEXTLINE_HASH_KEY)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *redisURL == "" || *token == "" || *hashKey == "" {
		return errors.New("-redis-url, -token and -hash-key are needed")
	}
	o, err := redis.ParseURL(*redisURL)
	if err != nil {
		return fmt.Errorf("-redis-url: %w", err)
	}
	// As the line's own client (cmd/textline/redis.go): RESP2, a pool
	// for the webhook's concurrency, short timeouts, one retry, deadlines
	// from the context.
	o.Protocol, o.PoolSize, o.MaxRetries, o.ContextTimeoutEnabled = 2, 64, 1, true
	o.DialTimeout, o.ReadTimeout, o.WriteTimeout, o.PoolTimeout = 500*time.Millisecond, 500*time.Millisecond, 500*time.Millisecond, 500*time.Millisecond
	rdb := redis.NewClient(o)
	defer rdb.Close()
	verify := twilio.NewVerifier(*token)
	verify.PublicURL = *publicURL
	f := &floor{verify: verify, pseudo: bot.NewPseudonymizer([]byte(*hashKey)), store: redisstore.New(rdb)}
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	fmt.Fprintf(stdout, "floor listening on http://%s/twilio/sms\n", listener.Addr())
	mux := http.NewServeMux()
	mux.Handle("POST /twilio/sms", f)
	// The timeouts of textline serve's server, which every request pays.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(listener); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// floor is the webhook that does only what any webhook must.
type floor struct {
	verify *twilio.Verifier
	pseudo *bot.Pseudonymizer
	store  *redisstore.Store
}

func (f *floor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	form, status, err := twilio.SignedForm(w, r, f.verify)
	if err != nil {
		http.Error(w, err.Error(), status)
		return
	}
	id, from := form.Get("MessageSid"), form.Get("From")
	if id == "" || from == "" {
		http.Error(w, "missing MessageSid or From", http.StatusBadRequest)
		return
	}
	texter := f.pseudo.Texter(from)
	at := time.Now()
	c, err := f.store.Apply(r.Context(), texter.ID(), id, func(s bot.Session) bot.Outcome {
		s.Turns++
		s.LastSeen = at
		return bot.Outcome{Session: s, Reply: typicalReply}
	})
	if err != nil {
		http.Error(w, "store", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	io.WriteString(w, twilio.Reply(c.Reply))
}
