package console_test

import (
	"errors"
	"testing"
	"time"

	"github.com/textline/textline/bot/console"
	"github.com/textline/textline/bot/redisstore/redistest"
)

// Wrong passwords lock the name from the address they came from, not
// from everywhere; an address the name signed in from before is never
// locked out of the right password.
func TestLockoutIsPerAddress(t *testing.T) {
	_, _, acc := newConsole(t)
	ctx := t.Context()
	const attacker, home, elsewhere = "203.0.113.9", "198.51.100.7", "192.0.2.44"
	for range 6 {
		acc.SignIn(ctx, "sam", "not the password", attacker)
	}
	if _, err := acc.SignIn(ctx, "sam", password, attacker); !errors.Is(err, console.ErrLocked) {
		t.Errorf("right password from the locked address: %v, want locked", err)
	}
	if _, err := acc.SignIn(ctx, "sam", password, elsewhere); err != nil {
		t.Errorf("right password from another address while one is locked: %v", err)
	}

	if _, err := acc.SignIn(ctx, "sam", password, home); err != nil {
		t.Fatal(err)
	}
	for range 6 {
		acc.SignIn(ctx, "sam", "mistyped", home)
	}
	if _, err := acc.SignIn(ctx, "sam", "mistyped", home); !errors.Is(err, console.ErrLocked) {
		t.Errorf("a wrong password from a known address past the limit: %v, want locked", err)
	}
	if _, err := acc.SignIn(ctx, "sam", password, home); err != nil {
		t.Errorf("right password from a known address past the limit: %v", err)
	}
}

// The lock runs from the first failure: attempts while locked do not
// make it longer, so a few requests an hour cannot keep anyone out.
func TestLockoutDoesNotRestart(t *testing.T) {
	if !redistest.Real() {
		t.Skip("keys age on their own only in a real Redis: set REDIS_URL")
	}
	_, _, acc := newConsole(t)
	acc.Lockout = time.Minute
	ctx := t.Context()
	const attacker = "203.0.113.77" // this test's alone
	for range 6 {
		acc.SignIn(ctx, "sam", "not the password", attacker)
	}
	time.Sleep(2 * time.Second)
	if _, err := acc.SignIn(ctx, "sam", "not the password", attacker); !errors.Is(err, console.ErrLocked) {
		t.Fatalf("a wrong password past the limit: %v, want locked", err)
	}
	rdb := redistest.Client(t)
	keys, err := rdb.Keys(ctx, "*fail:pair:sam:"+attacker).Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("the lock's key: %v %v", keys, err)
	}
	if left := rdb.PTTL(ctx, keys[0]).Val(); left > time.Minute-2*time.Second {
		t.Errorf("the lock has %s left after an attempt 2s into it: the attempt made it longer", left)
	}
}
