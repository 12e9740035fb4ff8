package bot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"hash"
	"log/slog"
	"strings"
	"sync"
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
	macs sync.Pool // of *pseudoMAC, keyed with the secret
}

// pseudoMAC is one HMAC with its buffers, reused so that a pseudonym
// costs only its own string.
type pseudoMAC struct {
	h   hash.Hash
	in  []byte
	sum [sha256.Size]byte
}

// NewPseudonymizer returns a pseudonymizer keyed with secret.
func NewPseudonymizer(secret []byte) *Pseudonymizer {
	key := append([]byte(nil), secret...)
	return &Pseudonymizer{macs: sync.Pool{New: func() any { return &pseudoMAC{h: hmac.New(sha256.New, key)} }}}
}

// pseudonymEncoding is base32 in lower case, unpadded.
var pseudonymEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Texter returns the texter with address addr.
func (p *Pseudonymizer) Texter(addr string) Texter {
	addr = strings.TrimSpace(addr)
	m := p.macs.Get().(*pseudoMAC)
	defer p.macs.Put(m)
	m.h.Reset()
	m.in = append(m.in[:0], addr...)
	m.h.Write(m.in)
	sum := m.h.Sum(m.sum[:0])
	// 80 bits: collisions need about 10^12 texters.
	return Texter{addr: addr, id: pseudonymEncoding.EncodeToString(sum[:10])}
}
