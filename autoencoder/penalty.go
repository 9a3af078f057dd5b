package autoencoder

import (
	"math/rand/v2"

	"github.com/latent-go/latent/autodiff"
)

// jacobianPenalty returns Σ over the batch of ‖∂h/∂x‖²_F for the code h, or
// an unbiased estimate of it, by the route Config.ContractiveRoute names:
//
//   - closed: for a one-layer encoder h = f(xWᵀ + b), J = diag(f'(z))·W, so
//     ‖J‖²_F = Σ_j f'(z_j)²·‖W_j‖², at the cost of one matrix product.
//   - exact: forward-mode tangents t₀ = eᵢ for every input direction i,
//     tₗ = f'(zₗ) ⊙ (tₗ₋₁Wₗᵀ), summing ‖t_L‖² over i; costs Input times an
//     encoder pass, so it runs for small inputs only.
//   - estimate: the same tangents from Projections random Rademacher
//     directions v (E[vvᵀ] = I, hence E‖Jv‖² = ‖J‖²_F); costs Projections
//     encoder passes.
//
// Every route is built from tape ops, so its gradient comes from the tape.
func (m *Model) jacobianPenalty(t *autodiff.Tape, x *autodiff.Var, enc encoded, rng *rand.Rand) *autodiff.Var {
	route := m.Config.ContractiveRoute()
	if route == "closed" {
		w := m.Encoder[0].W
		d := t.MapDeriv(enc.z[0], enc.a[0], m.encAct(0))
		ones := t.Buffer(w.Value.C, 1)
		for i := range ones.Data {
			ones.Data[i] = 1
		}
		rowNorms := t.MatMul(t.Mul(w, w), false, t.Const(ones), false) // H×1: ‖W_j‖²
		return t.Sum(t.MatMul(t.Mul(d, d), false, rowNorms, false))
	}
	n, in := x.Value.R, x.Value.C
	k := in
	if route == "estimate" {
		k = max(m.Config.Projections, 1)
	}
	dirs := t.Buffer(n*k, in)
	if route == "exact" {
		for r := 0; r < n*k; r++ {
			dirs.Data[r*in+r%k] = 1
		}
	} else {
		for i := range dirs.Data {
			if rng.Uint64()&1 == 0 {
				dirs.Data[i] = 1
			} else {
				dirs.Data[i] = -1
			}
		}
	}
	tan := t.Const(dirs)
	for l, layer := range m.Encoder {
		d := t.RepeatRows(t.MapDeriv(enc.z[l], enc.a[l], m.encAct(l)), k)
		tan = t.Mul(d, t.MatMul(tan, false, layer.W, true))
	}
	pen := t.SumSq(tan)
	if route == "estimate" {
		pen = t.Scale(pen, 1/float32(k))
	}
	return pen
}
