// Package distance defines the dissimilarity measures latent searches and
// clusters embeddings with: Euclidean, squared Euclidean, cosine, Manhattan
// and dot product, as one small enumerated type shared by every index
// (knn.Flat, HNSW), by k-means and by the command line.
//
// A Metric is a number rather than a function so that it can be stored in a
// file, printed, parsed from a flag and switched on by the kernels that
// batch many distances through matrix products (see package knn): the
// metric decides which expansion is valid, not only how one pair is
// compared.
//
// Every metric is a distance in the loose sense that smaller means nearer.
// Dot is the negated inner product, −a·b, so that it sorts the same way as
// the others; it can be negative and is not a metric in the mathematical
// sense (a vector is not nearest to itself). Cosine is 1 − cos(a, b), in
// [0, 2]; it ignores length, while Dot does not — the two agree only on
// unit vectors, and an index never substitutes one for the other.
//
// Cosine and zero vectors. The cosine of the angle with a zero vector is
// undefined; latent takes it to be 0 (the vectors are "unrelated"), so the
// cosine distance between a zero vector and any vector, itself and other
// zero vectors included, is exactly 1. scikit-learn's cosine_distances does
// the same for distinct arrays; SciPy's cosine returns NaN instead.
//
// Two precisions. [Metric.Distance] accumulates in float32 with four
// independent partial sums, which is fast and accurate to a few units in
// the last place for the vector lengths embeddings have. [Metric.Distance64]
// accumulates in float64, element by element in order; it is the reference
// the exact search re-ranks its final candidates with and the one the tests
// compare everything against, so that "exact" means exact to float64
// rounding.
package distance

import (
	"fmt"
	"math"
	"strings"
)

// Metric is a distance between two vectors of the same length: smaller
// means nearer. The zero value is Euclidean.
type Metric int

// The metrics.
const (
	// Euclidean is ‖a − b‖₂.
	Euclidean Metric = iota
	// SqEuclidean is ‖a − b‖₂², which ranks like Euclidean and is cheaper.
	SqEuclidean
	// Cosine is 1 − a·b / (‖a‖ ‖b‖), in [0, 2]; it is 1 if either vector
	// is zero.
	Cosine
	// Manhattan is Σ |aᵢ − bᵢ| (L1, city block).
	Manhattan
	// Dot is −a·b, the negated inner product (maximum inner product
	// search). It may be negative.
	Dot
)

// All returns every metric, in the order of the constants.
func All() []Metric { return []Metric{Euclidean, SqEuclidean, Cosine, Manhattan, Dot} }

var names = [...]string{
	Euclidean:   "euclidean",
	SqEuclidean: "sqeuclidean",
	Cosine:      "cosine",
	Manhattan:   "manhattan",
	Dot:         "dot",
}

// aliases are the other names Parse accepts.
var aliases = map[string]Metric{
	"l2":            Euclidean,
	"sq-euclidean":  SqEuclidean,
	"sqeuclid":      SqEuclidean,
	"l2sq":          SqEuclidean,
	"angular":       Cosine,
	"l1":            Manhattan,
	"cityblock":     Manhattan,
	"taxicab":       Manhattan,
	"ip":            Dot,
	"inner":         Dot,
	"inner-product": Dot,
}

// Valid reports whether m is one of the defined metrics.
func (m Metric) Valid() bool { return m >= 0 && int(m) < len(names) }

// String returns the metric's canonical name ("euclidean", "sqeuclidean",
// "cosine", "manhattan", "dot"), which Parse reads back.
func (m Metric) String() string {
	if !m.Valid() {
		return fmt.Sprintf("Metric(%d)", int(m))
	}
	return names[m]
}

// Parse returns the metric named name, case-insensitively: a canonical
// name, or one of the aliases l2, sq-euclidean, l2sq, angular, l1,
// cityblock, taxicab, ip, inner, inner-product.
func Parse(name string) (Metric, error) {
	s := strings.ToLower(strings.TrimSpace(name))
	for m, n := range names {
		if s == n {
			return Metric(m), nil
		}
	}
	if m, ok := aliases[s]; ok {
		return m, nil
	}
	return 0, fmt.Errorf("distance: unknown metric %q (want euclidean, sqeuclidean, cosine, manhattan or dot)", name)
}

// MarshalText implements encoding.TextMarshaler with the canonical name, so
// that a Metric reads well in JSON.
func (m Metric) MarshalText() ([]byte, error) {
	if !m.Valid() {
		return nil, fmt.Errorf("distance: invalid Metric(%d)", int(m))
	}
	return []byte(names[m]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with Parse.
func (m *Metric) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

func checkLen(a, b []float32) {
	if len(a) != len(b) {
		panic(fmt.Sprintf("distance: vectors of length %d and %d", len(a), len(b)))
	}
}

// Distance returns the distance between a and b, accumulated in float32.
// It panics if the lengths differ or m is not valid. Vectors of length 0
// are at distance 0 (cosine: 1).
func (m Metric) Distance(a, b []float32) float32 {
	checkLen(a, b)
	switch m {
	case Euclidean:
		return float32(math.Sqrt(float64(sqEuclidean(a, b))))
	case SqEuclidean:
		return sqEuclidean(a, b)
	case Cosine:
		ab, aa, bb := dotNorms(a, b)
		return float32(cosine(float64(ab), float64(aa), float64(bb)))
	case Manhattan:
		return manhattan(a, b)
	case Dot:
		return -dot(a, b)
	}
	panic(fmt.Sprintf("distance: invalid Metric(%d)", int(m)))
}

// Distance64 returns the distance between a and b accumulated in float64,
// one element after another in index order: the reference value. The exact
// search re-ranks with it, and conformance tests compare against it, so
// two computations of the same pair always agree to the last bit. It
// panics if the lengths differ or m is not valid.
func (m Metric) Distance64(a, b []float32) float64 {
	checkLen(a, b)
	switch m {
	case Euclidean:
		return math.Sqrt(sqEuclidean64(a, b))
	case SqEuclidean:
		return sqEuclidean64(a, b)
	case Cosine:
		var ab, aa, bb float64
		for i, x := range a {
			y := float64(b[i])
			ab += float64(x) * y
			aa += float64(x) * float64(x)
			bb += y * y
		}
		return cosine(ab, aa, bb)
	case Manhattan:
		var s float64
		for i, x := range a {
			s += math.Abs(float64(x) - float64(b[i]))
		}
		return s
	case Dot:
		var s float64
		for i, x := range a {
			s += float64(x) * float64(b[i])
		}
		return -s
	}
	panic(fmt.Sprintf("distance: invalid Metric(%d)", int(m)))
}

func sqEuclidean64(a, b []float32) float64 {
	var s float64
	for i, x := range a {
		d := float64(x) - float64(b[i])
		s += d * d
	}
	return s
}

// cosine turns a·b, ‖a‖² and ‖b‖² into 1 − cos, clamped to [0, 2] (rounding
// can step just outside), and 1 when either vector is zero.
func cosine(ab, aa, bb float64) float64 {
	if aa == 0 || bb == 0 {
		return 1
	}
	d := 1 - ab/(math.Sqrt(aa)*math.Sqrt(bb))
	return min(max(d, 0), 2)
}
