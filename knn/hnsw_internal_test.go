package knn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/latent-go/latent/distance"
)

// TestItemOrder checks that packed items order as (distance, ID) does and
// give their distance and ID back unchanged.
func TestItemOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	type pair struct {
		d  float32
		id int32
	}
	special := []float32{0, 1, -1, 2, -2, math.MaxFloat32, -math.MaxFloat32, 1e-45, -1e-45, float32(math.Inf(1)), float32(math.Inf(-1))}
	var ps []pair
	for range 2000 {
		d := special[r.IntN(len(special))]
		if r.IntN(2) == 0 {
			d = float32(r.NormFloat64() * math.Pow(10, float64(r.IntN(10)-5)))
		}
		ps = append(ps, pair{d, int32(r.IntN(50))})
	}
	for i, a := range ps {
		x := mkItem(a.d, a.id)
		if x.dist() != a.d || x.id() != a.id {
			t.Fatalf("%v, %d: packed and unpacked as %v, %d", a.d, a.id, x.dist(), x.id())
		}
		b := ps[(i*7+3)%len(ps)]
		y := mkItem(b.d, b.id)
		want := a.d < b.d || a.d == b.d && a.id < b.id
		if got := x < y; got != want {
			t.Fatalf("(%v, %d) < (%v, %d): %v, want %v", a.d, a.id, b.d, b.id, got, want)
		}
	}
	// The heaps agree with a sort.
	var mn minHeap
	var mx maxHeap
	var all []item
	for _, p := range ps {
		x := mkItem(p.d, p.id)
		mn.push(x)
		mx.push(x)
		all = append(all, x)
	}
	slices.Sort(all)
	// replaceTop keeps the smallest: feed the items through a heap of 100.
	var best maxHeap
	for _, x := range all[len(all)/2:] {
		best.push(x)
	}
	for best.len() > 100 {
		best.pop()
	}
	for _, x := range slices.Backward(all[:len(all)/2]) {
		if x < best.top() {
			best.replaceTop(x)
		}
	}
	for i := range best.len() {
		if want := all[99-i]; best.pop() != want {
			t.Fatalf("replaceTop: pop %d is not %v", i, want)
		}
	}
	for i := range all {
		if got := mn.pop(); got != all[i] {
			t.Fatalf("min-heap pop %d: %v, want %v", i, got, all[i])
		}
		if got := mx.pop(); got != all[len(all)-1-i] {
			t.Fatalf("max-heap pop %d: %v, want %v", i, got, all[len(all)-1-i])
		}
	}
}

// TestVisitedWrap runs more searches than the 16-bit visited stamps count,
// on one searcher: when the stamp wraps, the marks must be cleared, or the
// nodes a search marked 65,535 searches earlier would look visited and be
// skipped. The first search (query a) gets stamp 1, the next 65,534 search
// elsewhere (query b), and then a again, with stamp 1 again.
func TestVisitedWrap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const n, dim = 2000, 4
	h := NewHNSW(dim, distance.Euclidean, HNSWConfig{M: 4, EfConstruction: 20})
	x := make([]float32, n*dim)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	h.AddBatch(x, 1)
	s := &hsearcher{mark: make([]uint16, n)}
	a, b := []float32{3, 3, 3, 3}, []float32{-3, -3, -3, -3}
	search := func(q []float32) []item {
		ep := []item{mkItem(h.dist(q, h.vec(h.entry)), h.entry)}
		return slices.Clone(h.searchLayer(s, q, ep, 5, 0, false))
	}
	want := search(a)
	if s.epoch != 1 {
		t.Fatalf("first stamp %d, want 1", s.epoch)
	}
	for range math.MaxUint16 - 1 {
		search(b)
	}
	if got := search(a); !slices.Equal(got, want) || s.epoch != 1 {
		t.Fatalf("after the wrap (stamp %d): %v, want %v", s.epoch, got, want)
	}
}
