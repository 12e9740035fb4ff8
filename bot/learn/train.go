package learn

import (
	"math"
	"math/rand/v2"
)

// Example is one training text: its features and its class.
type Example struct {
	X     Vector
	Class int
}

// Options steer training. A zero (or, for Epochs, Rate and L2, a
// negative) field means its default.
type Options struct {
	Bits   uint8   // feature buckets, 1<<Bits; default 18
	Epochs int     // passes over the data; default 20
	Rate   float64 // the first step size; default 0.5
	L2     float64 // the weight of the L2 penalty, per example; default 1e-4
	Seed   uint64  // the order of examples in each pass; default 1
	// Balance weighs each class by (n / (classes * n_class))^Balance:
	// 0 leaves classes as they are, 1 makes them count equally.
	Balance float64
}

func (o Options) withDefaults() Options {
	if o.Bits == 0 {
		o.Bits = 18
	}
	if o.Epochs < 1 {
		o.Epochs = 20
	}
	if o.Rate <= 0 {
		o.Rate = 0.5
	}
	if o.L2 <= 0 {
		o.L2 = 1e-4
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// Train fits a model to examples by stochastic gradient descent on the
// L2-penalised log loss, one example at a time with a shrinking step, in
// an order drawn from the seed: the same examples and options always give
// the same model. (Products are rounded before they are added, so no
// processor fuses them differently; math.Exp may still differ in its last
// bit from one architecture to another.)
//
// Train shares no memory with other goroutines, so it is left out of the
// race detector's instrumentation, which made it eight times slower.
//
//go:norace
func Train(classes []string, examples []Example, opts Options) *Model {
	opts = opts.withDefaults()
	k := len(classes)
	dim := 1 << opts.Bits
	w := make([]float64, dim*k) // the weights are w*scale: the penalty shrinks scale, not every weight
	scale := 1.0
	bias := make([]float64, k)
	weight := classWeights(k, examples, opts.Balance)

	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))
	order := make([]int, len(examples))
	for i := range order {
		order[i] = i
	}
	p := make([]float64, k)
	mask := uint32(dim - 1)
	t := 0.0
	// The model is the average of the weights at the end of each pass of
	// the second half: steadier than the last pass alone.
	avg := make([]float64, dim*k)
	avgBias := make([]float64, k)
	passes := 0
	for epoch := range opts.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			ex := examples[i]
			eta := opts.Rate / (1 + float64(opts.Rate*opts.L2*t))
			t++
			norm := ex.X.norm()
			for j := range p {
				p[j] = 0
			}
			for _, b := range ex.X {
				row := w[int(b&mask)*k:][:k]
				for j := range p {
					p[j] += row[j]
				}
			}
			for j := range p {
				p[j] = float64(p[j]*scale*norm) + bias[j]
			}
			softmax(p)
			scale *= 1 - float64(eta*opts.L2)
			for j := range p {
				p[j] = (p[j] - b2f(j == ex.Class)) * weight[ex.Class]
				bias[j] -= float64(eta * p[j])
			}
			step := eta * norm / scale
			for _, b := range ex.X {
				row := w[int(b&mask)*k:][:k]
				for j, g := range p {
					row[j] -= float64(step * g)
				}
			}
			if scale < 1e-9 {
				for i := range w {
					w[i] *= scale
				}
				scale = 1
			}
		}
		if epoch >= opts.Epochs/2 {
			for i, v := range w {
				avg[i] += float64(v * scale)
			}
			for i, v := range bias {
				avgBias[i] += v
			}
			passes++
		}
	}
	m := &Model{Classes: append([]string(nil), classes...), Bits: opts.Bits, W: make([]float32, len(w)), Bias: make([]float32, k)}
	for i, v := range avg {
		m.W[i] = float32(v / float64(passes))
	}
	for i, v := range avgBias {
		m.Bias[i] = float32(v / float64(passes))
	}
	return m
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func classWeights(k int, examples []Example, balance float64) []float64 {
	count := make([]float64, k)
	for _, ex := range examples {
		count[ex.Class]++
	}
	out := make([]float64, k)
	for j := range out {
		out[j] = 1
		if count[j] > 0 && balance > 0 {
			out[j] = math.Pow(float64(len(examples))/(float64(k)*count[j]), balance)
		}
	}
	return out
}

// Split returns fold of k folds of items, in an order drawn from seed:
// the items to train on and the ones to test on. The k test sets cover
// every item once.
func Split[T any](items []T, k, fold int, seed uint64) (train, test []T) {
	for i, j := range rand.New(rand.NewPCG(seed, 1)).Perm(len(items)) {
		if i%k == fold {
			test = append(test, items[j])
		} else {
			train = append(train, items[j])
		}
	}
	return train, test
}
