package nn

import (
	"math"
	"math/rand/v2"

	"github.com/latent-go/latent/autodiff"
	"github.com/latent-go/latent/tensor"
)

// Dense is a fully connected layer y = x·Wᵀ + b. W is Out×In, PyTorch's
// nn.Linear layout, so weights move between the two without transposing.
type Dense struct {
	W, B    *autodiff.Var
	In, Out int
}

// NewDense returns a layer initialised as PyTorch's nn.Linear is by default:
// W and b uniform on ±1/√In.
func NewDense(in, out int, rng *rand.Rand) *Dense {
	w := tensor.New(out, in)
	b := tensor.New(1, out)
	bound := 1 / math.Sqrt(float64(in))
	for _, m := range []*tensor.Dense{w, b} {
		for i := range m.Data {
			m.Data[i] = float32((2*rng.Float64() - 1) * bound)
		}
	}
	return &Dense{W: autodiff.Param(w), B: autodiff.Param(b), In: in, Out: out}
}

// Forward returns x·Wᵀ + b for a batch x with one sample per row.
func (d *Dense) Forward(t *autodiff.Tape, x *autodiff.Var) *autodiff.Var {
	return t.Linear(x, d.W, d.B)
}

// Params returns the layer's trainable values.
func (d *Dense) Params() []*autodiff.Var { return []*autodiff.Var{d.W, d.B} }
