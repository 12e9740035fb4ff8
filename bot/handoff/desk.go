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

	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/outbox"
	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/bot/tally"
	"github.com/textline/textline/content"
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
	case optOut:
		// The carrier answers these; after a STOP nothing reaches this
		// phone, alerts included, until START.
		l.log().LogAttrs(ctx, slog.LevelWarn, "responder texted a carrier keyword: alerts to them may stop",
			slog.String("responder", who))
		return bot.Reply{}, nil
	case help:
		return bot.Reply{Text: l.text("responder.help")}, nil
	case list:
		return l.listReply(ctx)
	}
	res, err := l.Act(ctx, Action{
		ID: in.ID, Responder: who, Phone: in.From.Addr(),
		Verb: cmd.verb, Handle: cmd.handle, Text: cmd.text,
	})
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{Text: l.responderReply(res)}, nil
}

// Action is one thing a responder does, from a phone or the console: the
// same operation either way.
type Action struct {
	ID        string // unique per action; a repeated ID is done once
	Responder string // the responder's id (a pseudonym)
	Phone     string // their phone, for relays while they hold it; "" from the console
	Verb      Verb   // Take, Pass, Close or Say
	Handle    string // "" for the one they hold
	Text      string // for Say
}

// Result is what an Action did.
type Result struct {
	Reply    Reply
	Handle   string
	Category safety.Category
	Severity safety.Severity
	Handles  string // what they hold, for Which
	Recent   string // the texter's last words, for Taken
}

// Act does a responder's action. It changes only the human line: the
// texter's session follows at their next message (bot.Session.Follow).
func (l *Line) Act(ctx context.Context, a Action) (Result, error) {
	switch a.Verb {
	case Take, Pass, Close, Say:
	default:
		return Result{}, fmt.Errorf("act: unknown verb %q", a.Verb)
	}
	in := act{Action: a}
	if a.Phone != "" {
		in.raddr = l.seal.Seal(a.Phone)
	}
	ans, again, err := do(ctx, l, "act:"+a.Responder+":"+a.ID, func(v *view) (*delta, acted) {
		var named *Record
		if a.Handle != "" {
			named = v.record(v.pointer(l.prefix + "open:" + a.Handle))
		}
		pointer := func(r Record) bool { return v.pointer(l.prefix+"texter:"+r.Texter) == r.N }
		return onAct(l.env(), in, named, v.records(v.list(l.prefix+"held:"+a.Responder)), pointer)
	})
	if err != nil {
		return Result{}, fmt.Errorf("act %s: %w", a.Verb, err)
	}
	if ans.Fresh && !again {
		l.count(ctx, tally.TakeWait(tally.WaitBand(l.now().Sub(ans.Since))))
	}
	l.log().LogAttrs(ctx, slog.LevelInfo, "responder", slog.String("responder", a.Responder),
		slog.String("command", string(a.Verb)), slog.String("handle", ans.Handle), slog.String("answer", string(ans.Reply)))
	return Result{
		Reply: ans.Reply, Handle: ans.Handle, Category: ans.Category, Severity: ans.Severity,
		Handles: ans.Handles, Recent: ans.Recent,
	}, nil
}

func (l *Line) responderReply(res Result) string {
	if res.Reply == Relayed {
		return ""
	}
	return l.lib.Render(content.English, "responder."+string(res.Reply), content.Vars{
		"handle": res.Handle, "category": string(res.Category), "severity": string(res.Severity),
		"handles": res.Handles, "text": clip(res.Recent, maxRecent),
	})
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
	return bot.Reply{Text: l.lib.Render(content.English, "responder.list", content.Vars{"queue": strings.Join(lines, "\n")})}, nil
}

// queued returns the first limit waiting handoffs' numbers, in order.
func (l *Line) queued(ctx context.Context, limit int) ([]int64, error) {
	ids, err := l.rdb.ZRange(ctx, l.prefix+"queue", 0, int64(limit-1)).Result()
	if err != nil {
		return nil, fmt.Errorf("handoff queue: %w", err)
	}
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out, nil
}

// Queue returns the first limit waiting handoffs, by severity then wait,
// and how many wait in all.
func (l *Line) Queue(ctx context.Context, limit int) ([]Queued, int, error) {
	pipe := l.rdb.Pipeline()
	rng := pipe.ZRange(ctx, l.prefix+"queue", 0, int64(limit-1))
	card := pipe.ZCard(ctx, l.prefix+"queue")
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, 0, fmt.Errorf("handoff queue: %w", err)
	}
	var keys []string
	for _, id := range rng.Val() {
		keys = append(keys, l.prefix+"h:"+id)
	}
	recs, err := l.read(ctx, keys...)
	if err != nil {
		return nil, 0, err
	}
	var out []Queued
	for _, r := range recs {
		if r.Status == Waiting {
			out = append(out, Queued{Handle: r.Handle, Category: r.Category, Severity: r.Severity, Since: r.Created, OffHours: r.OffHours})
		}
	}
	return out, int(card.Val()), nil
}

// read returns the records stored at keys, skipping any not there.
func (l *Line) read(ctx context.Context, keys ...string) ([]Record, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	vals, err := l.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, fmt.Errorf("handoff records: %w", err)
	}
	var out []Record
	for i, v := range vals {
		s, ok := v.(string)
		if !ok {
			continue
		}
		l.known.Put(keys[i], s)
		var r Record
		if err := json.Unmarshal([]byte(s), &r); err != nil {
			return nil, fmt.Errorf("handoff record %s: %w", keys[i], err)
		}
		out = append(out, r)
	}
	return out, nil
}

// Queued is a handoff in the queue.
type Queued struct {
	Handle   string
	Category safety.Category
	Severity safety.Severity
	Since    time.Time
	OffHours bool // asked for outside HANDOFF_HOURS
}

func waited(now, since time.Time) string {
	return fmt.Sprintf("%d min", int(now.Sub(since).Minutes()))
}

// Conversation is one open handoff as the console shows it.
type Conversation struct {
	Handle   string
	Category safety.Category
	Severity safety.Severity
	Status   Status // waiting or active
	Holder   string // the responder's id while active
	Since    time.Time
	Taken    time.Time
	OffHours bool
	Messages []Said        // the transcript, oldest first
	Audit    []outbox.Note // what happened, by whom: the texter, a responder, the line or the outbox
}

// ErrNotOpen is returned for a handle that names no open handoff.
var ErrNotOpen = errors.New("no open handoff with that handle")

// View returns the open handoff named handle.
func (l *Line) View(ctx context.Context, handle string) (Conversation, error) {
	n, err := l.rdb.Get(ctx, l.prefix+"open:"+handle).Result()
	if errors.Is(err, redis.Nil) {
		return Conversation{}, ErrNotOpen
	}
	if err != nil {
		return Conversation{}, fmt.Errorf("handoff view: %w", err)
	}
	pipe := l.rdb.Pipeline()
	rec := pipe.Get(ctx, l.prefix+"h:"+n)
	said := pipe.LRange(ctx, l.prefix+"said:"+n, 0, -1)
	audit := pipe.LRange(ctx, l.prefix+"audit:"+n, 0, -1)
	if _, err := pipe.Exec(ctx); errors.Is(err, redis.Nil) || errors.Is(rec.Err(), redis.Nil) {
		return Conversation{}, ErrNotOpen
	} else if err != nil {
		return Conversation{}, fmt.Errorf("handoff view: %w", err)
	}
	var r Record
	if err := json.Unmarshal([]byte(rec.Val()), &r); err != nil {
		return Conversation{}, fmt.Errorf("handoff view: %w", err)
	}
	if r.Status == Closed {
		return Conversation{}, ErrNotOpen
	}
	c := Conversation{
		Handle: r.Handle, Category: r.Category, Severity: r.Severity, Status: r.Status,
		Holder: r.Holder, Since: r.Created, Taken: r.Taken, OffHours: r.OffHours,
	}
	for _, s := range said.Val() {
		var m Said
		if json.Unmarshal([]byte(s), &m) == nil {
			c.Messages = append(c.Messages, m)
		}
	}
	for _, s := range audit.Val() {
		var st outbox.Note
		if json.Unmarshal([]byte(s), &st) == nil {
			c.Audit = append(c.Audit, st)
		}
	}
	return c, nil
}

// Note adds a responder's private note to a handoff's transcript; it is
// never sent.
func (l *Line) Note(ctx context.Context, id, responder, handle, text string) error {
	ans, _, err := do(ctx, l, "note:"+responder+":"+id, func(v *view) (*delta, acted) {
		return onNote(l.env(), v.record(v.pointer(l.prefix+"open:"+handle)), responder, text)
	})
	if err != nil {
		return fmt.Errorf("note: %w", err)
	}
	if ans.Reply == Unknown {
		return ErrNotOpen
	}
	return nil
}
