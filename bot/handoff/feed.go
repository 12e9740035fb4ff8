package handoff

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// Change is one change to a handoff, as consoles are told of it.
type Change struct {
	Handle string   `json:"handle"`
	What   Happened `json:"what"`
}

// Happened is what changed.
type Happened string

// What can change.
const (
	ChangeOpened  Happened = "opened"
	ChangeMessage Happened = "message" // a new line of the transcript
	ChangeTaken   Happened = "taken"
	ChangePassed  Happened = "passed"
	ChangeClosed  Happened = "closed"
)

// Feed streams the changes the desk publishes, through Redis pub/sub, so
// a console on any replica hears of every change.
type Feed struct {
	rdb     redis.UniversalClient
	channel string
}

// NewFeed returns the changes of the handoffs under prefix.
func NewFeed(rdb redis.UniversalClient, prefix string) *Feed {
	return &Feed{rdb: rdb, channel: prefix + "events"}
}

// Changes delivers changes until ctx ends.
func (f *Feed) Changes(ctx context.Context) (<-chan Change, error) {
	sub := f.rdb.Subscribe(ctx, f.channel)
	if _, err := sub.Receive(ctx); err != nil {
		sub.Close()
		return nil, fmt.Errorf("handoff changes: %w", err)
	}
	out := make(chan Change, 16)
	go func() {
		defer close(out)
		defer sub.Close()
		in := sub.Channel()
		for {
			select {
			case <-ctx.Done():
				return
			case m, ok := <-in:
				if !ok {
					return
				}
				var c Change
				if json.Unmarshal([]byte(m.Payload), &c) != nil {
					continue
				}
				select {
				case out <- c:
				default: // a slow reader misses a change, not the next one
				}
			}
		}
	}()
	return out, nil
}
