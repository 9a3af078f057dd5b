package distance

import "math"

// The float32 kernels behind Metric.Distance. Each keeps four independent
// partial sums so that the compiler can overlap the additions instead of
// waiting on one accumulator; the simple one-accumulator loop in the tests
// is their specification. Callers have checked that len(a) == len(b). They
// are candidates to move, with SIMD versions, into internal/f32.

// sqEuclidean returns Σ (a[i] − b[i])².
func sqEuclidean(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		d0 := a[i] - b[i]
		d1 := a[i+1] - b[i+1]
		d2 := a[i+2] - b[i+2]
		d3 := a[i+3] - b[i+3]
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(a); i++ {
		d := a[i] - b[i]
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

// dot returns Σ a[i]·b[i].
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// manhattan returns Σ |a[i] − b[i]|.
func manhattan(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += abs(a[i] - b[i])
		s1 += abs(a[i+1] - b[i+1])
		s2 += abs(a[i+2] - b[i+2])
		s3 += abs(a[i+3] - b[i+3])
	}
	for ; i < len(a); i++ {
		s0 += abs(a[i] - b[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// dotNorms returns a·b, a·a and b·b in one pass.
func dotNorms(a, b []float32) (ab, aa, bb float32) {
	b = b[:len(a)]
	var ab0, ab1, aa0, aa1, bb0, bb1 float32
	i := 0
	for ; i+2 <= len(a); i += 2 {
		x0, x1 := a[i], a[i+1]
		y0, y1 := b[i], b[i+1]
		ab0 += x0 * y0
		ab1 += x1 * y1
		aa0 += x0 * x0
		aa1 += x1 * x1
		bb0 += y0 * y0
		bb1 += y1 * y1
	}
	if i < len(a) {
		x, y := a[i], b[i]
		ab0 += x * y
		aa0 += x * x
		bb0 += y * y
	}
	return ab0 + ab1, aa0 + aa1, bb0 + bb1
}

// abs clears the sign bit; a branch on the sign would be mispredicted
// half the time.
func abs(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }
