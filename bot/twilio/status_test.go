package twilio_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/textline/textline/bot/logtest"
	"github.com/textline/textline/bot/twilio"
	"github.com/textline/textline/bot/twilio/twiliotest"
)

const statusPath = "/twilio/status"

// fakeSink is a twilio.StatusSink that records what it is given.
type fakeSink struct {
	err error // returned by every call

	mu  sync.Mutex
	got []twilio.Status
}

var _ twilio.StatusSink = (*fakeSink)(nil)

func (s *fakeSink) Status(_ context.Context, st twilio.Status) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, st)
	return s.err
}

func (s *fakeSink) Got() []twilio.Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.got)
}

// messageStatus is a message status callback's form as Twilio posts it,
// with changes applied in pairs of key and value ("" deletes the key).
func messageStatus(changes ...string) url.Values {
	f := url.Values{
		"AccountSid":    {"AC00000000000000000000000000000000"},
		"ApiVersion":    {"2010-04-01"},
		"From":          {lineNumber},
		"MessageSid":    {"SM22222222222222222222222222222222"},
		"MessageStatus": {"delivered"},
		"SmsSid":        {"SM22222222222222222222222222222222"},
		"SmsStatus":     {"delivered"},
		"To":            {texterNumber},
	}
	for i := 0; i+1 < len(changes); i += 2 {
		if changes[i+1] == "" {
			f.Del(changes[i])
			continue
		}
		f.Set(changes[i], changes[i+1])
	}
	return f
}

// callStatus is a call status callback's form as Twilio posts it.
func callStatus() url.Values {
	return url.Values{
		"AccountSid": {"AC00000000000000000000000000000000"},
		"CallSid":    {"CA33333333333333333333333333333333"},
		"CallStatus": {"completed"},
		"Direction":  {"outbound-api"},
		"From":       {lineNumber},
		"To":         {texterNumber},
	}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	target := statusPath + "?o=ref1"
	signedFor := func(form url.Values) string { return twiliotest.Sign(testToken, publicURL+target, form) }
	delivered := messageStatus()
	oversized := messageStatus("Pad", strings.Repeat("x", twilio.MaxRequestBytes)).Encode()

	tests := []struct {
		name    string
		method  string // POST when empty
		target  string // target when empty
		body    string
		sig     string
		sinkErr error

		wantStatus int
		wantSink   []twilio.Status
		wantLog    string // in the log, when not empty
	}{
		// Hostile requests first: none of them reaches the sink.
		{name: "missing signature", body: delivered.Encode(), wantStatus: http.StatusForbidden, wantLog: "bad signature"},
		{name: "wrong signature", body: delivered.Encode(), sig: vectorSignature, wantStatus: http.StatusForbidden},
		{name: "signed with another token", body: delivered.Encode(), sig: twiliotest.Sign("another-token", publicURL+target, delivered), wantStatus: http.StatusForbidden},
		{name: "signature without the query", body: delivered.Encode(), sig: twiliotest.Sign(testToken, publicURL+statusPath, delivered), wantStatus: http.StatusForbidden},
		{name: "signature for another ref", target: statusPath + "?o=ref2", body: delivered.Encode(), sig: signedFor(delivered), wantStatus: http.StatusForbidden},
		{name: "signature over another status", body: messageStatus("MessageStatus", "failed").Encode(), sig: signedFor(delivered), wantStatus: http.StatusForbidden},
		{name: "body over MaxRequestBytes", body: oversized, sig: signedFor(delivered), wantStatus: http.StatusRequestEntityTooLarge},
		{name: "malformed escape", body: "MessageSid=SM1&To=%zz", sig: signedFor(delivered), wantStatus: http.StatusBadRequest},
		{name: "GET", method: http.MethodGet, sig: signedFor(delivered), wantStatus: http.StatusMethodNotAllowed},
		{
			name: "missing ref", target: statusPath, body: delivered.Encode(), sig: twiliotest.Sign(testToken, publicURL+statusPath, delivered),
			wantStatus: http.StatusBadRequest,
		},
		{
			name: "missing sid", body: messageStatus("MessageSid", "", "SmsSid", "").Encode(), sig: signedFor(messageStatus("MessageSid", "", "SmsSid", "")),
			wantStatus: http.StatusBadRequest,
		},
		{
			name: "bad error code", body: messageStatus("ErrorCode", "x1").Encode(), sig: signedFor(messageStatus("ErrorCode", "x1")),
			wantStatus: http.StatusBadRequest,
		},

		// Valid reports.
		{
			name: "message delivered", body: delivered.Encode(), sig: signedFor(delivered),
			wantStatus: http.StatusNoContent,
			wantSink:   []twilio.Status{{Ref: "ref1", SID: "SM22222222222222222222222222222222", Status: "delivered"}},
		},
		{
			name: "message undelivered", body: messageStatus("MessageStatus", "undelivered", "ErrorCode", "30003").Encode(),
			sig:        signedFor(messageStatus("MessageStatus", "undelivered", "ErrorCode", "30003")),
			wantStatus: http.StatusNoContent,
			wantSink:   []twilio.Status{{Ref: "ref1", SID: "SM22222222222222222222222222222222", Status: "undelivered", ErrorCode: 30003}},
		},
		{
			name: "call completed", body: callStatus().Encode(), sig: signedFor(callStatus()),
			wantStatus: http.StatusNoContent,
			wantSink:   []twilio.Status{{Ref: "ref1", SID: "CA33333333333333333333333333333333", Status: "completed"}},
		},
		{
			name: "names nothing sent", body: delivered.Encode(), sig: signedFor(delivered), sinkErr: fmt.Errorf("%w: bad id", twilio.ErrUnknownRef),
			wantStatus: http.StatusBadRequest,
			wantSink:   []twilio.Status{{Ref: "ref1", SID: "SM22222222222222222222222222222222", Status: "delivered"}},
		},
		{
			name: "sink fails", body: delivered.Encode(), sig: signedFor(delivered), sinkErr: errors.New("redis: connection refused"),
			wantStatus: http.StatusInternalServerError,
			wantSink:   []twilio.Status{{Ref: "ref1", SID: "SM22222222222222222222222222222222", Status: "delivered"}},
			wantLog:    "status not recorded",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sink := &fakeSink{err: tt.sinkErr}
			v := twilio.NewVerifier(testToken)
			v.PublicURL = publicURL
			h := twilio.NewStatus(v, sink)
			logs := &logtest.Buffer{}
			h.Log = slog.New(slog.NewJSONHandler(logs, nil))
			method, reqTarget := tt.method, tt.target
			if method == "" {
				method = http.MethodPost
			}
			if reqTarget == "" {
				reqTarget = target
			}

			resp, body := serve(t, h, method, reqTarget, tt.body, tt.sig)

			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if body != "" {
				t.Errorf("body = %q, want none", body)
			}
			if tt.wantStatus == http.StatusMethodNotAllowed && resp.Header.Get("Allow") != http.MethodPost {
				t.Errorf("Allow = %q, want POST", resp.Header.Get("Allow"))
			}
			if diff := cmp.Diff(tt.wantSink, sink.Got()); diff != "" {
				t.Errorf("sink got (-want +got):\n%s", diff)
			}
			logged := logs.String()
			if tt.wantLog != "" && !strings.Contains(logged, tt.wantLog) {
				t.Errorf("log lacks %q:\n%s", tt.wantLog, logged)
			}
			for _, number := range []string{texterNumber, strings.TrimPrefix(texterNumber, "+"), lineNumber} {
				if strings.Contains(logged, number) {
					t.Errorf("log holds %q:\n%s", number, logged)
				}
			}
		})
	}
}
