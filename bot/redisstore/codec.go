package redisstore

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/content"
)

// A session is stored as one short string, "2|state|lang|tip|kind|category|
// flags|turns|lastseen|handoff": a few dozen bytes, so an idle session
// costs well under 300 bytes of Redis memory. The leading number is the
// format's version; version 1 had no handoff field and is still read. No
// field can hold a "|": they are state, language, kind, category and
// handoff names from the flows and the content, and numbers.
const (
	formatV1 = "1"
	formatV2 = "2"
	fieldsV1 = 9
	fieldsV2 = 10
)

const (
	flagOptOut = 1 << iota
	flagStopHinted
)

func encode(s bot.Session) string {
	flags := 0
	if s.OptedOut {
		flags |= flagOptOut
	}
	if s.StopHinted {
		flags |= flagStopHinted
	}
	var b strings.Builder
	b.Grow(64)
	for i, f := range []string{
		formatV2, s.State, string(s.Lang), strconv.Itoa(s.TipNext), s.GroupKind, s.Category,
		strconv.Itoa(flags), strconv.Itoa(s.Turns), strconv.FormatInt(s.LastSeen.Unix(), 10), s.Handoff,
	} {
		if i > 0 {
			b.WriteByte('|')
		}
		b.WriteString(f)
	}
	return b.String()
}

var errFormat = errors.New("unknown session format")

func decode(v string) (bot.Session, error) {
	if v == "" {
		return bot.Session{}, nil
	}
	f := strings.Split(v, "|")
	switch {
	case len(f) == fieldsV2 && f[0] == formatV2:
	case len(f) == fieldsV1 && f[0] == formatV1:
		f = append(f, "")
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
	return bot.Session{
		State:      f[1],
		Lang:       content.Lang(f[2]),
		TipNext:    tip,
		GroupKind:  f[4],
		Category:   f[5],
		OptedOut:   flags&flagOptOut != 0,
		StopHinted: flags&flagStopHinted != 0,
		Turns:      turns,
		LastSeen:   time.Unix(seen, 0),
		Handoff:    f[9],
	}, nil
}
