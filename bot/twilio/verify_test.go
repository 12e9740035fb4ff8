package twilio_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/twilio/twilio-go/client"

	"github.com/textline/textline/bot/proxy"
	"github.com/textline/textline/bot/twilio"
	"github.com/textline/textline/bot/twilio/twiliotest"
)

// Twilio's published test vector, from twilio-go's
// client/request_validator_test.go: the signature of vectorURL with
// vectorParams, made with the auth token vectorToken.
const (
	vectorToken     = "12345"
	vectorURL       = "https://mycompany.com/myapp.php?foo=1&bar=2"
	vectorBase      = "https://mycompany.com"
	vectorRequest   = "/myapp.php?foo=1&bar=2"
	vectorSignature = "vOEb5UThFn24KEfnOFLQY2AE5FY="
)

func vectorParams() map[string]string {
	return map[string]string{
		"Digits":                "1234",
		"CallSid":               "CA1234567890ABCDE",
		"To":                    "+18005551212",
		"Caller":                "+14158675309",
		"From":                  "+14158675309",
		"ReasonConferenceEnded": "test",
		"Reason":                "Participant",
	}
}

// formOf is params as a webhook's form.
func formOf(t testing.TB, params map[string]string) twilio.Form {
	t.Helper()
	f, err := twilio.ParseForm(formValues(params).Encode())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// vectorReq is a POST to the vector's path and query, signed with sig
// (no header when sig is empty).
func vectorReq(target, sig string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, nil)
	if sig != "" {
		r.Header.Set("X-Twilio-Signature", sig)
	}
	return r
}

func verifier(publicURL string, tokens ...string) *twilio.Verifier {
	v := twilio.NewVerifier(tokens...)
	v.PublicURL = publicURL
	return v
}

func TestVerifyPublishedVector(t *testing.T) {
	t.Parallel()
	tampered := vectorParams()
	tampered["Digits"] = "1235"
	extra := vectorParams()
	extra["Body"] = "hello"
	tests := []struct {
		name   string
		v      *twilio.Verifier
		r      *http.Request
		params map[string]string
		want   bool
	}{
		// Hostile first.
		{"missing header", verifier(vectorBase, vectorToken), vectorReq(vectorRequest, ""), vectorParams(), false},
		{"wrong signature", verifier(vectorBase, vectorToken), vectorReq(vectorRequest, "WRONG SIGNATURE"), vectorParams(), false},
		{"wrong token", verifier(vectorBase, "54321"), vectorReq(vectorRequest, vectorSignature), vectorParams(), false},
		{"wrong host", verifier("https://evil.example.org", vectorToken), vectorReq(vectorRequest, vectorSignature), vectorParams(), false},
		{"wrong scheme", verifier("http://mycompany.com", vectorToken), vectorReq(vectorRequest, vectorSignature), vectorParams(), false},
		{"wrong path", verifier(vectorBase, vectorToken), vectorReq("/other.php?foo=1&bar=2", vectorSignature), vectorParams(), false},
		{"wrong query", verifier(vectorBase, vectorToken), vectorReq("/myapp.php?foo=1&bar=3", vectorSignature), vectorParams(), false},
		{"tampered param", verifier(vectorBase, vectorToken), vectorReq(vectorRequest, vectorSignature), tampered, false},
		{"added param", verifier(vectorBase, vectorToken), vectorReq(vectorRequest, vectorSignature), extra, false},
		{"no params", verifier(vectorBase, vectorToken), vectorReq(vectorRequest, vectorSignature), nil, false},
		{"no tokens", verifier(vectorBase), vectorReq(vectorRequest, vectorSignature), vectorParams(), false},
		{"only empty tokens", verifier(vectorBase, "", ""), vectorReq(vectorRequest, vectorSignature), vectorParams(), false},
		{"signature of the other vector", verifier(vectorBase, vectorToken), vectorReq(vectorRequest, "95+Bu0JVPi0r/SsESZCVf0dWAjw="), vectorParams(), false},

		{"valid", verifier(vectorBase, vectorToken), vectorReq(vectorRequest, vectorSignature), vectorParams(), true},
		{"public url with trailing slash", verifier(vectorBase+"/", vectorToken), vectorReq(vectorRequest, vectorSignature), vectorParams(), true},
		{"secondary token", verifier(vectorBase, "old-primary", vectorToken), vectorReq(vectorRequest, vectorSignature), vectorParams(), true},
		{"primary token with empty secondary", verifier(vectorBase, vectorToken, ""), vectorReq(vectorRequest, vectorSignature), vectorParams(), true},
		// twilio-go checks the URL with and without its port, since Twilio
		// is inconsistent about which one it signs.
		{"default port in public url", verifier("https://mycompany.com:443", vectorToken), vectorReq(vectorRequest, vectorSignature), vectorParams(), true},
		{"other port in public url", verifier("https://mycompany.com:8443", vectorToken), vectorReq(vectorRequest, vectorSignature), vectorParams(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.v.Verify(tt.r, formOf(t, tt.params)); got != tt.want {
				t.Errorf("Verify = %v, want %v", got, tt.want)
			}
		})
	}
}

// With no PublicURL the verifier rebuilds the URL Twilio called from what
// a trusted proxy forwards; it believes nobody else. httptest's requests
// come from 192.0.2.1.
func TestVerifyForwardedURL(t *testing.T) {
	t.Parallel()
	const peer = "192.0.2.1/32"
	forwarded := http.Header{"X-Forwarded-Proto": {"https"}, "X-Forwarded-Host": {"mycompany.com"}}
	tests := []struct {
		name      string
		publicURL string
		proxies   string // TRUSTED_PROXIES; none when empty
		target    string // as the request line or absolute URL
		header    http.Header
		want      bool
	}{
		// Hostile first: the vector stands for a signature Twilio made
		// for another app on the same account.
		{"forwarded, no proxy trusted", "", "", vectorRequest, forwarded, false},
		{"the request's own URL, no proxy trusted", "", "", vectorURL, nil, false},
		{"forwarded by a peer that is no trusted proxy", "", "10.0.0.0/8", vectorRequest, forwarded, false},
		{"the request's own URL from a peer that is no trusted proxy", "", "10.0.0.0/8", vectorURL, nil, false},
		{"public url wins over a trusted proxy", "https://line.example.org", peer, vectorRequest, forwarded, false},
		{"forwarded host of another site", "", peer, vectorRequest, http.Header{"X-Forwarded-Proto": {"https"}, "X-Forwarded-Host": {"evil.example.org"}}, false},
		{"the client's host before the proxy's", "", peer, vectorRequest, http.Header{"X-Forwarded-Proto": {"https"}, "X-Forwarded-Host": {"mycompany.com, line.example.org"}}, false},
		{"the client's host line before the proxy's", "", peer, vectorRequest, http.Header{"X-Forwarded-Proto": {"https"}, "X-Forwarded-Host": {"mycompany.com", "line.example.org"}}, false},
		{"the client's proto before the proxy's", "", peer, vectorRequest, http.Header{"X-Forwarded-Proto": {"https, http"}, "X-Forwarded-Host": {"mycompany.com"}}, false},
		{"forwarded proto missing", "", peer, "http://internal" + vectorRequest, http.Header{"X-Forwarded-Host": {"mycompany.com"}}, false},
		{"plain http from a trusted proxy", "", peer, "http://mycompany.com" + vectorRequest, nil, false},

		{"forwarded proto and host", "", peer, vectorRequest, forwarded, true},
		{"the nearest proxy's of several values", "", peer, vectorRequest, http.Header{"X-Forwarded-Proto": {"http, https"}, "X-Forwarded-Host": {"evil.example.org, mycompany.com"}}, true},
		{"the nearest proxy's of several lines", "", peer, vectorRequest, http.Header{"X-Forwarded-Proto": {"https"}, "X-Forwarded-Host": {"evil.example.org", "mycompany.com"}}, true},
		{"tls and host from a trusted proxy", "", peer, vectorURL, nil, true},
		{"forwarded host overrides request host", "", peer, "http://internal:8080" + vectorRequest, forwarded, true},
		{"forwarded proto only", "", peer, "http://mycompany.com" + vectorRequest, http.Header{"X-Forwarded-Proto": {"https"}}, true},
		{"public url, no proxy trusted", vectorBase, "", vectorRequest, http.Header{"X-Forwarded-Host": {"evil.example.org"}}, true},
		{"public url wins, forwarded by a trusted proxy", vectorBase, peer, vectorRequest, http.Header{"X-Forwarded-Host": {"evil.example.org"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := vectorReq(tt.target, vectorSignature)
			for k, vs := range tt.header {
				for _, v := range vs {
					r.Header.Add(k, v)
				}
			}
			v := verifier(tt.publicURL, vectorToken)
			if tt.proxies != "" {
				proxies, err := proxy.ParseTrusted(tt.proxies)
				if err != nil {
					t.Fatal(err)
				}
				v.Proxies = proxies
			}
			if got := v.Verify(r, formOf(t, vectorParams())); got != tt.want {
				t.Errorf("Verify = %v, want %v", got, tt.want)
			}
		})
	}
}

// Only the explicit dev verifier accepts unsigned requests.
func TestUnverified(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "https://line.example.org/twilio/sms", nil)
	if !twilio.Unverified().Verify(r, formOf(t, map[string]string{"Body": "hi"})) {
		t.Error("Unverified refused an unsigned request")
	}
	if twilio.NewVerifier().Verify(r, formOf(t, map[string]string{"Body": "hi"})) {
		t.Error("a verifier without tokens accepted an unsigned request")
	}
}

// The verifier accepts exactly the signatures twilio-go's RequestValidator
// accepts, whichever of the URL's forms (with or without its port, or
// another) Twilio signed.
func TestVerifyAgreesWithTwilioGo(t *testing.T) {
	t.Parallel()
	params := vectorParams()
	params["Body"] = "héllo & <bye>+ 100%"
	form := formOf(t, params)
	for _, base := range []string{
		"https://line.example.org", "https://line.example.org:443", "https://line.example.org:8443",
		"http://line.example.org", "http://line.example.org:80", "http://127.0.0.1:8080", "http://[::1]:8080",
	} {
		for _, path := range []string{"/twilio/sms", "/twilio/sms?o=r1", "/twilio/a%20b", "/"} {
			for _, signed := range []string{
				base + path,
				strings.Replace(base, ".org", ".org:443", 1) + path,
				strings.Replace(base, ".org", ".org:80", 1) + path,
				strings.Replace(strings.Replace(base, ":443", "", 1), ":8080", "", 1) + path,
				"https://evil.example.org" + path,
			} {
				for _, token := range []string{vectorToken, "another"} {
					sig := twiliotest.Sign(token, signed, formValues(params))
					rv := client.NewRequestValidator(vectorToken)
					want := rv.Validate(base+path, params, sig)
					if got := verifier(base, vectorToken).Verify(vectorReq(path, sig), form); got != want {
						t.Errorf("public %s, request %s, signed for %s with %s: Verify = %v, twilio-go %v", base, path, signed, token, got, want)
					}
				}
			}
		}
	}
}

func formValues(params map[string]string) url.Values {
	v := url.Values{}
	for k, p := range params {
		v.Set(k, p)
	}
	return v
}
