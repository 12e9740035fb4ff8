package content_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/textline/textline/content"
)

func TestFold(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"¡ESPAÑOL!", "espanol"},
		{"  Stop.  ", "stop"},
		{"I’m   done!!", "im done"},
		{"I'm done.", "im done"},
		{"Opt-Out", "opt-out"},
		{"😀 menu 😀", "menu"},
		{"MENÚ", "menu"},
		{"Ayúdame, por favor", "ayudame, por favor"},
		{"Ça Va Ýes Øl", "ca va yes ol"},
		{"\tstop\r\n", "stop"},
		{"one\u00a0two\u2003three", "one two three"},
		{"stop stop", "stop stop"},
		{"...", ""},
		{"😀", ""},
		{"  ", ""},
		{"90210!", "90210"},
		{"#1", "1"},
		{"‘quoted’ `word`", "quoted word"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := content.Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{
		"", "STOP", "¡ESPAÑOL!", "  Stop.  ", "I’m   done!!", "Opt-Out", "😀 menu 😀",
		"a ' b", "' a '", "\t\n\r\v\f \u0085\u00a0\u2028\u3000", "İstanbul ǅ ǈ ẞ Σ ς K Å",
		"cafe\u0301", "\xff\xfe", "a\x00b", "ⅠⅡⅢ", "Ⓐⓑ", "1 2  3", "\u200b stop \u200b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := content.Fold(s)
		if again := content.Fold(got); again != got {
			t.Errorf("Fold not idempotent: Fold(%q) = %q, Fold of that = %q", s, got, again)
		}
		if strings.TrimSpace(got) != got {
			t.Errorf("Fold(%q) = %q, with space at an end", s, got)
		}
		if strings.Contains(got, "  ") {
			t.Errorf("Fold(%q) = %q, with a double space", s, got)
		}
		if strings.ContainsFunc(got, func(r rune) bool { return r != ' ' && unicode.IsSpace(r) }) {
			t.Errorf("Fold(%q) = %q, with a space other than U+0020", s, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Errorf("Fold(%q) = %q, not valid UTF-8", s, got)
		}
		if got != "" {
			first, _ := utf8.DecodeRuneInString(got)
			last, _ := utf8.DecodeLastRuneInString(got)
			for _, r := range []rune{first, last} {
				if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
					t.Errorf("Fold(%q) = %q, which ends with %q, not a letter or digit", s, got, r)
				}
			}
		}
	})
}
