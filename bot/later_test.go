package bot_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/safety"
)

// countingLine fails Handoff while down, and counts what it took.
type countingLine struct {
	failingLine
	mu   sync.Mutex
	down bool
	took map[string]int
}

func (l *countingLine) Handoff(_ context.Context, r bot.HandoffRequest) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.down {
		return errors.New("human line down")
	}
	l.took[r.MessageID]++
	return nil
}

// TestLaterBounds: a request is tried with backoff until the line takes
// it, once; one the line never takes is given up after GiveUp; beyond Max
// nothing more waits; the same message added twice waits once.
func TestLaterBounds(t *testing.T) {
	line := &countingLine{down: true, took: map[string]int{}}
	now := time.Unix(1767225600, 0)
	later := bot.NewLater(line, nil)
	later.Now = func() time.Time { return now }
	later.Max, later.GiveUp = 3, time.Minute
	later.Log = slog.New(slog.DiscardHandler)
	ctx := context.Background()
	crisis := func(id string) bot.HandoffRequest {
		return bot.HandoffRequest{Kind: bot.HandoffMessage, MessageID: id, Verdict: safety.Verdict{Category: safety.SuicideRisk, Severity: safety.High}}
	}
	for i := range 3 {
		if !later.Add(ctx, crisis(fmt.Sprint(i))) {
			t.Fatalf("no room for request %d of 3", i)
		}
	}
	if !later.Add(ctx, crisis("0")) || later.Add(ctx, crisis("3")) {
		t.Error("the same message twice took room, or a fourth found it")
	}
	for range 10 {
		later.Retry(ctx)
		now = now.Add(250 * time.Millisecond)
	}
	if later.Waiting() != 3 {
		t.Fatalf("%d waiting while the line is down, want 3", later.Waiting())
	}
	line.mu.Lock()
	line.down = false
	line.mu.Unlock()
	now = now.Add(2 * time.Second)
	later.Retry(ctx)
	later.Retry(ctx)
	if later.Waiting() != 0 || len(line.took) != 3 || line.took["0"] != 1 {
		t.Errorf("after the line came back: %d waiting, took %v; want each once", later.Waiting(), line.took)
	}

	line.down = true
	later.Add(ctx, crisis("late"))
	now = now.Add(2 * time.Minute)
	later.Retry(ctx)
	if later.Waiting() != 0 {
		t.Errorf("%d still waiting past GiveUp", later.Waiting())
	}
}
