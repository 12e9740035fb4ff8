package twilio_test

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/textline/textline/bot/twilio"
	"github.com/textline/textline/bot/twilio/twiliotest"
)

const (
	voicePath   = "/twilio/voice"
	connectText = "Connecting you to a counselor now."
	noLineText  = "No one can take your call right now. Please call or text 988."
	noAnswerTxt = "Nobody could answer just now. Please call or text 988."
)

// verb is one element of a TwiML <Response>.
type verb struct {
	Name, Text string
}

// voiceVerbs decodes a TwiML document whose root is <Response>, and
// returns its verbs.
func voiceVerbs(t *testing.T, doc string) []verb {
	t.Helper()
	var resp struct {
		XMLName xml.Name `xml:"Response"`
		Verbs   []struct {
			XMLName xml.Name
			Text    string `xml:",chardata"`
		} `xml:",any"`
	}
	if err := xml.Unmarshal([]byte(doc), &resp); err != nil {
		t.Fatalf("not TwiML: %v\n%s", err, doc)
	}
	var verbs []verb
	for _, v := range resp.Verbs {
		verbs = append(verbs, verb{v.XMLName.Local, v.Text})
	}
	return verbs
}

// call is a voice webhook's form as Twilio posts it.
func call() url.Values {
	return url.Values{
		"AccountSid": {"AC00000000000000000000000000000000"},
		"CallSid":    {"CA11111111111111111111111111111111"},
		"CallStatus": {"ringing"},
		"Direction":  {"inbound"},
		"From":       {texterNumber},
		"To":         {lineNumber},
	}
}

// serve sends method target with body to h through a real server, signed
// with sig when it is not empty, and returns the answer.
func serve(t *testing.T, h http.Handler, method, target, body, sig string) (*http.Response, string) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	req, err := http.NewRequest(method, srv.URL+target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if sig != "" {
		req.Header.Set("X-Twilio-Signature", sig)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read answer: %v", err)
	}
	return resp, string(b)
}

func TestVoice(t *testing.T) {
	t.Parallel()
	valid := call().Encode()
	signed := twiliotest.Sign(testToken, publicURL+voicePath, call())
	oversized := url.Values{"CallSid": {"CA1"}, "Pad": {strings.Repeat("x", twilio.MaxRequestBytes)}}.Encode()
	dial := []verb{{"Say", connectText}, {"Dial", humanNumber}, {"Say", noAnswerTxt}}

	tests := []struct {
		name      string
		method    string // POST when empty
		body      string
		sig       string
		humanLine string // humanNumber when empty, none when "-"
		noLine    string

		wantStatus int
		wantVerbs  []verb // the answer's TwiML, for 200
	}{
		// Hostile requests first.
		{name: "missing signature", body: valid, wantStatus: http.StatusForbidden},
		{name: "wrong signature", body: valid, sig: vectorSignature, wantStatus: http.StatusForbidden},
		{name: "signed with another token", body: valid, sig: twiliotest.Sign("another-token", publicURL+voicePath, call()), wantStatus: http.StatusForbidden},
		{name: "signature for another path", body: valid, sig: twiliotest.Sign(testToken, publicURL+webhookPath, call()), wantStatus: http.StatusForbidden},
		{name: "signature over another caller", body: valid, sig: twiliotest.Sign(testToken, publicURL+voicePath, url.Values{"From": {"+15559999999"}}), wantStatus: http.StatusForbidden},
		{name: "body over MaxRequestBytes", body: oversized, sig: signed, wantStatus: http.StatusRequestEntityTooLarge},
		{name: "malformed escape", body: "CallSid=CA1&From=%zz", sig: signed, wantStatus: http.StatusBadRequest},
		{name: "GET", method: http.MethodGet, sig: signed, wantStatus: http.StatusMethodNotAllowed},

		// Valid calls.
		{name: "dials the human line", body: valid, sig: signed, wantStatus: http.StatusOK, wantVerbs: dial},
		{
			name: "no human line", body: valid, sig: signed, humanLine: "-", noLine: noLineText,
			wantStatus: http.StatusOK, wantVerbs: []verb{{"Say", noLineText}, {"Hangup", ""}},
		},
		{
			name: "no human line and nothing to say", body: valid, sig: signed, humanLine: "-",
			wantStatus: http.StatusOK,
			wantVerbs: []verb{
				{"Say", "We cannot connect your call right now. If you are in crisis, please call or text 988."},
				{"Hangup", ""},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			human := tt.humanLine
			switch human {
			case "":
				human = humanNumber
			case "-":
				human = ""
			}
			v := twilio.NewVerifier(testToken)
			v.PublicURL = publicURL
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			resp, body := serve(t, twilio.NewVoice(v, human, connectText, tt.noLine, noAnswerTxt), method, voicePath, tt.body, tt.sig)

			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if tt.wantStatus == http.StatusMethodNotAllowed && resp.Header.Get("Allow") != http.MethodPost {
				t.Errorf("Allow = %q, want POST", resp.Header.Get("Allow"))
			}
			if tt.wantStatus != http.StatusOK {
				if body != "" {
					t.Errorf("body = %q, want none", body)
				}
				return
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/xml" {
				t.Errorf("Content-Type = %q, want text/xml", ct)
			}
			if diff := cmp.Diff(tt.wantVerbs, voiceVerbs(t, body)); diff != "" {
				t.Errorf("TwiML (-want +got):\n%s\n%s", diff, body)
			}
		})
	}
}

func TestCallTwiML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		humanLine, connect string
		want               []verb
	}{
		{"speaks, dials, and speaks if unanswered", humanNumber, connectText, []verb{{"Say", connectText}, {"Dial", humanNumber}, {"Say", noAnswerTxt}}},
		{"nothing to say first", humanNumber, "", []verb{{"Dial", humanNumber}, {"Say", noAnswerTxt}}},
		{
			"markup and control characters", humanNumber, "a</Say><Redirect>https://evil</Redirect>\x00\x1b & b",
			[]verb{{"Say", "a</Say><Redirect>https://evil</Redirect> & b"}, {"Dial", humanNumber}, {"Say", noAnswerTxt}},
		},
		{
			"no human line", "", connectText,
			[]verb{{"Say", "We cannot connect your call right now. If you are in crisis, please call or text 988."}, {"Hangup", ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := twilio.CallTwiML(tt.humanLine, tt.connect, noAnswerTxt)
			if diff := cmp.Diff(tt.want, voiceVerbs(t, doc)); diff != "" {
				t.Errorf("TwiML (-want +got):\n%s\n%s", diff, doc)
			}
		})
	}
}
