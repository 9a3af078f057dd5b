package cluster

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"slices"
)

// Codes maps labels to small integers, in order of first appearance: the
// form AdjustedRandIndex, NMI and Silhouette take. It returns the codes and
// the distinct labels, classes[codes[i]] == labels[i].
func Codes(labels []string) (codes []int, classes []string) {
	seen := map[string]int{}
	codes = make([]int, len(labels))
	for i, l := range labels {
		c, ok := seen[l]
		if !ok {
			c = len(classes)
			seen[l] = c
			classes = append(classes, l)
		}
		codes[i] = c
	}
	return codes, classes
}

// contingency is the table of co-occurrence counts of two labellings, with
// its row and column sums.
type contingency struct {
	cells      map[[2]int]int64
	rows, cols map[int]int64
	n          int64
}

func newContingency(op string, a, b []int) *contingency {
	if len(a) != len(b) {
		panic(fmt.Sprintf("cluster: %s: %d and %d labels", op, len(a), len(b)))
	}
	t := &contingency{cells: map[[2]int]int64{}, rows: map[int]int64{}, cols: map[int]int64{}, n: int64(len(a))}
	for i, x := range a {
		t.cells[[2]int{x, b[i]}]++
		t.rows[x]++
		t.cols[b[i]]++
	}
	return t
}

// AdjustedRandIndex returns the Rand index of two labellings of the same
// samples, adjusted for chance: 1 for identical partitions (whatever the
// label values), about 0 for independent ones, and possibly negative. It is
// scikit-learn's adjusted_rand_score, computed from the pair-confusion
// counts with exact integers. It panics if the lengths differ.
func AdjustedRandIndex(a, b []int) float64 {
	t := newContingency("AdjustedRandIndex", a, b)
	// Pair counts: tp pairs together in both, fp/fn together in one only,
	// tn apart in both; each pair counted twice, as scikit-learn does.
	var sumSq, rowDot, colDot int64
	for cell, v := range t.cells {
		sumSq += v * v
		rowDot += v * t.cols[cell[1]]
		colDot += v * t.rows[cell[0]]
	}
	tp := sumSq - t.n
	fp := rowDot - sumSq
	fn := colDot - sumSq
	tn := t.n*t.n - fp - fn - sumSq
	if fn == 0 && fp == 0 {
		return 1
	}
	bi := func(v int64) *big.Int { return big.NewInt(v) }
	mul := func(x, y int64) *big.Int { return new(big.Int).Mul(bi(x), bi(y)) }
	num := new(big.Int).Sub(mul(tp, tn), mul(fn, fp))
	num.Lsh(num, 1)
	den := new(big.Int).Add(mul(tp+fn, fn+tn), mul(tp+fp, fp+tn))
	r, _ := new(big.Rat).SetFrac(num, den).Float64()
	return r
}

// NMI returns the normalised mutual information of two labellings, the
// mutual information divided by the arithmetic mean of the two entropies:
// scikit-learn's normalized_mutual_info_score with its default
// average_method="arithmetic". It is 1 for identical partitions, 0 for
// independent ones, and 1 when both put every sample in one cluster. It
// panics if the lengths differ.
func NMI(a, b []int) float64 {
	t := newContingency("NMI", a, b)
	if len(t.rows) == len(t.cols) && len(t.rows) <= 1 {
		return 1
	}
	mi := mutualInfo(t)
	if mi == 0 {
		return 0
	}
	h := (entropy(t.rows, t.n) + entropy(t.cols, t.n)) / 2
	return mi / h
}

// mutualInfo is Σ (n_ij/n) log(n·n_ij / (a_i b_j)) in nats, terms smaller
// than the float64 epsilon dropped and the total clamped at 0, as in
// scikit-learn.
func mutualInfo(t *contingency) float64 {
	if len(t.rows) == 1 || len(t.cols) == 1 {
		return 0
	}
	n := float64(t.n)
	logN := math.Log(n)
	var mi float64
	for _, cell := range sortedCells(t) {
		v := float64(t.cells[cell])
		outer := float64(t.rows[cell[0]] * t.cols[cell[1]])
		term := v / n * (math.Log(v) - logN + (-math.Log(outer) + 2*logN))
		if math.Abs(term) < 0x1p-52 {
			term = 0
		}
		mi += term
	}
	return max(mi, 0)
}

// sortedCells returns the non-zero cells in (row, column) order, so that the
// sum does not depend on map order.
func sortedCells(t *contingency) [][2]int {
	cells := make([][2]int, 0, len(t.cells))
	for c := range t.cells {
		cells = append(cells, c)
	}
	slices.SortFunc(cells, func(x, y [2]int) int {
		if c := cmp.Compare(x[0], y[0]); c != 0 {
			return c
		}
		return cmp.Compare(x[1], y[1])
	})
	return cells
}

// entropy is −Σ p log p of the counts, in nats.
func entropy(counts map[int]int64, n int64) float64 {
	keys := make([]int, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var h float64
	logN := math.Log(float64(n))
	for _, k := range keys {
		c := float64(counts[k])
		h -= c / float64(n) * (math.Log(c) - logN)
	}
	return h
}
