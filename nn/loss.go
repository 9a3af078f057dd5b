package nn

import (
	"fmt"
	"math"
	"strings"

	"github.com/latent-go/latent/autodiff"
)

// Loss is a reconstruction loss. Each loss reads the network's raw output (the
// pre-activation of the last layer) together with the output activation, so
// that binary cross-entropy is computed stably from logits and the Poisson
// loss from the log-rate.
type Loss int

// The losses.
const (
	MSE Loss = iota
	BCE
	Poisson
)

var lossNames = []string{"mse", "bce", "poisson"}

// String returns the loss's name as ParseLoss accepts it.
func (l Loss) String() string {
	if l < 0 || int(l) >= len(lossNames) {
		return fmt.Sprintf("Loss(%d)", int(l))
	}
	return lossNames[l]
}

// ParseLoss maps a name to a Loss.
func ParseLoss(name string) (Loss, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "mse", "l2":
		return MSE, nil
	case "bce", "binary-cross-entropy", "cross-entropy":
		return BCE, nil
	case "poisson", "poisson-nll":
		return Poisson, nil
	}
	return 0, fmt.Errorf("unknown loss %q (want mse, bce or poisson)", name)
}

// MarshalText writes the loss's name, for JSON manifests.
func (l Loss) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText parses a loss name.
func (l *Loss) UnmarshalText(b []byte) error {
	v, err := ParseLoss(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// CheckOutput reports whether the output activation suits the loss: binary
// cross-entropy needs a sigmoid output, and the Poisson loss a linear one
// (the raw output is the log-rate; the reconstruction is its exponential).
func (l Loss) CheckOutput(out Activation) error {
	switch {
	case l == BCE && out != Sigmoid:
		return fmt.Errorf("loss bce needs output activation sigmoid, not %v", out)
	case l == Poisson && out != Linear:
		return fmt.Errorf("loss poisson models the log-rate and needs output activation linear, not %v", out)
	}
	return nil
}

// Apply records the loss of the raw output z against target on the tape.
// For MSE the output activation is applied first.
func (l Loss) Apply(t *autodiff.Tape, z *autodiff.Var, out Activation, target *autodiff.Var) *autodiff.Var {
	switch l {
	case BCE:
		return t.BCEWithLogits(z, target)
	case Poisson:
		return t.PoissonNLL(z, target)
	default:
		return t.MSE(t.Map(z, out), target)
	}
}

// Reconstruct maps raw outputs z to reconstructions in place: the output
// activation, or e^z for the Poisson loss.
func (l Loss) Reconstruct(z []float32, out Activation) {
	if l == Poisson {
		for i, v := range z {
			z[i] = float32(math.Exp(float64(v)))
		}
		return
	}
	out.Apply(z, z)
}

// PerElement returns the loss of one reconstructed element r (after
// Reconstruct) against target y, as its mean form would count it; used to
// score samples one by one.
func (l Loss) PerElement(r, y float32) float64 {
	rv, yv := float64(r), float64(y)
	switch l {
	case BCE:
		rv = min(max(rv, 1e-7), 1-1e-7)
		return -(yv*math.Log(rv) + (1-yv)*math.Log(1-rv))
	case Poisson:
		rv = max(rv, 1e-30)
		return rv - yv*math.Log(rv)
	default:
		d := rv - yv
		return d * d
	}
}
