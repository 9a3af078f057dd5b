package autodiff

import (
	"fmt"
	"math"

	"github.com/latent-go/latent/internal/f32"
	"github.com/latent-go/latent/tensor"
)

// MatMul returns op(a)·op(b), where op transposes when transA or transB is set.
func (t *Tape) MatMul(a *Var, transA bool, b *Var, transB bool) *Var {
	m, n := a.Value.R, b.Value.C
	if transA {
		m = a.Value.C
	}
	if transB {
		n = b.Value.R
	}
	out := t.result(m, n, a, b)
	tensor.MatMul(out.Value, a.Value, transA, b.Value, transB, 1, 0)
	t.record(out, func() {
		g := out.Grad
		if a.needsGrad {
			// C = A·B: dA = dC·Bᵀ; C = Aᵀ·B: dA = B·dCᵀ; with B transposed likewise.
			if !transA {
				tensor.MatMul(a.Grad, g, false, b.Value, !transB, 1, 1)
			} else {
				tensor.MatMul(a.Grad, b.Value, transB, g, true, 1, 1)
			}
		}
		if b.needsGrad {
			if !transB {
				tensor.MatMul(b.Grad, a.Value, !transA, g, false, 1, 1)
			} else {
				tensor.MatMul(b.Grad, g, true, a.Value, transA, 1, 1)
			}
		}
	})
	return out
}

// Linear returns x·Wᵀ + b, a dense layer's pre-activation, with the 1×Out
// row b added to every row: one pass that writes b and one matrix product
// that adds onto it, instead of a product and a separate bias pass.
func (t *Tape) Linear(x, w, b *Var) *Var {
	if b.Value.R != 1 || b.Value.C != w.Value.R {
		panic(fmt.Sprintf("autodiff: Linear: bias %v for weights %v", b.Value, w.Value))
	}
	out := t.result(x.Value.R, w.Value.R, x, w, b)
	for i := 0; i < out.Value.R; i++ {
		copy(out.Value.Row(i), b.Value.Data)
	}
	tensor.MatMul(out.Value, x.Value, false, w.Value, true, 1, 1)
	t.record(out, func() {
		g := out.Grad
		if x.needsGrad {
			tensor.MatMul(x.Grad, g, false, w.Value, false, 1, 1)
		}
		if w.needsGrad {
			tensor.MatMul(w.Grad, g, true, x.Value, false, 1, 1)
		}
		if b.needsGrad {
			f32.SumRows(b.Grad.Data, g.Data)
		}
	})
	return out
}

// AddBias returns x + b with the 1×C row b added to every row of x.
func (t *Tape) AddBias(x, b *Var) *Var {
	if b.Value.R != 1 || b.Value.C != x.Value.C {
		panic(fmt.Sprintf("autodiff: AddBias: bias %v for input %v", b.Value, x.Value))
	}
	out := t.result(x.Value.R, x.Value.C, x, b)
	copy(out.Value.Data, x.Value.Data)
	f32.AddRows(out.Value.Data, b.Value.Data)
	t.record(out, func() {
		if x.needsGrad {
			f32.Axpy(1, out.Grad.Data, x.Grad.Data)
		}
		if b.needsGrad {
			f32.SumRows(b.Grad.Data, out.Grad.Data)
		}
	})
	return out
}

// Elementwise is a scalar function applied element by element, with its
// first and second derivatives. The activations of package nn implement it.
type Elementwise interface {
	// Apply sets y[i] = f(x[i]).
	Apply(y, x []float32)
	// Deriv sets d[i] = f'(x[i]); y holds f(x) for functions whose
	// derivative is cheaper from the output.
	Deriv(d, x, y []float32)
	// Deriv2 sets d[i] = f''(x[i]), with y as in Deriv.
	Deriv2(d, x, y []float32)
}

// FusedBackward is implemented by an Elementwise whose gradient can be
// accumulated in one pass. Map's gradient then calls Backward instead of
// writing f' into a scratch buffer with Deriv and multiplying it in.
type FusedBackward interface {
	// Backward sets dx[i] += dy[i]·f'(x[i]) for i < len(dx), given y = f(x):
	// the same numbers as Deriv followed by dx[i] += dy[i]·d[i].
	Backward(dx, dy, x, y []float32)
}

// Map returns f(x) element-wise.
func (t *Tape) Map(x *Var, f Elementwise) *Var {
	out := t.result(x.Value.R, x.Value.C, x)
	f.Apply(out.Value.Data, x.Value.Data)
	t.record(out, func() {
		if fb, ok := f.(FusedBackward); ok {
			fb.Backward(x.Grad.Data, out.Grad.Data, x.Value.Data, out.Value.Data)
			return
		}
		d := t.scratch(x.Value)
		f.Deriv(d, x.Value.Data, out.Value.Data)
		mulAcc(x.Grad.Data, out.Grad.Data, d)
	})
	return out
}

// MapDeriv returns f'(x) element-wise, given y = f(x) from Map. Its gradient
// uses the second derivative; it is how Jacobian–vector products enter a loss.
func (t *Tape) MapDeriv(x, y *Var, f Elementwise) *Var {
	out := t.result(x.Value.R, x.Value.C, x)
	f.Deriv(out.Value.Data, x.Value.Data, y.Value.Data)
	t.record(out, func() {
		d := t.scratch(x.Value)
		f.Deriv2(d, x.Value.Data, y.Value.Data)
		mulAcc(x.Grad.Data, out.Grad.Data, d)
	})
	return out
}

// scratch returns a buffer shaped like m, valid during one backward step.
func (t *Tape) scratch(m *tensor.Dense) []float32 {
	return t.allocDirty(m.R, m.C).Data
}

// mulAcc sets dst[i] += a[i]·b[i].
func mulAcc(dst, a, b []float32) { f32.MulAcc(dst[:len(a)], a, b) }

// Mul returns the element-wise product a⊙b.
func (t *Tape) Mul(a, b *Var) *Var {
	tensor.MustSameShape("Mul", a.Value, b.Value)
	out := t.result(a.Value.R, a.Value.C, a, b)
	o, av, bv := out.Value.Data, a.Value.Data, b.Value.Data
	f32.Mul(o, av, bv)
	t.record(out, func() {
		if a.needsGrad {
			mulAcc(a.Grad.Data, out.Grad.Data, bv)
		}
		if b.needsGrad {
			mulAcc(b.Grad.Data, out.Grad.Data, av)
		}
	})
	return out
}

// Add returns a + b.
func (t *Tape) Add(a, b *Var) *Var {
	tensor.MustSameShape("Add", a.Value, b.Value)
	out := t.result(a.Value.R, a.Value.C, a, b)
	copy(out.Value.Data, a.Value.Data)
	f32.Axpy(1, b.Value.Data, out.Value.Data)
	t.record(out, func() {
		if a.needsGrad {
			f32.Axpy(1, out.Grad.Data, a.Grad.Data)
		}
		if b.needsGrad {
			f32.Axpy(1, out.Grad.Data, b.Grad.Data)
		}
	})
	return out
}

// Scale returns s·x.
func (t *Tape) Scale(x *Var, s float32) *Var {
	out := t.result(x.Value.R, x.Value.C, x)
	copy(out.Value.Data, x.Value.Data)
	f32.Scale(s, out.Value.Data)
	t.record(out, func() {
		f32.Axpy(s, out.Grad.Data, x.Grad.Data)
	})
	return out
}

// RepeatRows returns x with each row repeated k times in place: rows
// x₀,x₀,…,x₁,x₁,…. Exact Jacobians use it to pair every sample with every
// basis direction.
func (t *Tape) RepeatRows(x *Var, k int) *Var {
	c := x.Value.C
	out := t.result(x.Value.R*k, c, x)
	for i := 0; i < x.Value.R; i++ {
		src := x.Value.Row(i)
		for j := 0; j < k; j++ {
			copy(out.Value.Data[(i*k+j)*c:], src)
		}
	}
	t.record(out, func() {
		for i := 0; i < x.Value.R; i++ {
			dst := x.Grad.Row(i)
			for j := 0; j < k; j++ {
				f32.Axpy(1, out.Grad.Data[(i*k+j)*c:(i*k+j+1)*c], dst)
			}
		}
	})
	return out
}

// scalar makes a 1×1 result holding v.
func (t *Tape) scalar(v float64, inputs ...*Var) *Var {
	out := t.result(1, 1, inputs...)
	out.Value.Data[0] = float32(v)
	return out
}

// SumSq returns Σx², a 1×1 value.
func (t *Tape) SumSq(x *Var) *Var {
	out := t.scalar(f32.SumSq(x.Value.Data), x)
	t.record(out, func() {
		f32.Axpy(2*out.Grad.Data[0], x.Value.Data, x.Grad.Data)
	})
	return out
}

// SumAbs returns Σ|x|, a 1×1 value; its subgradient at 0 is 0.
func (t *Tape) SumAbs(x *Var) *Var {
	var s float64
	for _, v := range x.Value.Data {
		s += math.Abs(float64(v))
	}
	out := t.scalar(s, x)
	t.record(out, func() {
		g := out.Grad.Data[0]
		for i, v := range x.Value.Data {
			switch {
			case v > 0:
				x.Grad.Data[i] += g
			case v < 0:
				x.Grad.Data[i] -= g
			}
		}
	})
	return out
}

// Sum returns Σx, a 1×1 value.
func (t *Tape) Sum(x *Var) *Var {
	out := t.scalar(f32.Sum(x.Value.Data), x)
	t.record(out, func() {
		g := out.Grad.Data[0]
		for i := range x.Grad.Data {
			x.Grad.Data[i] += g
		}
	})
	return out
}
