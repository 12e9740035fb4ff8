package content

import (
	"strings"
	"unicode"
)

// Fold turns a message into the form keywords and choices are matched in:
// lower case, accents removed, apostrophes dropped, runs of space collapsed,
// and punctuation, symbols and emoji trimmed from both ends. "¡ESPAÑOL!"
// and "espanol" fold alike; so do "I’m done." and "im done".
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\'' || r == '’' || r == '‘' || r == '`':
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(Unaccent(unicode.ToLower(r)))
	}
	return strings.TrimFunc(b.String(), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// Unaccent returns the letter r without its accent (á → a, ñ → n), or r.
// Matching everywhere ignores accents the same way.
func Unaccent(r rune) rune {
	if f, ok := unaccent[r]; ok {
		return f
	}
	return r
}

var unaccent = func() map[rune]rune {
	m := map[rune]rune{}
	for base, accented := range map[rune]string{
		'a': "áàâäãåā", 'e': "éèêëē", 'i': "íìîïī", 'o': "óòôöõøō",
		'u': "úùûüū", 'n': "ñ", 'c': "ç", 'y': "ýÿ",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()
