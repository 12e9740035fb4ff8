// Package cas commits a set of Redis writes in one round trip, and only
// if the keys they were computed from still hold what was read: the
// compare-and-set that lets Textline's logic live in Go while Redis only
// stores. A commit may also be made once per id: done again, it changes
// nothing and returns what it returned the first time.
//
// Every key of a commit must be in one Redis Cluster slot (one hash tag).
package cas

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Client is the part of go-redis a commit uses.
type Client interface {
	redis.Scripter
}

// Expect is a guard: Key must hold Value, "" meaning that it does not
// exist.
type Expect struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Op is one write. Cmd is one of the commands below; Unless, when set,
// skips the op if any of those keys exists, checked before any op runs
// (so that ops sharing an Unless are done together or not at all).
type Op struct {
	Cmd    Cmd      `json:"cmd"`
	Args   []string `json:"args"`
	Unless []string `json:"unless,omitempty"`
}

// Cmd is a Redis command a commit may run.
type Cmd string

// The commands a commit may run: writes only.
const (
	Set     Cmd = "SET"     // key value [PX ms]
	Del     Cmd = "DEL"     // key…
	HSet    Cmd = "HSET"    // key field value…
	RPush   Cmd = "RPUSH"   // key value…
	ZAdd    Cmd = "ZADD"    // key score member
	ZRem    Cmd = "ZREM"    // key member
	PExpire Cmd = "PEXPIRE" // key ms
	Publish Cmd = "PUBLISH" // channel message
)

// Tx is one commit.
type Tx struct {
	// Slot is a key in the slot every key of the commit is in.
	Slot   string
	Expect []Expect
	Ops    []Op
	// Once, when set, is a key that keeps Answer for Keep: a commit whose
	// Once key exists does nothing and returns what it holds.
	Once   string
	Answer string
	Keep   time.Duration
}

// ErrConflict is returned when a guarded key changed; Current then holds
// what each Expect's key holds now, in order.
var ErrConflict = errors.New("cas: a guarded key changed")

// Result is what a commit did.
type Result struct {
	// Again: the Once key was there; nothing was written and Answer is the
	// first commit's.
	Again  bool
	Answer string
	// Current holds, on ErrConflict, the values of the Expect keys.
	Current []string
}

var commit = redis.NewScript(`
local tx = cjson.decode(ARGV[1])
if tx.once ~= '' then
  local done = redis.call('GET', tx.once)
  if done then return {1, done} end
end
for _, e in ipairs(tx.expect) do
  if (redis.call('GET', e.key) or '') ~= e.value then
    local now = {}
    for i, g in ipairs(tx.expect) do now[i] = redis.call('GET', g.key) or '' end
    return {2, now}
  end
end
local allowed = {SET = 1, DEL = 1, HSET = 1, RPUSH = 1, ZADD = 1, ZREM = 1, PEXPIRE = 1, PUBLISH = 1}
local skip = {}
for i, op in ipairs(tx.ops) do
  if not allowed[op.cmd] then return redis.error_reply('cas: command not allowed: ' .. op.cmd) end
  for _, k in ipairs(op.unless or {}) do
    if redis.call('EXISTS', k) == 1 then skip[i] = true end
  end
end
for i, op in ipairs(tx.ops) do
  if not skip[i] then redis.call(op.cmd, unpack(op.args)) end
end
if tx.once ~= '' then redis.call('SET', tx.once, tx.answer, 'PX', tx.keep) end
return {0}
`)

type wire struct {
	Expect []Expect `json:"expect"`
	Ops    []Op     `json:"ops"`
	Once   string   `json:"once"`
	Answer string   `json:"answer"`
	Keep   int64    `json:"keep"`
}

// Commit runs tx in one round trip.
func Commit(ctx context.Context, rdb Client, tx Tx) (Result, error) {
	if tx.Once != "" && tx.Keep <= 0 {
		return Result{}, errors.New("cas: a commit made once needs Keep")
	}
	w := wire{Expect: tx.Expect, Ops: tx.Ops, Once: tx.Once, Answer: tx.Answer, Keep: tx.Keep.Milliseconds()}
	if w.Expect == nil {
		w.Expect = []Expect{}
	}
	if w.Ops == nil {
		w.Ops = []Op{}
	}
	b, err := json.Marshal(w)
	if err != nil {
		return Result{}, fmt.Errorf("cas: %w", err)
	}
	res, err := commit.Run(ctx, rdb, []string{tx.Slot}, string(b)).Slice()
	if err != nil {
		return Result{}, fmt.Errorf("cas: %w", err)
	}
	switch code, _ := res[0].(int64); code {
	case 0:
		return Result{Answer: tx.Answer}, nil
	case 1:
		s, _ := res[1].(string)
		return Result{Again: true, Answer: s}, nil
	}
	list, _ := res[1].([]any)
	out := Result{Current: make([]string, len(list))}
	for i, v := range list {
		out.Current[i], _ = v.(string)
	}
	return out, ErrConflict
}

// Ms is a duration as the milliseconds Redis takes.
func Ms(d time.Duration) string { return fmt.Sprint(d.Milliseconds()) }
