package flows

import (
	"strconv"
	"testing"
)

// number reads what strconv.Atoi reads, and nothing else.
func TestNumberAsAtoi(t *testing.T) {
	for _, s := range []string{"", "1", "12", "007", "+3", "-2", "+", "-", "1a", "a1", "one", "more", " 1", "1 ", "١", "99999999999999999999", "0x1", "½"} {
		want, err := strconv.Atoi(s)
		got, ok := number(s)
		if ok != (err == nil) || got != want {
			t.Errorf("number(%q) = %d, %v; strconv.Atoi %d, %v", s, got, ok, want, err)
		}
	}
}
