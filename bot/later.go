package bot

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/textline/textline/flows"
)

// Later tells the human line, in the background, what a message asked of
// it when the message itself could not: Redis stalled, or the line did
// not answer in time. A crisis the texter was answered with the fallback
// is opened as a handoff this way once Redis is back (Open), so a
// responder is alerted although the session never stored it; the
// session then follows the line to waiting, so the texter's next message
// hears that a person was asked to join, and a responder's TAKE reaches
// them.
//
// It keeps requests in memory, one per message and kind (the human line
// also does a message's step once, so a request told twice changes
// nothing), tries each with backoff until it is taken or GiveUp passes,
// and holds at most Max. A request it gives up on, or has no room for, is
// logged as an error with the texter's pseudonym, the message id and the
// verdict, never the words.
type Later struct {
	line     HumanLine
	sessions Sessions
	wake     chan struct{}

	mu      sync.Mutex
	waiting map[laterKey]*pendingRequest

	// Max bounds how many requests wait. Zero means 1,000.
	Max int
	// GiveUp is how long a request is tried. Zero means 15 minutes.
	GiveUp time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Log gets what was told late and what never was; nil means
	// slog.Default().
	Log *slog.Logger
}

type laterKey struct {
	id   string
	kind HandoffKind
}

type pendingRequest struct {
	r     HandoffRequest
	mark  bool // the session never stored the message: tell it too
	since time.Time
	next  time.Time
	tries int
}

// NewLater returns a Later that tells line, and the texters' sessions.
func NewLater(line HumanLine, sessions Sessions) *Later {
	return &Later{line: line, sessions: sessions, wake: make(chan struct{}, 1), waiting: map[laterKey]*pendingRequest{}}
}

// Add keeps r, a step of a message the texter's session stored, to tell
// the human line as soon as it can. It reports false when there was no
// room.
func (l *Later) Add(ctx context.Context, r HandoffRequest) bool { return l.add(ctx, r, false) }

// Open keeps r, the opening of a handoff for a message the texter's
// session never stored, to tell the human line and then the session.
func (l *Later) Open(ctx context.Context, r HandoffRequest) bool { return l.add(ctx, r, true) }

func (l *Later) add(ctx context.Context, r HandoffRequest, mark bool) bool {
	now := l.now()
	l.mu.Lock()
	k := laterKey{r.MessageID, r.Kind}
	p, known := l.waiting[k]
	room := known || len(l.waiting) < cmp.Or(l.Max, 1000)
	switch {
	case known:
		p.mark = p.mark || mark
	case room:
		l.waiting[k] = &pendingRequest{r: r, mark: mark, since: now, next: now}
	}
	l.mu.Unlock()
	if !room {
		l.log().LogAttrs(ctx, slog.LevelError, "human line never told: no room to retry", requestAttrs(r)...)
		return false
	}
	select {
	case l.wake <- struct{}{}:
	default:
	}
	return true
}

// Waiting is how many requests wait.
func (l *Later) Waiting() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.waiting)
}

// Run tells the human line what waits until ctx ends: at once when a
// request is added, then every tick.
func (l *Later) Run(ctx context.Context, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if n := l.Waiting(); n > 0 {
				l.log().LogAttrs(context.WithoutCancel(ctx), slog.LevelError, "human line never told: stopping", slog.Int("waiting", n))
			}
			return
		case <-l.wake:
		case <-t.C:
		}
		l.Retry(ctx)
	}
}

// laterTry bounds one attempt; laterWaits are the pauses after each
// failed one, the last repeated.
var (
	laterTry   = 2 * time.Second
	laterWaits = []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second}
)

// Retry tries every request that is due once.
func (l *Later) Retry(ctx context.Context) {
	now := l.now()
	var due []*pendingRequest
	l.mu.Lock()
	for _, p := range l.waiting {
		if !p.next.After(now) {
			due = append(due, p)
		}
	}
	l.mu.Unlock()
	for _, p := range due {
		tctx, cancel := context.WithTimeout(ctx, laterTry)
		err := l.tell(tctx, p)
		cancel()
		if ctx.Err() != nil {
			return
		}
		l.mu.Lock()
		k := laterKey{p.r.MessageID, p.r.Kind}
		switch {
		case err == nil:
			delete(l.waiting, k)
			l.log().LogAttrs(ctx, slog.LevelWarn, "human line told late", append(requestAttrs(p.r), slog.Duration("after", now.Sub(p.since)))...)
		case now.Sub(p.since) >= cmp.Or(l.GiveUp, 15*time.Minute):
			delete(l.waiting, k)
			l.log().LogAttrs(ctx, slog.LevelError, "human line never told", append(requestAttrs(p.r), slog.Any("error", err))...)
		default:
			p.next = now.Add(laterWaits[min(p.tries, len(laterWaits)-1)])
			p.tries++
		}
		l.mu.Unlock()
	}
}

// tell does what p asks: the human line's step (done once per message
// however often it is told), then, for a message the session never
// stored, the mark that the line may hold the texter.
func (l *Later) tell(ctx context.Context, p *pendingRequest) error {
	l.mu.Lock()
	mark := p.mark
	l.mu.Unlock()
	if err := l.line.Handoff(ctx, p.r); err != nil {
		return fmt.Errorf("tell the human line: %w", err)
	}
	if !mark {
		return nil
	}
	_, err := l.sessions.Apply(ctx, p.r.Texter.ID(), "line:"+p.r.MessageID, func(s Session) Outcome {
		if s.Lang == "" {
			s.Lang = p.r.Lang
		}
		s.Flow.Fire(flows.EvQueued, true)
		return Outcome{Session: s}
	})
	if err != nil {
		return fmt.Errorf("tell the session: %w", err)
	}
	return nil
}

// requestAttrs describe r for the log: who, which message, what kind, and
// the verdict; never the words.
func requestAttrs(r HandoffRequest) []slog.Attr {
	return []slog.Attr{slog.Any("texter", r.Texter), slog.String("message", r.MessageID), slog.String("kind", string(r.Kind)),
		slog.String("category", string(r.Verdict.Category)), slog.String("severity", string(r.Verdict.Severity))}
}

func (l *Later) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

func (l *Later) log() *slog.Logger {
	if l.Log != nil {
		return l.Log
	}
	return slog.Default()
}
