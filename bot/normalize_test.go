package bot_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/textline/textline/bot"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	a := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name, in, want string
	}{
		{name: "empty", in: "", want: ""},
		{name: "plain", in: "I need help", want: "I need help"},
		{name: "trimmed", in: "  \t hello \n ", want: "hello"},
		{name: "runs of space", in: "a  \t\n  b", want: "a b"},
		{name: "NUL", in: "a\x00b", want: "a b"},
		{name: "run of controls", in: "a\x00\x01\x07\x1b\x7fb", want: "a b"},
		{name: "C1 control", in: "a\u0085b\u009bc", want: "a b c"},
		{name: "controls at the ends", in: "\x00\x1bhi\x7f", want: "hi"},
		{name: "invalid UTF-8", in: "a\xffb", want: "a b"},
		{name: "run of invalid bytes", in: "a\xff\xfe\xc0\xaf b", want: "a b"},
		{name: "surrogate half", in: "a\xed\xa0\x80b", want: "a b"},
		{name: "truncated rune at the end", in: "hola\xc3", want: "hola"},
		{name: "format characters dropped", in: "zero\u200bwidth\u202eflip\ufeffbom sui\u200bcide my\u00adself", want: "zerowidthflipbom suicide myself"},
		{name: "no-break and wide spaces", in: "a\u00a0b\u3000c", want: "a b c"},
		{name: "letters, accents and emoji kept", in: "¡Ayúdame! 😀 ß", want: "¡Ayúdame! 😀 ß"},
		{name: "markup kept", in: "<script>&amp;</script>", want: "<script>&amp;</script>"},
		{name: "exactly MaxBody", in: a(bot.MaxBody), want: a(bot.MaxBody)},
		{name: "cut at MaxBody", in: a(bot.MaxBody + 1), want: a(bot.MaxBody)},
		{name: "cut in runes, not bytes", in: strings.Repeat("é", bot.MaxBody+5), want: strings.Repeat("é", bot.MaxBody)},
		{name: "cut in runes, emoji", in: strings.Repeat("😀", bot.MaxBody+1), want: strings.Repeat("😀", bot.MaxBody)},
		{name: "leading space not counted", in: "   " + a(bot.MaxBody), want: a(bot.MaxBody)},
		{name: "collapsed spaces counted once", in: a(bot.MaxBody-2) + "    b", want: a(bot.MaxBody-2) + " b"},
		{name: "space at the cut dropped", in: a(bot.MaxBody) + " b", want: a(bot.MaxBody)},
		{
			name: "space and letter straddling the cut", in: a(bot.MaxBody-1) + " b", want: a(bot.MaxBody - 1),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := bot.Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q (%d runes), want %q (%d runes)", short(tt.in), short(got), utf8.RuneCountInString(got), short(tt.want), utf8.RuneCountInString(tt.want))
			}
		})
	}
}

// short keeps long texts out of failure messages.
func short(s string) string {
	if len(s) > 60 {
		return s[:30] + "…" + s[len(s)-30:]
	}
	return s
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"", "STOP", "I need help", "  \t hello \n ", "a\x00b", "\xff\xfe", "hola\xc3",
		"zero\u200bwidth\u202eflip", "¡Ayúdame! 😀", "<script>&amp;</script>", "\ufffd",
		strings.Repeat("a", bot.MaxBody+3), strings.Repeat("ab ", bot.MaxBody/3+5), strings.Repeat("é", bot.MaxBody),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := bot.Normalize(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Normalize(%q) = %q, not valid UTF-8", s, got)
		}
		if n := utf8.RuneCountInString(got); n > bot.MaxBody {
			t.Fatalf("Normalize(%q) has %d runes, more than MaxBody (%d)", s, n, bot.MaxBody)
		}
		if i := strings.IndexFunc(got, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }); i >= 0 {
			t.Fatalf("Normalize(%q) = %q, with control or format character at byte %d", s, got, i)
		}
		if strings.TrimSpace(got) != got || strings.Contains(got, "  ") {
			t.Fatalf("Normalize(%q) = %q, with space at an end or doubled", s, got)
		}
		if again := bot.Normalize(got); again != got {
			t.Fatalf("Normalize not idempotent: Normalize(%q) = %q, Normalize of that = %q", s, got, again)
		}
	})
}
