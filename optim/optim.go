// Package optim updates parameters from their gradients: SGD with momentum
// and Nesterov momentum, Adam and AdamW, following PyTorch's update rules
// exactly so that a step here and a step there give the same numbers; plus
// learning-rate schedules and gradient clipping.
package optim

import (
	"fmt"
	"math"
	"strings"

	"github.com/latent-go/latent/autodiff"
	"github.com/latent-go/latent/internal/f32"
)

// Config chooses and tunes an optimiser. The zero value is Adam with
// PyTorch's defaults (lr 1e-3, β = (0.9, 0.999), ε = 1e-8).
type Config struct {
	Name        string  `json:"name"`                   // "adam" (default), "adamw", "sgd"
	LR          float64 `json:"lr"`                     // default 1e-3 (Adam, AdamW) or 1e-2 (SGD)
	Momentum    float64 `json:"momentum,omitempty"`     // SGD
	Nesterov    bool    `json:"nesterov,omitempty"`     // SGD; needs Momentum > 0
	Beta1       float64 `json:"beta1,omitempty"`        // Adam/AdamW, default 0.9
	Beta2       float64 `json:"beta2,omitempty"`        // Adam/AdamW, default 0.999
	Eps         float64 `json:"eps,omitempty"`          // Adam/AdamW, default 1e-8
	WeightDecay float64 `json:"weight_decay,omitempty"` // L2 added to the gradient (SGD, Adam); decoupled for AdamW (default 0.01)
}

// Defaults returns c with its zero fields filled in.
func (c Config) Defaults() Config {
	c.Name = strings.ToLower(c.Name)
	if c.Name == "" {
		c.Name = "adam"
	}
	if c.LR == 0 {
		c.LR = 1e-3
		if c.Name == "sgd" {
			c.LR = 1e-2
		}
	}
	if c.Beta1 == 0 {
		c.Beta1 = 0.9
	}
	if c.Beta2 == 0 {
		c.Beta2 = 0.999
	}
	if c.Eps == 0 {
		c.Eps = 1e-8
	}
	if c.Name == "adamw" && c.WeightDecay == 0 {
		c.WeightDecay = 0.01
	}
	return c
}

// Validate reports settings no optimiser can run with.
func (c Config) Validate() error {
	switch {
	case c.Name != "adam" && c.Name != "adamw" && c.Name != "sgd":
		return fmt.Errorf("unknown optimizer %q (want adam, adamw or sgd)", c.Name)
	case !(c.LR > 0) || math.IsInf(c.LR, 0):
		return fmt.Errorf("learning rate %v must be positive", c.LR)
	case !(c.Momentum >= 0 && c.Momentum < 1):
		return fmt.Errorf("momentum %v must be in [0, 1)", c.Momentum)
	case c.Nesterov && c.Momentum == 0:
		return fmt.Errorf("nesterov needs momentum > 0")
	case !(c.Beta1 >= 0 && c.Beta1 < 1 && c.Beta2 >= 0 && c.Beta2 < 1):
		return fmt.Errorf("betas (%v, %v) must be in [0, 1)", c.Beta1, c.Beta2)
	case !(c.Eps > 0):
		return fmt.Errorf("eps %v must be positive", c.Eps)
	case !(c.WeightDecay >= 0) || math.IsInf(c.WeightDecay, 1):
		return fmt.Errorf("weight decay %v must be >= 0", c.WeightDecay)
	}
	return nil
}

// Optimizer updates parameters in place from their gradients.
type Optimizer interface {
	// Step applies one update with learning rate lr.
	Step(lr float64)
}

// New returns the optimiser c describes (after Defaults) for params.
func New(c Config, params []*autodiff.Var) (Optimizer, error) {
	c = c.Defaults()
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("optim: %w", err)
	}
	state := func() [][]float32 {
		s := make([][]float32, len(params))
		for i, p := range params {
			s[i] = make([]float32, p.Value.Len())
		}
		return s
	}
	if c.Name == "sgd" {
		o := &sgd{c: c, params: params}
		if c.Momentum > 0 {
			o.buf = state()
		}
		return o, nil
	}
	return &adam{c: c, params: params, m: state(), v: state()}, nil
}

type sgd struct {
	c      Config
	params []*autodiff.Var
	buf    [][]float32
	steps  int
}

// Step follows torch.optim.SGD with dampening 0: g ← g + wd·p; with momentum
// b ← μ·b + g (b = g on the first step) and g ← b, or g ← g + μ·b for
// Nesterov; p ← p − lr·g.
func (o *sgd) Step(lr float64) {
	wd, mu, eta := float32(o.c.WeightDecay), float32(o.c.Momentum), float32(lr)
	for i, p := range o.params {
		w, g := p.Value.Data, p.Grad.Data
		for j := range w {
			gj := g[j] + wd*w[j]
			if o.buf != nil {
				b := &o.buf[i][j]
				if o.steps == 0 {
					*b = gj
				} else {
					*b = mu**b + gj
				}
				if o.c.Nesterov {
					gj += mu * *b
				} else {
					gj = *b
				}
			}
			w[j] -= eta * gj
		}
	}
	o.steps++
}

type adam struct {
	c      Config
	params []*autodiff.Var
	m, v   [][]float32
	steps  int
}

// Step follows torch.optim.Adam and AdamW: m ← β₁m + (1−β₁)g,
// v ← β₂v + (1−β₂)g², p ← p − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε). Adam adds
// wd·p to g; AdamW first scales p by 1 − lr·wd.
func (o *adam) Step(lr float64) {
	o.steps++
	t := float64(o.steps)
	b1, b2 := float32(o.c.Beta1), float32(o.c.Beta2)
	// 1−β rounded from float64, as PyTorch passes it to its float32
	// kernels; 1−float32(β) would differ by up to 1.3e-5 relative (β₂).
	c1, c2 := float32(1-o.c.Beta1), float32(1-o.c.Beta2)
	bc1 := 1 - math.Pow(o.c.Beta1, t)
	bc2 := math.Sqrt(1 - math.Pow(o.c.Beta2, t))
	stepSize := float32(lr / bc1)
	invBC2, eps := float32(1/bc2), float32(o.c.Eps)
	wd := float32(o.c.WeightDecay)
	decoupled := o.c.Name == "adamw"
	decay := float32(1 - lr*o.c.WeightDecay)
	for i, p := range o.params {
		f32.AdamStep(p.Value.Data, p.Grad.Data, o.m[i], o.v[i], b1, b2, c1, c2, stepSize, invBC2, eps, wd, decoupled, decay)
	}
}

// ClipNorm scales all gradients so that their global L2 norm is at most
// maxNorm, as torch.nn.utils.clip_grad_norm_ does, and returns the norm before
// clipping. maxNorm ≤ 0 only measures.
func ClipNorm(params []*autodiff.Var, maxNorm float64) float64 {
	var s float64
	for _, p := range params {
		for _, g := range p.Grad.Data {
			s += float64(g) * float64(g)
		}
	}
	norm := math.Sqrt(s)
	if maxNorm > 0 && norm > maxNorm {
		f := float32(maxNorm / (norm + 1e-6))
		for _, p := range params {
			for j := range p.Grad.Data {
				p.Grad.Data[j] *= f
			}
		}
	}
	return norm
}
