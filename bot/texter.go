package bot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"log/slog"
	"strings"
)

// Texter is who sent a message: their address (an E.164 number, or a
// channel address such as "whatsapp:+1…") and its pseudonym. It logs as
// the pseudonym only.
type Texter struct {
	addr string
	id   string
}

// ID is the texter's pseudonym: stable, and safe for keys, logs and
// metrics.
func (t Texter) ID() string { return t.id }

// Addr is the texter's real address, for sending only. Never log it.
func (t Texter) Addr() string { return t.addr }

// LogValue keeps the number out of logs.
func (t Texter) LogValue() slog.Value { return slog.StringValue(t.id) }

// String is the pseudonym too, so a stray %v cannot leak the number.
func (t Texter) String() string { return t.id }

// Pseudonymizer turns addresses into pseudonyms with a secret key (an HMAC),
// so the same number always maps to the same key and nobody without the
// secret can go back.
type Pseudonymizer struct {
	key []byte
}

// NewPseudonymizer returns a pseudonymizer keyed with secret.
func NewPseudonymizer(secret []byte) *Pseudonymizer {
	return &Pseudonymizer{key: append([]byte(nil), secret...)}
}

var pseudonymEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Texter returns the texter with address addr.
func (p *Pseudonymizer) Texter(addr string) Texter {
	addr = strings.TrimSpace(addr)
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(addr))
	sum := m.Sum(nil)
	// 80 bits: collisions need about 10^12 texters.
	return Texter{addr: addr, id: strings.ToLower(pseudonymEncoding.EncodeToString(sum[:10]))}
}
