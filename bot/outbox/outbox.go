// Package outbox sends the messages and calls Textline starts itself (the
// handoff's alerts and relays) so that neither a crash nor a provider's
// error loses or repeats one.
//
// Items live in Redis until the provider has accepted them: a hash per
// item, queues of item ids by when they are due, and a lane per recipient
// that keeps their items in the order they were enqueued. Enqueueing is
// idempotent by item id, so a retried webhook enqueues once.
//
// Workers claim due items for a lease, several at once (Parallel), urgent
// ones (crisis alerts) first, and never two of one lane: a later item
// never overtakes an earlier one that is waiting for a retry. Alerts that
// pile up for one responder go as one message that names them all, most
// urgent first. If a worker dies mid-send, the item comes due again when
// its lease runs out; one that stops before it sends puts the item back
// at once, and one that stops mid-send finishes the send. A worker that
// sent an item while Redis failed, or while it was stopping, keeps
// trying to record it until the lease runs out, and one that must put an
// item back keeps trying to, so that the item's lane does not wait for
// the lease. A temporary failure (429, 5xx, network, a send that took
// longer than SendTimeout) is retried with backoff; a permanent one is
// dropped and recorded. A 429 holds every send of the
// account for as long as the provider asked (Retry-After), then lets one
// trial through until one succeeds. The provider's status callback (when
// the service has a public URL) marks an item sent too, so an item whose
// send succeeded just before a crash is not sent again. What cannot be
// told apart is a send that timed out after the provider took it: that
// one is retried, and may arrive twice.
//
// Other packages enqueue atomically with their own writes, in the same
// Redis slot, by adding Ops to their commit (package cas).
package outbox

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot/cas"
)

// Client is the part of go-redis the outbox uses.
type Client interface {
	redis.Cmdable
	redis.Scripter
}

// Kind is what an item is.
type Kind string

// Kinds of item.
const (
	SMS  Kind = "sms"
	Call Kind = "call" // Body holds the TwiML the call runs
)

// Item is one message or call to send.
type Item struct {
	ID     string // deduplicates: an id is enqueued at most once
	Kind   Kind   // SMS (the default) or Call
	To     string // the recipient's address, sealed
	From   string // the line's number or Messaging Service SID; "" for the default
	Body   string
	Texter string // the recipient's pseudonym when a texter: never sent to after an opt-out
	Audit  string // a Redis list (same slot) that records the outcome; "" for none
	// Lane names a recipient who is not a texter (a responder): their
	// items go out in the order they were enqueued. A texter's items are
	// in their own lane. "" with no Texter means no order is kept.
	Lane string
	// Rank above 0 makes the item urgent: claimed before the others, and
	// first among the alerts combined with it.
	Rank int
	// Gist, when set, makes the item an alert that may be combined with
	// the alerts that follow it in its lane: one message of Head, then
	// each one's Gist on a line.
	Gist, Head string
}

// Sender delivers; bot/twilio's REST client is one.
type Sender interface {
	SendSMS(ctx context.Context, to, from, body, callback string) (sid string, err error)
	Call(ctx context.Context, to, from, twiml, callback string) (sid string, err error)
}

// Gate tells whether a texter opted out; nothing goes to them if so.
type Gate interface {
	OptedOut(ctx context.Context, texterID string) (bool, error)
}

// Opener reveals a sealed address for the send; *bot.Sealer is one.
type Opener interface {
	Open(sealed string) (string, error)
}

// Outbox is the queue and its worker.
type Outbox struct {
	rdb    Client
	prefix string
	send   Sender
	gate   Gate
	open   Opener
	wake   chan struct{}

	// From is the sender for items without one.
	From string
	// Callback, when set, gives the status callback URL for an item id.
	Callback func(id string) string
	// Lease is how long a claimed item waits before another worker may
	// try it. Zero means 30 seconds.
	Lease time.Duration
	// Keep is how long a sent item's id is remembered against repeats.
	// Zero means 24 hours.
	Keep time.Duration
	// MaxTries bounds the attempts of one item. Zero means 12 (about an
	// hour of backoff).
	MaxTries int
	// Parallel is how many sends may be on their way at once, across
	// recipients. Zero means 8.
	Parallel int
	// SendTimeout bounds one send; a send that takes longer is retried.
	// Zero means 10 seconds.
	SendTimeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Log gets delivery failures, with pseudonyms only; nil means
	// slog.Default().
	Log *slog.Logger
	// Observer, when set, is told the result of every attempt.
	Observer Observer
}

// Observer counts the outbox's attempts; metrics implement it.
type Observer interface {
	Outbound(kind Kind, result Result)
}

// Result is how one attempt went.
type Result string

// Results told to the Observer.
const (
	ResultSent    Result = "sent"
	ResultRetry   Result = "retry"
	ResultDropped Result = "dropped"
)

func (o *Outbox) observe(kind Kind, result Result) {
	if o.Observer != nil {
		o.Observer.Outbound(kind, result)
	}
}

// New returns an outbox keeping its keys under prefix (which should carry
// a Redis Cluster hash tag shared with the commits that enqueue with Ops).
func New(rdb Client, prefix string, send Sender, gate Gate, open Opener) *Outbox {
	return &Outbox{rdb: rdb, prefix: prefix, send: send, gate: gate, open: open, wake: make(chan struct{}, 1)}
}

// Prefix is the outbox's key prefix: commits that add its Ops keep their
// own keys under it too, in the same slot.
func (o *Outbox) Prefix() string { return o.prefix }

// Ops are the writes that enqueue items, due at due, for a commit that
// makes them together with its own (in the outbox's slot). An item whose
// id was enqueued or sent before is left out. Items of one recipient go
// out in the order of the commits, and of the items in one commit.
func (o *Outbox) Ops(due time.Time, items ...Item) []cas.Op {
	var ops []cas.Op
	for _, it := range items {
		key := o.prefix + "out:" + it.ID
		unless := []string{key, o.prefix + "sent:" + it.ID}
		lane := it.lane()
		ops = append(ops,
			cas.Op{Cmd: cas.HSet, Args: append([]string{key}, it.fields(due, lane)...), Unless: unless},
			cas.Op{Cmd: cas.ZAdd, Args: []string{o.queue(it.Rank), strconv.FormatInt(due.UnixMilli(), 10), it.ID}, Unless: unless},
		)
		if lane != "" {
			ops = append(ops, cas.Op{Cmd: cas.RPush, Args: []string{o.prefix + "lane:" + lane, it.ID}, Unless: unless})
		}
	}
	return ops
}

// Forget is the writes that keep every item enqueued until now for a
// texter from being sent: DELETE erased them. Their lane goes too.
func (o *Outbox) Forget(now time.Time, texterID string) []cas.Op {
	return []cas.Op{
		{Cmd: cas.Set, Args: []string{o.prefix + "forgot:" + texterID, strconv.FormatInt(now.UnixMilli(), 10), "PX", cas.Ms(o.keep())}},
		{Cmd: cas.Del, Args: []string{o.prefix + "lane:" + Item{Texter: texterID}.lane()}},
	}
}

// queue is the queue of items of rank r.
func (o *Outbox) queue(r int) string {
	if r > 0 {
		return o.prefix + "outbox:urgent"
	}
	return o.prefix + "outbox"
}

// queues are the keys every script takes: the urgent queue, then the other.
func (o *Outbox) queues() []string { return []string{o.queue(1), o.queue(0)} }

// lane is the name of the recipient's lane.
func (it Item) lane() string {
	if it.Texter != "" {
		return "t:" + it.Texter
	}
	return it.Lane
}

// fields is it as the fields of its hash.
func (it Item) fields(at time.Time, lane string) []string {
	kind := it.Kind
	if kind == "" {
		kind = SMS
	}
	return []string{"kind", string(kind), "to", it.To, "from", it.From, "body", it.Body, "texter", it.Texter,
		"audit", it.Audit, "at", strconv.FormatInt(at.UnixMilli(), 10), "lane", lane, "rank", strconv.Itoa(it.Rank),
		"gist", it.Gist, "head", it.Head}
}

// Notify wakes the worker: something was enqueued.
func (o *Outbox) Notify() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Note is one record of an audit trail, as JSON: the outbox writes what
// became of each item (sent, not_sent, undelivered or the provider's
// status) to the trail the item names.
type Note struct {
	At    time.Time `json:"at"`
	Who   string    `json:"who"`
	What  string    `json:"what"`
	About string    `json:"about,omitempty"`
}

// settle ends items for good and notes what became of each in its audit
// trail. trial ends a rate limit.
func (o *Outbox) settle(ctx context.Context, trial bool, what, about string, ids ...string) error {
	now := o.now()
	args := []any{o.prefix, o.keep().Milliseconds(), now.UnixMilli(), flag(trial)}
	for _, id := range ids {
		record, err := json.Marshal(Note{At: now, Who: "outbox", What: what, About: strings.TrimSpace(about + " " + id)})
		if err != nil {
			return fmt.Errorf("settle %s: %w", id, err)
		}
		args = append(args, id, string(record))
	}
	if err := finish.Run(ctx, o.rdb, o.queues(), args...).Err(); err != nil {
		return fmt.Errorf("settle %s: %w", strings.Join(ids, " "), err)
	}
	return nil
}

// Status records the provider's word on an item (its status callback).
// Any status means the provider has it: an item still waiting for its
// settle (the worker died after the send) is settled, so it is not sent
// again; "failed" and "undelivered" are recorded as such.
func (o *Outbox) Status(ctx context.Context, id, sid, status string, code int) error {
	if !validID(id) {
		return fmt.Errorf("status for %.40q: %w", id, ErrNotItem)
	}
	switch status {
	case "failed", "undelivered":
		o.log().LogAttrs(ctx, slog.LevelWarn, "outbox: not delivered", slog.String("item", id), slog.String("status", status), slog.Int("code", code))
		return o.settle(ctx, false, "undelivered", sid+" "+strconv.Itoa(code), id)
	case "":
		return nil
	}
	return o.settle(ctx, false, status, sid, id)
}

// ErrNotItem: a status names no item the outbox could have.
var ErrNotItem = errors.New("not an item id")

// validID reports whether id could be an item's: the status callback's
// reference comes from outside.
func validID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ':' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// rateLimited reports whether the provider asked to slow down.
func rateLimited(err error) bool {
	var r interface{ RateLimited() bool }
	return errors.As(err, &r) && r.RateLimited()
}

// temporary reports whether a send may succeed later. Errors that do not
// say are taken as temporary: a lost message is worse than a late one.
func temporary(err error) bool {
	var t interface{ Temporary() bool }
	if errors.As(err, &t) {
		return t.Temporary()
	}
	return true
}

// backoff is the wait after try n: 1s, 2s, 4s… up to 5 minutes, jittered.
func backoff(n int) time.Duration {
	d := time.Second << min(max(n-1, 0), 9)
	d = min(d, 5*time.Minute)
	return d/2 + rand.N(d/2+1)
}

func (o *Outbox) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o *Outbox) lease() time.Duration { return cmp.Or(o.Lease, 30*time.Second) }

func (o *Outbox) keep() time.Duration { return cmp.Or(o.Keep, 24*time.Hour) }

func (o *Outbox) maxTries() int { return cmp.Or(o.MaxTries, 12) }

func (o *Outbox) parallel() int { return max(cmp.Or(o.Parallel, 8), 1) }

func (o *Outbox) sendTimeout() time.Duration { return cmp.Or(o.SendTimeout, 10*time.Second) }

func (o *Outbox) log() *slog.Logger {
	if o.Log != nil {
		return o.Log
	}
	return slog.Default()
}
