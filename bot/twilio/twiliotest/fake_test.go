package twiliotest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/textline/textline/bot/twilio/twiliotest"
)

const (
	account = "AC0123456789abcdef0123456789abcdef"
	user    = "SK0123456789abcdef0123456789abcdef"
	pass    = "secret"
)

// post sends form to the fake's path for acct, as user:pass, and
// returns the status and the decoded JSON answer.
func post(t *testing.T, f *twiliotest.Fake, acct, path, user, pass string, form url.Values) (int, map[string]any) {
	t.Helper()
	status, answer, err := do(f, acct, path, user, pass, form)
	if err != nil {
		t.Fatal(err)
	}
	return status, answer
}

func do(f *twiliotest.Fake, acct, path, user, pass string, form url.Values) (int, map[string]any, error) {
	req, err := http.NewRequest(http.MethodPost, f.URL()+"/2010-04-01/Accounts/"+acct+"/"+path, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("request: %w", err)
	}
	defer resp.Body.Close()
	var answer map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return 0, nil, fmt.Errorf("answer is not JSON: %w", err)
	}
	return resp.StatusCode, answer, nil
}

var (
	sms  = url.Values{"To": {"+15551234567"}, "From": {"+15550001111"}, "Body": {"hello"}}
	call = url.Values{"To": {"+15551234567"}, "From": {"+15550001111"}, "Twiml": {"<Response/>"}}
)

func TestFake(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		account    string // account when empty
		path       string
		user, pass string
		form       url.Values
		wantStatus int
		wantCode   int    // Twilio's error code, for errors
		wantSID    string // prefix, for 201
	}{
		{name: "no credentials", path: "Messages.json", form: sms, wantStatus: 401, wantCode: 20003},
		{name: "wrong password", path: "Messages.json", user: user, pass: "wrong", form: sms, wantStatus: 401, wantCode: 20003},
		{name: "wrong account", account: "AC99999999999999999999999999999999", path: "Messages.json", user: user, pass: pass, form: sms, wantStatus: 404, wantCode: 20404},
		{name: "message without To", path: "Messages.json", user: user, pass: pass, form: url.Values{"From": {"+15550001111"}, "Body": {"hi"}}, wantStatus: 400, wantCode: 21604},
		{name: "message without Body", path: "Messages.json", user: user, pass: pass, form: url.Values{"To": {"+15551234567"}, "From": {"+15550001111"}}, wantStatus: 400, wantCode: 21602},
		{name: "call without Twiml or Url", path: "Calls.json", user: user, pass: pass, form: url.Values{"To": {"+15551234567"}, "From": {"+15550001111"}}, wantStatus: 400, wantCode: 21205},

		{name: "message", path: "Messages.json", user: user, pass: pass, form: sms, wantStatus: 201, wantSID: "SM"},
		{name: "message from a service", path: "Messages.json", user: user, pass: pass, form: url.Values{"To": {"+15551234567"}, "MessagingServiceSid": {"MG1"}, "Body": {"hi"}}, wantStatus: 201, wantSID: "SM"},
		{name: "call", path: "Calls.json", user: user, pass: pass, form: call, wantStatus: 201, wantSID: "CA"},
		{name: "call with Url", path: "Calls.json", user: user, pass: pass, form: url.Values{"To": {"+15551234567"}, "From": {"+15550001111"}, "Url": {"https://example.org/twiml"}}, wantStatus: 201, wantSID: "CA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := twiliotest.New(account, user, pass)
			t.Cleanup(f.Close)
			acct := tt.account
			if acct == "" {
				acct = account
			}
			status, answer := post(t, f, acct, tt.path, tt.user, tt.pass, tt.form)
			if status != tt.wantStatus {
				t.Errorf("status = %d, want %d: %v", status, tt.wantStatus, answer)
			}
			if f.Requests() != 1 {
				t.Errorf("Requests = %d, want 1", f.Requests())
			}
			if tt.wantStatus != 201 {
				if answer["code"] != float64(tt.wantCode) || answer["status"] != float64(tt.wantStatus) {
					t.Errorf("answer = %v, want code %d and status %d", answer, tt.wantCode, tt.wantStatus)
				}
				if sent := f.Sent(); len(sent) != 0 {
					t.Errorf("Sent = %+v, want none", sent)
				}
				return
			}
			sid, _ := answer["sid"].(string)
			if !strings.HasPrefix(sid, tt.wantSID) || len(sid) != 34 || answer["status"] != "queued" || answer["account_sid"] != account {
				t.Errorf("answer = %v, want a queued %s… of %s", answer, tt.wantSID, account)
			}
			if sent := f.Sent(); len(sent) != 1 || sent[0].SID != sid || sent[0].To != tt.form.Get("To") {
				t.Errorf("Sent = %+v, want one with SID %s", sent, sid)
			}
		})
	}
}

func TestFakeFailNext(t *testing.T) {
	t.Parallel()
	f := twiliotest.New(account, user, pass)
	t.Cleanup(f.Close)
	f.FailNext(2, 503, 20503)
	var statuses []int
	for range 3 {
		status, answer := post(t, f, account, "Messages.json", user, pass, sms)
		statuses = append(statuses, status)
		if status == 503 && (answer["code"] != float64(20503) || !strings.Contains(fmt.Sprint(answer["message"]), sms.Get("To"))) {
			t.Errorf("answer = %v, want code 20503 naming the recipient", answer)
		}
	}
	if fmt.Sprint(statuses) != "[503 503 201]" {
		t.Errorf("statuses = %v, want [503 503 201]", statuses)
	}
	if f.Requests() != 3 || len(f.Sent()) != 1 {
		t.Errorf("Requests, Sent = %d, %d; want 3, 1", f.Requests(), len(f.Sent()))
	}
}

// Wait sees sends made concurrently, each with its own SID.
func TestFakeWait(t *testing.T) {
	t.Parallel()
	f := twiliotest.New(account, user, pass)
	t.Cleanup(f.Close)
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		path, form := "Messages.json", sms
		if i%2 == 1 {
			path, form = "Calls.json", call
		}
		wg.Go(func() {
			if _, _, err := do(f, account, path, user, pass, form); err != nil {
				t.Error(err)
			}
		})
	}
	sent := f.Wait(t, n, 5*time.Second)
	wg.Wait()
	sids := map[string]bool{}
	for _, s := range sent {
		sids[s.SID] = true
	}
	if len(sids) != n {
		t.Errorf("%d distinct SIDs, want %d: %+v", len(sids), n, sent)
	}
}

// fatalRecorder is a testing.TB that keeps what Fatalf says.
type fatalRecorder struct {
	testing.TB
	fatal string
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }

func TestFakeWaitTimesOut(t *testing.T) {
	t.Parallel()
	f := twiliotest.New(account, user, pass)
	t.Cleanup(f.Close)
	post(t, f, account, "Messages.json", user, pass, sms)
	rec := &fatalRecorder{TB: t}
	f.Wait(rec, 2, 50*time.Millisecond)
	if !strings.Contains(rec.fatal, "1 sent") {
		t.Errorf("Fatalf said %q, want it to report 1 sent", rec.fatal)
	}
}
