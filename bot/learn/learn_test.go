package learn

import (
	"bytes"
	"compress/gzip"
	"math/rand/v2"
	"testing"
)

// examples are texts of two classes told apart by their words, with noise
// words both share.
func examples(n int, seed uint64) []Example {
	rng := rand.New(rand.NewPCG(seed, seed))
	var out []Example
	for i := range n {
		class := i % 2
		var b Bag
		b.Add("w", [2]string{"calm", "alarm"}[class])
		for range 5 {
			b.Add("w", "noise", string(rune('a'+rng.IntN(20))))
		}
		out = append(out, Example{X: b.Vector(12), Class: class})
	}
	return out
}

func TestTrainLearnsAndIsReproducible(t *testing.T) {
	opts := Options{Bits: 12, Epochs: 5, Seed: 7}
	a := Train([]string{"calm", "alarm"}, examples(400, 1), opts)
	b := Train([]string{"calm", "alarm"}, examples(400, 1), opts)
	da, _ := a.MarshalBinary()
	db, _ := b.MarshalBinary()
	if !bytes.Equal(da, db) {
		t.Error("the same examples and options gave two models")
	}
	right := 0
	test := examples(200, 2)
	for _, ex := range test {
		p := a.Probs(ex.X, nil)
		if (p[1] > p[0]) == (ex.Class == 1) {
			right++
		}
	}
	if right < 195 {
		t.Errorf("%d of %d right on new examples", right, len(test))
	}
	if c := Train([]string{"calm", "alarm"}, examples(400, 1), Options{Bits: 12, Epochs: 5, Seed: 8}); bytes.Equal(mustMarshal(t, c), da) {
		t.Error("another seed gave the same model")
	}
}

func mustMarshal(t *testing.T, m *Model) []byte {
	t.Helper()
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A stored model reads back with the same classes and, within its 16-bit
// precision, the same probabilities.
func TestMarshalRoundTrip(t *testing.T) {
	m := Train([]string{"calm", "alarm", "other"}, append(examples(300, 3), Example{X: Vector{1, 2}, Class: 2}), Options{Bits: 12, Epochs: 3})
	var back Model
	if err := back.UnmarshalBinary(mustMarshal(t, m)); err != nil {
		t.Fatal(err)
	}
	if len(back.Classes) != 3 || back.Classes[2] != "other" || back.Bits != 12 {
		t.Fatalf("read back %v, %d bits", back.Classes, back.Bits)
	}
	for _, ex := range examples(50, 4) {
		p, q := m.Probs(ex.X, nil), back.Probs(ex.X, nil)
		for j := range p {
			if d := p[j] - q[j]; d > 0.01 || d < -0.01 {
				t.Fatalf("probability %d: %.4f stored, %.4f read back", j, p[j], q[j])
			}
		}
	}
}

func TestUnmarshalRefusesGarbage(t *testing.T) {
	gz := func(raw string) []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write([]byte(raw))
		zw.Close()
		return b.Bytes()
	}
	var m Model
	for _, b := range [][]byte{nil, []byte("not gzip"), gz("TLM1\x1e\x01\x01a"), gz("TLM1\x0c\x00"), gz("TLM9\x0c\x01\x01a")} {
		if err := m.UnmarshalBinary(b); err == nil {
			t.Errorf("UnmarshalBinary(%q...) = nil, want an error", b[:min(len(b), 8)])
		}
	}
}

func TestMarshalRefusesMisshapenModels(t *testing.T) {
	for _, m := range []*Model{
		{Classes: []string{"a"}, Bits: 30, Bias: []float32{0}},
		{Classes: []string{"a", "b"}, Bits: 2, W: make([]float32, 8), Bias: []float32{0}},
		{Classes: []string{"a"}, Bits: 2, W: make([]float32, 3), Bias: []float32{0}},
		{Bits: 2},
	} {
		if _, err := m.MarshalBinary(); err == nil {
			t.Errorf("MarshalBinary(%d classes, %d bits, %d weights) = nil, want an error", len(m.Classes), m.Bits, len(m.W))
		}
	}
}

// A model file comes from a content folder an operator gives: whatever
// its bytes, reading it fails cleanly or gives a model that can be used
// and written again.
func FuzzUnmarshal(f *testing.F) {
	good, err := Train([]string{"calm", "alarm"}, examples(50, 1), Options{Bits: 6, Epochs: 2, Seed: 1}).MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	var raw bytes.Buffer
	zr, _ := gzip.NewReader(bytes.NewReader(good))
	raw.ReadFrom(zr)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(gzipped(raw.Bytes()[:raw.Len()-3]))
	f.Add(gzipped(append(raw.Bytes()[:raw.Len()-1], 0xff, 0xff, 0xff, 0x0f)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var m Model
		if m.UnmarshalBinary(data) != nil {
			return
		}
		if len(m.W) != (1<<m.Bits)*len(m.Classes) || len(m.Bias) != len(m.Classes) {
			t.Fatalf("read a misshapen model: %d weights, %d classes, %d bits", len(m.W), len(m.Classes), m.Bits)
		}
		m.Probs(Vector{1, 2, 3}, nil)
	})
}

func gzipped(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

// Two stored models are the same model when their weights differ by no
// more than their precision; another seed's model is not.
func TestSameStored(t *testing.T) {
	opts := Options{Bits: 12, Epochs: 5, Seed: 7}
	m := Train([]string{"calm", "alarm"}, examples(400, 1), opts)
	a := mustMarshal(t, m)
	m.W[0] += m.W[0] / 100000 // a last-bit difference
	if !SameStored(a, mustMarshal(t, m)) {
		t.Error("a model differs from itself in its last bits")
	}
	other := mustMarshal(t, Train([]string{"calm", "alarm"}, examples(400, 1), Options{Bits: 12, Epochs: 5, Seed: 8}))
	if SameStored(a, other) {
		t.Error("models of two seeds are the same")
	}
	if SameStored(a, []byte("not a model")) {
		t.Error("garbage is the same model")
	}
}

// The test sets of k folds cover every item once, apart from its train set.
func TestSplit(t *testing.T) {
	items := make([]int, 103)
	for i := range items {
		items[i] = i
	}
	seen := map[int]int{}
	for fold := range 5 {
		train, test := Split(items, 5, fold, 9)
		if len(train)+len(test) != len(items) || len(test) < 20 || len(test) > 21 {
			t.Fatalf("fold %d: %d to train, %d to test", fold, len(train), len(test))
		}
		for _, x := range test {
			seen[x]++
		}
	}
	for _, x := range items {
		if seen[x] != 1 {
			t.Errorf("item %d is tested %d times", x, seen[x])
		}
	}
}
