// Package learn is a small statistical text classifier in pure Go:
// multinomial logistic regression over hashed sparse features, trained
// with a fixed seed so that the same data always gives the same model,
// and stored in a compact binary form that is embedded in the binary.
package learn

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// Model scores feature vectors into classes.
type Model struct {
	Classes []string
	Bits    uint8     // the feature space has 1<<Bits buckets
	W       []float32 // weights, bucket-major: W[b*len(Classes)+k]
	Bias    []float32
}

// Probs returns the probability of each class for x, in the order of
// m.Classes, in out (which it may reuse).
func (m *Model) Probs(x Vector, out []float64) []float64 {
	k := len(m.Classes)
	out = append(out[:0], make([]float64, k)...)
	mask := uint32(1)<<m.Bits - 1
	for _, b := range x {
		row := m.W[int(b&mask)*k : int(b&mask)*k+k]
		for j, w := range row {
			out[j] += float64(w)
		}
	}
	norm := x.norm()
	for j := range k {
		out[j] = out[j]*norm + float64(m.Bias[j])
	}
	softmax(out)
	return out
}

func softmax(z []float64) {
	top := math.Inf(-1)
	for _, v := range z {
		top = max(top, v)
	}
	sum := 0.0
	for i, v := range z {
		z[i] = math.Exp(v - top)
		sum += z[i]
	}
	for i := range z {
		z[i] /= sum
	}
}

// Class returns the index of class name, or -1.
func (m *Model) Class(name string) int {
	for i, c := range m.Classes {
		if c == name {
			return i
		}
	}
	return -1
}

const magic = "TLM1"

// MarshalBinary stores the model: the weights of every bucket that has
// any, quantised to 16 bits, gzipped.
func (m *Model) MarshalBinary() ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("store model: %w", err)
	}
	var raw bytes.Buffer
	raw.WriteString(magic)
	raw.WriteByte(m.Bits)
	writeUvarint(&raw, uint64(len(m.Classes)))
	for _, c := range m.Classes {
		writeUvarint(&raw, uint64(len(c)))
		raw.WriteString(c)
	}
	k := len(m.Classes)
	var top float32
	for _, w := range m.W {
		top = max(top, float32(math.Abs(float64(w))))
	}
	scale := top / math.MaxInt16
	if scale == 0 {
		scale = 1
	}
	binary.Write(&raw, binary.LittleEndian, m.Bias)
	binary.Write(&raw, binary.LittleEndian, scale)
	last := -1
	row := make([]byte, 2*k)
	for b := 0; b*k < len(m.W); b++ {
		w := m.W[b*k : b*k+k]
		if allZero(w, scale) {
			continue
		}
		writeUvarint(&raw, uint64(b-last))
		last = b
		for j, v := range w {
			binary.LittleEndian.PutUint16(row[2*j:], uint16(int16(math.Round(float64(v/scale)))))
		}
		raw.Write(row)
	}
	writeUvarint(&raw, 0)
	var out bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
	zw.Write(raw.Bytes())
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// The limits of a model that can be stored and read back.
const (
	maxBits      = 24
	maxClasses   = 64
	maxClassName = 64
	maxStored    = 256 << 20 // bytes, unzipped
)

// check reports a model whose shape MarshalBinary cannot store.
func (m *Model) check() error {
	k := len(m.Classes)
	switch {
	case m.Bits > maxBits:
		return fmt.Errorf("%d bits is too many", m.Bits)
	case k == 0 || k > maxClasses:
		return fmt.Errorf("%d classes", k)
	case len(m.Bias) != k || len(m.W) != k<<m.Bits:
		return fmt.Errorf("%d biases and %d weights for %d classes of %d bits", len(m.Bias), len(m.W), k, m.Bits)
	}
	for _, c := range m.Classes {
		if len(c) > maxClassName {
			return fmt.Errorf("class name %.20q... is too long", c)
		}
	}
	return nil
}

func allZero(row []float32, scale float32) bool {
	for _, w := range row {
		if math.Round(float64(w/scale)) != 0 {
			return false
		}
	}
	return true
}

func writeUvarint(w *bytes.Buffer, v uint64) {
	w.Write(binary.AppendUvarint(nil, v))
}

// UnmarshalBinary reads a model stored by MarshalBinary.
func (m *Model) UnmarshalBinary(data []byte) error {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("read model: %w", err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, maxStored+1))
	if err != nil {
		return fmt.Errorf("read model: %w", err)
	}
	if len(raw) > maxStored {
		return errors.New("read model: too large")
	}
	r := bytes.NewReader(raw)
	head := make([]byte, len(magic)+1)
	if _, err := io.ReadFull(r, head); err != nil || string(head[:len(magic)]) != magic {
		return errors.New("read model: not a model")
	}
	m.Bits = head[len(magic)]
	if m.Bits > maxBits {
		return fmt.Errorf("read model: %d bits is too many", m.Bits)
	}
	n, err := binary.ReadUvarint(r)
	if err != nil || n == 0 || n > maxClasses {
		return errors.New("read model: bad class count")
	}
	m.Classes = make([]string, n)
	for i := range m.Classes {
		l, err := binary.ReadUvarint(r)
		if err != nil || l > maxClassName {
			return errors.New("read model: bad class name")
		}
		name := make([]byte, l)
		if _, err := io.ReadFull(r, name); err != nil {
			return errors.New("read model: bad class name")
		}
		m.Classes[i] = string(name)
	}
	k := len(m.Classes)
	m.Bias = make([]float32, k)
	var scale float32
	if err := binary.Read(r, binary.LittleEndian, m.Bias); err != nil {
		return fmt.Errorf("read model: %w", err)
	}
	if err := binary.Read(r, binary.LittleEndian, &scale); err != nil {
		return fmt.Errorf("read model: %w", err)
	}
	m.W = make([]float32, (1<<m.Bits)*k)
	rest := raw[len(raw)-r.Len():]
	return decodeRows(rest, m.W, k, scale)
}

// decodeRows reads the stored rows into w: each a gap to its bucket, then
// k weights of 16 bits, until a gap of 0. It touches only its own memory,
// so it is left out of the race detector's instrumentation, which made
// loading the models at start-up ten times slower.
//
//go:norace
func decodeRows(data []byte, w []float32, k int, scale float32) error {
	for b, at := -1, 0; ; {
		step, n := binary.Uvarint(data[at:])
		if n <= 0 {
			return errors.New("read model: truncated")
		}
		at += n
		if step == 0 {
			return nil
		}
		if step > uint64(len(w)/k) {
			return errors.New("read model: bucket out of range")
		}
		b += int(step)
		if b >= len(w)/k {
			return errors.New("read model: bucket out of range")
		}
		if len(data)-at < 2*k {
			return errors.New("read model: truncated")
		}
		for j := range k {
			w[b*k+j] = float32(int16(binary.LittleEndian.Uint16(data[at+2*j:]))) * scale
		}
		at += 2 * k
	}
}
