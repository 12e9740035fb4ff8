package redisstore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/tally"
)

// Tally counts events in memory and adds them to the day's counters in
// Redis in batches, so counting costs a message no round trip.
type Tally struct {
	store   *Store
	mu      sync.Mutex
	pending map[tally.Name]int64
}

var _ bot.Counter = (*Tally)(nil)

// Tally returns a batching counter that writes through s.
func (s *Store) Tally() *Tally { return &Tally{store: s, pending: map[tally.Name]int64{}} }

// Count implements bot.Counter; it does no I/O.
func (t *Tally) Count(ctx context.Context, name tally.Name) error {
	t.mu.Lock()
	t.pending[name]++
	t.mu.Unlock()
	return nil
}

// Flush adds what was counted since the last flush, in one round trip.
// On failure the counts are kept for the next flush.
func (t *Tally) Flush(ctx context.Context) error {
	t.mu.Lock()
	batch := t.pending
	t.pending = map[tally.Name]int64{}
	t.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	key := t.store.statsKey()
	_, err := t.store.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for name, n := range batch {
			p.HIncrBy(ctx, key, string(name), n)
		}
		p.Expire(ctx, key, orDefault(t.store.StatsTTL, 720*time.Hour))
		return nil
	})
	if err != nil {
		t.mu.Lock()
		for name, n := range batch {
			t.pending[name] += n
		}
		t.mu.Unlock()
		return fmt.Errorf("flush counters: %w", err)
	}
	return nil
}

// Run flushes every interval until ctx ends, then once more. Errors go to
// onErr.
func (t *Tally) Run(ctx context.Context, every time.Duration, onErr func(error)) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			if err := t.Flush(ctx); err != nil {
				onErr(err)
			}
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			defer cancel()
			if err := t.Flush(final); err != nil {
				onErr(err)
			}
			return
		}
	}
}

// Days returns the counters of the last n days, oldest first, today
// included (as flushed so far), in one round trip.
func (t *Tally) Days(ctx context.Context, n int) ([]tally.Day, error) {
	today := t.store.now().UTC().Truncate(24 * time.Hour)
	days := make([]tally.Day, n)
	cmds := make([]*redis.MapStringStringCmd, n)
	_, err := t.store.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := range days {
			days[i].Date = today.AddDate(0, 0, i-n+1)
			cmds[i] = p.HGetAll(ctx, "tl:stats:"+days[i].Date.Format("2006-01-02"))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read counters: %w", err)
	}
	for i, c := range cmds {
		days[i].Counts = map[tally.Name]int64{}
		for k, v := range c.Val() {
			var n int64
			fmt.Sscan(v, &n)
			days[i].Counts[tally.Name(k)] = n
		}
	}
	return days, nil
}
