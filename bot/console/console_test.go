package console_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/textline/textline/bot/console"
	"github.com/textline/textline/bot/handoff"
	"github.com/textline/textline/bot/redisstore/redistest"
	"github.com/textline/textline/bot/tally"
)

// desk is a human line with one waiting conversation, K7.
type desk struct {
	mu      sync.Mutex
	holder  string
	actions []handoff.Action
	notes   []string
}

func (d *desk) Queue(context.Context, int) ([]handoff.Queued, int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.holder != "" {
		return nil, 0, nil
	}
	return []handoff.Queued{{Handle: "K7", Category: "suicide_risk", Severity: "high", Since: time.Now().Add(-4 * time.Minute)}}, 1, nil
}

func (d *desk) View(_ context.Context, handle string) (handoff.Conversation, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if handle != "K7" {
		return handoff.Conversation{}, handoff.ErrNotOpen
	}
	status := handoff.Waiting
	if d.holder != "" {
		status = handoff.Active
	}
	return handoff.Conversation{Handle: "K7", Category: "suicide_risk", Severity: "high", Status: status, Holder: d.holder,
		Messages: []handoff.Said{{From: handoff.FromTexter, Text: "<b>i need someone</b>", At: time.Now()}}}, nil
}

func (d *desk) Act(_ context.Context, a handoff.Action) (handoff.Result, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.actions = append(d.actions, a)
	switch a.Verb {
	case handoff.Take:
		if d.holder != "" && d.holder != a.Responder {
			return handoff.Result{Reply: handoff.TakenOther}, nil
		}
		d.holder = a.Responder
		return handoff.Result{Reply: handoff.Taken, Handle: "K7"}, nil
	case handoff.Close:
		d.holder = ""
		return handoff.Result{Reply: handoff.Ended, Handle: "K7"}, nil
	}
	return handoff.Result{Handle: "K7"}, nil
}

func (d *desk) Note(_ context.Context, _, _, _, text string) error {
	d.notes = append(d.notes, text)
	return nil
}

const password = "correct horse battery"

// stats has a few counts today.
type stats struct{}

func (stats) Days(_ context.Context, n int) ([]tally.Day, error) {
	days := make([]tally.Day, n)
	for i := range days {
		days[i] = tally.Day{Date: time.Date(2026, 11, 15+i, 0, 0, 0, 0, time.UTC), Counts: map[tally.Name]int64{}}
	}
	days[n-1].Counts = map[tally.Name]int64{"conversation.start": 12, "handoff.opened": 3, "menu.tips": 5, "take.wait.3m": 2}
	return days, nil
}

// feed has no changes.
type feed struct{}

func (feed) Changes(ctx context.Context) (<-chan handoff.Change, error) {
	return make(chan handoff.Change), nil
}

// newConsole serves a console with one responder, sam, on real Redis;
// each option changes the console before it serves.
func newConsole(t *testing.T, options ...func(*console.Console)) (*httptest.Server, *desk, *console.Accounts) {
	t.Helper()
	rdb := redistest.Client(t)
	prefix := fmt.Sprintf("{tl:console-test%d}:", rand.Int64())
	t.Cleanup(func() {
		keys, _ := rdb.Keys(context.Background(), prefix+"*").Result()
		for _, k := range keys {
			rdb.Del(context.Background(), k)
		}
	})
	acc := console.NewAccounts(rdb, prefix)
	if err := acc.Add(context.Background(), "sam", password); err != nil {
		t.Fatal(err)
	}
	d := &desk{}
	c := console.New(acc, d, feed{}, stats{}, []console.Insert{{Label: "988", Text: "Call or text 988 any time."}})
	c.Secure = false
	for _, o := range options {
		o(c)
	}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return srv, d, acc
}

// browser keeps cookies and does not follow redirects.
func browser(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// signIn signs sam in and returns the page's CSRF token.
func signIn(t *testing.T, srv *httptest.Server, c *http.Client, pw string) (int, string) {
	t.Helper()
	_, body := get(t, c, srv.URL+"/console/login")
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no token on the sign-in page:\n%s", body)
	}
	status, _ := post(t, c, srv.URL+"/console/login", url.Values{"csrf": {m[1]}, "name": {"Sam"}, "password": {pw}})
	if status != http.StatusSeeOther {
		return status, ""
	}
	_, body = get(t, c, srv.URL+"/console/")
	m = csrfRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no token on the queue page:\n%s", body)
	}
	return status, m[1]
}

func TestRefusesWithoutSignIn(t *testing.T) {
	srv, d, _ := newConsole(t)
	c := browser(t)
	for _, path := range []string{"/console/", "/console/c/K7"} {
		status, _ := get(t, c, srv.URL+path)
		if status != http.StatusSeeOther {
			t.Errorf("GET %s without signing in: %d, want a redirect to sign in", path, status)
		}
	}
	for _, path := range []string{"/console/c/K7/take", "/console/c/K7/say", "/console/logout"} {
		status, _ := post(t, c, srv.URL+path, url.Values{"text": {"hi"}})
		if status != http.StatusForbidden {
			t.Errorf("POST %s without signing in: %d, want 403", path, status)
		}
	}
	if len(d.actions) != 0 {
		t.Errorf("actions without signing in: %+v", d.actions)
	}
}

func TestSignIn(t *testing.T) {
	srv, _, _ := newConsole(t)
	c := browser(t)
	if status, _ := signIn(t, srv, c, "wrong password!!"); status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d, want 401", status)
	}
	if status, _ := get(t, c, srv.URL+"/console/"); status != http.StatusSeeOther {
		t.Fatalf("after a wrong password the queue answered %d", status)
	}
	// The login form needs its own token.
	status, _ := post(t, browser(t), srv.URL+"/console/login", url.Values{"name": {"sam"}, "password": {password}})
	if status != http.StatusForbidden {
		t.Errorf("sign-in without the form's token: %d, want 403", status)
	}
	status, _ = signIn(t, srv, c, password)
	if status != http.StatusSeeOther {
		t.Fatalf("right password: %d", status)
	}
	_, body := get(t, c, srv.URL+"/console/")
	for _, want := range []string{"K7", "suicide_risk", "high", "waiting 4 min"} {
		if !strings.Contains(body, want) {
			t.Errorf("queue lacks %q", want)
		}
	}
}

func TestSignInLocksAfterFailures(t *testing.T) {
	srv, _, _ := newConsole(t)
	c := browser(t)
	for range 5 {
		signIn(t, srv, c, "not the password")
	}
	if status, _ := signIn(t, srv, c, password); status != http.StatusUnauthorized {
		t.Errorf("right password after 5 failures: %d, want 401 (locked)", status)
	}
}

func TestCookies(t *testing.T) {
	srv, _, _ := newConsole(t)
	resp, err := http.Get(srv.URL + "/console/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
			t.Errorf("cookie %s: HttpOnly %v SameSite %v", ck.Name, ck.HttpOnly, ck.SameSite)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
}

func TestTakeAnswerClose(t *testing.T) {
	srv, d, _ := newConsole(t)
	c := browser(t)
	_, token := signIn(t, srv, c, password)
	_, body := get(t, c, srv.URL+"/console/c/K7")
	if !strings.Contains(body, "&lt;b&gt;i need someone&lt;/b&gt;") {
		t.Errorf("texter's words not escaped:\n%s", body)
	}
	if status, _ := post(t, c, srv.URL+"/console/c/K7/take", url.Values{}); status != http.StatusForbidden {
		t.Errorf("TAKE without the CSRF token: %d, want 403", status)
	}
	if len(d.actions) != 0 {
		t.Fatalf("a form without its token acted: %+v", d.actions)
	}
	steps := []struct{ verb, text string }{{"take", ""}, {"say", "I'm here with you."}, {"note", "calmer now"}, {"close", ""}}
	for _, s := range steps {
		if status, _ := post(t, c, srv.URL+"/console/c/K7/"+s.verb, url.Values{"csrf": {token}, "text": {s.text}}); status != http.StatusSeeOther {
			t.Errorf("%s: %d", s.verb, status)
		}
	}
	var verbs []string
	for _, a := range d.actions {
		if a.Responder != "web:sam" {
			t.Errorf("acted as %q", a.Responder)
		}
		verbs = append(verbs, string(a.Verb)+":"+a.Text)
	}
	if got := strings.Join(verbs, ","); got != "take:,say:I'm here with you.,close:" {
		t.Errorf("actions %s", got)
	}
	if len(d.notes) != 1 || d.notes[0] != "calmer now" {
		t.Errorf("notes %q", d.notes)
	}
}

func TestAccounts(t *testing.T) {
	_, _, acc := newConsole(t)
	ctx := context.Background()
	for _, tc := range []struct{ name, pw string }{{"Sam!", password}, {"x", password}, {"alex", "short"}} {
		if err := acc.Add(ctx, tc.name, tc.pw); err == nil {
			t.Errorf("Add(%q, %q) accepted", tc.name, tc.pw)
		}
	}
	if err := acc.Add(ctx, "sam", password); err != console.ErrExists {
		t.Errorf("adding sam twice: %v", err)
	}
	if names, _ := acc.List(ctx); strings.Join(names, ",") != "sam" {
		t.Errorf("List = %q", names)
	}
	token, err := acc.SignIn(ctx, "sam", password, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if err := acc.Remove(ctx, "sam"); err != nil {
		t.Fatal(err)
	}
	if _, err := acc.Session(ctx, token); err != console.ErrNoSession {
		t.Errorf("a removed responder's session: %v", err)
	}
	if err := acc.Add(ctx, "sam", password); err != nil {
		t.Fatal(err)
	}
	if _, err := acc.Session(ctx, token); err != console.ErrNoSession {
		t.Errorf("a session came back with the account's name: %v", err)
	}
	if err := acc.Remove(ctx, "sam"); err != nil {
		t.Fatal(err)
	}
	trail, err := acc.Trail(ctx)
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(trail, "\n")
	for _, want := range []string{"|sam|account added|", "|sam|signed in|127.0.0.1", "|sam|account removed|"} {
		if !strings.Contains(joined, want) {
			t.Errorf("trail lacks %q:\n%s", want, joined)
		}
	}
	if strings.Contains(joined, password) {
		t.Error("the trail holds a password")
	}
}

func TestOverview(t *testing.T) {
	srv, _, _ := newConsole(t)
	c := browser(t)
	signIn(t, srv, c, password)
	status, body := get(t, c, srv.URL+"/console/overview")
	if status != 200 {
		t.Fatalf("overview: %d", status)
	}
	for _, want := range []string{"<svg", "12 conversations, 3 handed to a person", "Coping tips: 5", "1 to 3 min: 2", `role="img"`} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
}

// The console's own files are served; their folder is not listed.
func TestStaticFiles(t *testing.T) {
	srv, _, _ := newConsole(t)
	c := browser(t)
	if status, body := get(t, c, srv.URL+"/console/static/console.css"); status != http.StatusOK || body == "" {
		t.Errorf("GET console.css: %d", status)
	}
	if status, body := get(t, c, srv.URL+"/console/static/"); status != http.StatusNotFound || strings.Contains(body, "console.css") {
		t.Errorf("GET the static folder: %d %.80q, want 404 and no listing", status, body)
	}
}

// A signed-in session holds a few live views at most: each holds a
// connection to Redis. One closed frees its place.
func TestEventStreamsPerSession(t *testing.T) {
	srv, _, _ := newConsole(t)
	c := browser(t)
	if status, _ := signIn(t, srv, c, password); status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", status)
	}
	open := func() (*http.Response, context.CancelFunc) {
		ctx, cancel := context.WithCancel(t.Context())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/console/events", nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp, cancel
	}
	var cancels []context.CancelFunc
	defer func() {
		for _, cancel := range cancels {
			cancel()
		}
	}()
	for i := range 4 {
		resp, cancel := open()
		cancels = append(cancels, cancel)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("stream %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, cancel := open()
	resp.Body.Close()
	cancel()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a fifth stream: %d, want 429", resp.StatusCode)
	}
	cancels[0]()
	deadline := time.Now().Add(2 * time.Second)
	for {
		resp, cancel := open()
		cancels = append(cancels, cancel)
		if resp.StatusCode == http.StatusOK {
			break
		}
		resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatalf("a stream after one closed: %d, want 200", resp.StatusCode)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
