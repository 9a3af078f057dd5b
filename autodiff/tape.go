// Package autodiff is a small reverse-mode automatic differentiation tape over
// tensor.Dense matrices, enough to train the autoencoder family: matrix
// products, bias, element-wise maps and their derivatives, reductions and the
// reconstruction losses. Each op is written beside its gradient, and every op is
// checked against central differences in the tests.
//
// Why a tape and not hand-written layer gradients: penalties such as the
// contractive ‖∂h/∂x‖²_F differentiate through derivatives of the network
// (the Jacobian–vector product is itself a small network), and a tape lets
// those be written once as ordinary forward code.
//
// A Tape is reused across training steps: Reset keeps its buffers, and since a
// step records the same ops with the same shapes every time, the steady state
// allocates no new matrices.
package autodiff

import (
	"fmt"

	"github.com/latent-go/latent/tensor"
)

// Var is a value on the tape and, after Backward, its gradient.
type Var struct {
	Value *tensor.Dense
	// Grad is dL/dValue after Backward; nil for values that need no gradient.
	Grad      *tensor.Dense
	needsGrad bool
}

// NeedsGrad reports whether gradients flow into v.
func (v *Var) NeedsGrad() bool { return v.needsGrad }

// Param wraps a persistent trainable matrix. Its gradient buffer lives as long
// as the parameter; gradients accumulate into it until ZeroGrad.
func Param(value *tensor.Dense) *Var {
	return &Var{Value: value, Grad: tensor.New(value.R, value.C), needsGrad: true}
}

// ZeroGrad clears the gradient of a parameter.
func (v *Var) ZeroGrad() {
	if v.Grad != nil {
		v.Grad.Zero()
	}
}

// Tape records ops in forward order so Backward can replay their gradients in
// reverse. The zero Tape is ready to use. A Tape is not safe for concurrent use.
type Tape struct {
	// NoGrad turns recording off: ops compute values only, for inference.
	NoGrad bool

	backward []func()
	pool     []*tensor.Dense
	used     int
}

// Reset forgets the recorded ops and makes the tape's buffers available again.
// Values produced before Reset must not be used afterwards.
func (t *Tape) Reset() {
	clear(t.backward)
	t.backward = t.backward[:0]
	t.used = 0
}

// Const puts a value on the tape that needs no gradient (inputs, targets).
func (t *Tape) Const(value *tensor.Dense) *Var { return &Var{Value: value} }

// Buffer returns a zeroed r×c matrix owned by the tape, valid until Reset;
// callers fill it and wrap it with Const (noisy inputs, random directions).
func (t *Tape) Buffer(r, c int) *tensor.Dense { return t.alloc(r, c) }

// alloc returns a zeroed r×c matrix from the tape's pool.
func (t *Tape) alloc(r, c int) *tensor.Dense {
	m := t.allocDirty(r, c)
	clear(m.Data)
	return m
}

// allocDirty returns an r×c matrix from the tape's pool with arbitrary
// contents, for values that the op overwrites entirely.
func (t *Tape) allocDirty(r, c int) *tensor.Dense {
	if t.used < len(t.pool) {
		m := t.pool[t.used]
		if cap(m.Data) >= r*c {
			m.R, m.C, m.Data = r, c, m.Data[:r*c]
			t.used++
			return m
		}
		m = tensor.New(r, c)
		t.pool[t.used] = m
		t.used++
		return m
	}
	m := tensor.New(r, c)
	t.pool = append(t.pool, m)
	t.used++
	return m
}

// result makes the output Var of an op over inputs; it needs a gradient when
// any input does and the tape is recording.
func (t *Tape) result(r, c int, inputs ...*Var) *Var {
	// Every op writes all of its value, so the buffer need not be cleared;
	// gradients accumulate and start from zero.
	out := &Var{Value: t.allocDirty(r, c)}
	if t.NoGrad {
		return out
	}
	for _, in := range inputs {
		if in.needsGrad {
			out.needsGrad = true
			out.Grad = t.alloc(r, c)
			break
		}
	}
	return out
}

// record appends a backward step when out takes part in differentiation.
func (t *Tape) record(out *Var, f func()) {
	if out.needsGrad {
		t.backward = append(t.backward, f)
	}
}

// Backward computes the gradient of the scalar loss (a 1×1 value) with respect
// to every Var that needs one, accumulating into their Grad.
func (t *Tape) Backward(loss *Var) {
	if loss.Value.R != 1 || loss.Value.C != 1 {
		panic(fmt.Sprintf("autodiff: Backward of a %v value, want 1×1", loss.Value))
	}
	if t.NoGrad {
		panic("autodiff: Backward on a NoGrad tape")
	}
	if !loss.needsGrad {
		return
	}
	loss.Grad.Data[0] += 1
	for i := len(t.backward) - 1; i >= 0; i-- {
		t.backward[i]()
	}
}
