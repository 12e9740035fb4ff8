package console_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/textline/textline/bot/console"
	"github.com/textline/textline/bot/proxy"
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

// Behind a trusted proxy each client's failures count for its own
// address, the one the proxy forwards; X-Forwarded-For from anyone else
// is ignored.
func TestLockoutBehindProxy(t *testing.T) {
	const attacker, responder, other = "203.0.113.9", "198.51.100.7", "192.0.2.44"
	fiveFrom := func(forwardedFor string) []string { return slices.Repeat([]string{forwardedFor}, 5) }
	for _, tt := range []struct {
		name    string
		proxies string
		fails   []string // X-Forwarded-For of each wrong password
		counted string   // the address the trail counts the first against
		then    []signInFrom
	}{
		{"forged by a peer that is no proxy", "192.0.2.10", fiveFrom(attacker), "127.0.0.1", []signInFrom{
			{responder, http.StatusUnauthorized}, {"", http.StatusUnauthorized},
		}},
		{"two clients through a trusted proxy", "127.0.0.1, ::1", []string{attacker, other, attacker, other, attacker, other}, attacker, []signInFrom{
			{attacker, http.StatusSeeOther}, {other, http.StatusSeeOther},
		}},
		{"one client through a trusted proxy", "127.0.0.1, ::1", fiveFrom(attacker), attacker, []signInFrom{
			{responder, http.StatusSeeOther}, {"", http.StatusSeeOther}, {attacker, http.StatusUnauthorized},
		}},
		{"through a trusted proxy, the responder's address forged", "127.0.0.1, ::1", fiveFrom(responder + ", " + attacker), attacker, []signInFrom{
			{responder, http.StatusSeeOther}, {attacker, http.StatusUnauthorized},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			proxies, err := proxy.ParseTrusted(tt.proxies)
			if err != nil {
				t.Fatal(err)
			}
			srv, _, acc := newConsole(t, func(c *console.Console) { c.Proxies = proxies })
			for _, from := range tt.fails {
				if status := signInVia(t, srv, from, "not the password"); status != http.StatusUnauthorized {
					t.Fatalf("a wrong password: %d, want 401", status)
				}
			}
			for _, s := range tt.then {
				if status := signInVia(t, srv, s.forwardedFor, password); status != s.want {
					t.Errorf("the right password, forwarded for %q: %d, want %d", s.forwardedFor, status, s.want)
				}
			}
			trail, err := acc.Trail(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if want := "|sam|sign-in refused: wrong password|" + tt.counted; !strings.HasSuffix(trail[1], want) {
				t.Errorf("the first failure is in the trail as %q, want it counted against %s", trail[1], tt.counted)
			}
		})
	}
}

// signInFrom is a sign-in forwarded for an address, and its answer.
type signInFrom struct {
	forwardedFor string // no header when empty
	want         int
}

// signInVia signs sam in with X-Forwarded-For set to forwardedFor, and
// returns the answer's status.
func signInVia(t *testing.T, srv *httptest.Server, forwardedFor, pw string) int {
	t.Helper()
	c := browser(t)
	_, body := get(t, c, srv.URL+"/console/login")
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no token on the sign-in page:\n%s", body)
	}
	form := url.Values{"csrf": {m[1]}, "name": {"sam"}, "password": {pw}}
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/console/login", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
