package handoff

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot/outbox"
)

// Prefix is the usual key prefix of every handoff key and of the outbox
// the handoff sends through: one hash tag, so each operation is one atomic
// script on Redis Cluster too. Handoffs are few next to messages, so one
// slot holds them all.
const Prefix = "{tl:handoff}:"

//go:embed desk.lua
var deskLua string

// desk runs one operation on the queue (see desk.lua).
var desk = redis.NewScript(outbox.Lua + deskLua)

// result is what an operation answers; each uses some of the fields.
type result struct {
	State    string          `json:"state"`
	Handle   string          `json:"handle"`
	Created  bool            `json:"created"`
	Reply    string          `json:"reply"`
	Handles  string          `json:"handles"`
	Category string          `json:"category"`
	Severity string          `json:"severity"`
	Texter   string          `json:"texter"`
	Session  string          `json:"session"`
	Recent   string          `json:"recent"`
	Fired    int             `json:"fired"`
	Total    int             `json:"total"`
	Queue    json.RawMessage `json:"queue"`

	Fresh bool `json:"fresh"` // "take": it was waiting
	Again bool `json:"again"` // done before for this message or action: nothing changed

	// For "view" (and "take").
	Holder   string          `json:"holder"`
	Since    int64           `json:"since"`
	Taken    int64           `json:"taken"`
	OffHours bool            `json:"offhours"`
	Log      json.RawMessage `json:"log"`
	Audit    json.RawMessage `json:"audit"`
}

// strings decodes a list from a script: Lua answers an empty one as {}.
func strs(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "{}" {
		return nil, nil
	}
	var out []string
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// queued is one line of LIST.
type queued struct {
	Handle   string `json:"handle"`
	Category string `json:"category"`
	Severity string `json:"severity"`
	Created  int64  `json:"created"`
	OffHours bool   `json:"offhours"`
}

// run runs op with args and decodes its answer into out.
func run(ctx context.Context, rdb outbox.Client, prefix, op string, args map[string]any, out any) error {
	b, err := json.Marshal(args)
	if err != nil {
		return fmt.Errorf("handoff %s: %w", op, err)
	}
	s, err := desk.Run(ctx, rdb, []string{prefix}, op, string(b)).Text()
	if err != nil {
		return fmt.Errorf("handoff %s: %w", op, err)
	}
	if err := json.Unmarshal([]byte(s), out); err != nil {
		return fmt.Errorf("handoff %s: answer: %w", op, err)
	}
	return nil
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
