package learn

import "math"

// Vector is the feature buckets of a text; a feature found twice counts
// twice. Each has the value 1/sqrt(len(v)), so a long text weighs no more
// than a short one.
type Vector []uint32

func (v Vector) norm() float64 {
	if len(v) == 0 {
		return 0
	}
	return 1 / math.Sqrt(float64(len(v)))
}

// Bag collects named features and hashes them into buckets. The zero
// Bag is ready to use; Reset empties it for the next text.
type Bag struct {
	ids []uint32
}

// FNV-1a, 32 bits.
const (
	offset32 = 2166136261
	prime32  = 16777619
)

// AddBytes adds the feature named kind + ":" + p.
func (b *Bag) AddBytes(kind string, p []byte) {
	b.ids = append(b.ids, mix(named(kind), p))
}

// Add adds the feature named kind + ":" + parts joined by spaces.
func (b *Bag) Add(kind string, parts ...string) {
	h := named(kind)
	for i, p := range parts {
		if i > 0 {
			h = (h ^ ' ') * prime32
		}
		h = mix(h, p)
	}
	b.ids = append(b.ids, h)
}

// named hashes the start of a feature's name: kind + ":".
func named(kind string) uint32 {
	return (mix(offset32, kind) ^ ':') * prime32
}

func mix[T string | []byte](h uint32, s T) uint32 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * prime32
	}
	return h
}

// Vector returns the features added so far, reduced to bits.
func (b *Bag) Vector(bits uint8) Vector {
	mask := uint32(1)<<bits - 1
	out := make(Vector, len(b.ids))
	for i, h := range b.ids {
		out[i] = h & mask
	}
	return out
}

// Reset empties the bag.
func (b *Bag) Reset() { b.ids = b.ids[:0] }
