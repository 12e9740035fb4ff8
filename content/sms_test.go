package content_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/textline/textline/content"
)

func TestSegments(t *testing.T) {
	t.Parallel()
	a := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name     string
		text     string
		wantSegs int
		wantGSM  bool
	}{
		{"empty", "", 0, true},
		{"one GSM character", "a", 1, true},
		{"160 GSM characters", a(160), 1, true},
		{"161 GSM characters", a(161), 2, true},
		{"306 GSM characters", a(306), 2, true},
		{"307 GSM characters", a(307), 3, true},
		{"459 GSM characters", a(459), 3, true},
		{"460 GSM characters", a(460), 4, true},
		{"whole GSM basic set is GSM", "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà", 1, true},
		{"Spanish in GSM", "¿Qué tal? Bien, señor. ¡Olé!", 1, true},
		{"Spanish outside GSM", "¿Qué tal? Sí, señor.", 1, false}, // í is not GSM
		// The extension table costs two septets a character.
		{"80 braces", strings.Repeat("{", 80), 1, true},
		{"81 braces", strings.Repeat("{", 81), 2, true},
		{"euro and 158 GSM", "€" + a(158), 1, true},
		{"euro and 159 GSM", "€" + a(159), 2, true},
		{"every extension character", "^{}\\[~]|€\f", 1, true},
		{"extension characters past one segment", strings.Repeat("[]", 40) + "x", 2, true},
		// One character outside GSM-7 turns the whole text into UCS-2.
		{"á and 69 GSM", "á" + a(69), 1, false},
		{"á and 70 GSM", "á" + a(70), 2, false},
		{"á and 133 GSM", "á" + a(133), 2, false},
		{"á and 134 GSM", "á" + a(134), 3, false},
		{"á and 200 GSM", "á" + a(200), 3, false},
		{"á and 201 GSM", "á" + a(201), 4, false},
		// An emoji is beyond the BMP: two UTF-16 units.
		{"emoji and 68 GSM", "😀" + a(68), 1, false},
		{"emoji and 69 GSM", "😀" + a(69), 2, false},
		{"emoji and 132 GSM", "😀" + a(132), 2, false},
		{"emoji and 133 GSM", "😀" + a(133), 3, false},
		{"35 emoji", strings.Repeat("😀", 35), 1, false},
		{"36 emoji", strings.Repeat("😀", 36), 2, false},
		{"extension character in UCS-2 is one unit", "á" + strings.Repeat("€", 69), 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			segs, gsm := content.Segments(tt.text)
			if segs != tt.wantSegs || gsm != tt.wantGSM {
				t.Errorf("Segments(%d runes) = %d, %v; want %d, %v", len([]rune(tt.text)), segs, gsm, tt.wantSegs, tt.wantGSM)
			}
		})
	}
}

func TestNonGSM(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		text string
		want []rune
	}{
		{"empty", "", nil},
		{"all GSM", "Hello! Reply MENU, 988 {€} ¿Qué?", nil},
		{"each once, in order", "á 😀 ok á — 😀 í", []rune{'á', '😀', '—', 'í'}},
		{"curly quotes", "I’m “done”", []rune{'’', '“', '”'}},
		{"tab is not GSM", "a\tb", []rune{'\t'}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := content.NonGSM(tt.text)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("NonGSM(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}
