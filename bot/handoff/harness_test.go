package handoff_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/handoff"
	"github.com/textline/textline/bot/outbox"
	"github.com/textline/textline/bot/redisstore"
	"github.com/textline/textline/bot/redisstore/redistest"
	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/bot/twilio"
	"github.com/textline/textline/bot/twilio/twiliotest"
	"github.com/textline/textline/bot/understand"
	"github.com/textline/textline/content"
)

const (
	accountSID = "AC00000000000000000000000000000001"
	apiKey     = "SK00000000000000000000000000000001"
	apiSecret  = "secret0000000000000000000000000001"
	lineNumber = "+15550001000"
)

// world is a whole line on real Redis (REDIS_URL) and a fake Twilio API:
// the engine, the human line with two responders, the outbox sending
// through twilio-go, all on a clock the test moves.
type world struct {
	t        *testing.T
	rdb      redisstore.Client
	store    *redisstore.Store
	engine   *bot.Engine
	line     *handoff.Line
	flaky    *flaky // the engine's way to line: can be taken down
	out      *outbox.Outbox
	api      *twiliotest.Fake
	pseudo   *bot.Pseudonymizer
	seal     *bot.Sealer
	prefix   string
	texter   string
	resp     []string // responders' numbers
	to       string   // the line's address texters write to
	lib      *content.Library
	mu       sync.Mutex
	now      time.Time
	seen     int // messages of api already read
	sequence atomic.Int64
}

// shipped is the embedded content and its triage, read-only, loaded once.
var shipped = sync.OnceValues(func() (*content.Library, *safety.Classifier) {
	lib, err := content.Load(content.Embedded())
	if err != nil {
		panic(err)
	}
	triage, err := safety.Compile(lib.Triage)
	if err != nil {
		panic(err)
	}
	return lib, triage
})

// reader is the embedded content's understanding, compiled once.
var reader = sync.OnceValue(func() *understand.Reader {
	lib, _ := shipped()
	r, err := understand.Compile(lib)
	if err != nil {
		panic(err)
	}
	return r
})

func newWorld(t *testing.T) *world { return newWorldOf(t, 2) }

// newWorldOf is a world with n responders.
func newWorldOf(t *testing.T, n int) *world {
	t.Helper()
	lib, triage := shipped()
	rdb := redistest.Client(t)
	w := &world{
		t: t, rdb: rdb, lib: lib,
		pseudo: bot.NewPseudonymizer([]byte("test key")),
		prefix: fmt.Sprintf("{tl:handoff:test%d}:", rand.Int64()),
		texter: randomNumber(),
		resp:   make([]string, n),
		to:     lineNumber,
		now:    time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC),
	}
	for i := range w.resp {
		w.resp[i] = randomNumber()
	}
	w.api = twiliotest.New(accountSID, apiKey, apiSecret)
	t.Cleanup(w.api.Close)
	rest, err := twilio.NewREST(twilio.RESTConfig{AccountSID: accountSID, APIKey: apiKey, APISecret: apiSecret, BaseURL: w.api.URL()})
	if err != nil {
		t.Fatal(err)
	}
	w.store = redisstore.New(rdb)
	w.store.Now = w.clock
	seal := bot.NewSealer([]byte("test key"))
	w.seal = seal
	w.out = outbox.New(rdb, w.prefix, rest, w.store, seal)
	w.out.Now = w.clock
	w.out.Log = quiet()
	w.line = handoff.New(rdb, w.out, lib, w.pseudo, seal, w.resp)
	w.line.Now = w.clock
	w.line.Log = quiet()
	w.line.CallTwiML = twilio.CallTwiML("+15550009999", lib.Text(content.English, "voice.connect"), lib.Text(content.English, "voice.no_answer"))
	w.engine = bot.NewEngine(lib, triage, reader(), w.store)
	w.flaky = &flaky{Line: w.line}
	w.engine.HumanLine = w.flaky
	w.engine.Calls = true
	w.engine.Log = quiet()
	t.Cleanup(func() { w.cleanup() })
	return w
}

// flaky is the human line as the engine reaches it: every call fails
// while it is down.
type flaky struct {
	*handoff.Line
	down atomic.Bool
	// beforeOver, when set, runs once before the first hearing that is
	// over a refusal: another message arriving just then.
	beforeOver func()
}

var errLineDown = errors.New("the human line is down")

func (f *flaky) Hear(ctx context.Context, texter bot.Texter, id string, h bot.Hearing) (bot.Heard, error) {
	if f.down.Load() {
		return bot.Heard{}, errLineDown
	}
	if run := f.beforeOver; run != nil && h.Over != nil {
		f.beforeOver = nil
		run()
	}
	return f.Line.Hear(ctx, texter, id, h)
}

func (f *flaky) Handoff(ctx context.Context, r bot.HandoffRequest) error {
	if f.down.Load() {
		return errLineDown
	}
	return f.Line.Handoff(ctx, r)
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func randomNumber() string { return fmt.Sprintf("+1555%07d", rand.N(10_000_000)) }

func (w *world) clock() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

func (w *world) advance(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = w.now.Add(d)
}

// cleanup deletes the keys this test made.
func (w *world) cleanup() {
	deleteKeys(w, w.prefix+"*")
	forgetTexter(w, w.texter)
}

func forgetTexter(w *world, number string) {
	deleteKeys(w, "tl:{"+w.pseudo.Texter(number).ID()+"}*")
}

func deleteKeys(w *world, pattern string) {
	if err := redistest.DeleteMatching(context.Background(), w.rdb, pattern); err != nil {
		w.t.Errorf("clean up: %v", err)
	}
}

// text sends body from a number through the webhook's router, as Twilio
// would, and returns the reply.
func (w *world) text(from, body string) string {
	w.t.Helper()
	return w.textVia(w.line.Route(w.engine), from, body)
}

// textVia sends body from a number to h, one process's router.
func (w *world) textVia(h bot.Handler, from, body string) string {
	w.t.Helper()
	reply, err := h.Handle(context.Background(), w.inbound(from, body))
	if err != nil {
		w.t.Fatalf("text %q: %v", body, err)
	}
	return reply.Text
}

// inbound is a message from a number, with a fresh id.
func (w *world) inbound(from, body string) bot.Inbound {
	return bot.Inbound{
		ID: fmt.Sprintf("SM%032d%d", w.sequence.Add(1), rand.Int64()), From: w.pseudo.Texter(from), To: w.to,
		Body: body, At: w.clock(),
	}
}

// process is a second process of the same line: its own engine, session
// store and human line, each with its own memory of what it last read,
// on the same Redis, keys and outbox.
func (w *world) process() bot.Handler {
	lib, triage := shipped()
	store := redisstore.New(w.rdb)
	store.Now = w.clock
	line := handoff.New(w.rdb, w.out, lib, w.pseudo, w.seal, w.resp)
	line.Now, line.Log, line.CallTwiML = w.clock, quiet(), w.line.CallTwiML
	engine := bot.NewEngine(lib, triage, reader(), store)
	engine.HumanLine, engine.Calls, engine.Log = line, true, quiet()
	return line.Route(engine)
}

// flush runs the outbox and returns what the fake Twilio received since
// the last flush.
func (w *world) flush() []twiliotest.Sent {
	w.t.Helper()
	if _, err := w.out.Flush(context.Background()); err != nil {
		w.t.Fatalf("flush: %v", err)
	}
	all := w.api.Sent()
	got := all[w.seen:]
	w.seen = len(all)
	return got
}

// to keeps the messages for one number.
func to(sent []twiliotest.Sent, number string) []twiliotest.Sent {
	var out []twiliotest.Sent
	for _, s := range sent {
		if s.To == number {
			out = append(out, s)
		}
	}
	return out
}

var takeRe = regexp.MustCompile(`Reply TAKE ([A-Z0-9]+)`)

// handleOf finds the handle in an alert.
func handleOf(t *testing.T, sent []twiliotest.Sent) string {
	t.Helper()
	for _, s := range sent {
		if m := takeRe.FindStringSubmatch(s.Body); m != nil {
			return m[1]
		}
	}
	t.Fatalf("no alert with a handle in %+v", sent)
	return ""
}

func (w *world) session() bot.Session {
	w.t.Helper()
	var got bot.Session
	_, err := w.store.Apply(context.Background(), w.pseudo.Texter(w.texter).ID(), fmt.Sprintf("peek%d", rand.Int64()), func(s bot.Session) bot.Outcome {
		got = s
		return bot.Outcome{Session: s}
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return got
}

// audit returns the what of every audit record of the test's handoffs.
func (w *world) audit() []string {
	w.t.Helper()
	ctx := context.Background()
	keys, err := w.rdb.Keys(ctx, w.prefix+"audit:*").Result()
	if err != nil {
		w.t.Fatal(err)
	}
	var out []string
	for _, k := range keys {
		recs, _ := w.rdb.LRange(ctx, k, 0, -1).Result()
		for _, r := range recs {
			var s outbox.Note
			if err := json.Unmarshal([]byte(r), &s); err != nil {
				w.t.Fatalf("audit record %q: %v", r, err)
			}
			out = append(out, s.What)
		}
	}
	return out
}

func contains(t *testing.T, what, got, want string) {
	t.Helper()
	if !strings.Contains(got, want) {
		t.Errorf("%s = %q, want it to contain %q", what, got, want)
	}
}
