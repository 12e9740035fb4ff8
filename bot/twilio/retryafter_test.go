package twilio

import (
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"10", 10 * time.Second},
		{" 3 ", 3 * time.Second},
		{"0", 0},
		{"-5", 0},
		{"86400", maxRetryAfter},
		{"9223372036854775807", maxRetryAfter},
		{"Tue, 01 Dec 2026 12:00:30 GMT", 30 * time.Second},
		{"Tue, 01 Dec 2026 11:59:00 GMT", 0},
		{"soon", 0},
		{"1.5", 0},
	} {
		if got := parseRetryAfter(tc.header, now); got != tc.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tc.header, got, tc.want)
		}
	}
}

// FuzzRetryAfter: whatever the header says, the wait is within bounds.
func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"", "10", "-1", "99999999999999999999", "Tue, 01 Dec 2026 12:00:30 GMT", "\x00"} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, h string) {
		if d := parseRetryAfter(h, now); d < 0 || d > maxRetryAfter {
			t.Errorf("parseRetryAfter(%q) = %v, out of [0, %v]", h, d, maxRetryAfter)
		}
	})
}
