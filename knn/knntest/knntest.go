// Package knntest is a conformance suite for nearest-neighbour indexes: any
// implementation of knn.Index — exact or approximate — runs the same cases
// and is held to the same contract, so that a new index is trusted for the
// same reasons the old one is.
//
// The reference is brute force with distance.Metric.Distance64 (float64,
// in order), ties broken by the smaller ID. An exact index must return
// exactly the reference neighbours, in order; an approximate one must
// reach a recall threshold. Recall is tie-aware: a returned neighbour
// counts as found if its reference distance is no larger than the k-th
// reference distance, so an index is not penalised for picking another
// vector at the same distance.
//
// Every index, exact or not, must also
//
//   - return min(k, Len()) neighbours, none for k ≤ 0;
//   - return valid, distinct IDs, sorted by Dist, nearest first;
//   - report Dist equal to the reference distance of that ID, to float32
//     accuracy;
//   - report the Len, Dim and Metric it was built with;
//   - give the same answer twice, and the same answer to concurrent
//     searches as to sequential ones (run the tests with -race);
//   - handle every metric of package distance, k larger than the index,
//     duplicated vectors (equal distances) and, for cosine, zero vectors,
//     which are at distance exactly 1 from everything.
package knntest

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/latent-go/latent/distance"
	"github.com/latent-go/latent/knn"
)

// Builder builds the index under test over n = len(vectors)/dim row-major
// vectors. The suite never modifies vectors after the call.
type Builder func(vectors []float32, dim int, m distance.Metric) knn.Index

// Options tune the suite for approximate indexes. The zero value asks for
// an exact index.
type Options struct {
	// MinRecall is the least mean recall@k accepted on each case, in
	// (0, 1]; 0 means the index is exact and must return exactly the
	// reference neighbours, in reference order.
	MinRecall float64
}

// Run runs the suite for an exact index.
func Run(t *testing.T, build Builder) { RunOptions(t, build, Options{}) }

// RunOptions runs the suite with the given options.
func RunOptions(t *testing.T, build Builder, opt Options) {
	t.Helper()
	if opt.MinRecall < 0 || opt.MinRecall > 1 {
		t.Fatalf("knntest: MinRecall %v out of [0, 1]", opt.MinRecall)
	}
	for _, c := range cases() {
		for _, m := range distance.All() {
			t.Run(fmt.Sprintf("%s/%s", c.name, m), func(t *testing.T) {
				runCase(t, build, opt, c, m)
			})
		}
	}
}

// A testCase is a base set with its queries.
type testCase struct {
	name    string
	x       []float32
	dim     int
	queries []float32
	ks      []int
	// check, if set, asserts case-specific facts about each result.
	check func(t *testing.T, m distance.Metric, qi int, k int, got []knn.Neighbor, exact bool)
}

func gaussian(r *rand.Rand, n, dim int, scale, offset float64) []float32 {
	x := make([]float32, n*dim)
	for i := range x {
		x[i] = float32(r.NormFloat64()*scale + offset)
	}
	return x
}

// clustered returns n points around c centres of varying spread and norm,
// like real embeddings.
func clustered(r *rand.Rand, n, dim, c int) []float32 {
	centres := gaussian(r, c, dim, 3, 0)
	x := make([]float32, n*dim)
	for i := range n {
		j := r.IntN(c)
		s := 0.2 + r.Float64()
		for l := range dim {
			x[i*dim+l] = centres[j*dim+l] + float32(r.NormFloat64()*s)
		}
	}
	return x
}

func cases() []testCase {
	r := rand.New(rand.NewPCG(42, 7))
	var cs []testCase

	// Gaussian data; queries partly new, partly base vectors themselves.
	{
		x := gaussian(r, 1000, 16, 1, 0)
		q := append(gaussian(r, 30, 16, 1, 0), x[:10*16]...)
		cs = append(cs, testCase{name: "gaussian", x: x, dim: 16, queries: q, ks: []int{1, 10, 100}})
	}
	// Clustered data, odd dimension.
	{
		x := clustered(r, 2000, 33, 20)
		q := clustered(r, 40, 33, 20)
		cs = append(cs, testCase{name: "clustered", x: x, dim: 33, queries: q, ks: []int{10}})
	}
	// Far from the origin compared with the spread: a hard case for
	// distances through ‖q‖² − 2q·x + ‖x‖².
	{
		x := gaussian(r, 500, 8, 1, 1000)
		q := gaussian(r, 20, 8, 1, 1000)
		cs = append(cs, testCase{name: "offset", x: x, dim: 8, queries: q, ks: []int{5}})
	}
	// Small index, k larger than it; dimension 1 and 3.
	for _, dim := range []int{1, 3} {
		x := gaussian(r, 7, dim, 1, 0)
		q := gaussian(r, 5, dim, 1, 0)
		cs = append(cs, testCase{name: fmt.Sprintf("tiny-dim%d", dim), x: x, dim: dim, queries: q, ks: []int{0, 1, 7, 8, 100}})
	}
	// Duplicates: 40 distinct vectors, each stored 3 times with IDs spread
	// out (i, i+40, i+80); the copies tie and must come in ID order.
	{
		const distinct, dim = 40, 6
		base := gaussian(r, distinct, dim, 1, 0)
		x := make([]float32, 0, 3*distinct*dim)
		for range 3 {
			x = append(x, base...)
		}
		q := append(slices.Clone(base[:5*dim]), gaussian(r, 5, dim, 1, 0)...)
		cs = append(cs, testCase{name: "duplicates", x: x, dim: dim, queries: q, ks: []int{3, 7},
			check: func(t *testing.T, m distance.Metric, qi, k int, got []knn.Neighbor, exact bool) {
				if !exact || len(got) < 3 {
					return
				}
				// The three copies of one vector sit at equal distance
				// (bit for bit), so among neighbours with equal Dist
				// the IDs must increase.
				for i := 1; i < len(got); i++ {
					if got[i].Dist == got[i-1].Dist && got[i].ID < got[i-1].ID {
						t.Errorf("query %d: equal distances out of ID order: %v", qi, got)
					}
				}
				if qi < 5 && m != distance.Dot {
					// The query is base vector qi: its copies come first.
					want := []int{qi, qi + distinct, qi + 2*distinct}
					ids := []int{got[0].ID, got[1].ID, got[2].ID}
					if !slices.Equal(ids, want) {
						t.Errorf("query %d: first neighbours %v, want the copies %v", qi, ids, want)
					}
				}
			}})
	}
	// Small integers: many exact ties.
	{
		x := make([]float32, 300*4)
		for i := range x {
			x[i] = float32(r.IntN(4))
		}
		q := make([]float32, 20*4)
		for i := range q {
			q[i] = float32(r.IntN(4))
		}
		cs = append(cs, testCase{name: "ties", x: x, dim: 4, queries: q, ks: []int{1, 10}})
	}
	// Zero vectors among the base vectors and as queries.
	{
		const dim = 5
		x := gaussian(r, 60, dim, 1, 0)
		for _, i := range []int{3, 17, 18, 40} {
			clear(x[i*dim : (i+1)*dim])
		}
		q := append(make([]float32, dim), gaussian(r, 5, dim, 1, 0)...)
		q = append(q, x[3*dim:4*dim]...) // another zero query
		cs = append(cs, testCase{name: "zeros", x: x, dim: dim, queries: q, ks: []int{5, 60},
			check: func(t *testing.T, m distance.Metric, qi, k int, got []knn.Neighbor, exact bool) {
				if m != distance.Cosine {
					return
				}
				zeroQuery := qi == 0 || qi == 6
				for _, nb := range got {
					zeroBase := nb.ID == 3 || nb.ID == 17 || nb.ID == 18 || nb.ID == 40
					if (zeroQuery || zeroBase) && nb.Dist != 1 {
						t.Errorf("query %d: cosine distance to %d is %v, want exactly 1 (zero vector)", qi, nb.ID, nb.Dist)
					}
				}
				if zeroQuery && exact {
					for i, nb := range got {
						if nb.ID != i {
							t.Errorf("zero query: neighbours %v, want IDs 0..%d (all tie at 1)", got, k-1)
							break
						}
					}
				}
			}})
	}
	// Vectors of very different lengths, where dot and cosine disagree.
	{
		x := gaussian(r, 300, 10, 1, 0)
		for i := range 300 {
			s := float32(math.Exp(r.NormFloat64()))
			for l := range 10 {
				x[i*10+l] *= s
			}
		}
		q := gaussian(r, 20, 10, 1, 0)
		cs = append(cs, testCase{name: "norms", x: x, dim: 10, queries: q, ks: []int{10}})
	}
	return cs
}

// ref is a reference neighbour with its float64 distance.
type ref struct {
	id int
	d  float64
}

// bruteForce returns every base vector ranked by reference distance, ties
// (and NaN, which cmp.Compare puts first) by ID.
func bruteForce(x []float32, dim int, m distance.Metric, q []float32) []ref {
	n := len(x) / dim
	all := make([]ref, n)
	for i := range n {
		all[i] = ref{i, m.Distance64(q, x[i*dim:(i+1)*dim])}
	}
	slices.SortStableFunc(all, func(a, b ref) int { return cmp.Compare(a.d, b.d) })
	return all
}

// Exact returns the reference answer: the k nearest of the row-major
// vectors x (dimension dim) to q by m.Distance64, ties by the smaller ID,
// with the distances rounded to float32 — what an exact index must return.
func Exact(x []float32, dim int, m distance.Metric, q []float32, k int) []knn.Neighbor {
	all := bruteForce(x, dim, m, q)
	res := make([]knn.Neighbor, max(0, min(k, len(all))))
	for i := range res {
		res[i] = knn.Neighbor{ID: all[i].id, Dist: float32(all[i].d)}
	}
	return res
}

func norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

// distOK reports whether an index's Dist for a pair is the reference
// distance d to float32 accuracy, on the scale the metric works at.
func distOK(m distance.Metric, got float32, d float64, q, x []float32) bool {
	var scale float64
	switch m {
	case distance.Euclidean:
		scale = d + math.Sqrt(norm(q)*norm(x))
	case distance.SqEuclidean, distance.Dot:
		scale = math.Abs(d) + norm(q)*norm(x) + (norm(q)-norm(x))*(norm(q)-norm(x))
	case distance.Cosine:
		scale = 1
	case distance.Manhattan:
		scale = d
	}
	return math.Abs(float64(got)-d) <= 1e-5*scale+1e-30
}

func runCase(t *testing.T, build Builder, opt Options, c testCase, m distance.Metric) {
	n := len(c.x) / c.dim
	x := slices.Clone(c.x)
	idx := build(x, c.dim, m)
	if idx.Len() != n || idx.Dim() != c.dim || idx.Metric() != m {
		t.Fatalf("index reports Len %d Dim %d Metric %v, built with %d, %d, %v", idx.Len(), idx.Dim(), idx.Metric(), n, c.dim, m)
	}
	exact := opt.MinRecall == 0
	nq := len(c.queries) / c.dim
	refs := make([][]ref, nq)
	for qi := range nq {
		refs[qi] = bruteForce(c.x, c.dim, m, c.queries[qi*c.dim:(qi+1)*c.dim])
	}
	for _, k := range c.ks {
		var found, total float64
		results := make([][]knn.Neighbor, nq)
		for qi := range nq {
			q := c.queries[qi*c.dim : (qi+1)*c.dim]
			got := idx.Search(q, k)
			results[qi] = got
			want := min(max(k, 0), n)
			if len(got) != want {
				t.Fatalf("k=%d query %d: %d results, want %d", k, qi, len(got), want)
			}
			all := refs[qi]
			seen := map[int]bool{}
			for i, nb := range got {
				if nb.ID < 0 || nb.ID >= n {
					t.Fatalf("k=%d query %d: ID %d out of range [0, %d)", k, qi, nb.ID, n)
				}
				if seen[nb.ID] {
					t.Fatalf("k=%d query %d: ID %d twice in %v", k, qi, nb.ID, got)
				}
				seen[nb.ID] = true
				if i > 0 && got[i-1].Dist > nb.Dist {
					t.Fatalf("k=%d query %d: results not sorted by distance: %v", k, qi, got)
				}
				xv := c.x[nb.ID*c.dim : (nb.ID+1)*c.dim]
				if d := m.Distance64(q, xv); !distOK(m, nb.Dist, d, q, xv) {
					t.Fatalf("k=%d query %d: Dist of ID %d is %v, reference %v", k, qi, nb.ID, nb.Dist, d)
				}
			}
			if want == 0 {
				continue
			}
			if exact {
				for i, nb := range got {
					if nb.ID != all[i].id {
						t.Fatalf("k=%d query %d: neighbours %v,\nreference %v", k, qi, ids(got), refIDs(all[:want]))
					}
				}
			}
			kth := all[want-1].d
			for _, nb := range got {
				if m.Distance64(q, c.x[nb.ID*c.dim:(nb.ID+1)*c.dim]) <= kth {
					found++
				}
			}
			total += float64(want)
			if c.check != nil {
				c.check(t, m, qi, k, got, exact)
			}
		}
		if total > 0 {
			if recall := found / total; recall < opt.MinRecall {
				t.Errorf("k=%d: recall %.4f, want at least %v", k, recall, opt.MinRecall)
			}
		}
		// The same answers again, now from concurrent searches.
		var wg sync.WaitGroup
		errs := make([]string, nq)
		for qi := range nq {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got := idx.Search(c.queries[qi*c.dim:(qi+1)*c.dim], k)
				if !slices.Equal(got, results[qi]) {
					errs[qi] = fmt.Sprintf("k=%d query %d: concurrent search gave %v, sequential %v", k, qi, got, results[qi])
				}
			}()
		}
		wg.Wait()
		for _, e := range errs {
			if e != "" {
				t.Fatal(e)
			}
		}
	}
	// The index must not have changed the vectors.
	if !slices.Equal(x, c.x) {
		t.Fatal("the index modified the vectors it was built from")
	}
}

func ids(nb []knn.Neighbor) []int {
	out := make([]int, len(nb))
	for i, v := range nb {
		out[i] = v.ID
	}
	return out
}

func refIDs(r []ref) []int {
	out := make([]int, len(r))
	for i, v := range r {
		out[i] = v.id
	}
	return out
}
