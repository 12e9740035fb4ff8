// Package handoff is the human line: when a texter needs a person,
// responders on call are alerted by SMS with a short handle, take the
// conversation by texting the line's own number (or on the console), and
// talk with the texter through it, neither side seeing the other's
// number.
//
// Each operation is a pure function of the records it reads (ops.go): it
// returns what to write and what to send. The records, the queue and the
// audit trails live in Redis, and each operation is one commit (package
// cas, store.go) that enqueues, in the same step, the messages it causes
// (package outbox sends them), and that is made once per message or
// action.
package handoff

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/cas"
	"github.com/textline/textline/bot/duty"
	"github.com/textline/textline/bot/outbox"
	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/bot/tally"
	"github.com/textline/textline/content"
)

// Client is the part of go-redis the line uses.
type Client = outbox.Client

// Line is the human line: the engine's bot.HumanLine, and the desk that
// answers responders' texts.
type Line struct {
	rdb        Client
	prefix     string
	lib        *content.Library
	seal       *bot.Sealer
	out        *outbox.Outbox
	responders map[string]string // id by address
	staff      []staff
	known      *cas.Guesses // what the line last read or wrote
	nums       numbers

	// Hours are when responders are on duty; nil means always.
	Hours *duty.Hours
	// Remind is how long a handoff waits before the texter is reminded
	// and responders are alerted again. Zero means 3 minutes.
	Remind time.Duration
	// Retention is how long records and transcripts are kept. Zero means
	// 720 hours.
	Retention time.Duration
	// From is the sender of outbound messages (TWILIO_FROM); empty means
	// the number the texter wrote to.
	From string
	// CallTwiML, when set, is what a texter's CALL runs: it puts them
	// through to HUMAN_LINE.
	CallTwiML string
	// Counter, when set, counts handoffs opened and how long each waited
	// to be taken, for the console's overview.
	Counter bot.Counter
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Log gets what happened, with pseudonyms and handles only; nil means
	// slog.Default().
	Log *slog.Logger
}

var _ bot.HumanLine = (*Line)(nil)

// New returns the human line for the responders at phones (E.164),
// pseudonymised with pseudo and sealed with seal. Its keys are under the
// outbox's prefix, and it sends through it.
func New(rdb Client, out *outbox.Outbox, lib *content.Library, pseudo *bot.Pseudonymizer, seal *bot.Sealer, phones []string) *Line {
	l := &Line{rdb: rdb, prefix: out.Prefix(), lib: lib, seal: seal, out: out,
		responders: map[string]string{}, known: cas.NewGuesses(knownKeys)}
	for _, p := range phones {
		t := pseudo.Texter(p)
		if _, dup := l.responders[t.Addr()]; dup || t.Addr() == "" {
			continue
		}
		l.responders[t.Addr()] = t.ID()
		l.staff = append(l.staff, staff{id: t.ID(), addr: seal.Seal(t.Addr())})
	}
	return l
}

// isResponder reports whether addr is a responder's: their texts go to
// the desk, never to the bot.
func (l *Line) isResponder(addr string) bool {
	_, ok := l.responders[strings.TrimSpace(addr)]
	return ok
}

// Route returns what the webhook should ask: the desk for responders'
// texts, engine for everyone else's.
func (l *Line) Route(engine bot.Handler) bot.Handler { return router{l, engine} }

type router struct {
	line   *Line
	engine bot.Handler
}

func (r router) Handle(ctx context.Context, in bot.Inbound) (bot.Reply, error) {
	if r.line.isResponder(in.From.Addr()) {
		return r.line.Answer(ctx, in)
	}
	return r.engine.Handle(ctx, in)
}

func (r router) Fallback(crisis bool) bot.Reply { return r.engine.Fallback(crisis) }

// Handoff implements bot.HumanLine: it does, once per message, what the
// engine asks of the human line for a texter's message.
func (l *Line) Handoff(ctx context.Context, r bot.HandoffRequest) error {
	texter := r.Texter.ID()
	ans, again, err := l.texterStep(ctx, "texter:"+r.MessageID, func(n int64) (plan[heard], error) {
		p, err := l.step(r, n)
		if err != nil {
			return nil, err
		}
		return func(v *view) (*delta, heard) {
			if n == 0 && opens(r, v.record(v.pointer(l.prefix+"texter:"+texter))) {
				return nil, heard{Number: true}
			}
			c, a := p(v)
			if _, set := c.marks[texter]; !set && r.Turns > v.seen(texter).Turns {
				c.marks[texter] = &bot.Seen{ID: r.MessageID, Turns: r.Turns, At: l.now()}
			}
			return c, a
		}, nil
	})
	if err != nil {
		return fmt.Errorf("handoff %s: %w", r.Kind, err)
	}
	l.opened(ctx, r, ans, again)
	return nil
}

// Hear implements bot.HumanLine: in one commit, once per message, it
// finds where the line has the texter and does what h plans for that.
// The same message heard again answers as the first time, never stale.
func (l *Line) Hear(ctx context.Context, texter bot.Texter, id string, h bot.Hearing) (bot.Heard, error) {
	who := texter.ID()
	ans, again, err := l.texterStep(ctx, "hear:"+id, func(n int64) (plan[heard], error) {
		var steps [len(h.Plans)]plan[heard]
		for i, r := range h.Plans {
			if r == nil {
				continue
			}
			p, err := l.step(*r, n)
			if err != nil {
				return nil, err
			}
			steps[i] = p
		}
		return func(v *view) (*delta, heard) {
			last := v.seen(who)
			if behind(h, id, last) {
				return nil, heard{Stale: &last}
			}
			found := v.presence(who, h.Turns, last, h.Since)
			c, a := newDelta(), heard{}
			if r := h.Plans[found]; r != nil {
				if n == 0 && opens(*r, v.record(v.pointer(l.prefix+"texter:"+who))) {
					return nil, heard{Number: true}
				}
				c, a = steps[found](v)
			}
			a.Found = found
			if _, set := c.marks[who]; !set && (h.Over != nil || h.Turns+1 > last.Turns) {
				c.marks[who] = &bot.Seen{ID: id, Turns: h.Turns + 1, At: l.now()}
			}
			return c, a
		}, nil
	})
	switch {
	case err != nil:
		return bot.Heard{}, fmt.Errorf("hear the human line: %w", err)
	case ans.Stale != nil:
		return bot.Heard{Seen: *ans.Stale}, bot.ErrStale
	}
	if r := h.Plans[ans.Found]; r != nil {
		l.opened(ctx, *r, ans, again)
	}
	return bot.Heard{Presence: ans.Found, Kept: ans.Kept}, nil
}

// behind reports whether h, for message id, was planned on a session
// older than the last message the line heard of (last): it counts fewer
// messages, or the line has no record of a texter whose session counts
// some (they were erased since). A hearing over exactly last is not.
func behind(h bot.Hearing, id string, last bot.Seen) bool {
	switch {
	case last.ID == id:
		return false // the same message, heard again
	case h.Over != nil && h.Over.ID == last.ID && h.Over.Turns == last.Turns:
		return false
	}
	return last.Turns > h.Turns || last.Turns == 0 && h.Turns > 0
}

// texterStep commits the operation build makes for a texter's message,
// once per id. A handoff it opens takes a number reserved only then:
// build's plan asks for one (heard.Number) when it has none.
func (l *Line) texterStep(ctx context.Context, once string, build func(n int64) (plan[heard], error)) (heard, bool, error) {
	var n int64
	for {
		p, err := build(n)
		if err != nil {
			return heard{}, false, err
		}
		ans, again, err := do(ctx, l, once, p)
		if err != nil || !ans.Number {
			return ans, again, err
		}
		if n != 0 {
			return heard{}, false, errors.New("a handoff number was asked for twice")
		}
		if n, err = l.number(ctx); err != nil {
			return heard{}, false, err
		}
	}
}

// opens reports whether r opens a new handoff, open being the texter's
// open one.
func opens(r bot.HandoffRequest, open *Record) bool {
	return r.Kind == bot.HandoffAlert || r.Kind == bot.HandoffOpen && open == nil
}

// step is the operation that does r; n is the number a handoff it opens
// takes.
func (l *Line) step(r bot.HandoffRequest, n int64) (plan[heard], error) {
	texter := r.Texter.ID()
	m := l.message(r)
	switch r.Kind {
	case bot.HandoffOpen, bot.HandoffMessage, bot.HandoffAlert:
		m.open = r.Kind != bot.HandoffMessage
		m.new.n = n
		cands := candidates()
		return func(v *view) (*delta, heard) {
			past := v.list(l.prefix + "all:" + texter)
			if r.Kind == bot.HandoffAlert {
				return onAlert(l.env(), past, m)
			}
			m := m
			if m.open {
				m.new.handle = v.freeHandle(cands)
			}
			return onMessage(l.env(), v.record(v.pointer(l.prefix+"texter:"+texter)), past, m)
		}, nil
	case bot.HandoffLeave:
		return func(v *view) (*delta, heard) {
			open := v.record(v.pointer(l.prefix + "texter:" + texter))
			return onLeave(l.env(), open, v.heldBy(open), r.MessageID)
		}, nil
	case bot.HandoffCancel:
		return func(v *view) (*delta, heard) {
			return onCancel(l.env(), v.record(v.pointer(l.prefix+"texter:"+texter)))
		}, nil
	case bot.HandoffErase:
		return func(v *view) (*delta, heard) {
			open := v.record(v.pointer(l.prefix + "texter:" + texter))
			return onErase(l.env(), texter, open, v.heldBy(open), v.records(v.list(l.prefix+"all:"+texter)))
		}, nil
	case bot.HandoffCall:
		return func(v *view) (*delta, heard) {
			return onCall(l.env(), v.record(v.pointer(l.prefix+"texter:"+texter)), r.MessageID, l.CallTwiML)
		}, nil
	}
	return nil, fmt.Errorf("handoff: unknown kind %q", r.Kind)
}

// opened logs and counts a handoff r opened, the first time.
func (l *Line) opened(ctx context.Context, r bot.HandoffRequest, ans heard, again bool) {
	if !ans.Created || again {
		return
	}
	l.count(ctx, tally.HandoffOpened)
	l.log().LogAttrs(ctx, slog.LevelWarn, "handoff opened", slog.Any("texter", r.Texter),
		slog.String("handle", ans.Handle), slog.String("reason", r.Reason),
		slog.String("category", string(r.Verdict.Category)), slog.String("severity", string(r.Verdict.Severity)),
		slog.Bool("off_hours", r.OffHours))
}

// message describes a texter's message for the operations.
func (l *Line) message(r bot.HandoffRequest) message {
	v := r.Verdict
	category, severity := v.Category, v.Severity
	if !v.Crisis() && category != safety.Helper && category != safety.Distress {
		category = requestCategory
	}
	if severity == "" {
		severity = safety.None
	}
	return message{
		id: r.MessageID, offHours: r.OffHours, text: r.Text, verdict: v,
		new: opening{
			texter: r.Texter.ID(), addr: l.seal.Seal(r.Texter.Addr()), to: r.To,
			whatsApp: strings.HasPrefix(r.Texter.Addr(), "whatsapp:"), lang: r.Lang,
			category: category, severity: severity, reason: r.Reason,
		},
	}
}

// env is what every operation knows now.
func (l *Line) env() env {
	return env{now: l.now(), from: l.From, responders: l.staff, remind: l.remind(), calls: l.CallTwiML != "",
		render: l.lib.Render}
}

// Texts are the ids of every text the human line sends, to texters and
// to responders.
var Texts = []string{
	"handoff.joined", "handoff.joined_call", "handoff.closed", "handoff.passed", "handoff.reminder",
	"responder.alert", "responder.alert_again", "responder.alert_optedout", "responder.taken",
	"responder.taken_other", "responder.unknown", "responder.list", "responder.list_empty",
	"responder.passed", "responder.closed", "responder.none_held", "responder.which",
	"responder.relay", "responder.relay_flag", "responder.texter_left", "responder.help",
}

// maxRelayed bounds a texter's words in one relayed SMS, under Twilio's
// 1,600 characters with the handle and flags in front; the transcript
// keeps them whole.
const maxRelayed = 1500

// clip shortens s to at most n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-3]) + "..."
}

// maxReminders bounds the reminders one waiting texter gets; responders
// keep being alerted.
const maxReminders = 3

// queueScan bounds how much of the queue one tick looks at.
const queueScan = 200

// Tick sends what is due: reminders of handoffs nobody took in time, and
// the alerts of requests made off hours once responders are on duty.
func (l *Line) Tick(ctx context.Context) (int, error) {
	ns, err := l.queued(ctx, queueScan)
	if err != nil {
		return 0, err
	}
	onDuty := l.Hours.Open(l.now())
	fired := 0
	for _, n := range ns {
		var did bool
		_, _, err := do(ctx, l, "", func(v *view) (*delta, struct{}) {
			r := v.record(n)
			if r == nil || r.Status != Waiting {
				c := newDelta()
				c.queue[n] = nanScore
				return c, struct{}{}
			}
			c, f := due(l.env(), *r, onDuty, maxReminders)
			did = f
			return c, struct{}{}
		})
		if err != nil {
			return fired, err
		}
		if did {
			fired++
		}
	}
	return fired, nil
}

// Run ticks every until ctx ends.
func (l *Line) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := l.Tick(ctx); err != nil && ctx.Err() == nil {
				l.log().LogAttrs(ctx, slog.LevelWarn, "handoff reminders", slog.Any("error", err))
			}
		}
	}
}

func (l *Line) count(ctx context.Context, name tally.Name) {
	if l.Counter != nil {
		l.Counter.Count(ctx, name)
	}
}

// text is a responder's text; responders read English.
func (l *Line) text(id string) string { return l.lib.Text(content.English, id) }

func (l *Line) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

func (l *Line) remind() time.Duration { return cmp.Or(l.Remind, 3*time.Minute) }

func (l *Line) retention() time.Duration { return cmp.Or(l.Retention, 720*time.Hour) }

func (l *Line) log() *slog.Logger {
	if l.Log != nil {
		return l.Log
	}
	return slog.Default()
}
