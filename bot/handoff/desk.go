package handoff

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
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
	args := l.args(in.ID)
	args["responder"] = who.id
	args["handle"] = cmd.handle
	args["line"] = in.To
	var res result
	var err error
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
	case cmdTake:
		args["raddr"] = l.seal.Seal(in.From.Addr())
		joined := "handoff.joined"
		if l.CallTwiML != "" {
			joined = "handoff.joined_call"
		}
		args["joined"] = l.texts(joined)
		err = run(ctx, l.rdb, l.prefix, "take", args, &res)
	case cmdPass:
		args["passed"] = l.texts("handoff.passed")
		args["alert"] = l.text("responder.alert")
		err = run(ctx, l.rdb, l.prefix, "pass", args, &res)
	case cmdClose:
		args["closed"] = l.texts("handoff.closed")
		err = run(ctx, l.rdb, l.prefix, "close", args, &res)
	case cmdSay:
		args["text"] = cmd.text
		err = run(ctx, l.rdb, l.prefix, "say", args, &res)
	}
	if err != nil {
		return bot.Reply{}, err
	}
	l.out.Notify()
	l.log().LogAttrs(ctx, slog.LevelInfo, "responder", slog.String("responder", who.id),
		slog.String("command", cmd.verb), slog.String("handle", res.Handle), slog.String("answer", res.Reply))
	if res.Texter != "" {
		if err := l.follow(ctx, res, in.ID); err != nil {
			return bot.Reply{}, err
		}
	}
	return bot.Reply{Text: l.responderReply(res)}, nil
}

// follow brings the texter's session in line with their handoff: active
// once taken, waiting once passed, back to the menu once closed.
func (l *Line) follow(ctx context.Context, res result, msg string) error {
	_, _, err := l.sessions.Apply(ctx, res.Texter, "handoff:"+msg, func(s bot.Session) bot.Outcome {
		s.Handoff = res.Session
		if res.Session == "" || s.New() {
			s.State = flows.Menu
		}
		return bot.Outcome{Session: s}
	})
	if err != nil {
		return fmt.Errorf("handoff %s: texter's session: %w", res.Handle, err)
	}
	return nil
}

func (l *Line) responderReply(res result) string {
	if res.Reply == "" {
		return ""
	}
	t := l.text("responder." + res.Reply)
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
