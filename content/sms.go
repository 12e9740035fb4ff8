package content

import "unicode/utf8"

// SMS limits (docs/ARCHITECTURE.md, "Limits"): a message that fits the GSM-7 alphabet travels in
// 160-character single segments or 153-character concatenated ones; one
// character outside it turns the whole message into UCS-2 (70, then 67).
const (
	MaxSegments  = 3
	gsmSingle    = 160
	gsmSegment   = 153
	ucs2Single   = 70
	ucs2Segment  = 67
	gsmBasicSet  = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsmExtension = "^{}\\[~]|€\f"
)

var gsmCost = func() map[rune]int {
	m := make(map[rune]int, 140)
	for _, r := range gsmBasicSet {
		m[r] = 1
	}
	for _, r := range gsmExtension {
		m[r] = 2
	}
	return m
}()

// Segments reports how many SMS segments text needs and whether it fits
// the GSM-7 alphabet.
func Segments(text string) (segments int, gsm bool) {
	septets := 0
	gsm = true
	for _, r := range text {
		c, ok := gsmCost[r]
		if !ok {
			gsm = false
			break
		}
		septets += c
	}
	if gsm {
		return count(septets, gsmSingle, gsmSegment), true
	}
	units := 0
	for _, r := range text {
		units += utf8.RuneLen(r)/4 + 1 // a rune beyond the BMP takes two UTF-16 units
	}
	return count(units, ucs2Single, ucs2Segment), false
}

func count(n, single, multi int) int {
	switch {
	case n == 0:
		return 0
	case n <= single:
		return 1
	default:
		return (n + multi - 1) / multi
	}
}

// NonGSM returns the characters of text outside the GSM-7 alphabet, once
// each, in order of appearance.
func NonGSM(text string) []rune {
	var out []rune
	seen := map[rune]bool{}
	for _, r := range text {
		if _, ok := gsmCost[r]; !ok && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}
