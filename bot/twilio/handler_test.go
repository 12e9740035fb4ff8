package twilio_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/logtest"
	"github.com/textline/textline/bot/twilio"
	"github.com/textline/textline/bot/twilio/twiliotest"
)

const (
	testToken   = "test-auth-token"
	publicURL   = "https://line.example.org"
	webhookPath = "/twilio/sms"

	texterNumber = "+15551234567"
	// secretWords is in every message body; it must never reach the log.
	secretWords = "hushhush"

	fallbackText       = "Sorry, trouble here. Text 988."
	crisisFallbackText = "Please call or text 988 now."
)

var (
	pseudoKey = []byte("test pseudonym key")
	fixedNow  = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)
)

// twimlMessages decodes a whole TwiML document and returns the text of each
// <Message>. It fails unless the document is well-formed XML whose single
// root is <Response>, holding only <Message> elements of plain text.
func twimlMessages(doc string) ([]string, error) {
	d := xml.NewDecoder(strings.NewReader(doc))
	var (
		msgs       []string
		depth      int
		roots      int
		inMessage  bool
		text       strings.Builder
		sawElement bool
	)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("decode: %w", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			sawElement = true
			switch {
			case depth == 0 && roots == 0 && tok.Name.Local == "Response":
				roots++
			case depth == 1 && tok.Name.Local == "Message":
				inMessage = true
				text.Reset()
			default:
				return nil, fmt.Errorf("unexpected element <%s> at depth %d", tok.Name.Local, depth)
			}
			if len(tok.Attr) > 0 {
				return nil, fmt.Errorf("unexpected attributes on <%s>: %v", tok.Name.Local, tok.Attr)
			}
			depth++
		case xml.EndElement:
			depth--
			if inMessage && depth == 1 {
				msgs = append(msgs, text.String())
				inMessage = false
			}
		case xml.CharData:
			if inMessage {
				text.Write(tok)
			} else if len(bytes.TrimSpace(tok)) > 0 {
				return nil, fmt.Errorf("text %q outside <Message>", tok)
			}
		case xml.ProcInst:
			if sawElement || tok.Target != "xml" {
				return nil, fmt.Errorf("unexpected processing instruction %q", tok.Target)
			}
		default:
			return nil, fmt.Errorf("unexpected token %T", tok)
		}
	}
	if roots != 1 {
		return nil, errors.New("no <Response> root")
	}
	return msgs, nil
}

// engineConfig says how a fakeEngine behaves.
type engineConfig struct {
	reply  bot.Reply
	err    error // returned together with reply
	panics bool
	block  blocking
}

type blocking int

const (
	answers       blocking = iota
	untilCtxDone           // returns its crisis fallback when ctx ends
	untilReleased          // ignores ctx: blocks until the test ends
)

// fakeEngine is a bot.Handler that records what it is asked.
type fakeEngine struct {
	cfg      engineConfig
	release  chan struct{}
	released sync.Once
	returned chan struct{} // gets a value each time Handle returns

	mu       sync.Mutex
	calls    []bot.Inbound
	deadline time.Time // of the last call's ctx
	ctxErr   error     // the last call's ctx.Err() when it returned
}

var _ bot.Handler = (*fakeEngine)(nil)

func newEngine(t *testing.T, cfg engineConfig) *fakeEngine {
	e := &fakeEngine{cfg: cfg, release: make(chan struct{}), returned: make(chan struct{}, 16)}
	t.Cleanup(e.Release)
	return e
}

// Release lets a blocked Handle return.
func (e *fakeEngine) Release() { e.released.Do(func() { close(e.release) }) }

func (e *fakeEngine) Handle(ctx context.Context, in bot.Inbound) (bot.Reply, error) {
	e.mu.Lock()
	e.calls = append(e.calls, in)
	e.deadline, _ = ctx.Deadline()
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.ctxErr = ctx.Err()
		e.mu.Unlock()
		e.returned <- struct{}{}
	}()
	switch {
	case e.cfg.panics:
		panic("engine exploded")
	case e.cfg.block == untilCtxDone:
		<-ctx.Done()
		return e.Fallback(true), fmt.Errorf("handle message: %w", ctx.Err())
	case e.cfg.block == untilReleased:
		<-e.release
		return bot.Reply{Text: "too late"}, nil
	}
	return e.cfg.reply, e.cfg.err
}

func (e *fakeEngine) Fallback(crisis bool) bot.Reply {
	if crisis {
		return bot.Reply{Text: crisisFallbackText}
	}
	return bot.Reply{Text: fallbackText}
}

func (e *fakeEngine) Calls() []bot.Inbound {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.calls)
}

// message is a valid inbound SMS as Twilio posts it, with changes applied
// in pairs of key and value.
func message(changes ...string) url.Values {
	f := url.Values{
		"AccountSid":  {"AC00000000000000000000000000000000"},
		"ApiVersion":  {"2010-04-01"},
		"Body":        {secretWords + ", I feel low tonight"},
		"From":        {texterNumber},
		"MessageSid":  {"SM11111111111111111111111111111111"},
		"NumMedia":    {"0"},
		"NumSegments": {"1"},
		"SmsSid":      {"SM11111111111111111111111111111111"},
		"SmsStatus":   {"received"},
		"To":          {"+15550001111"},
	}
	for i := 0; i+1 < len(changes); i += 2 {
		f.Set(changes[i], changes[i+1])
	}
	return f
}

// without deletes keys from f.
func without(f url.Values, keys ...string) url.Values {
	for _, k := range keys {
		f.Del(k)
	}
	return f
}

// Ways to sign a request's body.
type signer func(body string) string

func signedWith(token, target string) signer {
	return func(body string) string {
		form, _ := url.ParseQuery(body)
		return twiliotest.Sign(token, target, form)
	}
}

var (
	validSig = signedWith(testToken, publicURL+webhookPath)
	noSig    = signer(func(string) string { return "" })
)

func fixedSig(sig string) signer { return func(string) string { return sig } }

// tamperedBody signs form but sends changed instead.
func tamperedBody(form url.Values) signer {
	return func(string) string { return twiliotest.Sign(testToken, publicURL+webhookPath, form) }
}

func TestHandler(t *testing.T) {
	t.Parallel()
	pseudo := bot.NewPseudonymizer(pseudoKey)
	texter := pseudo.Texter(texterNumber)
	hostileBody := secretWords + " \xff\xfe\xc0 \x00\x07\x1b[31m <script>&amp;</script> ]]> \u202e\ufffe"
	oversized := message("Body", secretWords+strings.Repeat("x", twilio.MaxRequestBytes)).Encode()
	atLimitBody := secretWords + strings.Repeat("y", twilio.MaxRequestBytes-len(message("Body", secretWords).Encode()))
	atLimit := message("Body", atLimitBody).Encode()
	if len(atLimit) != twilio.MaxRequestBytes {
		t.Fatalf("body at the limit is %d bytes, want %d", len(atLimit), twilio.MaxRequestBytes)
	}

	tests := []struct {
		name    string
		method  string // POST when empty
		body    string
		sig     signer // validSig when nil
		engine  engineConfig
		timeout time.Duration // 5s when zero

		wantStatus   int
		wantMessages []string     // the <Message> texts; nil for none
		wantIn       *bot.Inbound // what the engine must receive; nil: not called
	}{
		// Hostile requests first: none of them reaches the engine.
		{name: "missing signature", body: message().Encode(), sig: noSig, wantStatus: http.StatusForbidden},
		{name: "wrong signature", body: message().Encode(), sig: fixedSig("vOEb5UThFn24KEfnOFLQY2AE5FY="), wantStatus: http.StatusForbidden},
		{name: "garbage signature", body: message().Encode(), sig: fixedSig("not base64 at all!"), wantStatus: http.StatusForbidden},
		{name: "signed with another token", body: message().Encode(), sig: signedWith("another-token", publicURL+webhookPath), wantStatus: http.StatusForbidden},
		{name: "signature for another url", body: message().Encode(), sig: signedWith(testToken, "https://evil.example.org"+webhookPath), wantStatus: http.StatusForbidden},
		{name: "signature for another path", body: message().Encode(), sig: signedWith(testToken, publicURL+"/twilio/voice"), wantStatus: http.StatusForbidden},
		{name: "signature for http", body: message().Encode(), sig: signedWith(testToken, "http://line.example.org"+webhookPath), wantStatus: http.StatusForbidden},
		{name: "signature over another body", body: message("Body", "STOP").Encode(), sig: tamperedBody(message()), wantStatus: http.StatusForbidden},
		{name: "signature over another sender", body: message("From", "+15559999999").Encode(), sig: tamperedBody(message()), wantStatus: http.StatusForbidden},
		{name: "body over MaxRequestBytes", body: oversized, wantStatus: http.StatusRequestEntityTooLarge},
		{name: "body over MaxRequestBytes unsigned", body: oversized, sig: noSig, wantStatus: http.StatusRequestEntityTooLarge},
		{name: "empty body", body: "", wantStatus: http.StatusBadRequest},
		{name: "malformed escape", body: "MessageSid=SM1&From=%2B1555&Body=" + secretWords + "%zz", wantStatus: http.StatusBadRequest},
		{name: "semicolon separator", body: "MessageSid=SM1;From=%2B15551234567;Body=" + secretWords, wantStatus: http.StatusBadRequest},
		{name: "not a form", body: `{"MessageSid":"SM1","From":"` + texterNumber + `"}`, wantStatus: http.StatusBadRequest},
		{name: "missing MessageSid and SmsSid", body: without(message(), "MessageSid", "SmsSid").Encode(), wantStatus: http.StatusBadRequest},
		{name: "missing From", body: without(message(), "From").Encode(), wantStatus: http.StatusBadRequest},
		{name: "GET", method: http.MethodGet, sig: noSig, wantStatus: http.StatusMethodNotAllowed},
		{name: "PUT signed", method: http.MethodPut, body: message().Encode(), wantStatus: http.StatusMethodNotAllowed},

		// Hostile content in a valid request still gets an answer.
		{
			name: "invalid UTF-8, control characters and markup in Body",
			body: message("Body", hostileBody).Encode(), engine: engineConfig{reply: bot.Reply{Text: "ok"}},
			wantStatus: http.StatusOK, wantMessages: []string{"ok"},
			wantIn: &bot.Inbound{ID: "SM11111111111111111111111111111111", From: texter, To: "+15550001111", Body: hostileBody, At: fixedNow},
		},
		{
			name: "markup and control characters in the reply",
			body: message().Encode(), engine: engineConfig{reply: bot.Reply{Text: "a</Message><Redirect>https://evil</Redirect>\x00\x1b&amp;\xff b"}},
			wantStatus: http.StatusOK, wantMessages: []string{"a</Message><Redirect>https://evil</Redirect>&amp; b"},
			wantIn: &bot.Inbound{ID: "SM11111111111111111111111111111111", From: texter, To: "+15550001111", Body: message().Get("Body"), At: fixedNow},
		},

		// Valid requests.
		{
			name: "valid", body: message().Encode(), engine: engineConfig{reply: bot.Reply{Text: "Hi, this is Textline. Reply MENU."}},
			wantStatus: http.StatusOK, wantMessages: []string{"Hi, this is Textline. Reply MENU."},
			wantIn: &bot.Inbound{ID: "SM11111111111111111111111111111111", From: texter, To: "+15550001111", Body: message().Get("Body"), At: fixedNow},
		},
		{
			name: "SmsSid when MessageSid is missing", body: without(message("SmsSid", "SM22"), "MessageSid").Encode(), engine: engineConfig{reply: bot.Reply{Text: "ok"}},
			wantStatus: http.StatusOK, wantMessages: []string{"ok"},
			wantIn: &bot.Inbound{ID: "SM22", From: texter, To: "+15550001111", Body: message().Get("Body"), At: fixedNow},
		},
		{
			name: "body of exactly MaxRequestBytes", body: atLimit, engine: engineConfig{reply: bot.Reply{Text: "ok"}},
			wantStatus: http.StatusOK, wantMessages: []string{"ok"},
			wantIn: &bot.Inbound{ID: "SM11111111111111111111111111111111", From: texter, To: "+15550001111", Body: atLimitBody, At: fixedNow},
		},
		{
			name: "picture without text", body: message("Body", "", "NumMedia", "1", "MediaUrl0", "https://api.twilio.com/media/ME1").Encode(), engine: engineConfig{reply: bot.Reply{Text: "I can only read text."}},
			wantStatus: http.StatusOK, wantMessages: []string{"I can only read text."},
			wantIn: &bot.Inbound{ID: "SM11111111111111111111111111111111", From: texter, To: "+15550001111", NumMedia: 1, At: fixedNow},
		},
		{
			name: "engine reply empty", body: message().Encode(), engine: engineConfig{reply: bot.Reply{}},
			wantStatus: http.StatusOK, wantMessages: nil,
			wantIn: &bot.Inbound{ID: "SM11111111111111111111111111111111", From: texter, To: "+15550001111", Body: message().Get("Body"), At: fixedNow},
		},

		// The engine failing: the texter still gets a reply carrying 988.
		{
			name: "engine error with its own fallback", body: message().Encode(),
			engine:     engineConfig{reply: bot.Reply{Text: crisisFallbackText}, err: errors.New("handle message: redis: connection refused")},
			wantStatus: http.StatusOK, wantMessages: []string{crisisFallbackText},
			wantIn: &bot.Inbound{ID: "SM11111111111111111111111111111111", From: texter, To: "+15550001111", Body: message().Get("Body"), At: fixedNow},
		},
		{
			name: "engine error without a reply", body: message().Encode(),
			engine:     engineConfig{err: errors.New("handle message: redis: connection refused")},
			wantStatus: http.StatusOK, wantMessages: []string{fallbackText},
			wantIn: &bot.Inbound{ID: "SM11111111111111111111111111111111", From: texter, To: "+15550001111", Body: message().Get("Body"), At: fixedNow},
		},
		{
			name: "engine panic", body: message().Encode(), engine: engineConfig{panics: true},
			wantStatus: http.StatusOK, wantMessages: []string{fallbackText},
			wantIn: &bot.Inbound{ID: "SM11111111111111111111111111111111", From: texter, To: "+15550001111", Body: message().Get("Body"), At: fixedNow},
		},
		{
			name: "engine blocks forever", body: message().Encode(), engine: engineConfig{block: untilReleased}, timeout: 100 * time.Millisecond,
			wantStatus: http.StatusOK, wantMessages: []string{fallbackText},
			wantIn: &bot.Inbound{ID: "SM11111111111111111111111111111111", From: texter, To: "+15550001111", Body: message().Get("Body"), At: fixedNow},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			engine := newEngine(t, tt.engine)
			v := twilio.NewVerifier(testToken)
			v.PublicURL = publicURL
			h := twilio.NewHandler(engine, v, pseudo)
			h.Timeout = tt.timeout
			if h.Timeout == 0 {
				h.Timeout = 5 * time.Second
			}
			logs := &logtest.Buffer{}
			h.Log = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			h.Now = func() time.Time { return fixedNow }
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			// Close waits for the handler: let a blocked engine go first.
			t.Cleanup(engine.Release)

			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			sig := tt.sig
			if sig == nil {
				sig = validSig
			}
			req, err := http.NewRequest(method, srv.URL+webhookPath, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if s := sig(tt.body); s != "" {
				req.Header.Set("X-Twilio-Signature", s)
			}
			// The guard only stops a hung handler from hanging the suite.
			client := &http.Client{Timeout: 10 * time.Second}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("request: %v", err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatalf("read response: %v", err)
			}

			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/xml" {
				t.Errorf("Content-Type = %q, want text/xml", ct)
			}
			if tt.wantStatus == http.StatusMethodNotAllowed {
				if allow := resp.Header.Get("Allow"); allow != http.MethodPost {
					t.Errorf("Allow = %q, want POST", allow)
				}
			}
			msgs, err := twimlMessages(string(body))
			if err != nil {
				t.Fatalf("response is not TwiML: %v\n%s", err, body)
			}
			if diff := cmp.Diff(tt.wantMessages, msgs); diff != "" {
				t.Errorf("messages (-want +got):\n%s\nbody: %s", diff, body)
			}

			calls := engine.Calls()
			switch {
			case tt.wantIn == nil && len(calls) != 0:
				t.Errorf("engine called %d times, want never", len(calls))
			case tt.wantIn != nil && len(calls) != 1:
				t.Errorf("engine called %d times, want once", len(calls))
			case tt.wantIn != nil:
				if diff := cmp.Diff(*tt.wantIn, calls[0], cmp.Comparer(func(a, b bot.Texter) bool { return a == b })); diff != "" {
					t.Errorf("engine got (-want +got):\n%s", diff)
				}
			}

			// The log names the texter by pseudonym only, and never holds
			// what they wrote.
			logged := logs.String()
			for _, secret := range []string{texterNumber, strings.TrimPrefix(texterNumber, "+"), secretWords} {
				if strings.Contains(logged, secret) {
					t.Errorf("log holds %q:\n%s", secret, logged)
				}
			}
			if tt.wantIn != nil && !strings.Contains(logged, `"texter":"`+texter.ID()+`"`) {
				t.Errorf("log lacks the texter's pseudonym %q:\n%s", texter.ID(), logged)
			}
			if tt.wantStatus != http.StatusOK && tt.wantStatus != http.StatusMethodNotAllowed && !strings.Contains(logged, "webhook refused") {
				t.Errorf("refused request not logged:\n%s", logged)
			}
		})
	}
}

// The engine is given the timeout as its context's deadline, so it can
// give up and send its own fallback, which knows about crises.
func TestHandlerEngineDeadline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		timeout time.Duration
		want    time.Duration
	}{
		{"zero means 2 seconds", 0, 2 * time.Second},
		{"set", 300 * time.Millisecond, 300 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			engine := newEngine(t, engineConfig{reply: bot.Reply{Text: "ok"}})
			h := twilio.NewHandler(engine, twilio.Unverified(), bot.NewPseudonymizer(pseudoKey))
			h.Timeout = tt.timeout
			h.Log = slog.New(slog.DiscardHandler)
			start := time.Now()
			rec := post(t, h, message().Encode())
			end := time.Now()
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200", rec.Code)
			}
			engine.mu.Lock()
			deadline := engine.deadline
			engine.mu.Unlock()
			if deadline.Before(start.Add(tt.want)) || deadline.After(end.Add(tt.want)) {
				t.Errorf("engine deadline %v after the request, want %v", deadline.Sub(start), tt.want)
			}
		})
	}

	t.Run("engine that gives up", func(t *testing.T) {
		t.Parallel()
		engine := newEngine(t, engineConfig{block: untilCtxDone})
		h := twilio.NewHandler(engine, twilio.Unverified(), bot.NewPseudonymizer(pseudoKey))
		h.Timeout = 100 * time.Millisecond
		h.Log = slog.New(slog.DiscardHandler)
		rec := post(t, h, message().Encode())
		if rec.Code != http.StatusOK {
			t.Fatalf("status = %d, want 200", rec.Code)
		}
		msgs, err := twimlMessages(rec.Body.String())
		if err != nil {
			t.Fatalf("response is not TwiML: %v\n%s", err, rec.Body)
		}
		// Normally the engine's own (crisis) fallback arrives within the
		// grace period; on a loaded machine the handler's may win the race.
		if len(msgs) != 1 || (msgs[0] != crisisFallbackText && msgs[0] != fallbackText) {
			t.Errorf("messages = %q, want one fallback", msgs)
		}
		// And the engine was let go: its context ended.
		select {
		case <-engine.returned:
		case <-time.After(10 * time.Second):
			t.Fatal("engine still waiting 10s after the reply")
		}
		engine.mu.Lock()
		defer engine.mu.Unlock()
		if engine.ctxErr == nil {
			t.Error("engine returned with its context still live")
		}
	})
}

// post sends body to h unsigned and waits at most 10 seconds for it.
func post(t testing.TB, h http.Handler, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, webhookPath, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(rec, req)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("handler did not answer in 10s")
	}
	return rec
}
