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
	s.msg = v.appendURL(s.msg[:0], r)
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
// request's path and query.
func (v *Verifier) appendURL(b []byte, r *http.Request) []byte {
	if v.PublicURL != "" {
		return append(append(b, strings.TrimSuffix(v.PublicURL, "/")...), r.URL.RequestURI()...)
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
	return append(append(append(append(b, scheme...), "://"...), host...), r.URL.RequestURI()...)
}

// first returns the first of a comma-separated header's values.
func first(h string) string {
	v, _, _ := strings.Cut(h, ",")
	return strings.TrimSpace(v)
}
