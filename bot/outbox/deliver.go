package outbox

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// combined bounds what alerts are combined into: how many, and how long
// the message may grow (Twilio takes up to 1,600 characters).
const (
	combinedMost = 40
	combinedLen  = 1500
)

// group is what one claim hands a worker: an item, and the alerts that
// follow it in its lane, to send as one.
type group struct {
	trial bool      // the one send let through after a rate limit
	until time.Time // when the lease runs out, by the outbox's clock
	items []claimed
}

type claimed struct {
	id    string
	it    Item
	tries int
}

// Run delivers until ctx ends: at once when notified, and every poll for
// items enqueued elsewhere, left by a stopped process, or due for a
// retry. Up to Parallel sends are on their way at once; one that hangs
// holds only its own recipient's lane.
func (o *Outbox) Run(ctx context.Context, poll time.Duration) {
	t := time.NewTicker(poll)
	defer t.Stop()
	slots := make(chan struct{}, o.parallel())
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		// While the provider asks to wait, the poll tries again.
		if _, _, err := o.dispatch(ctx, slots, &wg, nil); err != nil && ctx.Err() == nil {
			o.log().LogAttrs(ctx, slog.LevelWarn, "outbox", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-o.wake:
		case <-t.C:
		}
	}
}

// dispatch claims what the free slots can take and starts their sends.
// It returns how many it started, and how long the provider asked to
// wait, if it did.
func (o *Outbox) dispatch(ctx context.Context, slots chan struct{}, wg *sync.WaitGroup, sent *atomic.Int64) (int, time.Duration, error) {
	started := 0
	for {
		free := cap(slots) - len(slots)
		if free == 0 {
			return started, 0, nil
		}
		groups, wait, err := o.claim(ctx, free)
		if err != nil || wait > 0 {
			return started, wait, err
		}
		started += len(groups)
		for _, g := range groups {
			slots <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := o.deliver(ctx, g)
				if err != nil && ctx.Err() == nil {
					o.log().LogAttrs(ctx, slog.LevelWarn, "outbox", slog.Any("error", err))
				}
				if sent != nil {
					sent.Add(int64(n))
				}
				<-slots
				o.Notify()
			}()
		}
		if len(groups) < free {
			return started, 0, nil
		}
	}
}

// Flush delivers what is due now, Parallel at a time, and returns when
// nothing more is: how many items were sent.
func (o *Outbox) Flush(ctx context.Context) (int, error) {
	var sent atomic.Int64
	slots := make(chan struct{}, o.parallel())
	for {
		var wg sync.WaitGroup
		started, _, err := o.dispatch(ctx, slots, &wg, &sent)
		wg.Wait()
		if err != nil || ctx.Err() != nil {
			return int(sent.Load()), cmp.Or(err, ctx.Err())
		}
		if started == 0 {
			return int(sent.Load()), nil
		}
	}
}

// claim takes up to n groups.
func (o *Outbox) claim(ctx context.Context, n int) ([]group, time.Duration, error) {
	res, err := claim.Run(ctx, o.rdb, o.queues(), o.prefix, o.now().UnixMilli(), o.lease().Milliseconds(), n, combinedMost).Slice()
	if err != nil {
		return nil, 0, fmt.Errorf("claim: %w", err)
	}
	if wait, _ := res[0].(int64); wait > 0 {
		return nil, time.Duration(wait) * time.Millisecond, nil
	}
	until := o.now().Add(o.lease())
	groups := make([]group, 0, len(res)-1)
	for _, r := range res[1:] {
		flat, _ := r.([]any)
		if len(flat) < 3 {
			continue
		}
		trial, _ := flat[0].(int64)
		g := group{trial: trial == 1, until: until}
		for i := 1; i+1 < len(flat); i += 2 {
			id, _ := flat[i].(string)
			g.items = append(g.items, decodeItem(id, flat[i+1]))
		}
		groups = append(groups, g)
	}
	return groups, 0, nil
}

func decodeItem(id string, fields any) claimed {
	flat, _ := fields.([]any)
	f := map[string]string{}
	for i := 0; i+1 < len(flat); i += 2 {
		k, _ := flat[i].(string)
		v, _ := flat[i+1].(string)
		f[k] = v
	}
	tries, _ := strconv.Atoi(f["tries"])
	rank, _ := strconv.Atoi(f["rank"])
	return claimed{id: id, tries: tries, it: Item{ID: id, Kind: Kind(f["kind"]), To: f["to"], From: f["from"], Body: f["body"],
		Texter: f["texter"], Audit: f["audit"], Lane: f["lane"], Rank: rank, Gist: f["gist"], Head: f["head"]}}
}

// deliver sends one claimed group and settles it. It returns how many
// items were sent. Only a failure to settle or reschedule is returned; a
// failed send is retried or dropped.
func (o *Outbox) deliver(ctx context.Context, g group) (int, error) {
	first := g.items[0]
	it := first.it
	attrs := []slog.Attr{slog.String("item", first.id), slog.String("kind", string(it.Kind)), slog.String("texter", it.Texter), slog.Int("try", first.tries)}
	if it.Texter != "" {
		out, err := o.gate.OptedOut(ctx, it.Texter)
		switch {
		case ctx.Err() != nil:
			return 0, o.release(ctx, g)
		case err != nil:
			return 0, o.retry(ctx, g, fmt.Errorf("check opt-out: %w", err), attrs)
		}
		if out {
			o.log().LogAttrs(ctx, slog.LevelInfo, "outbox: not sent, opted out", attrs...)
			o.observe(it.Kind, ResultDropped)
			return 0, o.settle(ctx, g.trial, "not_sent", "opted out", first.id)
		}
	}
	to, err := o.open.Open(it.To)
	if err != nil {
		o.log().LogAttrs(ctx, slog.LevelError, "outbox: dropped", append(attrs, slog.Any("error", err))...)
		o.observe(it.Kind, ResultDropped)
		return 0, o.settle(ctx, g.trial, "not_sent", "address unreadable", first.id)
	}
	body, ids := it.Body, []string{first.id}
	if len(g.items) > 1 {
		body, ids = combine(g.items)
		attrs = append(attrs, slog.Int("combined", len(ids)))
	}
	from := cmp.Or(it.From, o.From)
	callback := ""
	if o.Callback != nil {
		callback = o.Callback(first.id)
	}
	if ctx.Err() != nil {
		return 0, o.release(ctx, g)
	}
	// A send under way is not cut short by a worker stopping: the provider
	// may have the item already, and only its answer tells.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.sendTimeout())
	var sid string
	if it.Kind == Call {
		sid, err = o.send.Call(sctx, to, from, body, callback)
	} else {
		sid, err = o.send.SendSMS(sctx, to, from, body, callback)
	}
	cancel()
	switch {
	case err == nil:
		o.observe(it.Kind, ResultSent)
		return len(ids), o.recordSent(ctx, g, sid, ids)
	case temporary(err) && first.tries < o.maxTries():
		o.observe(it.Kind, ResultRetry)
		return 0, o.retry(ctx, g, err, attrs)
	default:
		o.observe(it.Kind, ResultDropped)
		o.log().LogAttrs(ctx, slog.LevelError, "outbox: dropped", append(attrs, slog.Any("error", err))...)
		return 0, o.settle(ctx, g.trial, "not_sent", err.Error(), first.id)
	}
}

// recordSent settles what the provider took. Until that is stored, the
// items' lease would bring them back to be sent again: so a worker that
// is stopping still records what it sent.
func (o *Outbox) recordSent(ctx context.Context, g group, sid string, ids []string) error {
	return o.persist(context.WithoutCancel(ctx), g, func(ctx context.Context) error {
		return o.settle(ctx, g.trial, "sent", sid, ids...)
	})
}

// persist makes a write that follows the claim of g (settling it, or
// putting it back), and tries again while it fails (Redis stalled or
// restarting), until it is made, ctx ends or g's lease runs out, when g
// comes due again anyway. Until then g's lane waits.
func (o *Outbox) persist(ctx context.Context, g group, write func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, g.until.Sub(o.now()))
	defer cancel()
	for wait := 50 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		err := write(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// release puts a claimed group back, due now and its try uncounted, for
// a worker that stops before it sent anything: the group need not wait
// for its lease, nor its lane with it.
func (o *Outbox) release(ctx context.Context, g group) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	id := g.items[0].id
	if err := later.Run(ctx, o.rdb, o.queues(), o.prefix, id, o.now().UnixMilli(), 1, 0, flag(false)).Err(); err != nil {
		return fmt.Errorf("put back %s: %w", id, err)
	}
	return nil
}

// retry puts a group's first item back after its backoff; the alerts
// combined with it wait in their lane behind it. After a rate limit,
// every send of the account waits: as long as the provider asked, and
// at least the backoff.
func (o *Outbox) retry(ctx context.Context, g group, cause error, attrs []slog.Attr) error {
	first := g.items[0]
	wait, hold := backoff(first.tries), time.Duration(0)
	if rateLimited(cause) {
		wait = max(wait, retryAfter(cause))
		hold = wait
	}
	due := o.now().Add(wait)
	o.log().LogAttrs(ctx, slog.LevelWarn, "outbox: will retry", append(attrs, slog.Time("at", due), slog.Any("error", cause))...)
	err := o.persist(ctx, g, func(ctx context.Context) error {
		return later.Run(ctx, o.rdb, o.queues(), o.prefix, first.id, due.UnixMilli(), 0, hold.Milliseconds(), flag(g.trial)).Err()
	})
	if err != nil {
		return fmt.Errorf("reschedule %s: %w", first.id, err)
	}
	return nil
}

// combine is the one message for a group of alerts: the first one's head,
// then the gists, most urgent first, as many as fit. It returns the ids of
// the items it covers.
func combine(items []claimed) (string, []string) {
	order := slices.Clone(items[1:])
	slices.SortStableFunc(order, func(a, b claimed) int { return cmp.Compare(b.it.Rank, a.it.Rank) })
	chosen := []claimed{items[0]}
	size := len(items[0].it.Head) + 1 + len(items[0].it.Gist)
	for _, c := range order {
		if size+1+len(c.it.Gist) > combinedLen {
			continue
		}
		size += 1 + len(c.it.Gist)
		chosen = append(chosen, c)
	}
	slices.SortStableFunc(chosen, func(a, b claimed) int { return cmp.Compare(b.it.Rank, a.it.Rank) })
	lines := []string{items[0].it.Head}
	ids := make([]string, len(chosen))
	for i, c := range chosen {
		lines = append(lines, c.it.Gist)
		ids[i] = c.id
	}
	return strings.Join(lines, "\n"), ids
}

// retryAfter is how long the provider asked to wait, when it said.
func retryAfter(err error) time.Duration {
	var r interface{ RetryAfter() time.Duration }
	if errors.As(err, &r) {
		return r.RetryAfter()
	}
	return 0
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
