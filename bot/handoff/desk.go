package handoff

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/flows"
)

// Answer handles a responder's text: a command, or words for the texter
// they hold. Its reply goes back to the responder.
func (l *Line) Answer(ctx context.Context, in bot.Inbound) (bot.Reply, error) {
	who, ok := l.responders[in.From.Addr()]
	if !ok {
		return bot.Reply{}, fmt.Errorf("answer: %v is not a responder", in.From)
	}
	cmd := parseCommand(bot.Normalize(in.Body))
	switch cmd.verb {
	case cmdOptOut:
		// The carrier answers these; after a STOP nothing reaches this
		// phone, alerts included, until START.
		l.log().LogAttrs(ctx, slog.LevelWarn, "responder texted a carrier keyword: alerts to them may stop",
			slog.String("responder", who.id))
		return bot.Reply{}, nil
	case cmdHelp:
		return bot.Reply{Text: l.text("responder.help")}, nil
	case cmdList:
		return l.listReply(ctx)
	}
	res, err := l.Act(ctx, Action{
		ID: in.ID, Responder: who.id, Phone: in.From.Addr(), Line: in.To,
		Verb: cmd.verb, Handle: cmd.handle, Text: cmd.text,
	})
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{Text: l.responderReply(res)}, nil
}

// Verbs of an Action.
const (
	Take  = cmdTake
	Pass  = cmdPass
	Close = cmdClose
	Say   = cmdSay
)

// Action is one thing a responder does, from a phone or the console: the
// same operation either way.
type Action struct {
	ID        string // unique per action; a repeated ID is done once
	Responder string // the responder's id (a pseudonym)
	Phone     string // their phone, for relays while they hold it; "" from the console
	Line      string // the line's number they wrote to; "" from the console
	Verb      string // Take, Pass, Close or Say
	Handle    string // "" for the one they hold
	Text      string // for Say
}

// Outcome is what an Action did.
type Outcome struct {
	Answer   string // taken, taken_other, unknown, none_held, which, passed, closed, or "" (said)
	Handle   string
	Category string
	Severity string
	Handles  string // what they hold, for "which"
	Recent   string // the texter's last words, for "taken"
}

// Act does a responder's action and brings the texter's session in line.
func (l *Line) Act(ctx context.Context, a Action) (Outcome, error) {
	args := l.args(a.ID)
	args["responder"] = a.Responder
	args["handle"] = a.Handle
	args["line"] = a.Line
	var res result
	var err error
	switch a.Verb {
	case Take:
		args["raddr"] = ""
		if a.Phone != "" {
			args["raddr"] = l.seal.Seal(a.Phone)
		}
		joined := "handoff.joined"
		if l.CallTwiML != "" {
			joined = "handoff.joined_call"
		}
		args["joined"] = l.texts(joined)
		err = run(ctx, l.rdb, l.prefix, "take", args, &res)
	case Pass:
		args["passed"] = l.texts("handoff.passed")
		args["alert"] = l.text("responder.alert")
		err = run(ctx, l.rdb, l.prefix, "pass", args, &res)
	case Close:
		args["closed"] = l.texts("handoff.closed")
		err = run(ctx, l.rdb, l.prefix, "close", args, &res)
	case Say:
		args["text"] = a.Text
		err = run(ctx, l.rdb, l.prefix, "say", args, &res)
	default:
		return Outcome{}, fmt.Errorf("act: unknown verb %q", a.Verb)
	}
	if err != nil {
		return Outcome{}, err
	}
	l.out.Notify()
	if res.Fresh && !res.Again && res.Since > 0 {
		l.count(ctx, "take.wait."+waitBucket(l.now().Sub(time.UnixMilli(res.Since))))
	}
	l.log().LogAttrs(ctx, slog.LevelInfo, "responder", slog.String("responder", a.Responder),
		slog.String("command", a.Verb), slog.String("handle", res.Handle), slog.String("answer", res.Reply))
	if res.Texter != "" {
		if err := l.follow(ctx, res, a.ID); err != nil {
			return Outcome{}, err
		}
	}
	return Outcome{
		Answer: res.Reply, Handle: res.Handle, Category: res.Category, Severity: res.Severity,
		Handles: res.Handles, Recent: res.Recent,
	}, nil
}

// follow brings the texter's session in line with their handoff: with a
// person once taken, waiting once passed, back to the menu once closed.
func (l *Line) follow(ctx context.Context, res result, msg string) error {
	ev := flows.EvClosed
	switch res.Session {
	case "active":
		ev = flows.EvTaken
	case "waiting":
		ev = flows.EvPassed
	}
	_, err := l.sessions.Apply(ctx, res.Texter, "handoff:"+msg, func(s bot.Session) bot.Outcome {
		s.Flow.Fire(ev, true)
		return bot.Outcome{Session: s}
	})
	if err != nil {
		return fmt.Errorf("handoff %s: texter's session: %w", res.Handle, err)
	}
	return nil
}

func (l *Line) responderReply(res Outcome) string {
	if res.Answer == "" {
		return ""
	}
	t := l.text("responder." + res.Answer)
	return strings.NewReplacer(
		"{handle}", res.Handle, "{category}", res.Category, "{severity}", res.Severity,
		"{handles}", res.Handles, "{text}", clip(res.Recent, maxRecent),
	).Replace(t)
}

// maxRecent bounds what TAKE shows of the texter's last words.
const maxRecent = 1000

// maxListed bounds LIST: one SMS of lines.
const maxListed = 8

func (l *Line) listReply(ctx context.Context) (bot.Reply, error) {
	q, total, err := l.Queue(ctx, maxListed)
	if err != nil {
		return bot.Reply{}, err
	}
	if total == 0 {
		return bot.Reply{Text: l.text("responder.list_empty")}, nil
	}
	now := l.now()
	lines := make([]string, 0, len(q)+1)
	for _, w := range q {
		line := fmt.Sprintf("%s %s %s %s", w.Handle, w.Category, w.Severity, waited(now, w.Since))
		if w.OffHours {
			line += " (asked off hours)"
		}
		lines = append(lines, line)
	}
	if total > len(q) {
		lines = append(lines, fmt.Sprintf("+%d more", total-len(q)))
	}
	return bot.Reply{Text: strings.ReplaceAll(l.text("responder.list"), "{queue}", strings.Join(lines, "\n"))}, nil
}

// Queue returns the first limit waiting handoffs, by severity then wait,
// and how many wait in all.
func (l *Line) Queue(ctx context.Context, limit int) ([]Waiting, int, error) {
	var res result
	if err := run(ctx, l.rdb, l.prefix, "list", map[string]any{"now": l.now().UnixMilli(), "limit": limit}, &res); err != nil {
		return nil, 0, err
	}
	// An empty list comes back from Lua as {}, like an empty object.
	if res.Total == 0 || string(res.Queue) == "{}" {
		return nil, res.Total, nil
	}
	var q []queued
	if err := json.Unmarshal(res.Queue, &q); err != nil {
		return nil, 0, fmt.Errorf("handoff list: %w", err)
	}
	out := make([]Waiting, len(q))
	for i, w := range q {
		out[i] = Waiting{Handle: w.Handle, Category: w.Category, Severity: w.Severity,
			Since: time.UnixMilli(w.Created), OffHours: w.OffHours}
	}
	return out, res.Total, nil
}

// Waiting is a handoff in the queue.
type Waiting struct {
	Handle, Category, Severity string
	Since                      time.Time
	OffHours                   bool // asked for outside HANDOFF_HOURS
}

func waited(now, since time.Time) string {
	return fmt.Sprintf("%d min", int(now.Sub(since).Minutes()))
}

// Conversation is one open handoff as the console shows it.
type Conversation struct {
	Handle, Category, Severity string
	State                      string // waiting or active
	Holder                     string // the responder's id while active
	Since, Taken               time.Time
	OffHours                   bool
	Messages                   []Message // the transcript, oldest first
	Audit                      []Step
}

// Message is one message of a transcript.
type Message struct {
	At   time.Time
	Who  string // "texter", a responder's id, or "note:" and one for a private note
	Text string
	Flag string // triage's "category severity" on a texter's message that signals danger
}

// Step is one audit record.
type Step struct {
	At               time.Time
	Who, What, About string
}

// ErrNotOpen is returned for a handle that names no open handoff.
var ErrNotOpen = errors.New("no open handoff with that handle")

// View returns the open handoff named handle.
func (l *Line) View(ctx context.Context, handle string) (Conversation, error) {
	var res result
	if err := run(ctx, l.rdb, l.prefix, "view", map[string]any{"handle": handle}, &res); err != nil {
		return Conversation{}, err
	}
	if res.State == "none" {
		return Conversation{}, ErrNotOpen
	}
	c := Conversation{
		Handle: res.Handle, Category: res.Category, Severity: res.Severity, State: res.State,
		Holder: res.Holder, Since: time.UnixMilli(res.Since), OffHours: res.OffHours,
	}
	if res.Taken > 0 {
		c.Taken = time.UnixMilli(res.Taken)
	}
	lines, err := strs(res.Log)
	if err != nil {
		return Conversation{}, fmt.Errorf("handoff view: %w", err)
	}
	for _, m := range lines {
		f := strings.SplitN(m, "|", 3)
		if len(f) == 3 {
			m := Message{At: millis(f[0]), Who: f[1], Text: f[2]}
			if flag, ok := strings.CutPrefix(m.Who, "texter:"); ok {
				m.Who, m.Flag = "texter", strings.ReplaceAll(flag, ":", " ")
			}
			c.Messages = append(c.Messages, m)
		}
	}
	steps, err := strs(res.Audit)
	if err != nil {
		return Conversation{}, fmt.Errorf("handoff view: %w", err)
	}
	for _, s := range steps {
		f := strings.SplitN(s, "|", 4)
		if len(f) == 4 {
			c.Audit = append(c.Audit, Step{At: millis(f[0]), Who: f[1], What: f[2], About: f[3]})
		}
	}
	return c, nil
}

// Note adds a responder's private note to a handoff's transcript; it is
// never sent.
func (l *Line) Note(ctx context.Context, id, responder, handle, text string) error {
	args := l.args(id)
	args["responder"] = responder
	args["handle"] = handle
	args["text"] = text
	var res result
	if err := run(ctx, l.rdb, l.prefix, "note", args, &res); err != nil {
		return err
	}
	if res.Reply == "unknown" {
		return ErrNotOpen
	}
	return nil
}

func millis(s string) time.Time {
	n, _ := strconv.ParseInt(s, 10, 64)
	return time.UnixMilli(n)
}
