package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/textline/textline/bot/console"
	"github.com/textline/textline/bot/handoff"
	"github.com/textline/textline/bot/redisstore/redistest"
	"github.com/textline/textline/bot/twilio/twiliotest"
)

const (
	fakeAccount = "AC00000000000000000000000000000009"
	fakeKey     = "SK00000000000000000000000000000009"
	fakeSecret  = "fakesecret000000000000000000000009"
	humanLine   = "+15550007777"
)

// handoffEnv is a serve environment on the Redis at redisURL with
// responders and Twilio's REST API at a fake. The handoff queue and the
// console's accounts are shared by every replica on one Redis, so their
// keys are cleared from the test's database before and after.
func handoffEnv(t *testing.T, redisURL string, responders ...string) (map[string]string, *twiliotest.Fake) {
	t.Helper()
	env := serveEnv(t, redisURL)
	rdb := redistest.Open(t, redisURL)
	clear := func() {
		for _, prefix := range []string{handoff.Prefix, console.Prefix} {
			if err := redistest.DeleteMatching(context.Background(), rdb, prefix+"*"); err != nil {
				t.Fatal(err)
			}
		}
	}
	clear()
	t.Cleanup(clear)
	api := twiliotest.New(fakeAccount, fakeKey, fakeSecret)
	t.Cleanup(api.Close)
	env["TWILIO_ACCOUNT_SID"] = fakeAccount
	env["TWILIO_API_KEY"] = fakeKey
	env["TWILIO_API_SECRET"] = fakeSecret
	env["TWILIO_API_URL"] = api.URL()
	env["HANDOFF_PHONES"] = strings.Join(responders, ", ")
	env["HUMAN_LINE"] = humanLine
	return env, api
}

var takeLine = regexp.MustCompile(`Reply TAKE ([A-Z0-9]+)`)

// TestServeHandoff is the walk on the real service: a request for
// a person, the alert on the responder's phone, TAKE, words both ways,
// CLOSE, and the bot again; no number crosses over.
func TestServeHandoff(t *testing.T) {
	redistest.Each(t, func(t *testing.T, redisURL string) {
		responderPhone := "+15550008001"
		env, api := handoffEnv(t, redisURL, responderPhone)
		srv := start(t, env, "serve")
		tx := newTexter(t, srv, testToken)
		staff := &texter{t: t, srv: srv, from: responderPhone, token: testToken}

		reply := tx.send("can i talk to a real person")
		if !strings.Contains(reply, "988") || !strings.Contains(reply, "person") {
			t.Fatalf("request answered %q, want the person on the way and 988", reply)
		}
		alert := api.Wait(t, 1, 5*time.Second)[0]
		if alert.To != responderPhone || strings.Contains(alert.Body, tx.from[2:]) {
			t.Fatalf("alert %+v: want it on the responder's phone without the texter's number", alert)
		}
		m := takeLine.FindStringSubmatch(alert.Body)
		if m == nil {
			t.Fatalf("alert %q has no TAKE line", alert.Body)
		}
		handle := m[1]

		if got := staff.send("TAKE " + handle); !strings.HasPrefix(got, "You have "+handle) {
			t.Fatalf("TAKE answered %q", got)
		}
		joined := api.Wait(t, 2, 5*time.Second)[1]
		if joined.To != tx.from || !strings.Contains(joined.Body, "joined") {
			t.Fatalf("texter got %+v, want the join message", joined)
		}

		if got := tx.send("thank you for coming, i feel so alone"); got != "" {
			t.Errorf("texter's words got a bot reply %q", got)
		}
		relay := api.Wait(t, 3, 5*time.Second)[2]
		if relay.To != responderPhone || relay.Body != handle+": thank you for coming, i feel so alone" {
			t.Fatalf("responder got %+v", relay)
		}

		if got := staff.send("I'm glad you wrote. I'm here."); got != "" {
			t.Errorf("responder's words got a reply %q", got)
		}
		back := api.Wait(t, 4, 5*time.Second)[3]
		if back.To != tx.from || back.Body != "I'm glad you wrote. I'm here." {
			t.Fatalf("texter got %+v", back)
		}

		if got := staff.send("CLOSE"); !strings.Contains(got, handle+" is closed") {
			t.Fatalf("CLOSE answered %q", got)
		}
		closing := api.Wait(t, 5, 5*time.Second)[4]
		if closing.To != tx.from || !strings.Contains(closing.Body, "1 Coping tips") {
			t.Fatalf("texter got %+v, want the closing message with the menu", closing)
		}
		if got := tx.send("1"); !strings.Contains(got, "MORE") {
			t.Errorf("after CLOSE the bot answers %q, want a tip", got)
		}

		for _, s := range api.Sent() {
			if s.From != "+15005550006" {
				t.Errorf("sent from %q, want the line's number", s.From)
			}
		}
		// The outbox counts a send once the provider's answer is back, a moment
		// after the provider has the message.
		want := `textline_outbound_total{kind="sms",result="sent"} 5`
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			resp, err := http.Get(srv.url + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			metrics, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(metrics), want) {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("metrics lack %s", want)
				break
			}
		}
		logs := srv.logs.String()
		for _, n := range []string{tx.from, responderPhone} {
			if strings.Contains(logs, n[2:]) {
				t.Errorf("logs show the number %s", n)
			}
		}
	})
}

// TestServeCrisisAlert: an imminent crisis reaches the responders' phones
// at once (the issue asks for under 5 seconds).
func TestServeCrisisAlert(t *testing.T) {
	redistest.Each(t, func(t *testing.T, redisURL string) {
		env, api := handoffEnv(t, redisURL, "+15550008002", "+15550008003")
		srv := start(t, env, "serve")
		tx := newTexter(t, srv, testToken)
		start := time.Now()
		reply := tx.send("i have the pills in my hand and im going to take them all tonight")
		if !strings.Contains(reply, "988") {
			t.Fatalf("crisis reply %q lacks 988", reply)
		}
		alerts := api.Wait(t, 2, 5*time.Second)
		t.Logf("alerts out %v after the message", time.Since(start))
		for _, a := range alerts {
			if !strings.Contains(a.Body, "imminent") {
				t.Errorf("alert %q does not say imminent", a.Body)
			}
		}
	})
}

// TestServeVoice: calls to the line are put through to HUMAN_LINE; the
// voice and status webhooks refuse unsigned requests.
func TestServeVoice(t *testing.T) {
	redistest.Each(t, func(t *testing.T, redisURL string) {
		env, _ := handoffEnv(t, redisURL, "+15550008004")
		srv := start(t, env, "serve")
		form := url.Values{"CallSid": {"CA00000000000000000000000000000001"}, "From": {"+15555550123"}, "To": {"+15005550006"}}
		post := func(path string, form url.Values, signed bool) (int, string) {
			req, _ := http.NewRequest(http.MethodPost, srv.url+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if signed {
				req.Header.Set("X-Twilio-Signature", twiliotest.Sign(testToken, srv.signURL(path), form))
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		status, body := post("/twilio/voice", form, true)
		if status != 200 || !strings.Contains(body, `<Dial timeout="30">`+humanLine+"</Dial>") || !strings.Contains(body, "9 8 8") {
			t.Errorf("voice: %d %s", status, body)
		}
		if status, _ := post("/twilio/voice", form, false); status != http.StatusForbidden {
			t.Errorf("unsigned voice: %d, want 403", status)
		}
		st := url.Values{"MessageSid": {"SM00000000000000000000000000000001"}, "MessageStatus": {"delivered"}}
		if status, _ := post("/twilio/status?o=x", st, false); status != http.StatusForbidden {
			t.Errorf("unsigned status: %d, want 403", status)
		}
		if status, _ := post("/twilio/status?o=unknown-item", st, true); status != http.StatusNoContent {
			t.Errorf("status for an item already gone: %d, want 204", status)
		}
		if status, _ := post("/twilio/status?o=%3Cnot%20an%20id%3E", st, true); status != http.StatusBadRequest {
			t.Errorf("status for no item there could be: %d, want 400, so that Twilio does not retry", status)
		}
	})
}
