package handoff

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/cas"
)

// Prefix is the usual key prefix of every handoff key and of the outbox
// the handoff sends through: one hash tag, so each operation is one atomic
// commit on Redis Cluster too. Handoffs are few next to messages, so one
// slot holds them all.
const Prefix = "{tl:handoff}:"

// Keys under the prefix:
//
//	h:N           the handoff N, as JSON (Record)
//	said:N        its transcript: a list of JSON lines (Said)
//	audit:N       its audit trail: a list of JSON lines (outbox.Note)
//	queue         the waiting N, by severity then age
//	open:HANDLE   N of the open handoff with that handle
//	rest:HANDLE   a handle closed within the last hour: not given out again yet
//	texter:ID     N of the texter's open handoff (both kept as long as it)
//	all:ID        every N of the texter, as JSON, for DELETE
//	held:ID       the N a responder holds, as JSON
//	seq           the last N handed out
//	seen:ID       the last message heard of from the texter (bot.Seen), as JSON
//	m:ID          the answer to a message or action, so it is done once
//	events        the channel consoles hear changes on

// answerKeep is how long the answer to a message or action is kept
// against repeats: longer than a texter's reply is kept with the step it
// asked of the human line (redisstore's ReplyTTL), so a late retry never
// does a step twice.
const answerKeep = 24 * time.Hour

// maxTries bounds how often one operation recomputes after a guarded key
// changed under it.
const maxTries = 16

// view is what an operation reads, each value recorded as a guard: the
// commit happens only if every one still holds. A key this process has
// not seen is guessed absent; a wrong guess fails the commit, which then
// hands back the value.
type view struct {
	l      *Line
	guards map[string]string
}

func (v *view) get(key string) string {
	val := v.l.known.Get(key)
	v.guards[key] = val
	return val
}

// record reads the handoff n; nil when there is none.
func (v *view) record(n int64) *Record {
	if n == 0 {
		return nil
	}
	s := v.get(v.l.key("h:", n))
	if s == "" {
		return nil
	}
	var r Record
	if json.Unmarshal([]byte(s), &r) != nil {
		return nil
	}
	return &r
}

// pointer reads a key that holds one N.
func (v *view) pointer(key string) int64 {
	n, _ := strconv.ParseInt(v.get(key), 10, 64)
	return n
}

// list reads a key that holds N as JSON.
func (v *view) list(key string) []int64 {
	var out []int64
	if s := v.get(key); s != "" {
		json.Unmarshal([]byte(s), &out)
	}
	return out
}

// presence reads where the line has texter, whose session has answered
// turns messages, the last at since: their open handoff, or the last one
// when it closed after their last message. When that message is the last
// the line heard of (last counts as many), the line's own clock of it
// decides; otherwise the session's, to the second, counting a handoff
// opened in that second as opened by it.
func (v *view) presence(texter string, turns int, last bot.Seen, since time.Time) bot.Presence {
	if open := v.record(v.pointer(v.l.prefix + "texter:" + texter)); open != nil {
		switch open.Status {
		case Active:
			return bot.Held
		case Waiting:
			return bot.Queued
		}
	}
	past := v.list(v.l.prefix + "all:" + texter)
	if len(past) == 0 {
		return bot.Away
	}
	r := v.record(past[len(past)-1])
	switch {
	case r == nil || r.Status != Closed:
		return bot.Away
	case last.Turns == turns && !last.At.IsZero():
		if !r.Closed.Before(last.At) {
			return bot.Closed
		}
	case r.Closed.Unix() > since.Unix() || r.Created.Unix() >= since.Unix():
		return bot.Closed
	}
	return bot.Away
}

// seen reads the last message the line heard of from texter.
func (v *view) seen(texter string) bot.Seen {
	var m bot.Seen
	if s := v.get(v.l.prefix + "seen:" + texter); s != "" {
		json.Unmarshal([]byte(s), &m)
	}
	return m
}

// heldBy reads what the holder of r holds; none when nobody holds r.
func (v *view) heldBy(r *Record) []int64 {
	if r == nil || r.Holder == "" {
		return nil
	}
	return v.list(v.l.prefix + "held:" + r.Holder)
}

// records reads every handoff of a list.
func (v *view) records(ns []int64) []Record {
	var out []Record
	for _, n := range ns {
		if r := v.record(n); r != nil {
			out = append(out, *r)
		}
	}
	return out
}

// plan computes an operation from what it reads: what it writes and what
// it answers.
type plan[A any] func(v *view) (*delta, A)

// do runs an operation: it computes p on what this process knows and
// commits the result, guarded by what p read; when a guard fails it
// computes again on the values Redis handed back. once, when set, is the
// id of the message or action: done again, the operation changes nothing
// and answers as the first time (again is then true). A plan that
// returns no delta answers at once, with nothing committed or kept.
func do[A any](ctx context.Context, l *Line, once string, p plan[A]) (ans A, again bool, err error) {
	var zero A
	for range maxTries {
		v := &view{l: l, guards: map[string]string{}}
		c, a := p(v)
		if c == nil {
			return a, false, nil // nothing to commit, nor to keep as the answer
		}
		tx, written, err := l.tx(c, a, once)
		if err != nil {
			return zero, false, err
		}
		for k, val := range v.guards {
			tx.Expect = append(tx.Expect, cas.Expect{Key: k, Value: val})
		}
		res, err := cas.Commit(ctx, l.rdb, tx)
		switch {
		case errors.Is(err, cas.ErrConflict):
			for i, e := range tx.Expect {
				l.known.Put(e.Key, res.Current[i])
			}
			continue
		case err != nil:
			for _, e := range tx.Expect {
				l.known.Forget(e.Key)
			}
			return zero, false, err
		case res.Again:
			var first A
			if err := json.Unmarshal([]byte(res.Answer), &first); err != nil {
				return zero, false, fmt.Errorf("answer kept for %s: %w", once, err)
			}
			return first, true, nil
		}
		for k, val := range written {
			l.known.Put(k, val)
		}
		if len(c.sends) > 0 {
			l.out.Notify()
		}
		return a, false, nil
	}
	return zero, false, errors.New("handoff: records kept changing")
}

// tx turns a delta into one commit, and returns the values it writes to
// keys an operation may read.
func (l *Line) tx(c *delta, a any, once string) (cas.Tx, map[string]string, error) {
	keep := cas.Ms(l.retention())
	written := map[string]string{}
	var ops []cas.Op
	set := func(key, val string, expire bool) {
		written[key] = val
		switch {
		case val == "":
			ops = append(ops, cas.Op{Cmd: cas.Del, Args: []string{key}})
		case expire:
			ops = append(ops, cas.Op{Cmd: cas.Set, Args: []string{key, val, "PX", keep}})
		default:
			ops = append(ops, cas.Op{Cmd: cas.Set, Args: []string{key, val}})
		}
	}
	for _, r := range c.records {
		b, err := json.Marshal(r)
		if err != nil {
			return cas.Tx{}, nil, fmt.Errorf("handoff %d: %w", r.N, err)
		}
		set(l.key("h:", r.N), string(b), true)
	}
	// push adds a line, as JSON, to the list kind of handoff n.
	push := func(kind string, n int64, line any) error {
		b, err := json.Marshal(line)
		if err != nil {
			return fmt.Errorf("handoff %d: %w", n, err)
		}
		k := l.key(kind, n)
		ops = append(ops, cas.Op{Cmd: cas.RPush, Args: []string{k, string(b)}}, cas.Op{Cmd: cas.PExpire, Args: []string{k, keep}})
		return nil
	}
	for _, s := range c.said {
		if err := push("said:", s.n, s.v); err != nil {
			return cas.Tx{}, nil, err
		}
	}
	for _, n := range c.unsaid {
		ops = append(ops, cas.Op{Cmd: cas.Del, Args: []string{l.key("said:", n)}})
	}
	for _, s := range c.notes {
		if err := push("audit:", s.n, s.v); err != nil {
			return cas.Tx{}, nil, err
		}
	}
	for n, score := range c.queue {
		if math.IsNaN(score) {
			ops = append(ops, cas.Op{Cmd: cas.ZRem, Args: []string{l.prefix + "queue", itoa(n)}})
		} else {
			ops = append(ops, cas.Op{Cmd: cas.ZAdd, Args: []string{l.prefix + "queue", strconv.FormatFloat(score, 'f', -1, 64), itoa(n)}})
		}
	}
	for h, n := range c.handles {
		set(l.prefix+"open:"+h, nonzero(n), true)
	}
	for _, h := range c.rested {
		k := l.prefix + "rest:" + h
		written[k] = "1"
		ops = append(ops, cas.Op{Cmd: cas.Set, Args: []string{k, "1", "PX", cas.Ms(handleRest)}})
	}
	for t, n := range c.texters {
		set(l.prefix+"texter:"+t, nonzero(n), true)
	}
	// What points to a record lives as long as the record.
	for _, r := range c.records {
		var keys []string
		if r.Status != Closed {
			keys = append(keys, l.prefix+"open:"+r.Handle, l.prefix+"texter:"+r.Texter)
		}
		if r.Texter != "" {
			keys = append(keys, l.prefix+"all:"+r.Texter)
		}
		for _, k := range keys {
			if _, set := written[k]; !set {
				ops = append(ops, cas.Op{Cmd: cas.PExpire, Args: []string{k, keep}})
			}
		}
	}
	for who, ns := range c.holds {
		set(l.prefix+"held:"+who, listOf(ns), true)
	}
	for t, ns := range c.all {
		set(l.prefix+"all:"+t, listOf(ns), true)
	}
	for _, s := range c.sends {
		it := s.v
		it.Audit = l.key("audit:", s.n)
		ops = append(ops, l.out.Ops(l.now(), it)...)
	}
	for t, m := range c.marks {
		val := ""
		if m != nil {
			b, err := json.Marshal(m)
			if err != nil {
				return cas.Tx{}, nil, fmt.Errorf("seen %s: %w", t, err)
			}
			val = string(b)
		}
		set(l.prefix+"seen:"+t, val, true)
	}
	if c.forget != "" {
		ops = append(ops, l.out.Forget(l.now(), c.forget)...)
	}
	for _, e := range c.events {
		b, _ := json.Marshal(e)
		ops = append(ops, cas.Op{Cmd: cas.Publish, Args: []string{l.prefix + "events", string(b)}})
	}
	tx := cas.Tx{Slot: l.prefix + "queue", Ops: ops}
	if once != "" {
		b, err := json.Marshal(a)
		if err != nil {
			return cas.Tx{}, nil, err
		}
		tx.Once, tx.Answer, tx.Keep = l.prefix+"m:"+once, string(b), answerKeep
	}
	return tx, written, nil
}

func (l *Line) key(kind string, n int64) string { return l.prefix + kind + itoa(n) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func nonzero(n int64) string {
	if n == 0 {
		return ""
	}
	return itoa(n)
}

func listOf(ns []int64) string {
	if len(ns) == 0 {
		return ""
	}
	b, _ := json.Marshal(ns)
	return string(b)
}

// knownKeys bounds what a line remembers: a few hundred bytes each.
const knownKeys = 50_000

// numbers hands out handoff numbers from blocks taken from Redis, so
// opening a handoff rarely costs a round trip of its own.
type numbers struct {
	mu         sync.Mutex
	next, last int64
}

// numberBlock is how many numbers one trip to Redis takes.
const numberBlock = 20

func (l *Line) number(ctx context.Context) (int64, error) {
	l.nums.mu.Lock()
	defer l.nums.mu.Unlock()
	if l.nums.next == 0 || l.nums.next > l.nums.last {
		last, err := l.rdb.IncrBy(ctx, l.prefix+"seq", numberBlock).Result()
		if err != nil {
			return 0, fmt.Errorf("handoff number: %w", err)
		}
		l.nums.next, l.nums.last = last-numberBlock+1, last
	}
	n := l.nums.next
	l.nums.next++
	return n, nil
}

// Handles are a letter and a digit, then a letter and two digits, without
// the characters that read alike (I, L, O, 0, 1) and without N, which
// prefixes the overflow.
const (
	handleLetters = "ABCDEFGHJKMPQRSTUVWXYZ"
	handleDigits  = "23456789"
)

// candidates are handles for a new handoff to pick from, first free wins:
// short ones first.
func candidates() []string {
	out := make([]string, 0, 24)
	for range 16 {
		out = append(out, string(handleLetters[rand.N(len(handleLetters))])+string(handleDigits[rand.N(len(handleDigits))]))
	}
	for range 8 {
		out = append(out, string(handleLetters[rand.N(len(handleLetters))])+
			string(handleDigits[rand.N(len(handleDigits))])+string(handleDigits[rand.N(len(handleDigits))]))
	}
	return out
}

// handleRest is how long a handle freed by a close is not given out
// again: a responder's late TAKE or words for it must not reach the next
// texter to get it.
const handleRest = time.Hour

// freeHandle is the first candidate no open handoff has, nor one closed
// within handleRest, or "" when all are taken (the handoff is then N and
// its number).
func (v *view) freeHandle(cands []string) string {
	for _, h := range cands {
		if v.get(v.l.prefix+"open:"+h) == "" && v.get(v.l.prefix+"rest:"+h) == "" {
			return h
		}
	}
	return ""
}
