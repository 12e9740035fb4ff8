package twilio

import (
	"net/http"
	"strings"

	"github.com/twilio/twilio-go/client"

	"github.com/textline/textline/bot/proxy"
)

// Verifier checks X-Twilio-Signature with twilio-go's RequestValidator.
type Verifier struct {
	validators []client.RequestValidator
	off        bool

	// PublicURL is the base URL Twilio calls ("https://line.example.org"):
	// when set, every signature is checked against it.
	PublicURL string
	// Proxies are the reverse proxies trusted to say which URL Twilio
	// called. Without PublicURL, a request that comes straight from one
	// of them is checked against the URL it forwards (X-Forwarded-Proto
	// and X-Forwarded-Host, else the request's own scheme and Host), and
	// any other request is refused. The zero value trusts none.
	Proxies proxy.Trusted
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
	u, ok := v.url(r)
	if !ok {
		return false
	}
	for _, rv := range v.validators {
		if rv.Validate(u, params, sig) {
			return true
		}
	}
	return false
}

// url is the address Twilio signed: the public base with the request's
// path and query, or the one a trusted proxy forwards; none for a request
// that did not come through one when there is no public base.
func (v *Verifier) url(r *http.Request) (string, bool) {
	if v.PublicURL != "" {
		return strings.TrimSuffix(v.PublicURL, "/") + r.URL.RequestURI(), true
	}
	if !v.Proxies.Forwarded(r) {
		return "", false
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := nearest(r.Header, "X-Forwarded-Proto"); p != "" {
		scheme = p
	}
	host := r.Host
	if h := nearest(r.Header, "X-Forwarded-Host"); h != "" {
		host = h
	}
	return scheme + "://" + host + r.URL.RequestURI(), true
}

// nearest returns the last of a forwarded header's values, the one the
// trusted proxy wrote: a proxy that appends leaves what the client sent
// before it.
func nearest(h http.Header, key string) string {
	values := h.Values(key)
	if len(values) == 0 {
		return ""
	}
	v := values[len(values)-1]
	if i := strings.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	return strings.TrimSpace(v)
}
