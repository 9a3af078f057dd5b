package embedding

import (
	"math"
	"slices"
)

// Pearson returns the Pearson correlation coefficient of x and y, computed
// in float64 from the centred values as scipy.stats.pearsonr does. It is
// NaN when fewer than two values are given or either input is constant
// (its correlation is undefined; scipy also returns nan there, with a
// warning). It panics if the lengths differ.
func Pearson(x, y []float64) float64 {
	if len(x) != len(y) {
		panic("embedding: Pearson of slices of different lengths")
	}
	n := len(x)
	if n < 2 {
		return math.NaN()
	}
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(n)
	my /= float64(n)
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	r := sxy / (math.Sqrt(sxx) * math.Sqrt(syy))
	return max(-1, min(1, r)) // rounding may step just outside
}

// Spearman returns Spearman's rank correlation of x and y: the Pearson
// correlation of their ranks, tied values sharing the mean of the ranks
// they span (scipy.stats.spearmanr, rankdata method "average"). NaN as for
// Pearson: fewer than two values, or a constant input.
func Spearman(x, y []float64) float64 {
	if len(x) != len(y) {
		panic("embedding: Spearman of slices of different lengths")
	}
	return Pearson(Ranks(x), Ranks(y))
}

// Ranks returns the 1-based ranks of x, ties given the average of the ranks
// they span: Ranks([10 20 20 30]) is [1 2.5 2.5 4]. NaN values rank last.
func Ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	less := func(a, b float64) bool {
		if math.IsNaN(b) {
			return !math.IsNaN(a)
		}
		return a < b
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case less(x[a], x[b]):
			return -1
		case less(x[b], x[a]):
			return 1
		}
		return 0
	})
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i + 1
		for j < len(idx) && !less(x[idx[i]], x[idx[j]]) {
			j++
		}
		avg := float64(i+j+1) / 2 // mean of ranks i+1 … j
		for _, k := range idx[i:j] {
			r[k] = avg
		}
		i = j
	}
	return r
}
