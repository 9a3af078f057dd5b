package knn

import (
	"math"
	"math/bits"
	"slices"

	"github.com/latent-go/latent/distance"
	"github.com/latent-go/latent/internal/f32"
)

// Exact Euclidean and cosine search with 8-bit codes.
//
// On CPUs with AVX-512 VNNI, the window of a Euclidean or cosine Flat index
// (window.go) also keeps every base vector as 8-bit integer codes, in the
// window's order; for cosine, the vectors and queries are first scaled to
// unit length (spaceScale), where the cosine distance is half the squared
// Euclidean distance, and the same bound applies.
// Dimension j of vector x is coded as x̃ⱼ = round(xⱼ/sⱼ) with one scale sⱼ
// per dimension, so x = S x̃ + e with a small residual e. A query q is
// coded against the same scales: uⱼ = qⱼsⱼ ≈ t vⱼ with integers vⱼ and one
// scale t, leaving δ = u − t v. Then
//
//	q·x = t (v·x̃) + q·e + δ·x̃ ≤ t (v·x̃) + ‖q‖ ‖e‖ + ‖δ‖ ‖x̃‖,
//
// so ‖q − x‖² ≥ ‖q‖² + ‖x‖² − 2t (v·x̃) − 2‖q‖ ‖e‖ − 2‖δ‖ ‖x̃‖: a lower
// bound from an integer dot product, which f32.FilterI8 computes for 8
// queries and 16 vectors at a time, four times as many multiply-adds an
// instruction as float32. Only vectors whose bound is below a query's
// current cut-off get their float32 distance (f32.SqDistRows, or
// f32.DotRows and the inverse norms for cosine); on
// Fashion-MNIST PCA-32 that is a few hundred of the tens of thousands in
// the window. The candidates are then re-ranked and certified as in the
// float32 search, so the result is the same exact answer.

// codes are the 8-bit codes of the base vectors, 16 to a group, in the
// layouts of f32.FilterI8.
type codes struct {
	m     int       // dwords of codes a vector: ⌈dim/4⌉
	scale []float64 // sⱼ, float32 values
	x     []byte    // 64m bytes a group
	rows  []float32 // 48 a group: ‖x‖² (1 for cosine), ‖e‖, ‖x̃‖ (rounded up)
}

// useCodes reports whether Flat indexes build codes on this machine;
// tests turn it off to cover the float32 window.
var useCodes = f32.HasFilterI8()

// chunkGroups is how many groups of 16 vectors FilterI8 filters between
// two updates of the cut-offs.
const chunkGroups = 64

// maxCodesDim bounds the dimension for codes: 128·Σ vⱼ and the integer
// products must fit in an int32.
const maxCodesDim = 1 << 16

// codesExtra is how many candidates beyond k a query keeps: its float32
// distances are accurate, so the re-ranking needs only a couple more to
// certify the k-th.
const codesExtra = 2

// buildCodes returns the codes of the vectors in the window order, or nil
// when a vector is not finite (or zero, for cosine) or dim is too large.
func (f *Flat) buildCodes(order []int32) *codes {
	d := f.dim
	scale := make([]float64, d)
	for i := range f.n {
		x := f.Vector(i)
		sc := f.spaceScale(x)
		for j, v := range x {
			a := math.Abs(float64(v) * sc)
			if math.IsInf(a, 0) || math.IsNaN(a) {
				return nil
			}
			scale[j] = max(scale[j], a)
		}
	}
	for j, s := range scale {
		scale[j] = float64(float32(s / 127))
	}
	m := (d + 3) / 4
	if d > maxCodesDim {
		return nil
	}
	groups := (f.n + 15) / 16
	c := &codes{m: m, scale: scale, x: make([]byte, 64*m*groups), rows: make([]float32, 48*groups)}
	for i := range c.x {
		c.x[i] = 128 // code 0
	}
	for pos := range 16 * groups {
		g, l := pos/16, pos%16
		rows := c.rows[48*g : 48*(g+1)]
		if pos >= f.n {
			rows[l] = float32(math.Inf(1)) // a padding vector never passes
			continue
		}
		x := f.Vector(int(order[pos]))
		sc := f.spaceScale(x)
		var ee, xx float64
		for j, v := range x {
			v := float64(v) * sc
			var q float64
			if scale[j] > 0 {
				q = max(-127, min(127, math.Round(v/scale[j])))
			}
			e := v - q*scale[j]
			ee += e * e
			xx += q * q
			c.x[64*m*g+64*(j/4)+4*l+j%4] = byte(int8(q)) ^ 0x80
		}
		rows[l] = 1 // a unit vector, for cosine
		if f.metric != distance.Cosine {
			rows[l] = f.norm[order[pos]]
		}
		rows[16+l] = up32(math.Sqrt(ee))
		rows[32+l] = up32(math.Sqrt(xx))
	}
	return c
}

// up32 rounds a non-negative x up to a float32.
func up32(x float64) float32 {
	y := float32(x)
	if float64(y) < x {
		y = math.Nextafter32(y, float32(math.Inf(1)))
	}
	return y
}

// tile is the state of 8 queries searched together with codes.
type tile struct {
	n    int     // queries (the rest of the 8 are padding)
	skip [8]bool // not finite: left to the exact scan
	q    [8][]float32
	sc   [8]float64 // spaceScale of each query
	qq   [8]float64 // ‖q‖² after spaceScale
	pq   []float64  // projections
	seed [8][2]int  // window positions already offered by the seed
	code []int32    // f32.FilterI8's q
	qc   [64]float32
	// margin covers the rounding of FilterI8's float32 bound.
	margin [8]float64
	masks  []uint16
	hits   []int32
	pass   [8][]int32 // the vectors of a chunk that pass, by query
	dist   []float32
}

// searchCodes answers the queries q (rows of dim values, at most 8),
// whose projections are pq, into out.
func (s *searcher) searchCodes(q []float32, pq []float64, out [][]Neighbor) {
	f, w, c, t := s.f, s.w, s.w.codes, &s.tile
	d := f.dim
	t.n, t.pq = len(out), pq
	kk := min(s.k+codesExtra, f.n)
	if t.code == nil {
		t.code = make([]int32, 8*c.m)
		t.masks = make([]uint16, 8*chunkGroups)
		t.hits = make([]int32, chunkGroups)
		t.dist = make([]float32, 16*chunkGroups)
	}
	clear(t.code)
	for i := range 8 {
		s.heaps[i].reset(kk)
		t.seed[i] = [2]int{}
		t.skip[i] = i >= t.n
		if i >= t.n {
			t.qc[8*i+4] = float32(math.Inf(-1)) // nothing passes
			continue
		}
		t.q[i] = q[i*d : (i+1)*d]
		t.sc[i] = f.spaceScale(t.q[i])
		t.qq[i] = sumSq(t.q[i]) * t.sc[i] * t.sc[i]
		if !s.codeQuery(i) {
			t.skip[i] = true // finishCodes falls back to the exact scan
			continue
		}
		// Seed the heap with the vectors nearest in projection, so that
		// the cut-off is tight from the first group on.
		lo, hi := w.seedRange(pq[i], kk)
		t.seed[i] = [2]int{lo, hi}
		s.offer(i, w.order[lo:hi])
	}
	groups := (f.n + 15) / 16
	lo, _ := slices.BinarySearch(w.proj, pq[(t.n-1)/2])
	lo /= 16
	hi := lo
	// The window widens by one group at first and then by twice as many
	// each time, up to chunkGroups: the cut-offs tighten fastest near the
	// queries.
	for step := 1; ; step = min(2*step, chunkGroups) {
		left, right := s.tileReach()
		wantR := hi < groups && w.proj[16*hi] <= right
		wantL := lo > 0 && w.proj[min(16*lo, f.n)-1] >= left
		if !wantR && !wantL {
			break
		}
		if wantR {
			e := min(hi+step, groups)
			s.filterGroups(hi, e)
			hi = e
		}
		if wantL {
			b := max(lo-step, 0)
			s.filterGroups(b, lo)
			lo = b
		}
	}
	for i := range t.n {
		out[i] = s.finishCodes(t.q[i], &s.heaps[i])
	}
}

// seedRange returns the 2kk window positions (or all of them) nearest to
// the projection p.
func (w *window) seedRange(p float64, kk int) (lo, hi int) {
	pos, _ := slices.BinarySearch(w.proj, p)
	hi = min(len(w.proj), max(pos+kk, 2*kk))
	return max(0, hi-2*kk), hi
}

// codeQuery codes query i of the tile and sets its constants in qc,
// reporting false (and a cut-off that nothing passes) when the query is
// not finite.
func (s *searcher) codeQuery(i int) bool {
	f, c, t := s.f, s.w.codes, &s.tile
	q, sc := t.q[i], t.sc[i]
	var umax float64
	for j, v := range q {
		umax = max(umax, math.Abs(float64(v)*sc*c.scale[j]))
	}
	if math.IsInf(umax, 0) || math.IsNaN(umax) || !f.inRange(sumSq(q)) {
		t.qc[8*i+4] = float32(math.Inf(-1))
		return false
	}
	scale := float64(up32(umax / 127))
	if scale == 0 {
		scale = 1
	}
	var sum, dd float64
	for j, v := range q {
		u := float64(v) * sc * c.scale[j]
		w := max(-127, min(127, math.Round(u/scale)))
		e := u - w*scale
		dd += e * e
		sum += w
		sh := 8 * (j % 4)
		t.code[8*(j/4)+i] |= int32(uint32(uint8(int8(w))) << sh)
	}
	qn := math.Sqrt(t.qq[i])
	t.qc[8*i] = math.Float32frombits(uint32(int32(128 * sum)))
	t.qc[8*i+1] = float32(-2 * scale)
	t.qc[8*i+2] = -up32(2 * qn)
	t.qc[8*i+3] = -up32(2 * math.Sqrt(dd) * (1 + 1e-15))
	// A margin for the float32 arithmetic of the bound (a few roundings
	// of terms no larger than (‖q‖ + max ‖x‖)²), and for a product too
	// large to convert exactly.
	xn := f.spaceMaxNorm()
	t.margin[i] = 32*unit*(qn+xn)*(qn+xn) + 2*unit*scale*127*127*float64(f.dim)
	return true
}

// cutoff returns an upper bound, in the space of the codes (squared
// Euclidean distances, of unit vectors for cosine), on the distance of
// every candidate of query i, +Inf while its heap is not full.
func (s *searcher) cutoff(i int) float64 {
	h := &s.heaps[i]
	if !h.full() {
		return math.Inf(1)
	}
	w := float64(h.score[0])
	if s.f.metric == distance.Cosine {
		return 2 * (w + s.f.offerErr(w))
	}
	return w + s.f.offerErr(w)
}

// offerErr bounds the error of a float32 distance from offer whose value
// is w: for squared Euclidean distances (f32.SqDistRows) a relative
// 2(dim+4)·u, for cosine distances (f32.DotRows times two inverse norms,
// subtracted from 1) an absolute 2(dim+8)·u, plus what terms that
// underflow lose (tinyErr).
func (f *Flat) offerErr(w float64) float64 {
	if f.metric == distance.Cosine {
		return 2*float64(f.dim+8)*unit + f.tinyErr()
	}
	return 2*float64(f.dim+4)*unit*w + f.tinyErr()
}

// spaceMaxNorm is the largest norm of a base vector in the space of the
// codes.
func (f *Flat) spaceMaxNorm() float64 {
	if f.metric == distance.Cosine {
		return 1
	}
	return f.maxNorm
}

// tileReach sets each query's cut-off for FilterI8 and returns the window
// the tile still needs, as reach does for the float32 search.
func (s *searcher) tileReach() (left, right float64) {
	f, t := s.f, &s.tile
	left, right = math.Inf(1), math.Inf(-1)
	for i := range t.n {
		if t.skip[i] {
			continue
		}
		// Every cut-off is set before the window is decided: FilterI8
		// reads them all.
		tau := s.cutoff(i)
		t.qc[8*i+4] = up32(tau - t.qq[i] + t.margin[i])
		if math.IsInf(tau, 1) || math.IsNaN(tau) {
			left, right = math.Inf(-1), math.Inf(1)
			continue
		}
		r := math.Sqrt(tau)*(1+1e-12) + 1e-9*(math.Sqrt(t.qq[i])+f.spaceMaxNorm())
		left, right = min(left, t.pq[i]-r), max(right, t.pq[i]+r)
	}
	return left, right
}

// filterGroups runs FilterI8 over groups [g0, g1) and offers the vectors
// that pass to their queries.
func (s *searcher) filterGroups(g0, g1 int) {
	f, w, c, t := s.f, s.w, s.w.codes, &s.tile
	ng := g1 - g0
	nh := f32.FilterI8(t.masks, t.hits, c.x[64*c.m*g0:], c.rows[48*g0:], t.code, t.qc[:], ng, c.m)
	for i := range t.n {
		t.pass[i] = t.pass[i][:0]
	}
	for _, g := range t.hits[:nh] {
		g := int(g)
		for i, mask := range t.masks[8*g : 8*g+t.n] {
			for mask != 0 {
				l := bits.TrailingZeros16(mask)
				mask &= mask - 1
				pos := 16*(g0+g) + l
				if pos < f.n && (pos < t.seed[i][0] || pos >= t.seed[i][1]) {
					t.pass[i] = append(t.pass[i], w.order[pos])
				}
			}
		}
	}
	for i := range t.n {
		s.offer(i, t.pass[i])
	}
}

// offer computes the float32 distances of query i to the vectors ids and
// pushes those that beat its heap's worst.
func (s *searcher) offer(i int, ids []int32) {
	if len(ids) == 0 {
		return
	}
	t := &s.tile
	if cap(t.dist) < len(ids) {
		t.dist = make([]float32, len(ids))
	}
	dist := t.dist[:len(ids)]
	if f := s.f; f.metric == distance.Cosine {
		// 1 − q·x/(‖q‖ ‖x‖), with the inverse norms NewFlat keeps.
		f32.DotRows(dist, t.q[i], f.x, ids)
		invq := float32(t.sc[i])
		for j, id := range ids {
			dist[j] = 1 - dist[j]*f.norm[id]*invq
		}
	} else {
		f32.SqDistRows(dist, t.q[i], f.x, ids)
	}
	h := &s.heaps[i]
	thr := h.worst()
	for j, v := range dist {
		if v < thr {
			h.push(v, ids[j])
			thr = h.worst()
		}
	}
}

// finishCodes re-ranks a query's candidates, whose scores are float32
// squared distances, with the float64 reference distance, and returns the
// best k, falling back to an exact scan when they cannot be certified:
// every vector that was computed and not kept has a float32 distance of at
// least the heap's worst, so a true squared distance of at least worst −
// 2(dim+4)·u·worst; the vectors filtered out or outside the window were
// farther than all candidates of their time.
func (s *searcher) finishCodes(q []float32, h *candHeap) []Neighbor {
	f := s.f
	if len(h.id) == 0 {
		return f.exactScan(q, s.k, &s.exact)
	}
	s.cand = s.cand[:0]
	for _, id := range h.id {
		s.cand = append(s.cand, cand{f.metric.Distance64(q, f.Vector(int(id))), int(id)})
	}
	sortCands(s.cand)
	if len(s.cand) < s.k || !h.full() && len(h.id) < f.n {
		return f.exactScan(q, s.k, &s.exact) // some distances were not finite
	}
	if len(h.id) < f.n {
		kth := s.cand[s.k-1].d
		if f.metric == distance.Euclidean {
			kth *= kth
		}
		worst := float64(h.score[0])
		if !(kth < worst-f.offerErr(worst)) {
			return f.exactScan(q, s.k, &s.exact)
		}
	}
	return result(s.cand, s.k)
}
