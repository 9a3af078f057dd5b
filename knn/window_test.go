package knn_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/latent-go/latent/distance"
	"github.com/latent-go/latent/internal/f32"
	"github.com/latent-go/latent/knn"
	"github.com/latent-go/latent/knn/knntest"
)

// The window passes the suite from the first query, with 8-bit codes
// (where the CPU has them) and without.
func TestFlatWindowConformance(t *testing.T) {
	defer knn.SetPrepareAfter(0)()
	for _, codes := range []bool{true, false} {
		restore := knn.SetUseCodes(codes && f32.HasFilterI8())
		knntest.Run(t, func(x []float32, dim int, m distance.Metric) knn.Index {
			return knn.NewFlat(x, dim, m)
		})
		knntest.Run(t, func(x []float32, dim int, m distance.Metric) knn.Index {
			return batchIndex{knn.NewFlat(x, dim, m)}
		})
		restore()
	}
}

// A Flat index builds its window only after answering a few dozen
// queries, and answers the same before and after.
func TestWindowBuiltOnDemand(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	x := randData(r, 2000, 8)
	q := randData(r, 100, 8)
	f := knn.NewFlat(x, 8, distance.Euclidean)
	var before [][]knn.Neighbor
	for i := range 40 {
		before = append(before, f.Search(q[i*8:(i+1)*8], 5))
	}
	if f.Built() {
		t.Fatal("window built after 40 queries")
	}
	after := f.SearchBatch(q, 5, 2)
	if !f.Built() {
		t.Fatal("no window after 140 queries")
	}
	if !slices.EqualFunc(before, after[:40], slices.Equal) {
		t.Fatal("results changed with the window")
	}
}

// TestWindowPaths compares the Euclidean paths (8-bit codes where the CPU
// has them, and the float32 window) and cosine with and without codes with
// float64 brute force, result for result, on data where the window prunes
// most vectors: elongated clusters, a dimension that is not a multiple of
// 4, many dimensions, a count that is not a multiple of 16, exact
// duplicates and integer grids full of ties, zero vectors, and queries
// that are base vectors.
func TestWindowPaths(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	elongated := func(n, dim int) []float32 {
		x := make([]float32, n*dim)
		for i := range n {
			c := float64(r.IntN(12))
			for j := range dim {
				x[i*dim+j] = float32(r.NormFloat64()*0.3 + c*float64(dim-j)/float64(dim))
			}
		}
		return x
	}
	grid := func(n, dim int) []float32 {
		x := make([]float32, n*dim)
		for i := range x {
			x[i] = float32(r.IntN(5))
		}
		return x
	}
	dups := func(n, dim int) []float32 {
		x := elongated(n/4, dim)
		return append(append(append(x, x...), x...), x...)
	}
	cases := []struct {
		name   string
		x      []float32
		dim    int
		metric distance.Metric
	}{
		{"elongated-32", elongated(3001, 32), 32, distance.Euclidean},
		{"elongated-7", elongated(2000, 7), 7, distance.SqEuclidean},
		{"elongated-130", elongated(1500, 130), 130, distance.Euclidean},
		{"grid-6", grid(2500, 6), 6, distance.Euclidean},
		{"duplicates-16", dups(2000, 16), 16, distance.Euclidean},
		{"small-5", elongated(13, 5), 5, distance.Euclidean},
		{"cosine-elongated-32", elongated(3001, 32), 32, distance.Cosine},
		{"cosine-grid-6", grid(2500, 6), 6, distance.Cosine},
		{"cosine-duplicates-16", dups(2000, 16), 16, distance.Cosine},
		{"cosine-small-5", elongated(13, 5), 5, distance.Cosine},
		{"cosine-zero-rows", withZeros(elongated(1000, 8), 8), 8, distance.Cosine},
	}
	for _, c := range cases {
		n := len(c.x) / c.dim
		own := c.x[:min(40, n)*c.dim]
		q := append(elongated(150, c.dim), own...)
		if strings.HasSuffix(c.name, "grid-6") {
			q = append(grid(150, c.dim), own...)
		}
		q = append(q, make([]float32, c.dim)...) // a zero query
		nq := len(q) / c.dim
		for _, codes := range []bool{true, false} {
			restore := knn.SetUseCodes(codes && f32.HasFilterI8())
			f := knn.NewFlat(c.x, c.dim, c.metric)
			restore()
			if !f.UsesWindow() && (c.metric != distance.Cosine || f.UsesCodes()) {
				t.Fatalf("%s: no window", c.name)
			}
			// Zero vectors have no direction: cosine has no codes then.
			plain := c.name == "cosine-zero-rows"
			if f.UsesCodes() != (codes && f32.HasFilterI8() && !plain) {
				t.Fatalf("%s: codes %v, want %v", c.name, f.UsesCodes(), codes)
			}
			for _, k := range []int{1, 10, 50} {
				got := f.SearchBatch(q, k, 2)
				for i := range nq {
					want := knntest.Exact(c.x, c.dim, c.metric, q[i*c.dim:(i+1)*c.dim], k)
					if !slices.Equal(got[i], want) {
						t.Fatalf("%s (codes %v, n %d) k=%d query %d:\n got %v\nwant %v", c.name, f.UsesCodes(), n, k, i, got[i], want)
					}
				}
			}
		}
	}
}

// A query that is not finite gets the brute-force answer of the float64
// reference (which ranks NaN distances last), as without codes.
func TestNonFiniteQuery(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	x := randData(r, 500, 8)
	f := knn.NewFlat(x, 8, distance.Euclidean)
	q := randData(r, 20, 8)
	q[3*8+2] = float32(math.NaN())
	q[7*8] = float32(math.Inf(-1))
	got := f.SearchBatch(q, 5, 1)
	for i := range 20 {
		if want := knntest.Exact(x, 8, distance.Euclidean, q[i*8:(i+1)*8], 5); i != 3 && i != 7 && !slices.Equal(got[i], want) {
			t.Fatalf("query %d: got %v, want %v", i, got[i], want)
		}
		if len(got[i]) != 5 {
			t.Fatalf("query %d: %d results", i, len(got[i]))
		}
	}
}

// TestWindowEdgeCases covers what the error bounds of every path (codes or
// not, window or brute force) must survive: a query whose distances
// overflow float32 sharing a tile with ordinary ones, distances so small
// that float32 sums underflow, vectors whose squared norms overflow
// float32, and cosine dot products that underflow or inverse norms that
// overflow.
func TestWindowEdgeCases(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 3))
	var plane []float32
	for range 2000 {
		plane = append(plane, float32(r.NormFloat64()), float32(r.NormFloat64()*0.7))
	}
	mixed := []float32{-1e20, 0}
	for i := range 6 {
		mixed = append(mixed, 0, float32(i)*1e-6)
	}
	mixed = append(mixed, 1e20, 0)

	tiny := func(c float64) float32 { return float32(math.Sqrt(c * 0x1p-149)) }
	a := tiny(0.52)
	under := []float32{0, tiny(1.6), 0, 0, 0, tiny(1.7), 0, 0, 0, tiny(1.8), 0, 0, 0, a, a, a}
	for i := 1; i <= 12; i++ {
		under = append(under, float32(10*i*(1-2*(i%2))), 0, 0, 0)
	}

	var huge []float32
	for i := range 40 {
		huge = append(huge, 0, 0, float32(i%3), float32(i-20)*1e17)
	}
	for j := range 100 {
		huge = append(huge, 1.5e19, 1.5e19, 0, float32(j))
	}

	tinyCos := []float32{1e-23, 1e-26, 0, 0}
	subnormal := []float32{}
	for range 40 {
		tinyCos = append(tinyCos, 1, r.Float32(), r.Float32(), r.Float32())
		subnormal = append(subnormal, r.Float32(), -1, r.Float32(), r.Float32())
	}
	subnormal = append(subnormal, 1e-39, 0, 0, 0)

	for _, c := range []struct {
		name   string
		x, q   []float32
		dim, k int
		metric distance.Metric
	}{
		{"overflowing-query", plane, mixed, 2, 1, distance.Euclidean},
		{"underflow", under, []float32{0, 0, 0, 0}, 4, 1, distance.SqEuclidean},
		{"overflowing-norms", huge, []float32{1.5e19, 1.5e19, 0, 50.3}, 4, 1, distance.Euclidean},
		{"cosine-underflow", tinyCos, []float32{1e-23, 0, 0, 0}, 4, 1, distance.Cosine},
		{"cosine-subnormal-row", subnormal, []float32{0, 1, 0, 0}, 4, 1, distance.Cosine},
	} {
		for _, path := range []struct{ codes, window bool }{{true, true}, {false, true}, {true, false}} {
			restore := knn.SetUseCodes(path.codes && f32.HasFilterI8())
			f := knn.NewFlat(c.x, c.dim, c.metric)
			restore()
			if path.window {
				f.UsesWindow() // build it now
			}
			got := f.SearchBatch(c.q, c.k, 1)
			for i := range got {
				want := knntest.Exact(c.x, c.dim, c.metric, c.q[i*c.dim:(i+1)*c.dim], c.k)
				if i != 0 && i != len(got)-1 || c.name != "overflowing-query" {
					if !slices.Equal(got[i], want) {
						t.Errorf("%s (codes %v, window %v) query %d: got %v, want %v", c.name, path.codes, path.window, i, got[i], want)
					}
				}
			}
		}
	}
}

// withZeros sets every 97th row of x to zero.
func withZeros(x []float32, dim int) []float32 {
	for i := 0; i < len(x)/dim; i += 97 {
		clear(x[i*dim : (i+1)*dim])
	}
	return x
}

// Searches from several goroutines while the window is being built give
// the answers of brute force (run with -race to check the publication).
func TestWindowConcurrentBuild(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	x := randData(r, 1500, 6)
	q := randData(r, 120, 6)
	for _, m := range []distance.Metric{distance.Euclidean, distance.Cosine} {
		f := knn.NewFlat(x, 6, m)
		got := make([][]knn.Neighbor, 120)
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := g; i < 120; i += 4 {
					got[i] = f.Search(q[i*6:(i+1)*6], 3)
				}
			}()
		}
		wg.Wait()
		for i := range 120 {
			if want := knntest.Exact(x, 6, m, q[i*6:(i+1)*6], 3); !slices.Equal(got[i], want) {
				t.Fatalf("%v query %d: got %v, want %v", m, i, got[i], want)
			}
		}
	}
}
