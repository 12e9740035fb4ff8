// Package twiliotest is a local fake of Twilio's REST API, for tests that
// run the real twilio-go client against it.
package twiliotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Sent is a message or call the fake accepted.
type Sent struct {
	Kind                string // "sms" or "call"
	SID                 string
	To, From            string
	MessagingServiceSid string
	Body                string
	Twiml               string
	StatusCallback      string
	At                  time.Time // when the fake accepted it
}

// Fake answers POST /2010-04-01/Accounts/{AccountSid}/Messages.json and
// Calls.json like Twilio, on an httptest.Server. It is safe for
// concurrent use.
type Fake struct {
	srv                 *httptest.Server
	account, user, pass string

	mu       sync.Mutex
	sent     []Sent
	more     chan struct{} // closed, and replaced, when sent grows
	requests int
	fails    int // how many of the next requests fail
	failWith apiError
	wait     time.Duration // the Retry-After of injected failures; 0 for none
	delay    time.Duration // how long each answer takes
}

// apiError is the JSON body of Twilio's error answers.
type apiError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`

	wait time.Duration // Retry-After, for an injected failure
}

// New starts a fake of accountSID's API that accepts Basic auth with user
// and pass. Close it when done.
func New(accountSID, user, pass string) *Fake {
	f := &Fake{account: accountSID, user: user, pass: pass, more: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2010-04-01/Accounts/{account}/Messages.json", f.serve("sms", "SM"))
	mux.HandleFunc("POST /2010-04-01/Accounts/{account}/Calls.json", f.serve("call", "CA"))
	f.srv = httptest.NewServer(mux)
	return f
}

// URL is the fake's base URL, for RESTConfig.BaseURL.
func (f *Fake) URL() string { return f.srv.URL }

// Close stops the server.
func (f *Fake) Close() { f.srv.Close() }

// Sent returns what was accepted, in the order it arrived.
func (f *Fake) Sent() []Sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sent)
}

// Wait returns what was accepted once there are at least n, and fails the
// test with what there is if that takes longer than timeout.
func (f *Fake) Wait(t testing.TB, n int, timeout time.Duration) []Sent {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		f.mu.Lock()
		sent, more := slices.Clone(f.sent), f.more
		f.mu.Unlock()
		if len(sent) >= n {
			return sent
		}
		select {
		case <-more:
		case <-deadline.C:
			t.Fatalf("twiliotest: %d sent after %v, want %d: %+v", len(sent), timeout, n, sent)
			return nil
		}
	}
}

// FailNext makes the next n requests fail with status and a Twilio error
// body holding code. Its message names the To number, as Twilio's often
// do, so tests can check it goes no further.
func (f *Fake) FailNext(n, status, code int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fails, f.wait = n, 0
	f.failWith = apiError{Code: code, Status: status}
}

// FailNextWait is FailNext with a Retry-After header of wait (in whole
// seconds, as Twilio writes it) on each failure.
func (f *Fake) FailNextWait(n, status, code int, wait time.Duration) {
	f.FailNext(n, status, code)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.wait = wait
}

// Delay makes every request from now on take d before it is answered, as
// a slow or hanging provider would.
func (f *Fake) Delay(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delay = d
}

// Requests counts every request received, failed or not.
func (f *Fake) Requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

// serve handles a request to send a kind of Sent, "sms" or "call".
func (f *Fake) serve(kind, sidPrefix string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := Sent{
			Kind:                kind,
			To:                  r.PostFormValue("To"),
			From:                r.PostFormValue("From"),
			MessagingServiceSid: r.PostFormValue("MessagingServiceSid"),
			Body:                r.PostFormValue("Body"),
			Twiml:               r.PostFormValue("Twiml"),
			StatusCallback:      r.PostFormValue("StatusCallback"),
		}
		f.mu.Lock()
		f.requests++
		delay := f.delay
		f.mu.Unlock()
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if e := f.failure(r, s); e != nil {
			e.MoreInfo = fmt.Sprintf("https://www.twilio.com/docs/errors/%d", e.Code)
			if e.wait > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(int(e.wait/time.Second)))
			}
			writeJSON(w, e.Status, e)
			return
		}
		s.SID = fmt.Sprintf("%s%032x", sidPrefix, f.requests)
		s.At = time.Now()
		f.sent = append(f.sent, s)
		close(f.more)
		f.more = make(chan struct{})
		answer := map[string]any{
			"sid": s.SID, "account_sid": f.account, "status": "queued",
			"to": s.To, "from": s.From, "messaging_service_sid": s.MessagingServiceSid,
			"date_created": time.Now().UTC().Format(time.RFC1123Z),
		}
		if kind == "sms" {
			answer["body"] = s.Body
		}
		writeJSON(w, http.StatusCreated, answer)
	}
}

// failure says why r, asking for s, fails, in Twilio's order: credentials,
// account, then fields; an injected failure comes before the fields. It
// is nil when r succeeds. f.mu must be held.
func (f *Fake) failure(r *http.Request, s Sent) *apiError {
	user, pass, ok := r.BasicAuth()
	switch {
	case !ok || user != f.user || pass != f.pass:
		return &apiError{Code: 20003, Status: http.StatusUnauthorized, Message: "Authenticate"}
	case r.PathValue("account") != f.account:
		return &apiError{Code: 20404, Status: http.StatusNotFound, Message: "The requested resource " + r.URL.Path + " was not found"}
	case f.fails > 0:
		f.fails--
		e := f.failWith
		e.Message, e.wait = "Injected failure sending to "+s.To, f.wait
		return &e
	case s.To == "":
		return &apiError{Code: 21604, Status: http.StatusBadRequest, Message: "A 'To' phone number is required."}
	case s.From == "" && s.MessagingServiceSid == "":
		return &apiError{Code: 21603, Status: http.StatusBadRequest, Message: "A 'From' phone number is required."}
	case s.Kind == "sms" && s.Body == "":
		return &apiError{Code: 21602, Status: http.StatusBadRequest, Message: "Message body is required."}
	case s.Kind == "call" && s.Twiml == "" && r.PostFormValue("Url") == "":
		return &apiError{Code: 21205, Status: http.StatusBadRequest, Message: "Url or Twiml is required."}
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
