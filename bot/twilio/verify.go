package twilio

import (
	"net/http"
	"strings"

	"github.com/twilio/twilio-go/client"
)

// Verifier checks X-Twilio-Signature with twilio-go's RequestValidator.
type Verifier struct {
	validators []client.RequestValidator
	off        bool

	// PublicURL is the base URL Twilio calls ("https://line.example.org").
	// When empty, the URL is rebuilt from the request, honouring
	// X-Forwarded-Proto and X-Forwarded-Host.
	PublicURL string
}

// NewVerifier returns a verifier that accepts signatures made with any of
// tokens (the primary, and a secondary one while it is being rotated).
// Empty tokens are ignored.
func NewVerifier(tokens ...string) *Verifier {
	v := &Verifier{}
	for _, t := range tokens {
		if t != "" {
			v.validators = append(v.validators, client.NewRequestValidator(t))
		}
	}
	return v
}

// Unverified returns a verifier that accepts every request, for textline
// dev on a loopback address. Nothing else may use it.
func Unverified() *Verifier { return &Verifier{off: true} }

// Verify reports whether r, whose form is params, was signed by Twilio.
func (v *Verifier) Verify(r *http.Request, params map[string]string) bool {
	if v.off {
		return true
	}
	sig := r.Header.Get("X-Twilio-Signature")
	if sig == "" {
		return false
	}
	u := v.url(r)
	for _, rv := range v.validators {
		if rv.Validate(u, params, sig) {
			return true
		}
	}
	return false
}

// url is the address Twilio signed: the public base with the request's
// path and query.
func (v *Verifier) url(r *http.Request) string {
	if v.PublicURL != "" {
		return strings.TrimSuffix(v.PublicURL, "/") + r.URL.RequestURI()
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := first(r.Header.Get("X-Forwarded-Proto")); p != "" {
		scheme = p
	}
	host := r.Host
	if h := first(r.Header.Get("X-Forwarded-Host")); h != "" {
		host = h
	}
	return scheme + "://" + host + r.URL.RequestURI()
}

// first returns the first of a comma-separated header's values.
func first(h string) string {
	v, _, _ := strings.Cut(h, ",")
	return strings.TrimSpace(v)
}
