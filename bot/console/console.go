// Package console is the responders' web console at /console/: sign-in,
// the waiting queue, and a conversation with its transcript, where a
// responder takes, answers, passes and closes exactly as they would by
// text. Pages are rendered on the server from embedded templates; every
// form carries a CSRF token, and every action goes through the handoff's
// audited operations.
package console

import (
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/textline/textline/bot/handoff"
	"github.com/textline/textline/bot/proxy"
)

// Desk is the human line as the console uses it; *handoff.Line is one.
type Desk interface {
	Queue(ctx context.Context, limit int) ([]handoff.Queued, int, error)
	View(ctx context.Context, handle string) (handoff.Conversation, error)
	Act(ctx context.Context, a handoff.Action) (handoff.Result, error)
	Note(ctx context.Context, id, responder, handle, text string) error
}

// Feed tells the console of changes to handoffs; *handoff.Feed is one.
type Feed interface {
	Changes(ctx context.Context) (<-chan handoff.Change, error)
}

// Insert is a resource a responder can send with one click.
type Insert struct {
	Label, Text string
}

// Console serves /console/.
type Console struct {
	accounts *Accounts
	desk     Desk
	feed     Feed
	stats    Stats
	inserts  []Insert
	pages    map[string]*template.Template
	mux      *http.ServeMux
	closing  chan struct{}
	close    sync.Once
	streams  streams

	// Secure marks the cookies Secure, sent over HTTPS only. New sets it;
	// only a console served over plain HTTP on a loopback address may
	// turn it off.
	Secure bool
	// Proxies are the reverse proxies whose X-Forwarded-For names the
	// client a sign-in counts against; the zero value trusts none, and
	// the client is the connection's peer.
	Proxies proxy.Trusted
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Log gets sign-ins and failures, never passwords; nil means
	// slog.Default().
	Log *slog.Logger
}

//go:embed templates/*.html static/*
var files embed.FS

// New returns the console for desk, signing responders in with accounts;
// pages update live with feed's changes; the overview draws stats.
func New(accounts *Accounts, desk Desk, feed Feed, stats Stats, inserts []Insert) *Console {
	c := &Console{accounts: accounts, desk: desk, feed: feed, stats: stats, inserts: inserts, Secure: true, pages: map[string]*template.Template{}, closing: make(chan struct{})}
	funcs := template.FuncMap{"since": c.since, "who": who, "author": author}
	for _, page := range []string{"login", "queue", "conversation", "overview"} {
		c.pages[page] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/"+page+".html"))
	}
	static, _ := fs.Sub(files, "static")
	mux := http.NewServeMux()
	mux.Handle("GET /console/static/{file}", http.StripPrefix("/console/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /console/login", c.loginPage)
	mux.HandleFunc("POST /console/login", c.login)
	mux.HandleFunc("POST /console/logout", c.signedIn(c.logout))
	mux.HandleFunc("GET /console/{$}", c.signedIn(c.queue))
	mux.HandleFunc("GET /console/c/{handle}", c.signedIn(c.conversation))
	mux.HandleFunc("GET /console/events", c.signedIn(c.events))
	mux.HandleFunc("GET /console/overview", c.signedIn(c.overview))
	mux.HandleFunc("POST /console/c/{handle}/{verb}", c.signedIn(c.act))
	mux.HandleFunc("/console/", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	c.mux = mux
	return c
}

// maxForm bounds a request body: a reply or a note is at most a few KB.
const maxForm = 16 << 10

// ServeHTTP serves the console with its security headers.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	c.mux.ServeHTTP(w, r)
}

// Cookie names.
const (
	sessionCookie = "tl_session"
	loginCookie   = "tl_login" // the sign-in form's CSRF token
)

// page is what every template gets.
type page struct {
	Title   string
	Name    string // the signed-in responder; "" on the sign-in page
	CSRF    string
	Error   string
	Queue   []handoff.Queued
	Total   int
	Conv    handoff.Conversation
	Mine    bool // the signed-in responder holds Conv
	Inserts []Insert
	Charts  []Chart
	Action  string // a fresh id for each action form
}

type handler func(w http.ResponseWriter, r *http.Request, s Session)

// signedIn runs h for a signed-in responder, and checks the CSRF token of
// every POST; anyone else is sent to sign in (or refused, for a POST).
func (c *Console) signedIn(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := c.accounts.Session(r.Context(), sessionToken(r))
		if err != nil {
			if !errors.Is(err, ErrNoSession) {
				c.fail(w, r, err)
				return
			}
			if r.Method != http.MethodGet {
				http.Error(w, "sign in first", http.StatusForbidden)
				return
			}
			http.Redirect(w, r, "/console/login", http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost && !sameToken(r.PostFormValue("csrf"), s.CSRF) {
			c.log().LogAttrs(r.Context(), slog.LevelWarn, "console: form without its token", slog.String("responder", s.Name), slog.String("path", r.URL.Path))
			http.Error(w, "this form has expired: reload the page", http.StatusForbidden)
			return
		}
		h(w, r, s)
	}
}

func sessionToken(r *http.Request) string {
	if ck, err := r.Cookie(sessionCookie); err == nil {
		return ck.Value
	}
	return ""
}

func sameToken(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	token := random()
	http.SetCookie(w, c.cookie(loginCookie, token, 15*time.Minute))
	c.render(w, r, "login", page{Title: "Sign in", CSRF: token})
}

func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	ck, err := r.Cookie(loginCookie)
	if err != nil || !sameToken(r.PostFormValue("csrf"), ck.Value) {
		http.Error(w, "this form has expired: reload the page", http.StatusForbidden)
		return
	}
	name := strings.TrimSpace(strings.ToLower(r.PostFormValue("name")))
	if !nameRe.MatchString(name) {
		name = "?" // counted against the address all the same
	}
	token, err := c.accounts.SignIn(r.Context(), name, r.PostFormValue("password"), c.clientAddr(r))
	switch {
	case errors.Is(err, ErrWrong), errors.Is(err, ErrLocked):
		c.log().LogAttrs(r.Context(), slog.LevelWarn, "console: sign-in refused", slog.String("name", name), slog.Any("error", err))
		w.WriteHeader(http.StatusUnauthorized)
		c.render(w, r, "login", page{Title: "Sign in", CSRF: ck.Value, Error: signInRefusals[err]})
		return
	case err != nil:
		c.fail(w, r, err)
		return
	}
	c.log().LogAttrs(r.Context(), slog.LevelInfo, "console: signed in", slog.String("responder", name))
	http.SetCookie(w, c.cookie(sessionCookie, token, c.accounts.sessionTTL()))
	http.SetCookie(w, c.cookie(loginCookie, "", -1))
	http.Redirect(w, r, "/console/", http.StatusSeeOther)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request, s Session) {
	if ck, err := r.Cookie(sessionCookie); err == nil {
		if err := c.accounts.SignOut(r.Context(), ck.Value, s.Name, c.clientAddr(r)); err != nil {
			c.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, c.cookie(sessionCookie, "", -1))
	http.Redirect(w, r, "/console/login", http.StatusSeeOther)
}

// maxQueue is how many waiting conversations the queue page shows.
const maxQueue = 100

func (c *Console) queue(w http.ResponseWriter, r *http.Request, s Session) {
	q, total, err := c.desk.Queue(r.Context(), maxQueue)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, r, "queue", page{Title: "Waiting", Name: s.Name, CSRF: s.CSRF, Queue: q, Total: total})
}

func (c *Console) conversation(w http.ResponseWriter, r *http.Request, s Session) {
	if !handoff.ValidHandle(r.PathValue("handle")) {
		http.NotFound(w, r)
		return
	}
	conv, err := c.desk.View(r.Context(), r.PathValue("handle"))
	if errors.Is(err, handoff.ErrNotOpen) {
		http.Error(w, "This conversation is closed or does not exist.", http.StatusNotFound)
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, r, "conversation", page{
		Title: conv.Handle, Name: s.Name, CSRF: s.CSRF, Conv: conv, Action: random(),
		Mine: conv.Holder == Responder(s.Name), Inserts: c.inserts,
	})
}

// Close ends the event streams, so a server can shut down without
// waiting for open consoles; their pages reconnect to another replica.
func (c *Console) Close() { c.close.Do(func() { close(c.closing) }) }

// keepAlive is how often an idle event stream says it is still there.
const keepAlive = 15 * time.Second

// events streams handoff changes as server-sent events; the pages' script
// redraws what changed.
func (c *Console) events(w http.ResponseWriter, r *http.Request, s Session) {
	if !c.streams.open(s.CSRF) {
		// Each stream holds a connection to Redis: a session has a few.
		http.Error(w, "too many live views of this console; close a tab", http.StatusTooManyRequests)
		return
	}
	defer c.streams.done(s.CSRF)
	changes, err := c.feed.Changes(r.Context())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{}) // a stream outlives the server's write timeout
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	rc.Flush()
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-c.closing:
			return
		case ch, ok := <-changes:
			if !ok {
				return
			}
			fmt.Fprintf(w, "event: change\ndata: %s %s\n\n", ch.Handle, ch.What)
		case <-tick.C:
			if _, err := c.accounts.Session(r.Context(), sessionToken(r)); err != nil {
				return // signed out, or the account is gone
			}
			fmt.Fprint(w, ": still here\n\n")
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// maxStreams is how many live event streams one signed-in session may
// hold at once in a process: a few tabs.
const maxStreams = 4

// streams counts the live event streams of each session, by its CSRF
// token (which is as unique as the session and no secret to the server).
type streams struct {
	mu sync.Mutex
	n  map[string]int
}

// open reserves a stream for the session, unless it holds maxStreams.
func (s *streams) open(session string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == nil {
		s.n = map[string]int{}
	}
	if s.n[session] >= maxStreams {
		return false
	}
	s.n[session]++
	return true
}

// done gives a stream back.
func (s *streams) done(session string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n[session]--; s.n[session] <= 0 {
		delete(s.n, session)
	}
}

// Responder is the id a console user acts under in the handoff's records.
func Responder(name string) string { return "web:" + name }

// maxText bounds a reply or a note.
const maxText = 1500

// act does TAKE, PASS, CLOSE, a reply (say) or a private note.
func (c *Console) act(w http.ResponseWriter, r *http.Request, s Session) {
	handle := r.PathValue("handle")
	if !handoff.ValidHandle(handle) {
		http.NotFound(w, r)
		return
	}
	text := strings.TrimSpace(r.PostFormValue("text"))
	if len([]rune(text)) > maxText {
		http.Error(w, fmt.Sprintf("Keep it under %d characters.", maxText), http.StatusBadRequest)
		return
	}
	// The form's own id makes a double-clicked Send one action.
	id := "web-" + r.PostFormValue("action")
	if len(id) < 20 || len(id) > 80 {
		id = "web-" + random()
	}
	verb := r.PathValue("verb")
	var err error
	switch verb {
	case "take", "pass", "close", "say":
		if verb == "say" && text == "" {
			http.Error(w, "Write something to send.", http.StatusBadRequest)
			return
		}
		var out handoff.Result
		out, err = c.desk.Act(r.Context(), handoff.Action{
			ID: id, Responder: Responder(s.Name), Verb: handoff.Verb(verb), Handle: handle, Text: text,
		})
		if why, refused := refusals[out.Reply]; err == nil && refused {
			http.Error(w, why, http.StatusConflict)
			return
		}
	case "note":
		if text == "" {
			http.Error(w, "Write something to note.", http.StatusBadRequest)
			return
		}
		err = c.desk.Note(r.Context(), id, Responder(s.Name), handle, text)
	default:
		http.NotFound(w, r)
		return
	}
	if errors.Is(err, handoff.ErrNotOpen) {
		http.Error(w, refusals[handoff.Unknown], http.StatusConflict)
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if verb == "pass" || verb == "close" {
		http.Redirect(w, r, "/console/", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/console/c/"+handle, http.StatusSeeOther)
}

// signInRefusals are what the sign-in page says.
var signInRefusals = map[error]string{
	ErrWrong:  "Wrong name or password.",
	ErrLocked: "Too many wrong passwords: try again in 15 minutes.",
}

// refusals explain an action the desk turned down.
var refusals = map[handoff.Reply]string{
	handoff.TakenOther: "Another responder holds this conversation.",
	handoff.Unknown:    "This conversation is closed or does not exist.",
	handoff.NoneHeld:   "Take this conversation first.",
	handoff.Which:      "Take this conversation first.",
}

func (c *Console) render(w http.ResponseWriter, r *http.Request, name string, p page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := c.pages[name].Execute(w, p); err != nil {
		c.log().LogAttrs(r.Context(), slog.LevelError, "console: render", slog.String("page", name), slog.Any("error", err))
	}
}

func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	c.log().LogAttrs(r.Context(), slog.LevelError, "console", slog.String("path", r.URL.Path), slog.Any("error", err))
	http.Error(w, "The console is having trouble. If someone is in danger, call 911; texters can call or text 988.", http.StatusServiceUnavailable)
}

func (c *Console) cookie(name, value string, ttl time.Duration) *http.Cookie {
	ck := &http.Cookie{
		Name: name, Value: value, Path: "/console/", HttpOnly: true, Secure: c.Secure,
		SameSite: http.SameSiteStrictMode,
	}
	if ttl < 0 {
		ck.MaxAge = -1
	} else {
		ck.MaxAge = int(ttl.Seconds())
	}
	return ck
}

// clientAddr is the client's address for rate limiting: the
// connection's, or the one a trusted proxy forwards; never a header
// anyone else can set.
func (c *Console) clientAddr(r *http.Request) string {
	if a := c.Proxies.Client(r); a.IsValid() {
		return a.String()
	}
	return r.RemoteAddr
}

// since says how long ago t was, for people.
func (c *Console) since(t time.Time) string {
	d := c.now().Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	default:
		return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	}
}

// author names who wrote a line of a transcript.
func author(s handoff.Said) string {
	switch s.From {
	case handoff.FromTexter:
		return "Texter"
	case handoff.FromNote:
		return "Private note (" + who(s.Responder) + ")"
	}
	return who(s.Responder)
}

// who names a responder, or the texter or the line in an audit trail.
func who(id string) string {
	switch {
	case id == "texter":
		return "Texter"
	case id == "line", id == "outbox":
		return "Textline"
	case strings.HasPrefix(id, "web:"):
		return strings.TrimPrefix(id, "web:")
	}
	return "Responder by phone"
}

func (c *Console) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Console) log() *slog.Logger {
	if c.Log != nil {
		return c.Log
	}
	return slog.Default()
}
