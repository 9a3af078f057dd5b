package autodiff

import (
	"math"

	"github.com/latent-go/latent/internal/f32"
	"github.com/latent-go/latent/tensor"
)

// The reconstruction losses average over every element, as PyTorch's
// reduction="mean" does, so their values compare directly.

// MSE returns mean((pred − target)²). target needs no gradient.
func (t *Tape) MSE(pred, target *Var) *Var {
	tensor.MustSameShape("MSE", pred.Value, target.Value)
	p, y := pred.Value.Data, target.Value.Data
	n := float64(len(p))
	out := t.scalar(f32.SumSqDiff(p, y)/n, pred)
	t.record(out, func() {
		f32.AxpyDiff(pred.Grad.Data, 2*out.Grad.Data[0]/float32(n), p, y)
	})
	return out
}

// BCEWithLogits returns the mean binary cross-entropy between sigmoid(logits)
// and target, computed from the logits as max(z,0) − z·y + log(1+e^−|z|) so
// that it neither overflows nor loses precision when the sigmoid saturates.
// The terms are float32 (f32.BCELogits, about 1 ulp each) summed in float64.
func (t *Tape) BCEWithLogits(logits, target *Var) *Var {
	tensor.MustSameShape("BCEWithLogits", logits.Value, target.Value)
	z, y := logits.Value.Data, target.Value.Data
	// sig keeps sigmoid(z) for the gradient; e^−|z| gives both it and the loss.
	sig := t.scratch(logits.Value)
	n := float64(len(z))
	out := t.scalar(f32.BCELogits(sig, z, y)/n, logits)
	t.record(out, func() {
		f32.AxpyDiff(logits.Grad.Data[:len(z)], out.Grad.Data[0]/float32(n), sig, y)
	})
	return out
}

// PoissonNLL returns mean(e^z − y·z), the Poisson negative log-likelihood of
// target y under rate e^z (PyTorch's PoissonNLLLoss with log_input=True,
// full=False).
func (t *Tape) PoissonNLL(logRate, target *Var) *Var {
	tensor.MustSameShape("PoissonNLL", logRate.Value, target.Value)
	z, y := logRate.Value.Data, target.Value.Data
	var s float64
	for i, v := range z {
		s += math.Exp(float64(v)) - float64(y[i])*float64(v)
	}
	n := float64(len(z))
	out := t.scalar(s/n, logRate)
	t.record(out, func() {
		g := out.Grad.Data[0] / float32(n)
		for i, v := range z {
			logRate.Grad.Data[i] += g * (float32(math.Exp(float64(v))) - y[i])
		}
	})
	return out
}

// KLSparsity returns Σ_j KL(ρ ‖ ρ̂_j), where ρ̂_j is the mean of column j of h
// over the batch: the sparse autoencoder's penalty on code units whose
// average activation strays from the target rate ρ. h must lie in (0,1)
// (a sigmoid code); ρ̂ is clamped to [1e-6, 1−1e-6].
func (t *Tape) KLSparsity(h *Var, rho float64) *Var {
	r, c := h.Value.R, h.Value.C
	mean := make([]float64, c)
	for i := 0; i < r; i++ {
		for j, v := range h.Value.Row(i) {
			mean[j] += float64(v)
		}
	}
	var s float64
	for j := range mean {
		m := min(max(mean[j]/float64(r), 1e-6), 1-1e-6)
		mean[j] = m
		s += rho*math.Log(rho/m) + (1-rho)*math.Log((1-rho)/(1-m))
	}
	out := t.scalar(s, h)
	t.record(out, func() {
		g := float64(out.Grad.Data[0]) / float64(r)
		for i := 0; i < r; i++ {
			row := h.Grad.Row(i)
			for j, m := range mean {
				row[j] += float32(g * (-rho/m + (1-rho)/(1-m)))
			}
		}
	})
	return out
}
