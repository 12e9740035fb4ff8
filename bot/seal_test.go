package bot

import (
	"strings"
	"testing"
)

func TestSealer(t *testing.T) {
	s := NewSealer([]byte("k1"))
	for _, addr := range []string{"+15555550100", "whatsapp:+5215555550100", ""} {
		sealed := s.Seal(addr)
		if addr != "" && strings.Contains(sealed, strings.TrimPrefix(addr, "+")) {
			t.Errorf("Seal(%q) = %q shows the address", addr, sealed)
		}
		if again := s.Seal(addr); again == sealed {
			t.Errorf("Seal(%q) twice gave the same text: nonces repeat", addr)
		}
		got, err := s.Open(sealed)
		if err != nil || got != addr {
			t.Errorf("Open(Seal(%q)) = %q, %v", addr, got, err)
		}
		if _, err := NewSealer([]byte("k2")).Open(sealed); err == nil {
			t.Errorf("another key opened %q", addr)
		}
	}
	for _, bad := range []string{"", "x", "!!!", s.Seal("+1")[:10]} {
		if _, err := s.Open(bad); err == nil {
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
}
