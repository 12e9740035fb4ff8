package bot

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
)

// Sealer encrypts the addresses Textline must keep to send to later (a
// texter in a handoff, a queued message), so a copy of Redis does not
// expose them. It uses AES-256-GCM with a key derived from the line's
// secret.
type Sealer struct {
	aead cipher.AEAD
}

// NewSealer returns a sealer keyed from secret (TEXTLINE_HASH_KEY).
func NewSealer(secret []byte) *Sealer {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("textline seal v1"))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		panic(err) // a 32-byte key always makes a cipher
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return &Sealer{aead: aead}
}

var sealEncoding = base64.RawURLEncoding

// Seal encrypts addr.
func (s *Sealer) Seal(addr string) string {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(addr)+s.aead.Overhead())
	rand.Read(nonce)
	return sealEncoding.EncodeToString(s.aead.Seal(nonce, nonce, []byte(addr), nil))
}

var errSealed = errors.New("not sealed by this line's key")

// Open decrypts what Seal made.
func (s *Sealer) Open(sealed string) (string, error) {
	b, err := sealEncoding.DecodeString(sealed)
	if err != nil || len(b) < s.aead.NonceSize() {
		return "", fmt.Errorf("open address: %w", errSealed)
	}
	n := s.aead.NonceSize()
	addr, err := s.aead.Open(nil, b[:n], b[n:], nil)
	if err != nil {
		return "", fmt.Errorf("open address: %w", errSealed)
	}
	return string(addr), nil
}
