package twilio_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/twilio/twilio-go/client"

	"github.com/textline/textline/bot/twilio"
	"github.com/textline/textline/bot/twilio/twiliotest"
)

const (
	restAccount   = "AC0123456789abcdef0123456789abcdef"
	restKey       = "SK0123456789abcdef0123456789abcdef"
	restSecret    = "keysecret0123456789"
	restAuthToken = "authtoken0123456789abcdef01234567"
	lineNumber    = "+15550001111"
	serviceSID    = "MG0123456789abcdef0123456789abcdef"
	humanNumber   = "+15550002222"
	callbackURL   = publicURL + "/twilio/status?o=ref1"
)

// newFakeREST starts a fake API taking the API key pair, and a REST
// client pointed at it.
func newFakeREST(t *testing.T) (*twiliotest.Fake, *twilio.REST) {
	t.Helper()
	fake := twiliotest.New(restAccount, restKey, restSecret)
	t.Cleanup(fake.Close)
	rest, err := twilio.NewREST(twilio.RESTConfig{AccountSID: restAccount, APIKey: restKey, APISecret: restSecret, BaseURL: fake.URL()})
	if err != nil {
		t.Fatalf("NewREST: %v", err)
	}
	return fake, rest
}

func TestNewREST(t *testing.T) {
	t.Parallel()
	valid := twilio.RESTConfig{AccountSID: restAccount, APIKey: restKey, APISecret: restSecret}
	with := func(change func(*twilio.RESTConfig)) twilio.RESTConfig {
		c := valid
		change(&c)
		return c
	}
	tests := []struct {
		name    string
		config  twilio.RESTConfig
		wantErr bool
	}{
		{"no account sid", with(func(c *twilio.RESTConfig) { c.AccountSID = "" }), true},
		{"no secret", with(func(c *twilio.RESTConfig) { c.APISecret = "" }), true},
		{"no auth token", twilio.RESTConfig{AccountSID: restAccount}, true},
		{"secret with punctuation", with(func(c *twilio.RESTConfig) { c.APISecret = "se:cret" }), true},
		{"unparsable base url", with(func(c *twilio.RESTConfig) { c.BaseURL = "http://[::1" }), true},
		{"base url of another scheme", with(func(c *twilio.RESTConfig) { c.BaseURL = "ftp://api.example.org" }), true},
		{"base url without host", with(func(c *twilio.RESTConfig) { c.BaseURL = "http://" }), true},
		{"base url with a path", with(func(c *twilio.RESTConfig) { c.BaseURL = "http://127.0.0.1:8080/api" }), true},
		{"relative base url", with(func(c *twilio.RESTConfig) { c.BaseURL = "api.example.org" }), true},

		{"api key pair", valid, false},
		{"auth token", twilio.RESTConfig{AccountSID: restAccount, APISecret: restAuthToken}, false},
		{"https base url", with(func(c *twilio.RESTConfig) { c.BaseURL = "https://api.example.org" }), false},
		{"base url with port and slash", with(func(c *twilio.RESTConfig) { c.BaseURL = "http://127.0.0.1:8080/" }), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := twilio.NewREST(tt.config)
			if (err != nil) != tt.wantErr {
				t.Errorf("NewREST error = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}

func TestRESTSendSMS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		from     string
		callback string
		want     twiliotest.Sent
	}{
		{
			name: "from a number", from: lineNumber, callback: callbackURL,
			want: twiliotest.Sent{Kind: "sms", To: texterNumber, From: lineNumber, Body: secretWords, StatusCallback: callbackURL},
		},
		{
			name: "from a messaging service", from: serviceSID, callback: callbackURL,
			want: twiliotest.Sent{Kind: "sms", To: texterNumber, MessagingServiceSid: serviceSID, Body: secretWords, StatusCallback: callbackURL},
		},
		{
			name: "without callback", from: lineNumber,
			want: twiliotest.Sent{Kind: "sms", To: texterNumber, From: lineNumber, Body: secretWords},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, rest := newFakeREST(t)
			sid, err := rest.SendSMS(t.Context(), texterNumber, tt.from, secretWords, tt.callback)
			if err != nil {
				t.Fatalf("SendSMS: %v", err)
			}
			sent := fake.Sent()
			if diff := cmp.Diff([]twiliotest.Sent{tt.want}, sent, cmpopts.IgnoreFields(twiliotest.Sent{}, "SID", "At")); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
			if len(sent) == 1 && sid != sent[0].SID {
				t.Errorf("SendSMS = %q, want the fake's SID %q", sid, sent[0].SID)
			}
			if !strings.HasPrefix(sid, "SM") || len(sid) != 34 {
				t.Errorf("SID = %q, want SM and 32 hex digits", sid)
			}
		})
	}
}

func TestRESTCall(t *testing.T) {
	t.Parallel()
	twiml := twilio.CallTwiML(humanNumber, "Connecting you now.", "")
	tests := []struct {
		name     string
		callback string
		want     twiliotest.Sent
	}{
		{"with callback", callbackURL, twiliotest.Sent{Kind: "call", To: texterNumber, From: lineNumber, Twiml: twiml, StatusCallback: callbackURL}},
		{"without callback", "", twiliotest.Sent{Kind: "call", To: texterNumber, From: lineNumber, Twiml: twiml}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, rest := newFakeREST(t)
			sid, err := rest.Call(t.Context(), texterNumber, lineNumber, twiml, tt.callback)
			if err != nil {
				t.Fatalf("Call: %v", err)
			}
			sent := fake.Wait(t, 1, time.Second)
			if diff := cmp.Diff([]twiliotest.Sent{tt.want}, sent, cmpopts.IgnoreFields(twiliotest.Sent{}, "SID", "At")); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
			if sid != sent[0].SID || !strings.HasPrefix(sid, "CA") {
				t.Errorf("Call = %q, want the fake's SID %q", sid, sent[0].SID)
			}
		})
	}
}

// The account's auth token works as the password in place of a key pair,
// and a base URL with a trailing slash still reaches the fake.
func TestRESTAuthTokenAndBaseURL(t *testing.T) {
	t.Parallel()
	fake := twiliotest.New(restAccount, restAccount, restAuthToken)
	t.Cleanup(fake.Close)
	rest, err := twilio.NewREST(twilio.RESTConfig{AccountSID: restAccount, APISecret: restAuthToken, BaseURL: fake.URL() + "/"})
	if err != nil {
		t.Fatalf("NewREST: %v", err)
	}
	if _, err := rest.SendSMS(t.Context(), texterNumber, lineNumber, secretWords, ""); err != nil {
		t.Fatalf("SendSMS: %v", err)
	}
	if n := len(fake.Sent()); n != 1 {
		t.Errorf("fake got %d messages, want 1", n)
	}
}

// Sends from many goroutines share one client.
func TestRESTConcurrent(t *testing.T) {
	t.Parallel()
	fake, rest := newFakeREST(t)
	const n = 10
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if _, err := rest.SendSMS(t.Context(), texterNumber, lineNumber, secretWords, ""); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if sent := fake.Wait(t, n, time.Second); len(sent) != n {
		t.Errorf("fake got %d messages, want %d", len(sent), n)
	}
}

// send is one of REST's two ways to reach someone.
type send func(ctx context.Context, r *twilio.REST) (string, error)

var sends = map[string]send{
	"sms": func(ctx context.Context, r *twilio.REST) (string, error) {
		return r.SendSMS(ctx, texterNumber, lineNumber, secretWords, callbackURL)
	},
	"call": func(ctx context.Context, r *twilio.REST) (string, error) {
		return r.Call(ctx, texterNumber, lineNumber, twilio.CallTwiML(humanNumber, secretWords, ""), callbackURL)
	},
}

func TestRESTErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		failStatus int // the fake fails the request with this status and failCode
		failCode   int
		config     func(t *testing.T, c *twilio.RESTConfig) // changes to the config
		cancelled  bool                                     // the context ends before the send

		wantStatus, wantCode int
		wantTemporary        bool
		wantRestError        bool // a *client.TwilioRestError is in the chain
		wantRequests         int  // at the fake
	}{
		{name: "too many requests", failStatus: 429, failCode: 20429, wantStatus: 429, wantCode: 20429, wantTemporary: true, wantRestError: true, wantRequests: 1},
		{name: "internal server error", failStatus: 500, failCode: 20500, wantStatus: 500, wantCode: 20500, wantTemporary: true, wantRestError: true, wantRequests: 1},
		{name: "service unavailable", failStatus: 503, failCode: 20503, wantStatus: 503, wantCode: 20503, wantTemporary: true, wantRestError: true, wantRequests: 1},
		{name: "unsubscribed recipient", failStatus: 400, failCode: 21610, wantStatus: 400, wantCode: 21610, wantRestError: true, wantRequests: 1},
		{name: "invalid number", failStatus: 400, failCode: 21211, wantStatus: 400, wantCode: 21211, wantRestError: true, wantRequests: 1},
		{
			name:       "wrong secret",
			config:     func(t *testing.T, c *twilio.RESTConfig) { c.APISecret = "wrongsecret" },
			wantStatus: 401, wantCode: 20003, wantRestError: true, wantRequests: 1,
		},
		{
			name:       "wrong account",
			config:     func(t *testing.T, c *twilio.RESTConfig) { c.AccountSID = "AC99999999999999999999999999999999" },
			wantStatus: 404, wantCode: 20404, wantRestError: true, wantRequests: 1,
		},
		{
			name:          "unreachable server",
			config:        func(t *testing.T, c *twilio.RESTConfig) { c.BaseURL = closedServerURL() },
			wantTemporary: true,
		},
		{
			name: "unreadable answer",
			config: func(t *testing.T, c *twilio.RESTConfig) {
				c.BaseURL = textServerURL(t, http.StatusTooManyRequests, "Too Many Requests")
			},
			wantTemporary: true,
		},
		{
			name:          "unreadable success",
			config:        func(t *testing.T, c *twilio.RESTConfig) { c.BaseURL = textServerURL(t, http.StatusCreated, "queued") },
			wantTemporary: true,
		},
		{
			name: "answer without a sid",
			config: func(t *testing.T, c *twilio.RESTConfig) {
				c.BaseURL = textServerURL(t, http.StatusCreated, `{"status":"queued"}`)
			},
			wantTemporary: true,
		},
		{
			name:          "no answer in time",
			config:        func(t *testing.T, c *twilio.RESTConfig) { c.BaseURL, c.Timeout = slowServerURL(t), 50*time.Millisecond },
			wantTemporary: true,
		},
		{name: "context ended", cancelled: true, wantTemporary: true},
	}
	for _, tt := range tests {
		for kind, send := range sends {
			t.Run(tt.name+"/"+kind, func(t *testing.T) {
				t.Parallel()
				fake := twiliotest.New(restAccount, restKey, restSecret)
				t.Cleanup(fake.Close)
				config := twilio.RESTConfig{AccountSID: restAccount, APIKey: restKey, APISecret: restSecret, BaseURL: fake.URL()}
				if tt.config != nil {
					tt.config(t, &config)
				}
				if tt.failStatus != 0 {
					fake.FailNext(1, tt.failStatus, tt.failCode)
				}
				rest, err := twilio.NewREST(config)
				if err != nil {
					t.Fatalf("NewREST: %v", err)
				}
				ctx, cancel := context.WithCancel(t.Context())
				if tt.cancelled {
					cancel()
				}
				defer cancel()

				sid, err := send(ctx, rest)
				if sid != "" {
					t.Errorf("SID = %q, want none", sid)
				}
				var se *twilio.SendError
				if !errors.As(err, &se) {
					t.Fatalf("error = %v (%T), want a *twilio.SendError", err, err)
				}
				if se.Status != tt.wantStatus || se.Code != tt.wantCode {
					t.Errorf("status, code = %d, %d; want %d, %d", se.Status, se.Code, tt.wantStatus, tt.wantCode)
				}
				if got := se.Temporary(); got != tt.wantTemporary {
					t.Errorf("Temporary() = %v, want %v", got, tt.wantTemporary)
				}
				var restErr *client.TwilioRestError
				if got := errors.As(err, &restErr); got != tt.wantRestError {
					t.Errorf("TwilioRestError in chain = %v, want %v", got, tt.wantRestError)
				}
				if tt.cancelled && !errors.Is(err, context.Canceled) {
					t.Errorf("error %v is not context.Canceled", err)
				}
				if n := fake.Requests(); n != tt.wantRequests {
					t.Errorf("fake got %d requests, want %d", n, tt.wantRequests)
				}
				if len(fake.Sent()) != 0 {
					t.Errorf("fake sent %+v, want nothing", fake.Sent())
				}
				// The message is what gets logged: no numbers, words or secrets,
				// though the fake's error message names the recipient.
				msg := err.Error()
				for _, secret := range []string{texterNumber, strings.TrimPrefix(texterNumber, "+"), lineNumber, humanNumber, secretWords, restSecret} {
					if strings.Contains(msg, secret) {
						t.Errorf("Error() = %q holds %q", msg, secret)
					}
				}
				if !strings.HasPrefix(msg, "twilio: ") {
					t.Errorf("Error() = %q, want it to start with twilio: ", msg)
				}
			})
		}
	}
}

// The fake names the recipient in its error messages, as Twilio does: the
// test above relies on it to show Error() leaves them out.
func TestFakeErrorNamesRecipient(t *testing.T) {
	t.Parallel()
	fake, rest := newFakeREST(t)
	fake.FailNext(1, 400, 21211)
	_, err := rest.SendSMS(t.Context(), texterNumber, lineNumber, secretWords, "")
	var restErr *client.TwilioRestError
	if !errors.As(err, &restErr) || !strings.Contains(restErr.Message, texterNumber) {
		t.Errorf("error = %v, want a TwilioRestError naming %s", err, texterNumber)
	}
}

// closedServerURL is the address of a server that has stopped.
func closedServerURL() string {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	return srv.URL
}

// textServerURL is a server answering every request with status and text.
func textServerURL(t *testing.T, status int, text string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		w.Write([]byte(text))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// slowServerURL is a server that answers only when the test ends.
func slowServerURL(t *testing.T) string {
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-done:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(done) })
	return srv.URL
}

// TestRESTRetryAfter: a 429's Retry-After reaches the error, which
// twilio-go alone would drop.
func TestRESTRetryAfter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		wait time.Duration
		want time.Duration
	}{
		{"ten seconds", 10 * time.Second, 10 * time.Second},
		{"none", 0, 0},
		{"an hour, bounded", time.Hour, 5 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake, rest := newFakeREST(t)
			fake.FailNextWait(1, 429, 20429, tc.wait)
			_, err := rest.SendSMS(context.Background(), "+15550003333", lineNumber, "hello", "")
			var se *twilio.SendError
			if !errors.As(err, &se) || !se.RateLimited() {
				t.Fatalf("err = %v, want a rate limit", err)
			}
			if got := se.RetryAfter(); got != tc.want {
				t.Errorf("RetryAfter() = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestRESTCancel: cancelling the context stops a request on its way, so a
// hanging provider holds a send no longer than its caller allows.
func TestRESTCancel(t *testing.T) {
	t.Parallel()
	fake, rest := newFakeREST(t)
	fake.Delay(time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := rest.SendSMS(ctx, "+15550003333", lineNumber, "hello", "")
	var se *twilio.SendError
	if !errors.As(err, &se) || !se.Temporary() {
		t.Fatalf("err = %v, want a temporary failure", err)
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("the send took %v after its context ended", took)
	}
}
