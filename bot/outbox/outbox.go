// Package outbox sends the messages and calls Textline starts itself (the
// handoff's alerts and relays) so that neither a crash nor a provider's
// error loses or repeats one.
//
// Items live in Redis until the provider has accepted them: a hash per
// item and a sorted set of item ids by when they are due. Enqueueing is
// idempotent by item id, so a retried webhook enqueues once. A worker
// claims due items for a lease: if it dies mid-send, the item comes due
// again when the lease runs out. A temporary failure (429, 5xx, network)
// is retried with backoff; a permanent one is dropped and recorded. The
// provider's status callback (when the service has a public URL) marks an
// item sent too, so an item whose send succeeded just before a crash is
// not sent again. What cannot be told apart is a send that timed out
// after the provider took it: that one is retried, and may arrive twice.
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
// id was enqueued or sent before is left out.
func (o *Outbox) Ops(due time.Time, items ...Item) []cas.Op {
	var ops []cas.Op
	for _, it := range items {
		key := o.prefix + "out:" + it.ID
		unless := []string{key, o.prefix + "sent:" + it.ID}
		ops = append(ops,
			cas.Op{Cmd: cas.HSet, Args: append([]string{key}, it.fields(due)...), Unless: unless},
			cas.Op{Cmd: cas.ZAdd, Args: []string{o.queue(), strconv.FormatInt(due.UnixMilli(), 10), it.ID}, Unless: unless},
		)
	}
	return ops
}

// Forget is the write that keeps every item enqueued until now for a
// texter from being sent: DELETE erased them.
func (o *Outbox) Forget(now time.Time, texterID string) cas.Op {
	return cas.Op{Cmd: cas.Set, Args: []string{o.prefix + "forgot:" + texterID, strconv.FormatInt(now.UnixMilli(), 10), "PX", cas.Ms(o.keep())}}
}

func (o *Outbox) queue() string { return o.prefix + "outbox" }

// fields is it as the fields of its hash.
func (it Item) fields(at time.Time) []string {
	kind := it.Kind
	if kind == "" {
		kind = SMS
	}
	return []string{"kind", string(kind), "to", it.To, "from", it.From, "body", it.Body, "texter", it.Texter,
		"audit", it.Audit, "at", strconv.FormatInt(at.UnixMilli(), 10)}
}

// Notify wakes the worker: something was enqueued.
func (o *Outbox) Notify() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends: at once when notified, and every poll for
// items enqueued elsewhere, left by a stopped process, or due for a retry.
func (o *Outbox) Run(ctx context.Context, poll time.Duration) {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-o.wake:
		case <-t.C:
		}
		if _, err := o.Flush(ctx); err != nil && ctx.Err() == nil {
			o.log().LogAttrs(ctx, slog.LevelWarn, "outbox", slog.Any("error", err))
		}
	}
}

// claim takes up to ARGV[4] due items for a lease and counts the try.
// An item to a texter who was forgotten after it was enqueued is dropped.
var claim = redis.NewScript(`
local P, now, lease = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))
local out = {}
for _, id in ipairs(ids) do
  local k = P .. 'out:' .. id
  local texter = redis.call('HGET', k, 'texter')
  local forgot = texter and texter ~= '' and redis.call('GET', P .. 'forgot:' .. texter)
  if forgot and tonumber(forgot) >= tonumber(redis.call('HGET', k, 'at') or 0) then
    redis.call('DEL', k)
  end
  if redis.call('EXISTS', k) == 0 then
    redis.call('ZREM', KEYS[1], id)
  else
    redis.call('ZADD', KEYS[1], now + lease, id)
    redis.call('HINCRBY', k, 'tries', 1)
    out[#out + 1] = {id, redis.call('HGETALL', k)}
  end
end
return out
`)

// finish removes an item for good, remembers its id against repeats, and
// records ARGV[4] in its audit list. For an item already finished it only
// records (a status callback after the send).
var finish = redis.NewScript(`
local P, id = ARGV[1], ARGV[2]
local k = P .. 'out:' .. id
local audit = redis.call('HGET', k, 'audit')
if audit then
  redis.call('DEL', k)
  redis.call('ZREM', KEYS[1], id)
  redis.call('SET', P .. 'sent:' .. id, audit, 'PX', ARGV[3])
else
  audit = redis.call('GET', P .. 'sent:' .. id)
  if not audit then return 0 end
end
if audit ~= '' then
  redis.call('RPUSHX', audit, ARGV[4])
end
return 1
`)

// later puts a claimed item back, due at ARGV[3]; with ARGV[4] = 1 the
// claim does not count as a try (it was never attempted).
var later = redis.NewScript(`
if redis.call('EXISTS', ARGV[1] .. 'out:' .. ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
if ARGV[4] == '1' then redis.call('HINCRBY', ARGV[1] .. 'out:' .. ARGV[2], 'tries', -1) end
return 1
`)

// batch is how many items one claim takes.
const batch = 16

// Flush claims the items due now and delivers them, in order. It returns
// how many were sent.
func (o *Outbox) Flush(ctx context.Context) (int, error) {
	sent := 0
	for {
		now := o.now()
		res, err := claim.Run(ctx, o.rdb, []string{o.prefix + "outbox"},
			o.prefix, now.UnixMilli(), o.lease().Milliseconds(), batch).Slice()
		if err != nil {
			return sent, fmt.Errorf("claim: %w", err)
		}
		if len(res) == 0 {
			return sent, nil
		}
		for i, r := range res {
			id, it, tries := decodeClaim(r)
			ok, due, err := o.deliver(ctx, id, it, tries)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
			if !due.IsZero() {
				// The provider asks the account to slow down: the rest wait
				// too, behind this one, so nobody's messages arrive out of
				// order.
				return sent, o.postpone(ctx, res[i+1:], due)
			}
		}
		if len(res) < batch {
			return sent, nil
		}
	}
}

func decodeClaim(r any) (id string, it Item, tries int) {
	pair, _ := r.([]any)
	if len(pair) != 2 {
		return "", Item{}, 0
	}
	id, _ = pair[0].(string)
	flat, _ := pair[1].([]any)
	f := map[string]string{}
	for i := 0; i+1 < len(flat); i += 2 {
		k, _ := flat[i].(string)
		v, _ := flat[i+1].(string)
		f[k] = v
	}
	tries, _ = strconv.Atoi(f["tries"])
	return id, Item{ID: id, Kind: Kind(f["kind"]), To: f["to"], From: f["from"], Body: f["body"], Texter: f["texter"], Audit: f["audit"]}, tries
}

// postpone puts claimed items back, due one after another from due.
func (o *Outbox) postpone(ctx context.Context, rest []any, due time.Time) error {
	for i, r := range rest {
		id, _, _ := decodeClaim(r)
		at := due.Add(time.Duration(i+1) * time.Millisecond).UnixMilli()
		if err := later.Run(ctx, o.rdb, []string{o.prefix + "outbox"}, o.prefix, id, at, 1).Err(); err != nil {
			return fmt.Errorf("reschedule %s: %w", id, err)
		}
	}
	return nil
}

// deliver sends one claimed item and settles it. It reports whether it
// was sent, and, when the provider rate-limits, when sending may go on.
// Only a failure to settle or reschedule is returned; a failed send is
// retried or dropped.
func (o *Outbox) deliver(ctx context.Context, id string, it Item, tries int) (bool, time.Time, error) {
	log := o.log()
	attrs := []slog.Attr{slog.String("item", id), slog.String("kind", string(it.Kind)), slog.String("texter", it.Texter), slog.Int("try", tries)}
	if it.Texter != "" {
		out, err := o.gate.OptedOut(ctx, it.Texter)
		if err != nil {
			return o.retry(ctx, id, tries, fmt.Errorf("check opt-out: %w", err), attrs)
		}
		if out {
			log.LogAttrs(ctx, slog.LevelInfo, "outbox: not sent, opted out", attrs...)
			o.observe(it.Kind, ResultDropped)
			return false, time.Time{}, o.settle(ctx, id, "not_sent", "opted out")
		}
	}
	to, err := o.open.Open(it.To)
	if err != nil {
		log.LogAttrs(ctx, slog.LevelError, "outbox: dropped", append(attrs, slog.Any("error", err))...)
		o.observe(it.Kind, ResultDropped)
		return false, time.Time{}, o.settle(ctx, id, "not_sent", "address unreadable")
	}
	from := it.From
	if from == "" {
		from = o.From
	}
	callback := ""
	if o.Callback != nil {
		callback = o.Callback(id)
	}
	var sid string
	if it.Kind == Call {
		sid, err = o.send.Call(ctx, to, from, it.Body, callback)
	} else {
		sid, err = o.send.SendSMS(ctx, to, from, it.Body, callback)
	}
	switch {
	case err == nil:
		o.observe(it.Kind, ResultSent)
		return true, time.Time{}, o.settle(ctx, id, "sent", sid)
	case ctx.Err() != nil:
		// Stopping: the lease brings the item back, here or elsewhere.
		return false, time.Time{}, fmt.Errorf("deliver %s: %w", id, ctx.Err())
	case temporary(err) && tries < o.maxTries():
		o.observe(it.Kind, ResultRetry)
		_, due, rerr := o.retry(ctx, id, tries, err, attrs)
		if !rateLimited(err) {
			due = time.Time{} // only this item waits
		}
		return false, due, rerr
	default:
		o.observe(it.Kind, ResultDropped)
		log.LogAttrs(ctx, slog.LevelError, "outbox: dropped", append(attrs, slog.Any("error", err))...)
		return false, time.Time{}, o.settle(ctx, id, "not_sent", err.Error())
	}
}

// retry puts an item back after its backoff.
func (o *Outbox) retry(ctx context.Context, id string, tries int, cause error, attrs []slog.Attr) (bool, time.Time, error) {
	due := o.now().Add(backoff(tries))
	o.log().LogAttrs(ctx, slog.LevelWarn, "outbox: will retry", append(attrs, slog.Time("at", due), slog.Any("error", cause))...)
	if err := later.Run(ctx, o.rdb, []string{o.prefix + "outbox"}, o.prefix, id, due.UnixMilli(), 0).Err(); err != nil {
		return false, time.Time{}, fmt.Errorf("reschedule %s: %w", id, err)
	}
	return false, due, nil
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

// settle ends an item and notes what became of it in its audit trail.
func (o *Outbox) settle(ctx context.Context, id, what, about string) error {
	record, err := json.Marshal(Note{At: o.now(), Who: "outbox", What: what, About: strings.TrimSpace(about + " " + id)})
	if err != nil {
		return fmt.Errorf("settle %s: %w", id, err)
	}
	err = finish.Run(ctx, o.rdb, []string{o.prefix + "outbox"}, o.prefix, id, o.keep().Milliseconds(), string(record)).Err()
	if err != nil {
		return fmt.Errorf("settle %s: %w", id, err)
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
		return o.settle(ctx, id, "undelivered", sid+" "+strconv.Itoa(code))
	case "":
		return nil
	}
	return o.settle(ctx, id, status, sid)
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

func (o *Outbox) log() *slog.Logger {
	if o.Log != nil {
		return o.Log
	}
	return slog.Default()
}
