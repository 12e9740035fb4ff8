package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxBody is how much of a message the engine reads: Twilio joins long
// texts up to 1,600 characters; anything past that is not a text message.
const MaxBody = 1600

// Normalize makes an untrusted message body safe to handle: format
// characters (zero-width spaces and joiners, soft hyphens) are dropped, so
// "sui\u200bcide" reads as one word; invalid UTF-8 and control characters
// become spaces; runs of space collapse, the ends are trimmed and the text
// is cut at MaxBody runes.
func Normalize(body string) string {
	var b strings.Builder
	b.Grow(min(len(body), MaxBody*4))
	n := 0
	space := false
	for i := 0; i < len(body) && n < MaxBody; {
		r, size := utf8.DecodeRuneInString(body[i:])
		i += size
		if unicode.Is(unicode.Cf, r) {
			continue
		}
		if r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			if n+2 > MaxBody { // no room for the space and a rune after it
				break
			}
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
