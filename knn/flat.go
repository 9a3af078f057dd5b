package knn

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/latent-go/latent/distance"
	"github.com/latent-go/latent/internal/f32"
)

// Flat is exact nearest-neighbour search: the answer is always the one a
// comparison of the query with every base vector gives. It is the
// reference every approximate index is measured against, and for tens of
// thousands of vectors of a few dozen dimensions it answers tens of
// thousands of queries a second.
//
// # Method
//
// Queries are processed in blocks. For dot, and for cosine on CPUs
// without AVX-512 VNNI, the scores of a block of queries against a block
// of base vectors come from one matrix product (f32.Gemm): cos(q, x) =
// q·x / (‖q‖ ‖x‖) and −q·x, with the norms of the base vectors computed
// once by NewFlat. Manhattan has no such expansion and is computed pair by
// pair. Each query keeps its best k+8 candidates by these float32 scores.
//
// Euclidean and squared Euclidean search need not look at every vector:
// no vector is nearer to a query than its distance along any one axis.
// The index sorts the base vectors along their principal axis, and a block
// of queries (sorted the same way) only visits the vectors whose
// projection lies within its current k-th distance (window.go). Inside
// that window, on CPUs with AVX-512 VNNI, 8-bit codes of the vectors give
// lower bounds on the distances at a quarter of the cost of float32, and
// only the vectors that pass get a float32 distance (codes.go); elsewhere
// the window's scores come from the matrix product, ‖q − x‖² = ‖q‖² −
// 2q·x + ‖x‖². With VNNI, cosine search is the same search among the
// vectors scaled to unit length, where the cosine distance is half the
// squared Euclidean distance. The window is built once the index has
// answered 64 queries: a single search costs what brute force costs, not
// the sorting and coding of every vector.
//
// Float32 scores carry rounding error, so the final candidates are
// re-ranked with [distance.Metric.Distance64], the float64 reference, and
// ties are broken by the smaller ID. A bound on the float32 error then
// certifies the answer: when the k-th exact distance is nearer than any
// vector left out could be, the result is exactly the float64 brute-force
// answer. When the bound cannot certify it — nearly all vectors at the
// same distance, or data far from the origin compared with its spread —
// that query is recomputed with Distance64 against every base vector.
// Either way the result is exact, deterministic, and independent of the
// block sizes, the order of the queries and the number of workers.
//
// Flat keeps a reference to the vectors it was built from (they must not
// change afterwards) and adds one float32 per vector for the norms; with a
// window, 12 bytes per vector for the sorted order, and ⌈dim/4⌉·4 + 12
// bytes for the 8-bit codes where they are used. It is safe for
// concurrent use.
//
// # Speed
//
// On 60,000 Fashion-MNIST PCA-32 codes, one thread answers about 80,000
// Euclidean queries a second with the 8-bit codes (some 12× scikit-learn's
// brute force; see bench/README.md), about 35,000 with the float32 window,
// and about 55,000 cosine queries with the codes (15,000 without). The
// window helps most when the data spread far along one direction, as
// principal components do; on data spread evenly in all directions, such
// as word vectors, it holds most vectors and the codes do the work.
// Manhattan, without a product, is some thirty times slower.
type Flat struct {
	x      []float32
	n, dim int
	metric distance.Metric
	// norm holds ‖x‖² per row for Euclidean and SqEuclidean, 1/‖x‖ for
	// Cosine (0 for a zero row), and is nil otherwise.
	norm    []float32
	maxNorm float64 // the largest ‖x‖, for the error bound
	minNorm float64 // the smallest ‖x‖ > 0 (+Inf if none), for cosine's
	// The window of Euclidean and cosine search (window.go), built once
	// the index has answered prepareAfter queries: windowed says whether
	// to build one, withCodes whether with 8-bit codes (codes.go).
	windowed, withCodes bool
	served              atomic.Int64
	winOnce             sync.Once
	win                 atomic.Pointer[window]
}

// Block sizes: a block of queries against a block of base vectors is one
// matrix product whose result (qBlock × xBlock float32, 512 KiB) stays in
// a 1 MiB L2 cache. Tall query blocks amortise the packing of each base
// block, which Gemm redoes for every query block.
const (
	qBlock = 256
	xBlock = 512
	// extra is how many candidates beyond k each query keeps for the exact
	// re-ranking.
	extra = 8
)

// NewFlat returns an exact index over the n = len(vectors)/dim row-major
// vectors, which it keeps (not a copy). It panics if dim < 1, len(vectors)
// is not a multiple of dim, there are 2³¹ or more vectors, or m is not a
// valid metric. An index with no vectors is valid and finds nothing.
func NewFlat(vectors []float32, dim int, m distance.Metric) *Flat {
	if dim < 1 || len(vectors)%dim != 0 {
		panic(fmt.Sprintf("knn: NewFlat: %d values do not make rows of dimension %d", len(vectors), dim))
	}
	if !m.Valid() {
		panic(fmt.Sprintf("knn: NewFlat: invalid metric %v", m))
	}
	n := len(vectors) / dim
	if n > math.MaxInt32 {
		panic(fmt.Sprintf("knn: NewFlat: %d vectors, at most %d", n, math.MaxInt32))
	}
	f := &Flat{x: vectors, n: n, dim: dim, metric: m}
	if m == distance.Manhattan {
		return f
	}
	f.norm = make([]float32, n)
	f.minNorm = math.Inf(1)
	for i := range n {
		var s float64
		for _, v := range vectors[i*dim : (i+1)*dim] {
			s += float64(v) * float64(v)
		}
		f.maxNorm = max(f.maxNorm, math.Sqrt(s))
		if s > 0 {
			f.minNorm = min(f.minNorm, math.Sqrt(s))
		}
		switch m {
		case distance.Euclidean, distance.SqEuclidean:
			f.norm[i] = float32(s)
		case distance.Cosine:
			if s > 0 {
				f.norm[i] = float32(1 / math.Sqrt(s))
			}
		}
	}
	switch m {
	case distance.Dot:
		f.norm = nil
	case distance.Euclidean, distance.SqEuclidean:
		// Squared norms near float32's range: every query is scanned
		// exactly, and a window would not help.
		f.windowed, f.withCodes = f.inRange(0), useCodes
	case distance.Cosine:
		// Cosine search is Euclidean search among unit vectors, with
		// codes only: the float32 window knows Euclidean scores alone.
		f.windowed, f.withCodes = useCodes, useCodes
	}
	return f
}

// Len returns the number of base vectors.
func (f *Flat) Len() int { return f.n }

// Dim returns the dimension of the vectors.
func (f *Flat) Dim() int { return f.dim }

// Metric returns the metric the index ranks by.
func (f *Flat) Metric() distance.Metric { return f.metric }

// Vector returns base vector i (not a copy). It panics if i is out of range.
func (f *Flat) Vector(i int) []float32 {
	if i < 0 || i >= f.n {
		panic(fmt.Sprintf("knn: Vector(%d) out of range [0, %d)", i, f.n))
	}
	return f.x[i*f.dim : (i+1)*f.dim : (i+1)*f.dim]
}

// Search returns the k nearest base vectors to q, exactly; see the type
// documentation. It panics if len(q) != Dim().
func (f *Flat) Search(q []float32, k int) []Neighbor {
	checkQuery("Search", q, f.dim)
	return f.SearchBatch(q, k, 1)[0]
}

// SearchBatch searches for every row of the row-major query matrix
// (len(queries)/Dim() queries) and returns one result list per query, as
// Search would. workers goroutines (all of GOMAXPROCS when workers ≤ 0)
// share the queries in blocks; the results do not depend on workers. It
// panics if len(queries) is not a multiple of Dim().
func (f *Flat) SearchBatch(queries []float32, k int, workers int) [][]Neighbor {
	if len(queries)%f.dim != 0 {
		panic(fmt.Sprintf("knn: SearchBatch: %d query values do not make rows of dimension %d", len(queries), f.dim))
	}
	nq := len(queries) / f.dim
	out := make([][]Neighbor, nq)
	k = min(k, f.n)
	if k <= 0 || nq == 0 {
		for i := range out {
			out[i] = []Neighbor{}
		}
		return out
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// With a window, queries are answered in the order of their
	// projections, so that a block's queries need about the same vectors.
	var idx []int32
	var pq []float64
	w := f.windowFor(nq)
	if w != nil {
		idx, pq = f.sortByProjection(w, queries, nq)
	}
	blocks := (nq + qBlock - 1) / qBlock
	workers = min(workers, blocks)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := f.newSearcher(k, min(nq, qBlock), w)
			for {
				b := int(next.Add(1) - 1)
				if b >= blocks {
					return
				}
				lo, hi := b*qBlock, min((b+1)*qBlock, nq)
				if idx == nil {
					s.block(queries[lo*f.dim:hi*f.dim], nil, out[lo:hi])
					continue
				}
				d := f.dim
				res := s.res[:hi-lo]
				for i, j := range idx[lo:hi] {
					copy(s.qbuf[i*d:(i+1)*d], queries[int(j)*d:(int(j)+1)*d])
				}
				s.block(s.qbuf[:(hi-lo)*d], pq[lo:hi], res)
				for i, j := range idx[lo:hi] {
					out[j] = res[i]
				}
			}
		}()
	}
	wg.Wait()
	return out
}

// searcher is one worker's scratch space.
type searcher struct {
	f     *Flat
	w     *window // nil without a window
	k     int
	heaps []candHeap
	prod  []float32 // qBlock × xBlock products
	cand  []cand
	exact exactHeap
	sel   []int32 // xBlock positions of a row that pass the cut-off
	// With a window: the block's queries, their results and ‖q‖², in
	// the order of their projections, and a block of base vectors and
	// their norms copied from the sorted order.
	qbuf []float32
	res  [][]Neighbor
	qq   []float64
	xbuf []float32
	nbuf []float32
	tile tile
}

func (f *Flat) newSearcher(k, nq int, w *window) *searcher {
	if w != nil && w.codes != nil {
		nq = max(nq, 8) // a tile's heaps
	}
	s := &searcher{f: f, w: w, k: k, heaps: make([]candHeap, nq)}
	if f.metric != distance.Manhattan {
		s.prod = make([]float32, nq*min(f.n, xBlock))
		s.sel = make([]int32, min(f.n, xBlock))
	}
	if w != nil {
		s.qbuf = make([]float32, nq*f.dim)
		s.res = make([][]Neighbor, nq)
		s.qq = make([]float64, nq)
		s.xbuf = make([]float32, min(f.n, xBlock)*f.dim)
		s.nbuf = make([]float32, min(f.n, xBlock))
	}
	return s
}

// block answers the queries q (rows of dim values) into out. pq holds the
// queries' projections, in increasing order, when the index has a window,
// and is nil otherwise.
func (s *searcher) block(q []float32, pq []float64, out [][]Neighbor) {
	f := s.f
	nq := len(out)
	kk := min(s.k+extra, f.n)
	for i := range nq {
		s.heaps[i].reset(kk)
	}
	if s.w != nil && s.w.codes != nil {
		for i := 0; i < nq; i += 8 {
			j := min(i+8, nq)
			s.searchCodes(q[i*f.dim:j*f.dim], pq[i:j], out[i:j])
		}
		return
	}
	if pq != nil {
		for i := range nq {
			s.qq[i] = sumSq(q[i*f.dim : (i+1)*f.dim])
		}
		s.window(q, pq, nq)
	} else {
		d := f.dim
		for x0 := 0; x0 < f.n; x0 += xBlock {
			x1 := min(x0+xBlock, f.n)
			var norms []float32
			if f.norm != nil {
				norms = f.norm[x0:x1]
			}
			s.scan(q, nq, f.x[x0*d:x1*d], norms, x0, nil)
		}
	}
	for i := range nq {
		out[i] = s.finish(q[i*f.dim:(i+1)*f.dim], &s.heaps[i])
	}
}

// scan offers the base vectors xs (rows of dim values), with their
// entries of f.norm in norms, to the candidate heaps of the nq queries q.
// Row j has ID ids[j], or x0+j when ids is nil.
func (s *searcher) scan(q []float32, nq int, xs, norms []float32, x0 int, ids []int32) {
	f := s.f
	d := f.dim
	nb := len(xs) / d
	id := func(j int32) int32 {
		if ids != nil {
			return ids[j]
		}
		return int32(x0) + j
	}
	if f.metric == distance.Manhattan {
		for i := range nq {
			qi := q[i*d : (i+1)*d]
			h := &s.heaps[i]
			thr := h.worst()
			for j := range int32(nb) {
				if v := manhattan(qi, xs[int(j)*d:int(j+1)*d]); v < thr {
					h.push(v, id(j))
					thr = h.worst()
				}
			}
		}
		return
	}
	euclid := f.metric == distance.Euclidean || f.metric == distance.SqEuclidean
	if euclid {
		// score = ‖x‖² − 2q·x, which is ‖q − x‖² − ‖q‖²: start from the
		// norms and let the product subtract 2q·x.
		for i := range nq {
			copy(s.prod[i*nb:(i+1)*nb], norms)
		}
		f32.Gemm(false, true, nq, nb, d, -2, q, d, xs, d, 1, s.prod, nb)
	} else {
		f32.Gemm(false, true, nq, nb, d, 1, q, d, xs, d, 0, s.prod, nb)
	}
	for i := range nq {
		row := s.prod[i*nb : (i+1)*nb]
		h := &s.heaps[i]
		thr := h.worst()
		switch f.metric {
		case distance.Euclidean, distance.SqEuclidean:
			// The SIMD filter keeps the scores below the cut-off at the
			// start of the row; re-testing them in order against the
			// cut-off as it tightens pushes exactly what the loop
			//	for j, v := range row { if v < thr { push; thr = worst } }
			// would, since the cut-off only decreases.
			m := f32.SelectBelow(s.sel, row, 0, thr)
			for _, j := range s.sel[:m] {
				if v := row[j]; v < thr {
					h.push(v, id(j))
					thr = h.worst()
				}
			}
		case distance.Cosine:
			// score = −q·x/‖x‖, which is (cos distance − 1)·‖q‖.
			for j, p := range row {
				if v := -p * norms[j]; v < thr {
					h.push(v, id(int32(j)))
					thr = h.worst()
				}
			}
		case distance.Dot:
			for j, p := range row {
				if v := -p; v < thr {
					h.push(v, id(int32(j)))
					thr = h.worst()
				}
			}
		}
	}
}

// unit is the unit roundoff of float32.
const unit = 0x1p-24

// euclidErr bounds the error of a float32 Euclidean score ‖x‖² − 2q·x
// for a query of norm qn: Higham's bound γₙ for a sum of n products,
// doubled for safety, plus underflow.
func (f *Flat) euclidErr(qn float64) float64 {
	r := qn + f.maxNorm
	return 2*float64(f.dim+4)*unit*r*r + f.tinyErr()
}

// tinyErr bounds what a float32 sum of squares or products of dim terms
// can lose to underflow, where the relative bounds no longer hold.
func (f *Flat) tinyErr() float64 { return 8 * float64(f.dim+4) * 0x1p-149 }

// inRange reports whether float32 scores for a query with ‖q‖² = qq stay
// far from overflow: (‖q‖ + max ‖x‖)² well below the largest float32; and,
// for cosine, from underflow: ‖q‖ · min ‖x‖ ≥ 2⁻⁶⁰, so that what the
// products of a dot product lose to underflow stays far below its
// relative error even after the division by both norms (and the inverse
// norms are finite). The error bounds assume it; queries out of range are
// scanned exactly.
func (f *Flat) inRange(qq float64) bool {
	r := math.Sqrt(qq) + f.maxNorm
	if f.metric == distance.Cosine && math.Sqrt(qq)*f.minNorm < 0x1p-60 {
		return false
	}
	return r*r < math.MaxFloat32/64
}

// cand is a candidate with its float64 reference distance.
type cand struct {
	d  float64
	id int
}

func compareCand(a, b cand) int {
	if c := cmp.Compare(a.d, b.d); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

// result converts the first k sorted candidates.
func result(c []cand, k int) []Neighbor {
	res := make([]Neighbor, min(k, len(c)))
	for i := range res {
		res[i] = Neighbor{ID: c[i].id, Dist: float32(c[i].d)}
	}
	return res
}

// finish re-ranks a query's candidates with the float64 reference distance
// and returns the best k, falling back to an exact scan when the float32
// error bound cannot certify them.
func (s *searcher) finish(q []float32, h *candHeap) []Neighbor {
	f := s.f
	s.cand = s.cand[:0]
	for _, id := range h.id {
		s.cand = append(s.cand, cand{f.metric.Distance64(q, f.Vector(int(id))), int(id)})
	}
	sortCands(s.cand)
	if len(s.cand) < s.k || !f.certified(q, s.cand[s.k-1].d, h) {
		return f.exactScan(q, s.k, &s.exact)
	}
	return result(s.cand, s.k)
}

// certified reports whether every base vector that is not a candidate in h
// is certainly farther than kth, the k-th exact distance: its float32
// score was no better than the worst candidate's, and the score's rounding
// error is bounded (Higham's bound γₙ for a sum of n products, doubled for
// safety).
func (f *Flat) certified(q []float32, kth float64, h *candHeap) bool {
	if len(h.id) == f.n {
		return true // every vector is a candidate
	}
	if !h.full() {
		return false // some scores were not finite
	}
	worst := float64(h.score[0])
	d := float64(f.dim)
	if f.metric != distance.Manhattan && !f.inRange(sumSq(q)) {
		return false
	}
	switch f.metric {
	case distance.Euclidean, distance.SqEuclidean:
		qq := sumSq(q)
		e := f.euclidErr(math.Sqrt(qq))
		sq := kth
		if f.metric == distance.Euclidean {
			sq = kth * kth
		}
		return sq < worst+qq-e
	case distance.Cosine:
		qn := math.Sqrt(sumSq(q))
		if qn == 0 {
			return false
		}
		e := 2*(d+4)*unit*qn + f.tinyErr()
		return kth < 1+(worst-e)/qn
	case distance.Dot:
		e := 2*(d+4)*unit*math.Sqrt(sumSq(q))*f.maxNorm + f.tinyErr()
		return kth < worst-e
	case distance.Manhattan:
		return kth < worst*(1-2*(d+4)*unit)
	}
	return false
}

// exactScan is the brute-force answer with the float64 reference distance.
func (f *Flat) exactScan(q []float32, k int, h *exactHeap) []Neighbor {
	h.c, h.cap = h.c[:0], k
	if f.metric == distance.Cosine && sumSq(q) == 0 {
		// A zero query is at distance 1 from everything.
		for i := range k {
			h.offer(cand{1, i})
		}
	} else {
		for i := range f.n {
			h.offer(cand{f.metric.Distance64(q, f.Vector(i)), i})
		}
	}
	slices.SortFunc(h.c, compareCand)
	return result(h.c, k)
}

func sumSq(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return s
}

func sortCands(c []cand) { slices.SortFunc(c, compareCand) }

// manhattan is Σ |a[i] − b[i]| in float32 with four partial sums, the
// kernel of distance.Manhattan.Distance without its checks, for the scan.
func manhattan(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += abs32(a[i] - b[i])
		s1 += abs32(a[i+1] - b[i+1])
		s2 += abs32(a[i+2] - b[i+2])
		s3 += abs32(a[i+3] - b[i+3])
	}
	for ; i < len(a); i++ {
		s0 += abs32(a[i] - b[i])
	}
	return (s0 + s1) + (s2 + s3)
}

func abs32(x float32) float32 {
	return math.Float32frombits(math.Float32bits(x) &^ (1 << 31))
}
