package redisstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/content"
	"github.com/textline/textline/flows"
)

// A session is stored as one short string, "4|state|lang|tip|kind|category|
// flags|turns|lastseen|asked|severity": a few dozen bytes, so an idle
// session costs well under 300 bytes of Redis memory. The leading number
// is the format's version. Version 3 had no severity; versions 1 and 2
// kept the human line apart from the state ("2|…|handoff", and an
// opted-out flag); they are all still read. No field can hold a "|": they
// are state, language, kind, category and severity names from the flows,
// the content and triage, and numbers.
const (
	formatV1 = "1"
	formatV2 = "2"
	formatV3 = "3"
	formatV4 = "4"
	fieldsV1 = 9
	fieldsV2 = 10
	fieldsV3 = 10
	fieldsV4 = 11
)

const (
	flagOptOut = 1 << iota // versions 1 and 2 only
	flagStopHinted
	flagAskedLater
	flagMissed
)

func encode(s bot.Session) string {
	flags := 0
	if s.StopHinted {
		flags |= flagStopHinted
	}
	if s.AskedLater {
		flags |= flagAskedLater
	}
	if s.Missed {
		flags |= flagMissed
	}
	state := ""
	if !s.New() {
		state = string(s.Flow.State())
	}
	b := make([]byte, 0, 64)
	b = append(append(append(b, formatV4...), '|'), state...)
	b = append(append(append(b, '|'), s.Lang...), '|')
	b = append(strconv.AppendInt(b, int64(s.TipNext), 10), '|')
	b = append(append(append(append(b, s.GroupKind...), '|'), s.Category...), '|')
	b = append(strconv.AppendInt(b, int64(flags), 10), '|')
	b = append(strconv.AppendInt(b, int64(s.Turns), 10), '|')
	b = append(strconv.AppendInt(b, s.LastSeen.Unix(), 10), '|')
	b = append(strconv.AppendInt(b, int64(s.Flow.Asked()), 10), '|')
	b = append(b, s.Severity...)
	return string(b)
}

var errFormat = errors.New("unknown session format")

func decode(v string) (bot.Session, error) {
	if v == "" {
		return bot.Session{}, nil
	}
	var fields [fieldsV4 + 1]string // one more than any version has, to tell a longer value
	f := split(fields[:0], v)
	switch {
	case len(f) == fieldsV4 && f[0] == formatV4, len(f) == fieldsV3 && f[0] == formatV3:
	case len(f) == fieldsV2 && f[0] == formatV2, len(f) == fieldsV1 && f[0] == formatV1:
	default:
		return bot.Session{}, errFormat
	}
	tip, err1 := strconv.Atoi(f[3])
	flags, err2 := strconv.Atoi(f[6])
	turns, err3 := strconv.Atoi(f[7])
	seen, err4 := strconv.ParseInt(f[8], 10, 64)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return bot.Session{}, fmt.Errorf("decode session: %w", err)
	}
	state, asked, severity := flows.State(f[1]), flows.AskedNothing, safety.Severity("")
	if f[0] == formatV4 {
		severity = safety.Severity(f[10])
	}
	if f[0] == formatV3 || f[0] == formatV4 {
		n, err := strconv.Atoi(f[9])
		if err != nil {
			return bot.Session{}, fmt.Errorf("decode session: %w", err)
		}
		asked = flows.Question(n)
	} else {
		state, asked = fromV2(state, f, flags)
	}
	pos, err := flows.Restore(state, asked)
	if err != nil {
		return bot.Session{}, fmt.Errorf("decode session: %w", err)
	}
	return bot.Session{
		Flow:       pos,
		Lang:       content.Lang(f[2]),
		TipNext:    tip,
		GroupKind:  content.GroupKind(f[4]),
		Category:   safety.Category(f[5]),
		Severity:   severity,
		StopHinted: flags&flagStopHinted != 0,
		AskedLater: flags&flagAskedLater != 0,
		Missed:     flags&flagMissed != 0,
		Turns:      turns,
		LastSeen:   time.Unix(seen, 0),
	}, nil
}

// split appends to f the "|"-separated fields of v, as strings.Split
// would give them, up to cap(f) of them (the last holding the rest).
func split(f []string, v string) []string {
	for len(f) < cap(f)-1 {
		field, rest, found := strings.Cut(v, "|")
		f = append(f, field)
		if !found {
			return f
		}
		v = rest
	}
	return append(f, v)
}

// fromV2 is the state and question of a version 1 or 2 session, which
// kept the human line and the opt-out beside the step, and the question
// in the step itself.
func fromV2(state flows.State, f []string, flags int) (flows.State, flows.Question) {
	asked := flows.AskedNothing
	switch state {
	case flows.Crisis:
		asked = flows.AskedSafe
	case flows.RiskCheck:
		asked = flows.AskedRisk
	}
	handoff := ""
	if len(f) == fieldsV2 {
		handoff = f[9]
	}
	switch {
	case flags&flagOptOut != 0:
		return flows.OptedOut, flows.AskedNothing
	case handoff == "waiting":
		return flows.Waiting, asked
	case handoff == "active":
		return flows.WithPerson, asked
	}
	return state, asked
}

// A reply is stored as its text. One whose message asked something of the
// human line is stored as withHandoff and the JSON of both, so that a
// retried message can ask it again: the texter's words stay as long as
// the reply does (ReplyTTL), and their number is never stored.
const withHandoff = "\x1e"

type storedReply struct {
	Reply   string              `json:"reply"`
	Handoff *bot.HandoffRequest `json:"handoff"`
}

func encodeReply(reply string, h *bot.HandoffRequest) (string, error) {
	if h == nil {
		return reply, nil
	}
	b, err := json.Marshal(storedReply{Reply: reply, Handoff: h})
	if err != nil {
		return "", fmt.Errorf("encode reply: %w", err)
	}
	return withHandoff + string(b), nil
}

func decodeReply(v string) (bot.Committed, error) {
	rest, ok := strings.CutPrefix(v, withHandoff)
	if !ok {
		return bot.Committed{Reply: v}, nil
	}
	var r storedReply
	if err := json.Unmarshal([]byte(rest), &r); err != nil {
		return bot.Committed{}, fmt.Errorf("decode reply: %w", err)
	}
	return bot.Committed{Reply: r.Reply, Handoff: r.Handoff}, nil
}
