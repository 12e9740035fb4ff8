package learn

import (
	"bytes"
	"math"
	"slices"
)

// SameStored reports whether two stored models are the same model: equal
// bytes, or weights that differ by no more than two steps of their 16-bit
// precision, which is what another processor's last bit in math.Exp may
// change while training.
func SameStored(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var x, y Model
	if x.UnmarshalBinary(a) != nil || y.UnmarshalBinary(b) != nil || !slices.Equal(x.Classes, y.Classes) || x.Bits != y.Bits {
		return false
	}
	top := float32(0)
	for _, w := range x.W {
		top = max(top, w, -w)
	}
	step := top / math.MaxInt16
	for i := range x.W {
		if d := x.W[i] - y.W[i]; d > 2*step || d < -2*step {
			return false
		}
	}
	for i := range x.Bias {
		if d := x.Bias[i] - y.Bias[i]; d > 1e-3 || d < -1e-3 {
			return false
		}
	}
	return true
}
