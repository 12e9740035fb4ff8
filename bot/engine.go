package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/bot/tally"
	"github.com/textline/textline/bot/understand"
	"github.com/textline/textline/content"
)

// Inbound is one message from a texter.
type Inbound struct {
	ID       string // the provider's message id (Twilio's MessageSid)
	From     Texter
	To       string // the line's number it was sent to
	Body     string // as received: untrusted
	NumMedia int
	At       time.Time
}

// Reply is what the line answers: at most one message (docs/ARCHITECTURE.md, "Limits").
type Reply struct {
	Text string // empty: send nothing
}

// Handler answers texters' messages: the Engine, or the human line's
// router in front of it. Fallback is the reply for when Handle could not
// be asked at all.
type Handler interface {
	Handle(ctx context.Context, in Inbound) (Reply, error)
	Fallback(crisis bool) Reply
}

var _ Handler = (*Engine)(nil)

// Update is the pure part of handling a message: given the stored session
// (the zero Session for a new texter), it returns what to store and what to
// answer. It may run more than once for one message.
type Update func(Session) Outcome

// Outcome is the result of an Update.
type Outcome struct {
	Session Session
	Reply   string
	Erase   bool // forget the texter: delete the session instead of storing it
	// Handoff is what the human line must do for the message, if anything:
	// stored with the reply, so that a retried message does it again when
	// it did not happen.
	Handoff *HandoffRequest
	// Ask, when set, means the human line must be heard first (the texter
	// may be with it): nothing is stored, and the update runs again once
	// the line has done what Ask gives for where it has the texter.
	Ask *Hearing
}

// Committed is what is stored for one message: by this call of Apply
// (Fresh) or by an earlier one; or, when the update asked to hear the
// human line first, nothing (Ask).
type Committed struct {
	Reply   string
	Handoff *HandoffRequest // without its Texter, which the store does not keep
	Fresh   bool
	Ask     *Hearing
}

// Sessions stores sessions. Apply runs step on the texter's session and
// stores its outcome together with the reply to messageID, atomically.
// The step may run more than once (on a conflicting update, or on a guess
// of the session), so it must be pure. If messageID was answered before, Apply
// returns what was stored for it then and stores nothing. Only a fresh
// outcome's effects may happen; its Handoff, which the human line does
// once per message, may be asked for again. An outcome that asks to hear
// the human line first (Outcome.Ask) is returned with nothing stored.
type Sessions interface {
	Apply(ctx context.Context, texterID, messageID string, step Update) (Committed, error)
	// Forget drops what the store guesses of the texter's session, so
	// that the next Apply runs on the session as stored.
	Forget(texterID string)
}

// Counter counts events for the line's reports (feedback answers).
type Counter interface {
	Count(ctx context.Context, name tally.Name) error
}

// Engine runs the pipeline described in the package documentation.
type Engine struct {
	lib      *content.Library
	sessions Sessions
	triage   *safety.Classifier
	reader   *understand.Reader

	// Idle is how long a texter may be away before the next message
	// starts again with a welcome back. Zero means 24 hours.
	Idle time.Duration
	// Counter, when set, counts feedback answers.
	Counter Counter
	// HumanLine, when set, is the human line: requests for a person and
	// escalating crises are handed to it. Without one, a request for a
	// person is pointed to 988 and alerts are only logged.
	HumanLine HumanLine
	// OnDuty tells whether responders are on duty (HANDOFF_HOURS); nil
	// means always.
	OnDuty func(time.Time) bool
	// Calls reports that a texter's CALL can be put through to a person
	// (HUMAN_LINE is set).
	Calls bool
	// Later, when set with HumanLine, tells the human line in the
	// background what a message could not: a crisis answered by the
	// fallback, or a handoff step whose call failed. Without it such a
	// message is only logged.
	Later *Later
	// Log receives alerts and errors; nil means slog.Default().
	Log *slog.Logger
}

// NewEngine returns an engine speaking lib's content, triaging with
// triage and reading what texters mean with reader (both compiled from
// lib's), and keeping sessions in sessions.
func NewEngine(lib *content.Library, triage *safety.Classifier, reader *understand.Reader, sessions Sessions) *Engine {
	return &Engine{lib: lib, sessions: sessions, triage: triage, reader: reader}
}

// Handle answers one message. On error the reply is still one to send:
// the fallback with crisis resources, or, when only the human line's part
// failed, the line's own reply (Later, or a retry of the message, does
// that part again). A crisis that calls the human line and is answered
// by the fallback is handed to Later.
func (e *Engine) Handle(ctx context.Context, in Inbound) (reply Reply, err error) {
	// Until triage has spoken, a failure is answered as a crisis might be.
	verdict, text := safety.Verdict{Category: safety.SuicideRisk}, ""
	defer func() {
		if p := recover(); p != nil {
			reply, err = e.Fallback(verdict.Crisis()), &Failure{Verdict: verdict, Err: fmt.Errorf("handle message: panic: %v", p)}
			e.escalateLater(ctx, in, text, verdict)
		}
	}()
	text = Normalize(in.Body)
	folded := content.Fold(text)
	verdict = e.triage.Classify(text)
	m := &handling{e: e, in: in, text: text, folded: folded, verdict: verdict, reading: reading{reader: e.reader, text: text}}
	c, err := e.sessions.Apply(ctx, in.From.ID(), in.ID, m.step)
	if err == nil && c.Ask != nil {
		if c, err = e.listen(ctx, m, c); errors.Is(err, errUnheard) {
			return e.Fallback(false), &Failure{Verdict: verdict, Err: fmt.Errorf("handle message: %w", err)}
		}
	}
	if err != nil {
		if !verdict.Crisis() && e.lib.Vocab.Keyword(folded) == kwOptOut {
			// Never answer an opt-out, even with the fallback. It could not
			// be recorded: the carrier's own opt-out still holds.
			e.log().LogAttrs(ctx, slog.LevelError, "opt-out not recorded",
				slog.Any("texter", in.From), slog.Any("error", err))
			return Reply{}, nil
		}
		e.escalateLater(ctx, in, text, verdict)
		return e.Fallback(verdict.Crisis()), &Failure{Verdict: verdict, Err: fmt.Errorf("handle message: %w", err)}
	}
	if c.Fresh {
		e.after(ctx, in, m.fx)
	}
	if r := c.Handoff; r != nil && e.HumanLine != nil {
		// Done once per message by the human line: a retried message whose
		// handoff did not happen does it now.
		r.Texter = in.From
		if err := e.retry(ctx, func() error { return e.HumanLine.Handoff(ctx, *r) }); err != nil {
			err = fmt.Errorf("handle message: human line, %s: %w", r.Kind, err)
			if e.Later != nil {
				e.Later.Add(ctx, *r)
			}
			if r.Kind == HandoffLeave || r.Kind == HandoffAlert {
				// The texter opted out: nothing goes to them, not even the
				// fallback.
				e.log().LogAttrs(ctx, slog.LevelError, "human line not told", slog.Any("texter", in.From),
					slog.String("kind", string(r.Kind)), slog.Any("error", err))
				return Reply{}, nil
			}
			// The texter hears from the line either way.
			reply := Reply{Text: c.Reply}
			if reply.Text == "" {
				reply = e.Fallback(verdict.Crisis())
			}
			return reply, err
		}
	}
	return Reply{Text: c.Reply}, nil
}

// escalateLater has Later open a handoff for a message whose verdict calls
// the human line by itself but whose session could not be stored: the
// texter has the fallback, with the referral; a responder must hear of
// them all the same.
func (e *Engine) escalateLater(ctx context.Context, in Inbound, text string, v safety.Verdict) {
	if e.HumanLine == nil || e.Later == nil || !escalates(v) {
		return
	}
	e.Later.Open(ctx, HandoffRequest{
		Kind: HandoffOpen, Texter: in.From, To: in.To, MessageID: in.ID, Text: text,
		Lang: cmp.Or(v.Lang, content.English), Verdict: v, Reason: "crisis answered by the fallback",
	})
}

// Failure is a message the engine could not handle, with what triage
// said of it (never its words): a crisis answered by the fallback is told
// from any other failure in the log.
type Failure struct {
	Verdict safety.Verdict
	Err     error
}

func (f *Failure) Error() string { return f.Err.Error() }
func (f *Failure) Unwrap() error { return f.Err }

// errUnheard: the human line could not hear a message that is no crisis,
// and nothing was stored; the same message sent again is heard again.
var errUnheard = errors.New("the human line could not hear the message")

// listen has the human line hear m first, as c asks, and then stores the
// step in the light of what it heard.
func (e *Engine) listen(ctx context.Context, m *handling, c Committed) (Committed, error) {
	texter, id := m.in.From.ID(), m.in.ID
	h, herr := e.hear(ctx, m.in, *c.Ask)
	var err error
	for round := 0; errors.Is(herr, ErrStale) && round < staleRounds; round++ {
		// Another process answered the texter since this one last saw
		// them: the line acts only on their session as stored.
		seen := h.Seen
		if c, err = e.reread(ctx, texter, id, m.step, seen.Turns); err != nil || c.Ask == nil {
			return c, err
		}
		c.Ask.Over = &seen
		h, herr = e.hear(ctx, m.in, *c.Ask)
	}
	if herr == nil {
		m.heard, m.done = &h, c.Ask.Plans[h.Presence]
	} else {
		m.unheard = true
	}
	if c, err = e.sessions.Apply(ctx, texter, id, m.step); err != nil {
		return c, err
	}
	switch {
	case c.Ask != nil:
		return c, fmt.Errorf("%w: %w", errUnheard, herr)
	case !c.Fresh && m.heard != nil:
		// Answered before, by a try the line did not hear.
		c.Handoff = m.stillToDo(c.Handoff)
	}
	return c, nil
}

// hear asks the human line where it has the texter, and has it do what
// h plans for that.
func (e *Engine) hear(ctx context.Context, in Inbound, h Hearing) (Heard, error) {
	for _, r := range h.Plans {
		if r != nil {
			r.Texter = in.From
		}
	}
	var heard Heard
	err := e.retry(ctx, func() (err error) {
		heard, err = e.HumanLine.Hear(ctx, in.From, in.ID, h)
		return err
	})
	return heard, err
}

// staleRounds bounds how often one message reads the session again after
// the human line refused a hearing as stale. Each round another message
// of the texter was heard of meanwhile, as when a phone delivers a burst
// of them to several processes at once; the webhook's deadline bounds
// them too.
const staleRounds = 20

// staleWaits are the pauses before each new read of a session the human
// line has heard newer news of: the other process's commit is usually a
// moment away. A commit that never lands is waited for no longer.
var staleWaits = []time.Duration{0, 10 * time.Millisecond, 40 * time.Millisecond}

// reread applies step to the texter's session as stored, waiting for it
// to count seen messages while staleWaits allow.
func (e *Engine) reread(ctx context.Context, texter, id string, step Update, seen int) (Committed, error) {
	var c Committed
	var err error
	for _, wait := range staleWaits {
		if err := Pause(ctx, wait); err != nil {
			return Committed{}, err
		}
		e.sessions.Forget(texter)
		if c, err = e.sessions.Apply(ctx, texter, id, step); err != nil || c.Ask == nil || c.Ask.Turns >= seen {
			break
		}
	}
	return c, err
}

// Pause waits d, or less if ctx ends first, and says which.
func Pause(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// handling is one message on its way through Handle: what the pure step
// needs, and what the human line said of the message.
type handling struct {
	e       *Engine
	in      Inbound
	text    string // normalised
	folded  string
	verdict safety.Verdict
	reading reading         // shared by the step's runs
	fx      effects         // of the step's last run
	heard   *Heard          // where the human line had the texter, and what it kept, once heard
	done    *HandoffRequest // what it did then
	unheard bool            // it was asked first and could not be heard
}

// step is the message's bot.Update.
func (m *handling) step(s Session) Outcome {
	t := turn{e: m.e, in: m.in, text: m.text, folded: m.folded, verdict: m.verdict, reading: &m.reading, unheard: m.unheard}
	if m.heard != nil {
		t.heard = &m.heard.Presence
	}
	out := t.run(s)
	m.fx = t.fx
	if m.heard != nil {
		out.Handoff = m.stillToDo(out.Handoff)
	}
	return out
}

// stillToDo is what remains of r for the human line, which heard the
// message first and did m.done: nothing when r asks the same. When the
// session had changed since the line was asked (another process answered
// the texter meanwhile), r under an id of its own, without the words when
// the line kept them already.
func (m *handling) stillToDo(r *HandoffRequest) *HandoffRequest {
	if r == nil || sameStep(r, m.done) {
		return nil
	}
	again := *r
	again.MessageID = m.in.ID + ":again"
	if m.heard.Kept {
		again.Text = ""
	}
	return &again
}

// lineTries bounds how often one message tries the human line: a blip of
// Redis should not cost a texter their relay or their alert.
var lineTries = []time.Duration{0, 50 * time.Millisecond, 200 * time.Millisecond}

// retry asks the human line, and again after a short wait when that
// fails, while ctx allows: the line does a message's step once, so a try
// that landed but could not answer is not done twice.
func (e *Engine) retry(ctx context.Context, ask func() error) error {
	var err error
	for _, wait := range lineTries {
		if perr := Pause(ctx, wait); perr != nil {
			return errors.Join(err, perr)
		}
		if err = ask(); err == nil || errors.Is(err, ErrStale) {
			return err
		}
	}
	return err
}

// Fallback is the reply when something failed: it says the line is having
// trouble and carries 988 and 741741, in both languages. crisis picks the
// version that leads with the crisis referral.
func (e *Engine) Fallback(crisis bool) Reply {
	return Reply{Text: Fallback(e.lib, crisis)}
}

// Fallback returns the fallback text of lib, or the built-in one when lib
// is nil (the content failed to load).
func Fallback(lib *content.Library, crisis bool) string {
	id := "fallback"
	if crisis {
		id = "crisis.fallback"
	}
	if lib != nil {
		if t := lib.Text(content.English, id); t != "" {
			return t
		}
	}
	return builtinFallback
}

// builtinFallback is the last resort, for when even the content is missing.
const builtinFallback = "Sorry, Textline is having trouble right now. If you need help, call or text 988 or text HOME to 741741. In an emergency, call 911. En espanol: llama al 988 y marca 2, o envia AYUDA al 741741."

// effects are what a committed step asks to happen outside the store,
// once: the alert logged and the counters counted.
type effects struct {
	alert    *alert
	counters []tally.Name
}

type alert struct {
	reason   string
	category safety.Category
	severity safety.Severity
	replied  bool
}

// after makes a committed step's effects happen.
func (e *Engine) after(ctx context.Context, in Inbound, fx effects) {
	log := e.log()
	if a := fx.alert; a != nil {
		log.LogAttrs(ctx, slog.LevelWarn, "crisis alert",
			slog.Any("texter", in.From), slog.String("reason", a.reason),
			slog.String("category", string(a.category)), slog.String("severity", string(a.severity)),
			slog.Bool("replied", a.replied))
	}
	if e.Counter != nil {
		for _, name := range fx.counters {
			if err := e.Counter.Count(ctx, name); err != nil {
				log.LogAttrs(ctx, slog.LevelError, "count", slog.String("counter", string(name)), slog.Any("error", err))
			}
		}
	}
}

func (e *Engine) log() *slog.Logger {
	if e.Log != nil {
		return e.Log
	}
	return slog.Default()
}

func (e *Engine) idle() time.Duration {
	if e.Idle > 0 {
		return e.Idle
	}
	return 24 * time.Hour
}
