package knn_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/latent-go/latent/dataset/digits"
	"github.com/latent-go/latent/distance"
	"github.com/latent-go/latent/knn"
	"github.com/latent-go/latent/knn/knntest"
)

func TestFlatConformance(t *testing.T) {
	knntest.Run(t, func(x []float32, dim int, m distance.Metric) knn.Index {
		return knn.NewFlat(x, dim, m)
	})
}

// batchIndex answers Search through SearchBatch with several workers, so
// that the batched path passes the same suite.
type batchIndex struct{ *knn.Flat }

func (b batchIndex) Search(q []float32, k int) []knn.Neighbor {
	// Search the query among decoys, so that it shares a block.
	qs := make([]float32, 0, 70*len(q))
	for i := range 70 {
		if i == 37 {
			qs = append(qs, q...)
			continue
		}
		for j := range q {
			qs = append(qs, float32(i+j))
		}
	}
	return b.SearchBatch(qs, k, 3)[37]
}

func TestFlatBatchConformance(t *testing.T) {
	knntest.Run(t, func(x []float32, dim int, m distance.Metric) knn.Index {
		return batchIndex{knn.NewFlat(x, dim, m)}
	})
}

// sklearnRef is testdata/sklearn_digits_knn.json (make_sklearn_ref.py).
type sklearnRef struct {
	Tool    string
	Base    [2]int
	Queries [2]int
	K       int
	Metrics map[string]struct {
		IDs   [][]int     `json:"ids"`
		Dists [][]float64 `json:"dists"`
	}
}

// TestSklearnDigits compares with scikit-learn's brute-force
// NearestNeighbors on real data. Digits are small integers, so exact ties
// are common and scikit-learn breaks them in no documented order: the
// distances must agree rank by rank, and the neighbour sets must agree
// except for vectors tied at the k-th distance.
func TestSklearnDigits(t *testing.T) {
	b, err := os.ReadFile("testdata/sklearn_digits_knn.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref sklearnRef
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	set := digits.Load()
	base := set.X[ref.Base[0]*set.D : ref.Base[1]*set.D]
	queries := set.X[ref.Queries[0]*set.D : ref.Queries[1]*set.D]
	if len(ref.Metrics) != 3 {
		t.Fatalf("%d metrics in the reference", len(ref.Metrics))
	}
	for name, want := range ref.Metrics {
		m, err := distance.Parse(name)
		if err != nil {
			t.Fatal(err)
		}
		got := knn.NewFlat(base, set.D, m).SearchBatch(queries, ref.K, 0)
		identical := 0
		for qi, nb := range got {
			q := queries[qi*set.D : (qi+1)*set.D]
			wd := want.Dists[qi]
			for i := range nb {
				if math.Abs(float64(nb[i].Dist)-wd[i]) > 1e-5*math.Max(1, wd[i]) {
					t.Fatalf("%s query %d rank %d: distance %v, scikit-learn %v", name, qi, i, nb[i].Dist, wd[i])
				}
			}
			kth := m.Distance64(q, base[nb[ref.K-1].ID*set.D:(nb[ref.K-1].ID+1)*set.D])
			gotIDs := make([]int, len(nb))
			for i, v := range nb {
				gotIDs[i] = v.ID
			}
			if slices.Equal(gotIDs, want.IDs[qi]) {
				identical++
			}
			for _, id := range want.IDs[qi] {
				if slices.Contains(gotIDs, id) {
					continue
				}
				// Only a vector tied with our k-th neighbour may differ.
				if d := m.Distance64(q, base[id*set.D:(id+1)*set.D]); math.Abs(d-kth) > 1e-9*math.Max(1, kth) {
					t.Errorf("%s query %d: scikit-learn's neighbour %d (distance %v) missing from %v", name, qi, id, d, gotIDs)
				}
			}
		}
		t.Logf("%s: %d of %d queries with identical ID lists (the rest differ among equal distances)", name, identical, len(got))
	}
}

func randData(r *rand.Rand, n, dim int) []float32 {
	x := make([]float32, n*dim)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return x
}

// The results do not depend on the number of workers or on which queries
// share a block.
func TestSearchBatchWorkers(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const dim = 12
	x := randData(r, 3000, dim)
	q := randData(r, 300, dim)
	for _, m := range distance.All() {
		f := knn.NewFlat(x, dim, m)
		one := f.SearchBatch(q, 10, 1)
		for _, w := range []int{2, 3, 0} {
			if got := f.SearchBatch(q, 10, w); !slices.EqualFunc(got, one, slices.Equal) {
				t.Fatalf("%v: workers=%d differs from workers=1", m, w)
			}
		}
		for i := 0; i < 300; i += 37 {
			if got := f.Search(q[i*dim:(i+1)*dim], 10); !slices.Equal(got, one[i]) {
				t.Fatalf("%v: Search(query %d) = %v, SearchBatch %v", m, i, got, one[i])
			}
		}
	}
}

func TestEmptyAndZeroK(t *testing.T) {
	f := knn.NewFlat(nil, 3, distance.Cosine)
	if f.Len() != 0 || len(f.Search([]float32{1, 2, 3}, 5)) != 0 {
		t.Fatal("empty index found something")
	}
	if res := f.SearchBatch([]float32{1, 2, 3, 4, 5, 6}, 5, 0); len(res) != 2 || len(res[0]) != 0 || res[1] == nil {
		t.Fatalf("SearchBatch on an empty index = %v", res)
	}
	g := knn.NewFlat([]float32{1, 2}, 1, distance.Euclidean)
	if res := g.Search([]float32{1}, 0); len(res) != 0 {
		t.Fatalf("k=0: %v", res)
	}
	if res := g.Search([]float32{1}, -3); len(res) != 0 {
		t.Fatalf("k<0: %v", res)
	}
	if res := g.SearchBatch(nil, 3, 0); len(res) != 0 {
		t.Fatalf("no queries: %v", res)
	}
}

func TestPanics(t *testing.T) {
	f := knn.NewFlat(make([]float32, 6), 3, distance.Dot)
	for name, fn := range map[string]func(){
		"dim0":       func() { knn.NewFlat(nil, 0, distance.Dot) },
		"ragged":     func() { knn.NewFlat(make([]float32, 7), 3, distance.Dot) },
		"metric":     func() { knn.NewFlat(make([]float32, 6), 3, distance.Metric(9)) },
		"query":      func() { f.Search([]float32{1, 2}, 1) },
		"batch":      func() { f.SearchBatch([]float32{1, 2, 3, 4}, 1, 1) },
		"vector":     func() { f.Vector(2) },
		"vector-neg": func() { f.Vector(-1) },
	} {
		func() {
			defer func() {
				if s, ok := recover().(string); !ok || !strings.HasPrefix(s, "knn: ") {
					t.Errorf("%s: recovered %q, want a knn: panic", name, s)
				}
			}()
			fn()
		}()
	}
}

// NaN and infinite inputs are outside the contract, but must not crash.
func TestNonFiniteDoesNotPanic(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	x := []float32{1, 2, nan, 4, inf, 6, 7, 8, 3e38, 3e38}
	for _, m := range distance.All() {
		f := knn.NewFlat(x, 2, m)
		for _, q := range [][]float32{{1, 1}, {nan, 0}, {inf, -inf}, {3e38, -3e38}} {
			if res := f.Search(q, 3); len(res) > 3 {
				t.Fatalf("%v: %d results", m, len(res))
			}
		}
	}
}

func TestCompare(t *testing.T) {
	got := []knn.Neighbor{{3, 1}, {1, 2}, {2, 1}, {0, 0.5}}
	slices.SortFunc(got, knn.Compare)
	want := []knn.Neighbor{{0, 0.5}, {2, 1}, {3, 1}, {1, 2}}
	if !slices.Equal(got, want) {
		t.Fatalf("sorted = %v, want %v", got, want)
	}
}
