// Package handoff is the human line (SPEC §8): when a texter needs a
// person, responders on call are alerted by SMS with a short handle, take
// the conversation by texting the line's own number, and talk with the
// texter through it, neither side seeing the other's number. The queue,
// the records and their audit trail live in Redis; every change is one
// script that also enqueues, in the same step, the messages it causes
// (package outbox sends them).
package handoff

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/outbox"
	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/content"
)

// Line is the human line: the engine's bot.HumanLine, and the desk that
// answers responders' texts.
type Line struct {
	rdb        outbox.Client
	prefix     string
	lib        *content.Library
	sessions   bot.Sessions
	seal       *bot.Sealer
	out        *outbox.Outbox
	responders map[string]responder // by address
	list       []map[string]string  // for the scripts: id and sealed address

	// Hours are when responders are on duty; nil means always.
	Hours *Hours
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

type responder struct{ id string }

var _ bot.HumanLine = (*Line)(nil)

// New returns the human line for the responders at phones (E.164),
// pseudonymised with pseudo and sealed with seal. Its keys are under the
// outbox's prefix, and it sends through it. Texters' sessions are updated
// in sessions when a responder takes, passes or closes.
func New(rdb outbox.Client, out *outbox.Outbox, lib *content.Library, sessions bot.Sessions, pseudo *bot.Pseudonymizer, seal *bot.Sealer, phones []string) *Line {
	l := &Line{rdb: rdb, prefix: out.Prefix(), lib: lib, sessions: sessions, seal: seal, out: out,
		responders: map[string]responder{}, list: []map[string]string{}}
	for _, p := range phones {
		t := pseudo.Texter(p)
		if _, dup := l.responders[t.Addr()]; dup || t.Addr() == "" {
			continue
		}
		l.responders[t.Addr()] = responder{id: t.ID()}
		l.list = append(l.list, map[string]string{"id": t.ID(), "addr": seal.Seal(t.Addr())})
	}
	return l
}

// IsResponder reports whether addr is a responder's: their texts go to
// the desk, never to the bot.
func (l *Line) IsResponder(addr string) bool {
	_, ok := l.responders[strings.TrimSpace(addr)]
	return ok
}

// Engine answers texters; *bot.Engine is one.
type Engine interface {
	Handle(ctx context.Context, in bot.Inbound) (bot.Reply, error)
	Fallback(crisis bool) bot.Reply
}

// Route returns what the webhook should ask: the desk for responders'
// texts, engine for everyone else's.
func (l *Line) Route(engine Engine) Engine { return router{l, engine} }

type router struct {
	line   *Line
	engine Engine
}

func (r router) Handle(ctx context.Context, in bot.Inbound) (bot.Reply, error) {
	if r.line.IsResponder(in.From.Addr()) {
		return r.line.Answer(ctx, in)
	}
	return r.engine.Handle(ctx, in)
}

func (r router) Fallback(crisis bool) bot.Reply { return r.engine.Fallback(crisis) }

// Handoff implements bot.HumanLine.
func (l *Line) Handoff(ctx context.Context, r bot.HandoffRequest) (bool, error) {
	args := l.args(r.MessageID)
	args["texter"] = r.Texter.ID()
	var res result
	var err error
	switch r.Kind {
	case bot.HandoffOpen, bot.HandoffMessage:
		l.texterArgs(args, r)
		args["open"] = r.Kind == bot.HandoffOpen
		args["offhours"] = r.OffHours
		err = run(ctx, l.rdb, l.prefix, "texter", args, &res)
		if err == nil && res.Created && !res.Again {
			l.count(ctx, "handoff.opened")
			l.log().LogAttrs(ctx, slog.LevelWarn, "handoff opened", slog.Any("texter", r.Texter),
				slog.String("handle", res.Handle), slog.String("reason", r.Reason),
				slog.String("category", string(r.Verdict.Category)), slog.String("severity", string(r.Verdict.Severity)),
				slog.Bool("off_hours", r.OffHours))
		}
	case bot.HandoffAlert:
		l.texterArgs(args, r)
		args["alert"] = l.text("responder.alert_optedout")
		err = run(ctx, l.rdb, l.prefix, "alert", args, &res)
	case bot.HandoffLeave:
		args["left"] = l.text("responder.texter_left")
		err = run(ctx, l.rdb, l.prefix, "leave", args, &res)
	case bot.HandoffCancel:
		err = run(ctx, l.rdb, l.prefix, "cancel", args, &res)
	case bot.HandoffErase:
		err = run(ctx, l.rdb, l.prefix, "erase", args, &res)
	case bot.HandoffCall:
		args["twiml"] = l.CallTwiML
		err = run(ctx, l.rdb, l.prefix, "call", args, &res)
	default:
		return false, fmt.Errorf("handoff: unknown kind %q", r.Kind)
	}
	if err != nil {
		return false, err
	}
	l.out.Notify()
	return res.State == "waiting" || res.State == "active", nil
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

// requestCategory labels a handoff asked for without any triage signal.
const requestCategory = "request"

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

// texterArgs describes the texter and their message for a script.
func (l *Line) texterArgs(args map[string]any, r bot.HandoffRequest) {
	v := r.Verdict
	relay, flag := "responder.relay", ""
	if v.Crisis() {
		relay, flag = "responder.relay_flag", string(v.Category)+":"+string(v.Severity)
	}
	if !v.Crisis() && v.Category != safety.Helper && v.Category != safety.Distress {
		v.Category = requestCategory
	}
	if v.Severity == "" {
		v.Severity = safety.None
	}
	args["addr"] = l.seal.Seal(r.Texter.Addr())
	args["line"] = r.Line
	args["channel"] = "sms"
	if strings.HasPrefix(r.Texter.Addr(), "whatsapp:") {
		args["channel"] = "whatsapp"
	}
	args["relayed"] = clip(r.Text, maxRelayed)
	args["flag"] = flag
	args["lang"] = string(r.Lang)
	args["category"] = string(v.Category)
	args["severity"] = string(v.Severity)
	args["reason"] = r.Reason
	args["text"] = r.Text
	args["handles"] = candidates()
	args["alert"] = l.text("responder.alert")
	args["relay"] = l.text(relay)
}

// args are what every operation gets.
func (l *Line) args(msg string) map[string]any {
	return map[string]any{
		"now":        l.now().UnixMilli(),
		"msg":        msg,
		"from":       l.From,
		"responders": l.list,
		"remind":     l.remind().Milliseconds(),
		"retention":  l.retention().Milliseconds(),
	}
}

// maxReminders bounds the reminders one waiting texter gets; responders
// keep being alerted.
const maxReminders = 3

// Tick sends what is due: reminders of handoffs nobody took in time, and
// the alerts of requests made off hours once responders are on duty.
func (l *Line) Tick(ctx context.Context) (int, error) {
	args := l.args("")
	args["on_duty"] = l.Hours.Open(l.now())
	args["max"] = maxReminders
	args["reminder"] = l.texts("handoff.reminder")
	args["again"] = l.text("responder.alert_again")
	args["alert"] = l.text("responder.alert")
	var res result
	if err := run(ctx, l.rdb, l.prefix, "remind", args, &res); err != nil {
		return 0, err
	}
	if res.Fired > 0 {
		l.out.Notify()
	}
	return res.Fired, nil
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

func (l *Line) count(ctx context.Context, name string) {
	if l.Counter != nil {
		l.Counter.Count(ctx, name)
	}
}

// WaitBuckets are the bands of time to TAKE the overview counts
// ("take.wait.<band>"), shortest first.
var WaitBuckets = []struct {
	Name string
	Upto time.Duration
}{
	{"1m", time.Minute}, {"3m", 3 * time.Minute}, {"10m", 10 * time.Minute},
	{"30m", 30 * time.Minute}, {"longer", 1<<63 - 1},
}

func waitBucket(d time.Duration) string {
	for _, b := range WaitBuckets {
		if d < b.Upto {
			return b.Name
		}
	}
	return WaitBuckets[len(WaitBuckets)-1].Name
}

// text is a responder's text; responders read English.
func (l *Line) text(id string) string { return l.lib.Text(content.English, id) }

// texts is a texter's text in both languages; the script picks the
// texter's.
func (l *Line) texts(id string) map[string]string {
	return map[string]string{
		string(content.English): l.lib.Text(content.English, id),
		string(content.Spanish): l.lib.Text(content.Spanish, id),
	}
}

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
