package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"hash"
	"net/http"
	"strings"
	"sync"

	"github.com/twilio/twilio-go/client"

	"github.com/textline/textline/bot/proxy"
)

// Verifier checks X-Twilio-Signature as twilio-go's RequestValidator
// does. It first signs the URL exactly as it was called, which is one of
// the two that RequestValidator tries (with and without the default
// port) and the one Twilio signs as a rule, without allocating; only a
// request that does not match it is handed to RequestValidator.
type Verifier struct {
	validators []client.RequestValidator
	tokens     [][]byte
	signers    sync.Pool // of *signer
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
			v.tokens = append(v.tokens, []byte(t))
		}
	}
	v.signers.New = func() any {
		s := &signer{}
		for _, t := range v.tokens {
			s.macs = append(s.macs, hmac.New(sha1.New, t))
		}
		return s
	}
	return v
}

// Unverified returns a verifier that accepts every request, for textline
// dev on a loopback address. Nothing else may use it.
func Unverified() *Verifier { return &Verifier{off: true} }

// Verify reports whether r, whose form is form, was signed by Twilio.
func (v *Verifier) Verify(r *http.Request, form Form) bool {
	if v.off {
		return true
	}
	sig := r.Header.Get("X-Twilio-Signature")
	if sig == "" || len(v.tokens) == 0 {
		return false
	}
	s := v.signers.Get().(*signer)
	defer v.signers.Put(s)
	var ok bool
	if s.msg, ok = v.appendURL(s.msg[:0], r); !ok {
		return false
	}
	if s.signed(form, sig) {
		return true
	}
	u := string(s.msg)
	params := make(map[string]string, len(form))
	for _, f := range form {
		params[f.Key] = f.Value
	}
	for _, rv := range v.validators {
		if rv.Validate(u, params, sig) {
			return true
		}
	}
	return false
}

// signer signs with each token in turn; it is reused, so that signing
// allocates nothing.
type signer struct {
	macs []hash.Hash
	msg  []byte // the URL, then each key and value
	sum  [sha1.Size]byte
	enc  [28]byte // base64 of sum
}

// signed reports whether sig is the signature, under one of the tokens,
// of s.msg (a URL) with form.
func (s *signer) signed(form Form, sig string) bool {
	url := len(s.msg)
	defer func() { s.msg = s.msg[:url] }()
	for _, f := range form {
		s.msg = append(append(s.msg, f.Key...), f.Value...)
	}
	ok := false
	for _, m := range s.macs {
		m.Reset()
		m.Write(s.msg)
		base64.StdEncoding.Encode(s.enc[:], m.Sum(s.sum[:0]))
		if subtle.ConstantTimeCompare(s.enc[:], []byte(sig)) == 1 {
			ok = true
		}
	}
	return ok
}

// appendURL appends the address Twilio signed: the public base with the
// request's path and query, or the one a trusted proxy forwards; none for
// a request that did not come through one when there is no public base.
func (v *Verifier) appendURL(b []byte, r *http.Request) ([]byte, bool) {
	if v.PublicURL != "" {
		return append(append(b, strings.TrimSuffix(v.PublicURL, "/")...), r.URL.RequestURI()...), true
	}
	if !v.Proxies.Forwarded(r) {
		return b, false
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
	return append(append(append(append(b, scheme...), "://"...), host...), r.URL.RequestURI()...), true
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
