// Package noise corrupts inputs for denoising autoencoders.
//
// A denoising autoencoder learns to reconstruct the clean x from a
// corrupted copy x̃, which forces it to learn the structure of the data
// rather than the identity map. The corruption processes here are the
// classic ones: additive Gaussian noise, salt-and-pepper noise, multiplicative
// speckle noise and masking (dropout of inputs). Each is a [Corrupter] that
// writes x̃ into a separate buffer, so the clean batch stays available as
// the target.
//
// Values are in the scaled feature space (after a dataset.Scaler), which is
// why salt-and-pepper takes its low and high values as parameters.
// Randomness is always passed in, so the same seed gives the same bytes.
package noise

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Corrupter writes a corrupted copy of src into dst (same length; dst may
// be src). Values are in the scaled feature space.
type Corrupter interface {
	Corrupt(dst, src []float32, rng *rand.Rand)
	// String returns the spec that Parse reads back, e.g. "gaussian:0.2".
	String() string
}

// Gaussian adds independent N(0, σ²) noise to every value: x + σ·z.
type Gaussian struct{ Sigma float32 }

// SaltPepper sets each value, with probability P, to Lo or Hi (each with
// probability 1/2), and leaves it otherwise. When Lo and Hi are both zero
// they mean 0 and 1, the range of minmax-scaled data.
type SaltPepper struct{ P, Lo, Hi float32 }

// Speckle multiplies every value by 1 + σ·z, z ~ N(0, 1): noise whose size
// grows with the signal, as in radar and ultrasound images.
type Speckle struct{ Sigma float32 }

// Masking sets each value to 0 with probability P (the corruption of the
// original denoising autoencoder paper; dropout applied to the input).
type Masking struct{ P float32 }

func checkLen(dst, src []float32) {
	if len(dst) != len(src) {
		panic(fmt.Sprintf("noise: len(dst) = %d, len(src) = %d", len(dst), len(src)))
	}
}

// Corrupt implements Corrupter.
func (g Gaussian) Corrupt(dst, src []float32, rng *rand.Rand) {
	checkLen(dst, src)
	for i, v := range src {
		dst[i] = v + g.Sigma*float32(rng.NormFloat64())
	}
}

// Corrupt implements Corrupter. It draws one uniform number per value, and
// one more for each value it corrupts.
func (sp SaltPepper) Corrupt(dst, src []float32, rng *rand.Rand) {
	checkLen(dst, src)
	lo, hi := sp.bounds()
	for i, v := range src {
		if rng.Float32() < sp.P {
			if rng.Float32() < 0.5 {
				v = lo
			} else {
				v = hi
			}
		}
		dst[i] = v
	}
}

func (sp SaltPepper) bounds() (lo, hi float32) {
	if sp.Lo == 0 && sp.Hi == 0 {
		return 0, 1
	}
	return sp.Lo, sp.Hi
}

// Corrupt implements Corrupter.
func (s Speckle) Corrupt(dst, src []float32, rng *rand.Rand) {
	checkLen(dst, src)
	for i, v := range src {
		dst[i] = v * (1 + s.Sigma*float32(rng.NormFloat64()))
	}
}

// Corrupt implements Corrupter.
func (m Masking) Corrupt(dst, src []float32, rng *rand.Rand) {
	checkLen(dst, src)
	for i, v := range src {
		if rng.Float32() < m.P {
			v = 0
		}
		dst[i] = v
	}
}

func num(v float32) string { return strconv.FormatFloat(float64(v), 'g', -1, 32) }

func (g Gaussian) String() string { return "gaussian:" + num(g.Sigma) }
func (s Speckle) String() string  { return "speckle:" + num(s.Sigma) }
func (m Masking) String() string  { return "masking:" + num(m.P) }
func (sp SaltPepper) String() string {
	if sp.Lo == 0 && sp.Hi == 0 {
		return "saltpepper:" + num(sp.P)
	}
	return "saltpepper:" + num(sp.P) + ":" + num(sp.Lo) + ":" + num(sp.Hi)
}

// Parse reads a corruption spec, KIND:PARAM:
//
//	gaussian:0.2          Gaussian{Sigma: 0.2}
//	speckle:0.3           Speckle{Sigma: 0.3}
//	masking:0.25          Masking{P: 0.25}        (also mask:0.25)
//	saltpepper:0.1        SaltPepper{P: 0.1}      (also salt-and-pepper:, sp:)
//	saltpepper:0.1:-1:1   SaltPepper{P: 0.1, Lo: -1, Hi: 1}
//
// Kinds are case-insensitive. σ must be finite and >= 0, p in [0, 1].
func Parse(spec string) (Corrupter, error) {
	kind, rest, _ := strings.Cut(strings.TrimSpace(spec), ":")
	var args []float32
	if rest != "" {
		for _, a := range strings.Split(rest, ":") {
			v, err := strconv.ParseFloat(strings.TrimSpace(a), 32)
			if err != nil || math.IsNaN(v) {
				return nil, fmt.Errorf("noise: %q: %q is not a number", spec, a)
			}
			if math.IsInf(v, 0) {
				return nil, fmt.Errorf("noise: %q: %q is not finite", spec, a)
			}
			args = append(args, float32(v))
		}
	}
	nargs := func(n ...int) error {
		for _, k := range n {
			if len(args) == k {
				return nil
			}
		}
		if len(args) == 0 {
			return fmt.Errorf("noise: %q: missing parameter (e.g. %s:0.1)", spec, kind)
		}
		return fmt.Errorf("noise: %q: too many parameters", spec)
	}
	sigma := func() error {
		if err := nargs(1); err != nil {
			return err
		}
		if args[0] < 0 {
			return fmt.Errorf("noise: %q: sigma must be >= 0", spec)
		}
		return nil
	}
	prob := func(n ...int) error {
		if err := nargs(n...); err != nil {
			return err
		}
		if args[0] < 0 || args[0] > 1 {
			return fmt.Errorf("noise: %q: p must be in [0, 1]", spec)
		}
		return nil
	}
	switch strings.ToLower(kind) {
	case "gaussian":
		if err := sigma(); err != nil {
			return nil, err
		}
		return Gaussian{Sigma: args[0]}, nil
	case "speckle":
		if err := sigma(); err != nil {
			return nil, err
		}
		return Speckle{Sigma: args[0]}, nil
	case "masking", "mask":
		if err := prob(1); err != nil {
			return nil, err
		}
		return Masking{P: args[0]}, nil
	case "saltpepper", "salt-and-pepper", "sp":
		if err := prob(1, 3); err != nil {
			return nil, err
		}
		if len(args) == 1 {
			return SaltPepper{P: args[0]}, nil
		}
		if args[1] == 0 && args[2] == 0 {
			return nil, fmt.Errorf("noise: %q: lo and hi are both 0", spec)
		}
		return SaltPepper{P: args[0], Lo: args[1], Hi: args[2]}, nil
	}
	return nil, fmt.Errorf("noise: %q: unknown kind %q (want gaussian, saltpepper, speckle or masking)", spec, kind)
}
