// Package nn holds the building blocks of latent's networks: activations,
// dense layers with their initialisation, and the reconstruction losses, all
// recorded on an autodiff.Tape.
package nn

import (
	"fmt"
	"math"
	"strings"

	"github.com/latent-go/latent/internal/f32"
)

// Activation is an element-wise non-linearity. It implements
// autodiff.Elementwise, second derivative included, so that penalties on the
// encoder's Jacobian can be differentiated.
type Activation int

// The activations. LeakyReLU has slope 0.01 below zero, as PyTorch's default;
// GELU is the exact form x·Φ(x), as PyTorch's default.
const (
	Linear Activation = iota
	ReLU
	LeakyReLU
	Tanh
	Sigmoid
	GELU
)

var activationNames = []string{"linear", "relu", "leakyrelu", "tanh", "sigmoid", "gelu"}

const leakySlope = 0.01

// String returns the activation's name as ParseActivation accepts it.
func (a Activation) String() string {
	if a < 0 || int(a) >= len(activationNames) {
		return fmt.Sprintf("Activation(%d)", int(a))
	}
	return activationNames[a]
}

// ParseActivation maps a name (case-insensitive; "leaky_relu", "leaky-relu",
// "identity" and "none" also accepted) to an Activation.
func ParseActivation(name string) (Activation, error) {
	n := strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(strings.TrimSpace(name)))
	switch n {
	case "identity", "none":
		return Linear, nil
	}
	for i, s := range activationNames {
		if n == s {
			return Activation(i), nil
		}
	}
	return 0, fmt.Errorf("unknown activation %q (want one of %s)", name, strings.Join(activationNames, ", "))
}

// MarshalText writes the activation's name, for JSON manifests.
func (a Activation) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText parses an activation name.
func (a *Activation) UnmarshalText(b []byte) error {
	v, err := ParseActivation(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// Apply sets y[i] = a(x[i]). y may be x. Tanh and sigmoid are float32
// approximations within 2 ulps (f32.Tanh, f32.Sigmoid); GELU is computed in
// float64 and rounded.
func (a Activation) Apply(y, x []float32) {
	y = y[:len(x)]
	switch a {
	case Linear:
		copy(y, x)
	case ReLU:
		f32.ReLU(y, x)
	case LeakyReLU:
		f32.LeakyReLU(y, x, leakySlope)
	case Tanh:
		f32.Tanh(y, x)
	case Sigmoid:
		f32.Sigmoid(y, x)
	case GELU:
		for i, v := range x {
			y[i] = float32(float64(v) * phi(float64(v)))
		}
	default:
		panic("nn: unknown activation " + a.String())
	}
}

// Backward sets dx[i] += dy[i]·a'(x[i]) for i < len(dx), given y = a(x), in
// one pass: the same numbers as Deriv followed by the product, without the
// buffer. It implements autodiff.FusedBackward.
func (a Activation) Backward(dx, dy, x, y []float32) {
	n := len(dx)
	dy, x, y = dy[:n], x[:n], y[:n]
	switch a {
	case Linear:
		f32.Axpy(1, dy, dx)
	case ReLU:
		f32.ReLUBackward(dx, dy, x)
	case LeakyReLU:
		f32.LeakyReLUBackward(dx, dy, x, leakySlope)
	case Tanh:
		f32.TanhBackward(dx, dy, y)
	case Sigmoid:
		f32.SigmoidBackward(dx, dy, y)
	case GELU:
		for i, v := range x {
			xv := float64(v)
			dx[i] += float32(dy[i] * float32(phi(xv)+xv*density(xv)))
		}
	default:
		panic("nn: unknown activation " + a.String())
	}
}

// Deriv sets d[i] = a'(x[i]), given y = a(x).
func (a Activation) Deriv(d, x, y []float32) {
	d = d[:len(x)]
	y = y[:len(x)]
	switch a {
	case Linear:
		for i := range d {
			d[i] = 1
		}
	case ReLU, LeakyReLU:
		lo := float32(0)
		if a == LeakyReLU {
			lo = leakySlope
		}
		for i, v := range x {
			if v > 0 {
				d[i] = 1
			} else {
				d[i] = lo
			}
		}
	case Tanh:
		for i, v := range y {
			d[i] = 1 - v*v
		}
	case Sigmoid:
		for i, v := range y {
			d[i] = v * (1 - v)
		}
	case GELU:
		for i, v := range x {
			xv := float64(v)
			d[i] = float32(phi(xv) + xv*density(xv))
		}
	default:
		panic("nn: unknown activation " + a.String())
	}
}

// Deriv2 sets d[i] to the second derivative of a at x[i], given y = a(x).
func (a Activation) Deriv2(d, x, y []float32) {
	d = d[:len(x)]
	y = y[:len(x)]
	switch a {
	case Linear, ReLU, LeakyReLU:
		clear(d)
	case Tanh:
		for i, v := range y {
			d[i] = -2 * v * (1 - v*v)
		}
	case Sigmoid:
		for i, v := range y {
			d[i] = v * (1 - v) * (1 - 2*v)
		}
	case GELU:
		for i, v := range x {
			xv := float64(v)
			d[i] = float32(density(xv) * (2 - xv*xv))
		}
	default:
		panic("nn: unknown activation " + a.String())
	}
}

// phi is the standard normal CDF.
func phi(x float64) float64 { return 0.5 * (1 + math.Erf(x/math.Sqrt2)) }

// density is the standard normal density.
func density(x float64) float64 { return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }
