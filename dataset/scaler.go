package dataset

import (
	"fmt"
	"math"
	"slices"
)

// Scaler maps raw features to the space a model trains in, and back. It is
// fitted on the training split only (fitting on all data would leak the
// validation set into training) and stored in the model file as JSON, so
// that inference applies exactly the same map.
//
// Every kind is the per-feature affine map
//
//	scaled = (x - A[j]) * B[j]        x = scaled/B[j] + A[j]
//
// with A and B empty for "none". For "minmax", A is the column minimum and
// B = 1/(max-min), mapping the training range to [0, 1]. For "standard", A
// is the mean and B = 1/σ (population standard deviation). "global" is
// minmax with one range for all features (the smallest and largest value
// anywhere in the training data), which keeps images' pixels comparable: 8-bit
// images map from 0..255 to [0, 1] whatever each pixel's own range. A constant
// column has no range to divide by: B is then 1, so the column becomes
// x - A — zero on the training data — rather than NaN.
type Scaler struct {
	Kind string    `json:"kind"`        // "none", "minmax", "global" or "standard"
	A    []float32 `json:"a,omitempty"` // per-feature offset
	B    []float32 `json:"b,omitempty"` // per-feature factor, never 0
}

// FitScaler fits a scaler of the given kind ("none" or "", "minmax",
// "global", "standard") to the features of s. It returns an error for an
// unknown kind.
func FitScaler(kind string, s *Set) (*Scaler, error) {
	switch kind {
	case "", "none":
		return &Scaler{Kind: "none"}, nil
	case "minmax", "global", "standard":
	default:
		return nil, fmt.Errorf("dataset: unknown scaler %q (want none, minmax, global or standard)", kind)
	}
	if s.N == 0 || s.D == 0 {
		return nil, fmt.Errorf("dataset: %s: cannot fit a scaler to an empty set", s.Source)
	}
	sc := &Scaler{Kind: kind, A: make([]float32, s.D), B: make([]float32, s.D)}
	if kind == "minmax" || kind == "global" {
		lo := append([]float32(nil), s.Row(0)...)
		hi := append([]float32(nil), s.Row(0)...)
		for i := 1; i < s.N; i++ {
			for j, v := range s.Row(i) {
				lo[j] = min(lo[j], v)
				hi[j] = max(hi[j], v)
			}
		}
		if kind == "global" {
			gl, gh := slices.Min(lo), slices.Max(hi)
			for j := range lo {
				lo[j], hi[j] = gl, gh
			}
		}
		for j := range sc.A {
			sc.A[j], sc.B[j] = lo[j], factor(float64(hi[j])-float64(lo[j]))
		}
		return sc, nil
	}
	// Two passes in float64: the mean, then the squared deviations.
	mean := make([]float64, s.D)
	for i := range s.N {
		for j, v := range s.Row(i) {
			mean[j] += float64(v)
		}
	}
	for j := range mean {
		mean[j] /= float64(s.N)
	}
	ss := make([]float64, s.D)
	for i := range s.N {
		for j, v := range s.Row(i) {
			e := float64(v) - mean[j]
			ss[j] += e * e
		}
	}
	for j := range sc.A {
		sc.A[j], sc.B[j] = float32(mean[j]), factor(math.Sqrt(ss[j]/float64(s.N)))
	}
	return sc, nil
}

// factor returns 1/spread, or 1 when the spread is zero or too small for
// its inverse to be a finite float32.
func factor(spread float64) float32 {
	f := 1 / spread
	if spread == 0 || math.IsInf(f, 0) || f > math.MaxFloat32 {
		return 1
	}
	return float32(f)
}

// Validate checks a scaler read from a model file against the feature
// count d: a known kind, A and B of length d (empty for "none") and finite,
// B nonzero.
func (sc *Scaler) Validate(d int) error {
	switch sc.Kind {
	case "none", "":
		if len(sc.A) != 0 || len(sc.B) != 0 {
			return fmt.Errorf("dataset: scaler %q with parameters", sc.Kind)
		}
		return nil
	case "minmax", "global", "standard":
	default:
		return fmt.Errorf("dataset: unknown scaler %q (want none, minmax, global or standard)", sc.Kind)
	}
	if len(sc.A) != d || len(sc.B) != d {
		return fmt.Errorf("dataset: scaler %q has %d/%d parameters, want %d", sc.Kind, len(sc.A), len(sc.B), d)
	}
	for j := range sc.A {
		a, b := float64(sc.A[j]), float64(sc.B[j])
		if math.IsNaN(a) || math.IsInf(a, 0) || math.IsNaN(b) || math.IsInf(b, 0) || b == 0 {
			return fmt.Errorf("dataset: scaler %q: bad parameters for feature %d: a=%v b=%v", sc.Kind, j, a, b)
		}
	}
	return nil
}

// Transform scales x in place; x holds whole rows of len(A) features. A
// "none" scaler leaves x alone. It panics if len(x) is not a multiple of
// the feature count.
func (sc *Scaler) Transform(x []float32) {
	if sc.check(x) {
		return
	}
	d := len(sc.A)
	for i := 0; i < len(x); i += d {
		row := x[i : i+d]
		for j, v := range row {
			row[j] = (v - sc.A[j]) * sc.B[j]
		}
	}
}

// Inverse undoes Transform in place: x = scaled/B + A.
func (sc *Scaler) Inverse(x []float32) {
	if sc.check(x) {
		return
	}
	d := len(sc.A)
	for i := 0; i < len(x); i += d {
		row := x[i : i+d]
		for j, v := range row {
			row[j] = v/sc.B[j] + sc.A[j]
		}
	}
}

// check reports whether the scaler is the identity, and panics on a length
// mismatch.
func (sc *Scaler) check(x []float32) (identity bool) {
	if len(sc.A) == 0 {
		return true
	}
	if len(sc.B) != len(sc.A) || len(x)%len(sc.A) != 0 {
		panic(fmt.Sprintf("dataset: Scaler: len(x) = %d is not a multiple of %d features", len(x), len(sc.A)))
	}
	return false
}
