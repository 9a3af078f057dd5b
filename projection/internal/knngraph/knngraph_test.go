package knngraph

import (
	"math/rand/v2"
	"testing"
)

// TestSymmetrizeAgainstDense compares with the dense matrix combine(W, Wᵀ)
// on random lists.
func TestSymmetrizeAgainstDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, k = 40, 6
	ids := make([]int32, n*k)
	w := make([]float64, n*k)
	dense := make([]float64, n*n)
	for i := range n {
		perm := rng.Perm(n)
		for t := range k {
			j := perm[t]
			ids[i*k+t] = int32(j)
			v := rng.Float64()
			if t == 0 {
				v = 0 // a listed pair of weight 0 in one direction only
			}
			w[i*k+t] = v
			dense[i*n+j] = v
		}
	}
	tconorm := func(a, b float64) float64 { return a + b - a*b }
	g := Symmetrize(ids, w, n, k, tconorm)
	got := make([]float64, n*n)
	for i := range n {
		prev := int32(-1)
		for e := g.RowPtr[i]; e < g.RowPtr[i+1]; e++ {
			if g.Col[e] <= prev {
				t.Fatalf("row %d: columns out of order", i)
			}
			prev = g.Col[e]
			if g.Val[e] == 0 {
				t.Errorf("row %d: a zero entry kept", i)
			}
			got[i*n+int(g.Col[e])] = g.Val[e]
		}
	}
	for i := range n {
		for j := range n {
			if want := tconorm(dense[i*n+j], dense[j*n+i]); got[i*n+j] != want {
				t.Errorf("(%d, %d) = %v, want %v", i, j, got[i*n+j], want)
			}
		}
	}
}
