//go:build unix

package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot/redisstore"
)

// pace waits a moment between one texter's messages, or until stop.
func pace(stop <-chan struct{}) {
	select {
	case <-stop:
	case <-time.After(time.Duration(50+rand.IntN(100)) * time.Millisecond):
	}
}

func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

// walked is what one texter's walk through the tips saw.
type walked struct {
	from           string
	tips, fellBack int
	skips          []skip
}

// fellBack is a message the line answered with the fallback: when it was
// sent, and when the fallback came.
type fellBack struct {
	sid        string
	sent, back time.Time
}

// fault is something that befell Redis, and when.
type fault struct {
	what string
	at   time.Time
}

// skip is a tip a texter was never shown: a later one came first.
type skip struct {
	expected, got int
	since         []fellBack // answered with the fallback since the tip before
}

// walk has a texter go through the tips until stop: HI for the welcome,
// 1 for the first tip, then MORE, again and again. Every reply shows
// where the texter is. A fallback means the step did not happen, so the
// next normal reply is the step asked for again; a later tip is a skip,
// which checkSkips looks into once Redis is steady.
func (c *chaos) walk(from string, stop <-chan struct{}) walked {
	w := walked{from: from}
	next := -1 // the tip due next; -1 before the welcome
	var since []fellBack
	for ; !stopped(stop); pace(stop) {
		body := "more"
		switch {
		case next < 0:
			body = "hi"
		case w.tips == 0:
			body = "1"
		}
		sent := time.Now()
		reply, sid, err := c.hook.send(from, body)
		got := c.say.tip(reply)
		switch {
		case err != nil:
			c.t.Errorf("walker %s: %v", from, err)
			return w
		case c.say.fallback(reply):
			w.fellBack++
			since = append(since, fellBack{sid: sid, sent: sent, back: time.Now()})
		case next < 0 && strings.HasPrefix(reply, c.say.welcome):
			next = 0
		case next >= 0 && got >= 0 && w.tips > 0:
			if got != next {
				w.skips = append(w.skips, skip{expected: next, got: got, since: since})
			}
			since, next = nil, (got+1)%len(c.say.tips)
			w.tips++
		case next == 0 && got == 0:
			next = 1
			w.tips++
		default:
			c.t.Errorf("walker %s (%s in the logs), after %d tips and %d fallbacks: %q (%s) answered %q; want %s, or the fallback",
				from, c.pseudonym(from), w.tips, w.fellBack, body, sid, reply, c.expected(next))
			return w
		}
	}
	return w
}

func (c *chaos) expected(next int) string {
	if next < 0 {
		return "the welcome"
	}
	return fmt.Sprintf("tip %d (%.40q…)", next, c.say.tips[next])
}

// checkSkips finds out why a walker was never shown a tip. One cause is
// a limit of the line, not a fault of it: a message in flight when Redis
// froze or was killed, whose commit Redis ran just before and whose
// answer did not come back in time, so that the texter got the fallback
// (docs/ARCHITECTURE.md, "Limits"). Redis then keeps the skipped tip as
// that message's reply. Anything else moved a texter a step they were
// never told of: a commit that ran after its deadline, or a step done
// twice.
func (c *chaos) checkSkips(walks []walked, faults []fault, rdb *redis.Client) {
	n, limited := len(c.say.tips), 0
	for _, w := range walks {
		for _, s := range w.skips {
			var kept []int
			var story []string
			explained := true
			for _, f := range s.since {
				v, err := rdb.Get(context.Background(), redisstore.ReplyKey(c.pseudonym(w.from), f.sid)).Result()
				if errors.Is(err, redis.Nil) {
					story = append(story, f.sid+": nothing kept")
					continue
				}
				if err != nil {
					c.t.Errorf("read the reply kept for %s: %v", f.sid, err)
					return
				}
				tip, when := c.say.tip(v), "not in flight when Redis froze or was killed"
				i := slices.IndexFunc(faults, func(x fault) bool { return f.sent.Before(x.at) && f.back.After(x.at) })
				if i >= 0 {
					when = "in flight when Redis " + faults[i].what
				}
				story = append(story, fmt.Sprintf("%s: tip %d kept, %s", f.sid, tip, when))
				explained = explained && i >= 0 && tip == (s.expected+len(kept))%n
				kept = append(kept, tip)
			}
			explained = explained && (s.expected+len(kept))%n == s.got
			if !explained {
				c.t.Errorf("walker %s (%s in the logs) was shown tip %d when tip %d was due: a step they were not told of happened. "+
					"Answered with the fallback since the tip before: %s", w.from, c.pseudonym(w.from), s.got, s.expected, strings.Join(story, "; "))
				continue
			}
			limited++
			c.t.Logf("walker %s was never shown tips %v: Redis ran their commits just before it froze or was killed, "+
				"and the texter got the fallback (%s)", w.from, kept, strings.Join(story, "; "))
		}
	}
	c.t.Logf("%d tips skipped by commits that Redis ran just before it froze or was killed", limited)
}
