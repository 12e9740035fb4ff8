// Package redisstore keeps Textline's sessions and replies in Redis with
// go-redis. A message costs one round trip, or two: a script stores the
// new session and the reply only if the session is still the one the step
// ran on (an optimistic lock; otherwise it hands back the current session
// and the step runs again), and answers a retried message id with the
// reply it already gave.
//
// Keys carry the texter's pseudonym in a hash tag, tl:{id}, so every key of
// one texter lives in one Redis Cluster slot.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/cas"
)

// Client is the part of go-redis the store uses; *redis.Client,
// *redis.ClusterClient and failover clients all have it.
type Client interface {
	redis.Cmdable
	redis.Scripter
}

// Store implements bot.Sessions; its Tally counts.
type Store struct {
	rdb    Client
	recent *cas.Guesses // each texter's session after their last message here

	// SessionTTL is how long an idle session is kept. Zero means 96 hours.
	// Sessions of opted-out texters are kept until START or DELETE.
	SessionTTL time.Duration
	// ReplyTTL is how long the reply to a message id is kept for Twilio's
	// retries. Zero means 15 minutes.
	ReplyTTL time.Duration
	// Timeout bounds the commits of one Apply, all round trips included.
	// Zero means 800ms. A commit Redis gave no answer to costs a quarter
	// of it more: Apply asks what became of it.
	Timeout time.Duration
	// StatsTTL is how long daily counters are kept. Zero means 720 hours.
	StatsTTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

var _ bot.Sessions = (*Store)(nil)

// New returns a store on rdb.
func New(rdb Client) *Store { return &Store{rdb: rdb, recent: cas.NewGuesses(recentSessions)} }

// recentSessions bounds how many texters' sessions a store remembers.
// About 100 bytes each: ten megabytes at most.
const recentSessions = 100_000

// maxAttempts bounds how often one message retries a conflicting update;
// 50 messages from one texter at once all get through well within it.
const maxAttempts = 200

// ErrContention is returned when a texter's session kept changing under
// one message for maxAttempts tries.
var ErrContention = errors.New("session kept changing")

// ErrLate is returned when a commit reached Redis after its deadline, by
// when the texter had been given the fallback: it was refused.
var ErrLate = errors.New("commit came after its deadline")

// commit stores the new session and the reply when the session is still
// what the step saw and the commit is not late. It answers {0} when
// stored, {1, reply} when this message id was answered meanwhile, {2,
// current} on a conflict, and {3} when it ran after its deadline (the
// texter was given the fallback: nothing they were not told of happens).
//
// KEYS: session, this message's reply, the index of the texter's replies
// (a sorted set of reply keys by expiry in microseconds, so DELETE can
// find them and the oldest go first).
// ARGV: session seen (empty for none), new session (empty erases
// everything), session TTL in ms (0 keeps it), reply, reply TTL in ms,
// deadline in microseconds since the epoch. Expiry in the index and the
// deadline are reckoned on Redis's clock, as the keys' own expiry is; the
// line's clocks and Redis's are kept in step (NTP).
var commit = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
if now > tonumber(ARGV[6]) then return {3} end
local done = redis.call('GET', KEYS[2])
if done then return {1, done} end
local cur = redis.call('GET', KEYS[1]) or ''
if cur ~= ARGV[1] then return {2, cur} end
if ARGV[2] == '' then
  for _, k in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do redis.call('DEL', k) end
  redis.call('DEL', KEYS[1], KEYS[3])
elseif ARGV[3] == '0' then
  redis.call('SET', KEYS[1], ARGV[2])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[5])
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[5]) * 1000, KEYS[2])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local extra = redis.call('ZCARD', KEYS[3]) - ` + maxRepliesKept + `
if extra > 0 then
  local old = redis.call('ZPOPMIN', KEYS[3], extra)
  for i = 1, #old, 2 do redis.call('DEL', old[i]) end
end
redis.call('PEXPIRE', KEYS[3], ARGV[5])
return {0}
`)

// maxRepliesKept bounds the replies kept per texter for retries; a texter
// who sends more than this within the reply TTL loses the oldest first.
const maxRepliesKept = "64"

type keys struct{ session, reply, sent string }

func keysOf(texterID, messageID string) keys {
	// One string holds all three: tl:{id} is the session, tl:{id}:m the
	// index, and the whole the reply.
	reply := "tl:{" + texterID + "}:m:" + messageID
	base := len("tl:{") + len(texterID) + len("}")
	return keys{session: reply[:base], reply: reply, sent: reply[:base+len(":m")]}
}

// SessionKey is the key of a texter's session, for tools and tests.
func SessionKey(texterID string) string { return keysOf(texterID, "").session }

// ReplyKey is the key of the reply kept for a texter's message, for
// tools and tests.
func ReplyKey(texterID, messageID string) string { return keysOf(texterID, messageID).reply }

// Apply implements bot.Sessions.
//
// It does not read first: it runs step on the session it last saw for the
// texter (none for a texter it has not seen) and lets the commit script
// check that guess. When the guess is right, as it is for a new texter and
// for one whose messages come to this process, the message costs one round
// trip; when not, the script hands back the current session and the second
// try costs one more.
func (s *Store) Apply(ctx context.Context, texterID, messageID string, step bot.Update) (bot.Committed, error) {
	commitCtx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	// Past this the caller has its error and the texter the fallback: a
	// commit still in flight then must not land.
	deadline, _ := commitCtx.Deadline()
	k := keysOf(texterID, messageID)
	cur := s.recent.Get(texterID)
	for attempt := 0; attempt < maxAttempts; attempt++ {
		sess, err := decode(cur)
		if err != nil {
			// A value this version cannot read: start the texter afresh
			// rather than leave them without an answer.
			sess = bot.Session{}
		}
		out := step(sess)
		if out.Ask != nil {
			// The human line is heard first; the step runs again after.
			return bot.Committed{Ask: out.Ask}, nil
		}
		next, ttl := "", int64(0)
		if !out.Erase {
			next = encode(out.Session)
			if !out.Session.OptedOut() {
				ttl = orDefault(s.SessionTTL, 96*time.Hour).Milliseconds()
			}
		}
		reply, err := encodeReply(out.Reply, out.Handoff)
		if err != nil {
			return bot.Committed{}, fmt.Errorf("store session: %w", err)
		}
		res, err := commit.Run(commitCtx, s.rdb, []string{k.session, k.reply, k.sent},
			cur, next, ttl, reply, orDefault(s.ReplyTTL, 15*time.Minute).Milliseconds(), deadline.UnixMicro()).Slice()
		if err != nil {
			s.recent.Forget(texterID)
			return s.unanswered(ctx, k.reply, deadline, err)
		}
		switch code, _ := res[0].(int64); code {
		case 0:
			s.recent.Put(texterID, next)
			return bot.Committed{Reply: out.Reply, Handoff: out.Handoff, Fresh: true}, nil
		case 3:
			s.recent.Forget(texterID)
			return bot.Committed{}, fmt.Errorf("store session: %w", ErrLate)
		case 1:
			stored, _ := res[1].(string)
			c, err := decodeReply(stored)
			if err != nil {
				return bot.Committed{}, fmt.Errorf("store session: answered before: %w", err)
			}
			return c, nil
		}
		cur, _ = res[1].(string)
		s.recent.Put(texterID, cur)
		// A first miss is a stale guess; later ones are messages of the
		// same texter racing, which take turns.
		if attempt > 0 {
			if err := pause(commitCtx, attempt); err != nil {
				return bot.Committed{}, fmt.Errorf("store session: %w", err)
			}
		}
	}
	return bot.Committed{}, fmt.Errorf("store session: %w", ErrContention)
}

// unanswered is what Apply returns for a commit Redis did not answer
// (err): it may still run, until its deadline, or have run with its
// answer lost (the client gave up first, or Redis died before replying).
// Only a message whose step did not happen may be answered with the
// fallback, so unanswered waits for the deadline, after which the commit
// can no longer run, and then asks Redis whether the message was
// answered: if it was, that is the outcome, as for a retried message.
func (s *Store) unanswered(ctx context.Context, replyKey string, deadline time.Time, err error) (bot.Committed, error) {
	err = fmt.Errorf("store session: %w", err)
	var refused redis.Error
	if errors.As(err, &refused) {
		return bot.Committed{}, err // Redis answered: it ran nothing
	}
	wait := time.NewTimer(time.Until(deadline)) // however ctx ends: before the deadline, nothing is known
	<-wait.C
	ask, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout()/4)
	defer cancel()
	stored, gerr := s.rdb.Get(ask, replyKey).Result()
	switch {
	case errors.Is(gerr, redis.Nil):
		return bot.Committed{}, err
	case gerr != nil:
		return bot.Committed{}, fmt.Errorf("%w; whether it ran is unknown: %w", err, gerr)
	}
	c, derr := decodeReply(stored)
	if derr != nil {
		return bot.Committed{}, fmt.Errorf("store session: answered meanwhile: %w", derr)
	}
	return c, nil
}

func (s *Store) timeout() time.Duration { return orDefault(s.Timeout, 800*time.Millisecond) }

// Forget implements bot.Sessions.
func (s *Store) Forget(texterID string) { s.recent.Forget(texterID) }

// pause waits a little, more after each conflict, so that concurrent
// messages of one texter take turns instead of colliding again.
func pause(ctx context.Context, attempt int) error {
	return bot.Pause(ctx, time.Duration(rand.Int64N(int64(time.Millisecond)*int64(min(attempt+1, 10)))))
}

// statsKey is the hash of today's counters (UTC).
func (s *Store) statsKey() string {
	return "tl:stats:" + s.now().UTC().Format("2006-01-02")
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// OptedOut reports whether the texter opted out: the outbox asks before
// every send to a texter.
func (s *Store) OptedOut(ctx context.Context, texterID string) (bool, error) {
	v, err := s.rdb.Get(ctx, SessionKey(texterID)).Result()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read session: %w", err)
	}
	sess, err := decode(v)
	if err != nil {
		return false, fmt.Errorf("read session: %w", err)
	}
	return sess.OptedOut(), nil
}

// Ping reports whether Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	// On a Cluster, every master holds some texters: each must answer.
	if c, ok := s.rdb.(*redis.ClusterClient); ok {
		err := c.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
			return m.Ping(ctx).Err()
		})
		if err != nil {
			return fmt.Errorf("ping redis cluster: %w", err)
		}
		return nil
	}
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping redis: %w", err)
	}
	return nil
}

// orDefault is d, or def when d is not set; never under a millisecond,
// Redis's unit of expiry.
func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		d = def
	}
	return max(d, time.Millisecond)
}
