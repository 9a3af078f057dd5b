// Package autodifftest checks gradients recorded on an autodiff.Tape against
// central differences. Every op, layer, loss and penalty in latent is tested
// with it.
package autodifftest

import (
	"fmt"
	"math"

	"github.com/latent-go/latent/autodiff"
)

// TB is the part of testing.TB the checker uses.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// Check compares the gradient of the scalar f with respect to each of params,
// computed by Backward, with the central difference (f(p+h) − f(p−h)) / 2h,
// h = 1e-2·max(1,|p|)·step. f must build its graph on the tape it is given and
// must be deterministic. An element passes when the two agree within
// tol·max(1, |analytic|, |numeric|). It reports at most a few failures per
// parameter.
func Check(t TB, name string, params []*autodiff.Var, f func(*autodiff.Tape) *autodiff.Var, tol float64) {
	t.Helper()
	for _, p := range params {
		p.ZeroGrad()
	}
	var tape autodiff.Tape
	tape.Backward(f(&tape))
	eval := func() float64 {
		var nt autodiff.Tape
		nt.NoGrad = true
		return float64(f(&nt).Value.Data[0])
	}
	for pi, p := range params {
		fails := 0
		for i := range p.Value.Data {
			orig := p.Value.Data[i]
			h := float32(1e-2 * math.Max(1, math.Abs(float64(orig))) * step)
			p.Value.Data[i] = orig + h
			up := eval()
			p.Value.Data[i] = orig - h
			down := eval()
			p.Value.Data[i] = orig
			h2 := float64((orig + h) - (orig - h))
			num := (up - down) / h2
			ana := float64(p.Grad.Data[i])
			if math.Abs(num-ana) > tol*math.Max(1, math.Max(math.Abs(num), math.Abs(ana))) || math.IsNaN(ana) {
				t.Errorf("%s: param %d element %d: analytic %.6g, numeric %.6g", name, pi, i, ana, num)
				if fails++; fails >= 3 {
					break
				}
			}
		}
	}
}

// step scales the difference step; 0.1 of 1e-2 keeps float32 round-off
// (≈1e-7·|f|/h) well below the truncation error of smooth functions.
const step = 0.1

// Describe formats a parameter's shape for messages.
func Describe(v *autodiff.Var) string { return fmt.Sprint(v.Value) }
