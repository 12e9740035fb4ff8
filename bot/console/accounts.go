package console

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/crypto/bcrypt"
)

// Prefix is the key prefix of the console's accounts and sessions.
const Prefix = "{tl:console}:"

// Accounts are the responders who may sign in to the console, and their
// sessions, in Redis. Passwords are kept as bcrypt hashes.
type Accounts struct {
	rdb    redis.Cmdable
	prefix string

	// SessionTTL is how long a sign-in lasts. Zero means 12 hours.
	SessionTTL time.Duration
	// MaxFailures is how many wrong passwords lock a name from one
	// address for Lockout. Zero means 5.
	MaxFailures int
	// Lockout is how long. Zero means 15 minutes.
	Lockout time.Duration
	// Retention is how long the sign-in trail is kept. Zero means 720
	// hours.
	Retention time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// maxTrail bounds the sign-in trail.
const maxTrail = 10000

// record adds one line to the console's trail: who did what, when, and
// from which address. Passwords are never in it.
func (a *Accounts) record(ctx context.Context, name, what, client string) error {
	now := a.now()
	retention := cmp.Or(a.Retention, 720*time.Hour)
	k := a.key("audit")
	pipe := a.rdb.TxPipeline()
	pipe.RPush(ctx, k, fmt.Sprintf("%d|%s|%s|%s", now.UnixMilli(), name, what, client))
	pipe.LTrim(ctx, k, -maxTrail, -1)
	pipe.PExpire(ctx, k, retention)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("console trail: %w", err)
	}
	return nil
}

// Trail returns the console's trail, oldest first: "ms|name|what|address".
func (a *Accounts) Trail(ctx context.Context) ([]string, error) {
	out, err := a.rdb.LRange(ctx, a.key("audit"), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("console trail: %w", err)
	}
	return out, nil
}

// NewAccounts returns the accounts kept in rdb under prefix.
func NewAccounts(rdb redis.Cmdable, prefix string) *Accounts {
	return &Accounts{rdb: rdb, prefix: prefix}
}

var nameRe = regexp.MustCompile(`^[a-z][a-z0-9._-]{1,31}$`)

// Errors of Accounts.
var (
	ErrBadName   = errors.New("a name is 2 to 32 lower-case letters, digits, dots, dashes or underscores, starting with a letter")
	ErrShort     = errors.New("a password has at least 12 characters")
	ErrExists    = errors.New("that responder exists")
	ErrNoSuch    = errors.New("no such responder")
	ErrLocked    = errors.New("too many wrong passwords: try again later")
	ErrWrong     = errors.New("wrong name or password")
	ErrNoSession = errors.New("not signed in")
)

// minPasswordLen is the shortest password Add accepts.
const minPasswordLen = 12

func (a *Accounts) key(parts ...string) string {
	k := a.prefix
	for i, p := range parts {
		if i > 0 {
			k += ":"
		}
		k += p
	}
	return k
}

// Add creates a responder.
func (a *Accounts) Add(ctx context.Context, name, password string) error {
	if err := a.add(ctx, name, password); err != nil {
		return err
	}
	return a.record(ctx, name, "account added", "")
}

func (a *Accounts) add(ctx context.Context, name, password string) error {
	if !nameRe.MatchString(name) {
		return ErrBadName
	}
	if len([]rune(password)) < minPasswordLen {
		return ErrShort
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("add responder: %w", err)
	}
	ok, err := a.rdb.HSetNX(ctx, a.key("responders"), name, string(hash)).Result()
	if err != nil {
		return fmt.Errorf("add responder: %w", err)
	}
	if !ok {
		return ErrExists
	}
	return nil
}

// Remove deletes a responder; their sessions end at their next request.
func (a *Accounts) Remove(ctx context.Context, name string) error {
	n, err := a.rdb.HDel(ctx, a.key("responders"), name).Result()
	if err != nil {
		return fmt.Errorf("remove responder: %w", err)
	}
	// An account made again under the name knows no address.
	if err := a.rdb.Del(ctx, a.key("known", name)).Err(); err != nil {
		return fmt.Errorf("remove responder: %w", err)
	}
	if n == 0 {
		return ErrNoSuch
	}
	return a.record(ctx, name, "account removed", "")
}

// List returns the responders' names, sorted.
func (a *Accounts) List(ctx context.Context) ([]string, error) {
	names, err := a.rdb.HKeys(ctx, a.key("responders")).Result()
	if err != nil {
		return nil, fmt.Errorf("list responders: %w", err)
	}
	sort.Strings(names)
	return names, nil
}

// Session is a signed-in responder.
type Session struct {
	Name string
	CSRF string // the token every form must carry
}

// SignIn checks name and password and returns a new session token.
//
// Wrong passwords are counted for the name from the client's address, and
// for the address across names (one place trying many); past MaxFailures
// (sprayFactor times as many for the address) the pair, or the address,
// is locked for Lockout from its first failure: attempts while locked do
// not make it longer. So nobody elsewhere can lock a responder out, and
// an address the name signed in from before is never locked out of the
// right password.
func (a *Accounts) SignIn(ctx context.Context, name, password, client string) (token string, err error) {
	// Count the attempt before checking it, atomically, so that guesses
	// sent all at once are counted all the same.
	pairKey, addrKey := a.key("fail", "pair", name, client), a.key("fail", "addr", client)
	pipe := a.rdb.TxPipeline()
	pair, addr := pipe.Incr(ctx, pairKey), pipe.Incr(ctx, addrKey)
	pipe.ExpireNX(ctx, pairKey, a.lockout())
	pipe.ExpireNX(ctx, addrKey, a.lockout())
	known := pipe.SIsMember(ctx, a.key("known", name), client)
	if _, err := pipe.Exec(ctx); err != nil {
		return "", fmt.Errorf("sign in: %w", err)
	}
	max := int64(a.maxFailures())
	locked := pair.Val() > max || addr.Val() > sprayFactor*max
	if locked && !known.Val() {
		if err := a.record(ctx, name, "sign-in refused: locked", client); err != nil {
			return "", err
		}
		return "", ErrLocked
	}
	hash, err := a.rdb.HGet(ctx, a.key("responders"), name).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return "", fmt.Errorf("sign in: %w", err)
	}
	if hash == "" {
		// Spend the same time as a real check, so names cannot be probed.
		hash = dummyHash
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil || hash == dummyHash {
		what, err := "sign-in refused: wrong password", ErrWrong
		if locked {
			what, err = "sign-in refused: locked", ErrLocked
		}
		if rerr := a.record(ctx, name, what, client); rerr != nil {
			return "", rerr
		}
		return "", err
	}
	// A right password is not a failure: take its count back, and know
	// the address.
	pipe = a.rdb.TxPipeline()
	pipe.Del(ctx, pairKey)
	pipe.Decr(ctx, addrKey)
	pipe.SAdd(ctx, a.key("known", name), client)
	pipe.Expire(ctx, a.key("known", name), knownFor)
	token, csrf := random(), random()
	pipe.HSet(ctx, a.sessionKey(token), "name", name, "csrf", csrf, "account", accountID(hash))
	pipe.PExpire(ctx, a.sessionKey(token), a.sessionTTL())
	if _, err := pipe.Exec(ctx); err != nil {
		return "", fmt.Errorf("sign in: %w", err)
	}
	if err := a.record(ctx, name, "signed in", client); err != nil {
		return "", err
	}
	return token, nil
}

// accountID tells one account from a later one of the same name: a
// session lives only as long as the account it was opened for.
func accountID(hash string) string {
	sum := sha256.Sum256([]byte(hash))
	return hex.EncodeToString(sum[:8])
}

// dummyHash is a bcrypt hash of nothing anyone can type.
var dummyHash = func() string {
	h, _ := bcrypt.GenerateFromPassword([]byte(random()), bcrypt.DefaultCost)
	return string(h)
}()

// Session returns the session of token, if it is current and its
// responder still exists.
func (a *Accounts) Session(ctx context.Context, token string) (Session, error) {
	if token == "" {
		return Session{}, ErrNoSession
	}
	f, err := a.rdb.HGetAll(ctx, a.sessionKey(token)).Result()
	if err != nil {
		return Session{}, fmt.Errorf("session: %w", err)
	}
	if f["name"] == "" {
		return Session{}, ErrNoSession
	}
	hash, err := a.rdb.HGet(ctx, a.key("responders"), f["name"]).Result()
	if errors.Is(err, redis.Nil) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, fmt.Errorf("session: %w", err)
	}
	if accountID(hash) != f["account"] {
		return Session{}, ErrNoSession // the account was removed and made again
	}
	return Session{Name: f["name"], CSRF: f["csrf"]}, nil
}

// SignOut ends the session of token.
func (a *Accounts) SignOut(ctx context.Context, token, name, client string) error {
	if err := a.rdb.Del(ctx, a.sessionKey(token)).Err(); err != nil {
		return fmt.Errorf("sign out: %w", err)
	}
	return a.record(ctx, name, "signed out", client)
}

// sessionKey stores a digest of the token, so a copy of Redis holds no
// usable session.
func (a *Accounts) sessionKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return a.key("session", hex.EncodeToString(sum[:]))
}

func random() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (a *Accounts) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *Accounts) sessionTTL() time.Duration { return cmp.Or(a.SessionTTL, 12*time.Hour) }

func (a *Accounts) maxFailures() int { return cmp.Or(a.MaxFailures, 5) }

// sprayFactor: an address may fail this many times MaxFailures, across
// names, before it is locked.
const sprayFactor = 4

// knownFor is how long an address a name signed in from stays known.
const knownFor = 30 * 24 * time.Hour

func (a *Accounts) lockout() time.Duration { return cmp.Or(a.Lockout, 15*time.Minute) }
