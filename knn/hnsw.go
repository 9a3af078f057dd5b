package knn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/latent-go/latent/distance"
	"github.com/latent-go/latent/internal/f32"
)

// HNSWConfig sets the parameters of an HNSW graph. The zero value means
// the defaults, which are those of hnswlib and of most published results,
// so that recall figures can be compared directly.
type HNSWConfig struct {
	// M is the number of links a node keeps on each level above 0; level 0
	// keeps 2·M. More links cost memory and insertion time and buy recall.
	// 0 means 16; otherwise at least 2 (mL = 1/ln M needs M > 1).
	M int
	// EfConstruction is the size of the candidate list while inserting.
	// 0 means 200.
	EfConstruction int
	// EfSearch is the size of the candidate list Search uses (at least k).
	// 0 means 50.
	EfSearch int
	// Seed seeds the level generator: the same seed and the same insertions
	// give the same graph, and the same bytes from WriteTo.
	Seed uint64
}

func (c HNSWConfig) withDefaults() HNSWConfig {
	if c.M == 0 {
		c.M = 16
	}
	if c.EfConstruction == 0 {
		c.EfConstruction = 200
	}
	if c.EfSearch == 0 {
		c.EfSearch = 50
	}
	return c
}

// Limits on the configuration, checked by NewHNSW and ReadHNSW, so that a
// corrupt file cannot ask for absurd allocations.
const (
	hnswMaxM     = 1 << 12
	hnswMaxEf    = 1 << 20
	hnswMaxLevel = 64
	hnswMaxDim   = 1 << 20
)

// hnswBatch is the number of vectors AddBatch inserts per round. It is a
// constant, not a function of the worker count, so that the graph (and the
// file) is the same whatever the number of workers. 256 keeps the exact
// comparisons inside a round (at most 255 per vector) small next to the
// thousands of distances of one graph search at efConstruction 200, and
// gives each of 16 workers 16 vectors per round.
const hnswBatch = 256

// roundIDs is 0, 1, …, hnswBatch−1: the rows of a round's vectors.
var roundIDs = func() []int32 {
	ids := make([]int32, hnswBatch)
	for i := range ids {
		ids[i] = int32(i)
	}
	return ids
}()

func (c HNSWConfig) check() error {
	switch {
	case c.M < 2 || c.M > hnswMaxM:
		return fmt.Errorf("M %d out of range [2, %d]", c.M, hnswMaxM)
	case c.EfConstruction < 1 || c.EfConstruction > hnswMaxEf:
		return fmt.Errorf("EfConstruction %d out of range [1, %d]", c.EfConstruction, hnswMaxEf)
	case c.EfSearch < 1 || c.EfSearch > hnswMaxEf:
		return fmt.Errorf("EfSearch %d out of range [1, %d]", c.EfSearch, hnswMaxEf)
	}
	return nil
}

// HNSW is an approximate nearest-neighbour index: a Hierarchical Navigable
// Small World graph (Yu. A. Malkov and D. A. Yashunin, "Efficient and
// robust approximate nearest neighbor search using Hierarchical Navigable
// Small World graphs", arXiv:1603.09320, 2016; IEEE TPAMI 42(4), 2018).
//
// Each vector is a node on levels 0..l, with l drawn from a geometric
// distribution (⌊−ln U · mL⌋, mL = 1/ln M) from the seeded generator, so
// that each level holds about 1/M of the nodes of the one below. A search
// descends greedily from the top level's entry point and then runs a beam
// search of width ef on level 0. Links are chosen with the paper's
// "select neighbours heuristic" (Algorithm 4): a candidate is linked only
// if it is nearer to the new node than to every neighbour already chosen,
// which keeps links pointing in different directions and the graph
// connected across clusters; the places left free are then filled with the
// nearest pruned candidates (the paper's keepPrunedConnections), which
// keeps duplicated vectors reachable. hnswlib leaves those places empty;
// filling them costs more distances per step of a search but finds more
// per step: on Fashion-MNIST PCA-32 (bench/hnsw) recall@10 at ef 10 is
// 0.986 with them and 0.962 without (hnswlib: 0.962), and at equal recall
// the filled graph answered more queries per CPU-second in our runs.
//
// # Parallel, deterministic construction
//
// [HNSW.Add] inserts one vector as the paper does. [HNSW.AddBatch] inserts
// many on several goroutines in rounds of 256 vectors, and builds the same
// graph for every number of workers:
//
//  1. The levels of the round's vectors are drawn in input order from the
//     seeded generator, as Add would draw them.
//  2. In parallel, each vector of the round searches the graph as it was
//     before the round (nothing changes it meanwhile) for its
//     efConstruction candidates on each of its levels; the earlier vectors
//     of the same round, which that graph does not hold yet, are compared
//     with it exactly and join the candidates when they are near enough.
//     Each vector then chooses its own links with the heuristic. All of
//     this depends only on the old graph and the round's vectors.
//  3. The new nodes get their links, and the reverse links are added: each
//     node that gains reverse links takes them in input order, shrinking
//     its list with the heuristic when it overflows. A node's list depends
//     only on its own links and the vectors, so the nodes are shared out
//     between the workers without changing any result.
//
// What a vector loses against one-at-a-time insertion is the chance to
// reach, through the graph, the nodes of its own round: it finds them by
// exact comparison instead, which is at least as good; and the reverse
// links of a round are pruned after, not between, the round's insertions.
// On Fashion-MNIST PCA-32 (bench/hnsw) the two graphs have the same
// recall@10 to four digits at ef 10, 20, 40, 80 and 160 (0.9860, 0.9970,
// 0.9995, 0.9999, 1.0000), and AddBatch on one worker costs about the CPU
// time of repeated Adds. The graph differs from the one repeated Adds would
// build, so an index built with AddBatch and one built with Add are each
// reproducible, but not the same bytes.
//
// Cosine: the index stores unit-length copies of the vectors and searches
// with the unit-length query, so that the graph works with 1 − u·v, the
// cosine distance itself. It never substitutes Dot for Cosine or the other
// way round: a Dot index keeps the vectors as they are and ranks by −a·b.
// A zero vector stays zero and is at cosine distance exactly 1 from
// everything, as package distance defines.
//
// The distances reported are Distance64 of the query and the stored vector
// (for cosine, the unit copy, which has the same cosine distance), and the
// results are sorted by them with ties broken by the smaller ID, as the
// Index contract asks.
//
// Deleted vectors keep their IDs and their place in the graph, where they
// still guide searches, but are never returned. Len counts them.
//
// Layout: the level-0 links of all nodes lie in one []int32, a fixed block
// of 1 + 2·M per node (the count, then the IDs), and the vectors in one
// []float32, so that a search touches two arrays and no pointers; the few
// nodes on higher levels (one in M) keep a block of 1 + M per level.
// Searches take a pooled searcher with its own generation-stamped visited
// marks and heaps, so that a search allocates only its result.
//
// Concurrency: Search, SearchEf, Len and WriteTo may run concurrently with
// each other and with Add, AddBatch and Delete. Writers are serialised by
// one mutex; while a writer searches the graph for the new vectors'
// candidates, which only reads it, searches go on; only the linking step
// excludes them.
type HNSW struct {
	wmu    sync.Mutex   // serialises Add, AddBatch and Delete
	mu     sync.RWMutex // searches (read) against linking (write)
	dim    int
	metric distance.Metric
	cfg    HNSWConfig
	ml     float64
	pcg    *rand.PCG
	rng    *rand.Rand
	s0, s1 int // block sizes: 1+2M on level 0, 1+M above

	vecs    []float32 // n × dim, unit-length for Cosine
	l0      []int32   // n × s0: count, then the level-0 links
	up      [][]int32 // up[id]: level(id) × s1 blocks for levels 1..; nil on level 0
	level   []uint8
	deleted []bool
	nDel    int
	entry   int32 // -1 when empty
	top     int   // level of entry

	searchers sync.Pool // *hsearcher
}

// NewHNSW returns an empty index for vectors of dimension dim under metric
// m. It panics if dim < 1, m is not valid or cfg (after defaults) is out of
// range.
func NewHNSW(dim int, m distance.Metric, cfg HNSWConfig) *HNSW {
	if dim < 1 || dim > hnswMaxDim {
		panic(fmt.Sprintf("knn: NewHNSW: dimension %d out of range [1, %d]", dim, hnswMaxDim))
	}
	if !m.Valid() {
		panic(fmt.Sprintf("knn: NewHNSW: invalid metric %v", m))
	}
	cfg = cfg.withDefaults()
	if err := cfg.check(); err != nil {
		panic("knn: NewHNSW: " + err.Error())
	}
	h := &HNSW{dim: dim, metric: m, cfg: cfg, entry: -1}
	h.pcg = rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15)
	h.init()
	return h
}

func (h *HNSW) init() {
	h.ml = 1 / math.Log(float64(h.cfg.M))
	h.rng = rand.New(h.pcg)
	h.s0, h.s1 = 1+2*h.cfg.M, 1+h.cfg.M
}

// Len returns the number of vectors added, deleted ones included: IDs are
// in [0, Len()).
func (h *HNSW) Len() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.level)
}

// Live returns the number of vectors not deleted.
func (h *HNSW) Live() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.level) - h.nDel
}

// Dim returns the dimension of the vectors.
func (h *HNSW) Dim() int { return h.dim }

// Metric returns the metric the index ranks by.
func (h *HNSW) Metric() distance.Metric { return h.metric }

// Config returns the configuration, defaults filled in.
func (h *HNSW) Config() HNSWConfig { return h.cfg }

// Deleted reports whether id has been deleted. It panics if id is out of
// range.
func (h *HNSW) Deleted(id int) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	h.checkID("Deleted", id)
	return h.deleted[id]
}

func (h *HNSW) checkID(op string, id int) {
	if id < 0 || id >= len(h.level) {
		panic(fmt.Sprintf("knn: HNSW.%s(%d) out of range [0, %d)", op, id, len(h.level)))
	}
}

// Delete marks id deleted: it is no longer returned, but stays in the graph
// so that the paths through it still lead somewhere. Deleting twice does
// nothing. It panics if id is out of range.
func (h *HNSW) Delete(id int) {
	h.wmu.Lock()
	defer h.wmu.Unlock()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.checkID("Delete", id)
	if !h.deleted[id] {
		h.deleted[id] = true
		h.nDel++
	}
}

func (h *HNSW) vec(id int32) []float32 {
	i := int(id) * h.dim
	return h.vecs[i : i+h.dim : i+h.dim]
}

// links returns the links of id on level l (a view into the block).
func (h *HNSW) links(id int32, l int) []int32 {
	if l == 0 {
		b := h.l0[int(id)*h.s0 : int(id+1)*h.s0]
		return b[1 : 1+b[0]]
	}
	b := h.up[id][(l-1)*h.s1 : l*h.s1]
	return b[1 : 1+b[0]]
}

// setLinks replaces the links of id on level l.
func (h *HNSW) setLinks(id int32, l int, ids []int32) {
	var b []int32
	if l == 0 {
		b = h.l0[int(id)*h.s0 : int(id+1)*h.s0]
	} else {
		b = h.up[id][(l-1)*h.s1 : l*h.s1]
	}
	b[0] = int32(copy(b[1:], ids))
}

// prepare returns the vector as the graph stores it: a unit-length copy for
// cosine, v itself otherwise (into buf when a copy is made).
func (h *HNSW) prepare(v, buf []float32) []float32 {
	if h.metric != distance.Cosine {
		return v
	}
	buf = append(buf[:0], v...)
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s > 0 {
		inv := 1 / math.Sqrt(s)
		for i := range buf {
			buf[i] = float32(float64(buf[i]) * inv)
		}
	}
	return buf
}

// dist is the distance the graph is built and searched with: the metric or
// a monotone function of it in float32 (squared for Euclidean, 1 − u·v on
// unit vectors for Cosine, which is 1 for a zero vector). The sums are
// internal/f32's 16-lane kernels, which give the same bits with or without
// SIMD, so that the graph (and the file) is the same on every machine.
func (h *HNSW) dist(a, b []float32) float32 {
	switch h.metric {
	case distance.Euclidean, distance.SqEuclidean:
		return f32.SqDist(a, b)
	case distance.Cosine:
		return min(max(1-f32.Dot16(a, b), 0), 2)
	case distance.Dot:
		return -f32.Dot16(a, b)
	default: // Manhattan
		return manhattan(a, b)
	}
}

// dists sets out[i] to the distance from q to node ids[i]. Taking the
// neighbours of a node together lets the loads of their vectors overlap and
// costs one call and one dispatch on the metric per node expanded, not per
// distance.
func (h *HNSW) dists(q []float32, ids []int32, out []float32) {
	h.distsIn(q, h.vecs, ids, out)
}

// distsIn is dists for the rows ids of the n × dim matrix x.
func (h *HNSW) distsIn(q, x []float32, ids []int32, out []float32) {
	out = out[:len(ids)]
	switch h.metric {
	case distance.Euclidean, distance.SqEuclidean:
		f32.SqDistRows(out, q, x, ids)
	case distance.Cosine:
		f32.DotRows(out, q, x, ids)
		for i, d := range out {
			out[i] = min(max(1-d, 0), 2)
		}
	case distance.Dot:
		f32.DotRows(out, q, x, ids)
		for i, d := range out {
			out[i] = -d
		}
	default:
		d := h.dim
		for i, id := range ids {
			o := int(id) * d
			out[i] = manhattan(q, x[o:o+d:o+d])
		}
	}
}

// maxLinks is the most links a node keeps on level l: 2·M on level 0, M
// above, as the paper recommends (Mmax0 = 2·M).
func (h *HNSW) maxLinks(l int) int {
	if l == 0 {
		return 2 * h.cfg.M
	}
	return h.cfg.M
}

func checkFinite(op string, vec []float32, row int) {
	for i, v := range vec {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			if row >= 0 {
				panic(fmt.Sprintf("knn: HNSW.%s: vector %d value %d is %v", op, row, i, v))
			}
			panic(fmt.Sprintf("knn: HNSW.%s: value %d is %v", op, i, v))
		}
	}
}

// Add inserts vec (copied) and returns its ID, the number of vectors added
// before it. It panics if len(vec) != Dim() or vec holds NaN or ±Inf, which
// would make the graph's distances meaningless.
func (h *HNSW) Add(vec []float32) int {
	checkQuery("Add", vec, h.dim)
	checkFinite("Add", vec, -1)
	h.wmu.Lock()
	defer h.wmu.Unlock()
	return h.insert(vec, 1)
}

// AddBatch inserts the len(vectors)/Dim() row-major vectors (copied) in
// order, using up to workers goroutines (0 or less: GOMAXPROCS), and returns
// the ID of the first; the others follow. The graph is the same for any
// number of workers (see the type's documentation for how), so the same
// seed and the same calls give the same bytes from WriteTo. It panics if
// len(vectors) is not a multiple of Dim() or a value is NaN or ±Inf.
func (h *HNSW) AddBatch(vectors []float32, workers int) int {
	if len(vectors)%h.dim != 0 {
		panic(fmt.Sprintf("knn: HNSW.AddBatch: %d values is not a whole number of vectors of dimension %d", len(vectors), h.dim))
	}
	for i := 0; i < len(vectors); i += h.dim {
		checkFinite("AddBatch", vectors[i:i+h.dim], i/h.dim)
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	h.wmu.Lock()
	defer h.wmu.Unlock()
	first := len(h.level)
	for i := 0; i < len(vectors); i += hnswBatch * h.dim {
		h.insert(vectors[i:min(i+hnswBatch*h.dim, len(vectors))], workers)
	}
	return first
}

// plan is what the parallel step works out for one new node: its level,
// its prepared vector and, per level, its chosen links with their
// distances.
type plan struct {
	level int
	sel   [][]item
}

// insert adds one round of vectors (at most hnswBatch) as the type's
// documentation describes; Add is the round of one. The caller holds wmu.
func (h *HNSW) insert(vectors []float32, workers int) int {
	n := len(vectors) / h.dim
	n0 := len(h.level)
	if n0+n > math.MaxInt32 {
		panic("knn: HNSW: the index is full")
	}
	// The round's vectors, prepared, beside the graph until it is linked.
	bv := make([]float32, 0, len(vectors))
	var tmp []float32
	for i := range n {
		v := vectors[i*h.dim : (i+1)*h.dim]
		if h.metric == distance.Cosine {
			tmp = h.prepare(v, tmp)
			v = tmp
		}
		bv = append(bv, v...)
	}
	plans := make([]plan, n)
	for i := range plans {
		plans[i].level = min(int(-math.Log(1-h.rng.Float64())*h.ml), hnswMaxLevel)
	}
	work := func(s *hsearcher, i int) { h.planNode(s, plans, i, int32(n0), bv) }
	workers = min(workers, n)
	if workers <= 1 {
		s := h.getSearcher(n0)
		for i := range n {
			work(s, i)
		}
		h.searchers.Put(s)
	} else {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := h.getSearcher(n0)
				defer h.searchers.Put(s)
				for {
					i := int(next.Add(1) - 1)
					if i >= n {
						return
					}
					work(s, i)
				}
			}()
		}
		wg.Wait()
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	h.vecs = append(h.vecs, bv...)
	h.l0 = slices.Grow(h.l0, n*h.s0)[:len(h.l0)+n*h.s0]
	clear(h.l0[n0*h.s0:])
	for i, p := range plans {
		id := int32(n0 + i)
		h.level = append(h.level, uint8(p.level))
		h.deleted = append(h.deleted, false)
		var up []int32
		if p.level > 0 {
			up = make([]int32, p.level*h.s1)
		}
		h.up = append(h.up, up)
		for l, sel := range p.sel {
			h.setLinkItems(id, l, sel)
		}
	}
	// Reverse links, node by node in input order; nodes are independent,
	// so workers take the targets with target % workers == w.
	type edge struct {
		e, n int32
		l    int32
		d    float32
	}
	var edges []edge
	for i, p := range plans {
		for l, sel := range p.sel {
			for _, e := range sel {
				edges = append(edges, edge{e.id(), int32(n0 + i), int32(l), e.dist()})
			}
		}
	}
	connectPart := func(w, nw int, s *hsearcher) {
		for _, x := range edges {
			if int(x.e)%nw == w {
				h.connect(s, x.e, x.n, x.d, int(x.l))
			}
		}
	}
	if workers <= 1 || len(edges) < 64 {
		s := h.getSearcher(0)
		connectPart(0, 1, s)
		h.searchers.Put(s)
	} else {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := h.getSearcher(0)
				defer h.searchers.Put(s)
				connectPart(w, workers, s)
			}()
		}
		wg.Wait()
	}
	for i, p := range plans {
		if h.entry < 0 || p.level > h.top {
			h.entry, h.top = int32(n0+i), p.level
		}
	}
	return n0
}

// setLinkItems sets the links of id on level l to the nodes of sel.
func (h *HNSW) setLinkItems(id int32, l int, sel []item) {
	var b []int32
	if l == 0 {
		b = h.l0[int(id)*h.s0 : int(id+1)*h.s0]
	} else {
		b = h.up[id][(l-1)*h.s1 : l*h.s1]
	}
	b = b[:1+len(sel)]
	b[0] = int32(len(sel))
	for i, x := range sel {
		b[1+i] = x.id()
	}
}

// planNode works out the links of new node i of a round: a search of the
// graph (nodes < n0) on each of its levels, the earlier nodes of the round
// (their prepared vectors in bv) compared exactly, and the heuristic.
func (h *HNSW) planNode(s *hsearcher, plans []plan, i int, n0 int32, bv []float32) {
	p := &plans[i]
	q := bv[i*h.dim : (i+1)*h.dim]
	efc := h.cfg.EfConstruction
	p.sel = make([][]item, p.level+1)
	// Distances to the earlier nodes of the round.
	early := s.early[:0]
	if i > 0 {
		s.dists = slices.Grow(s.dists[:0], i)[:i]
		h.distsIn(q, bv, roundIDs[:i], s.dists)
		for j, d := range s.dists {
			early = append(early, mkItem(d, n0+int32(j)))
		}
	}
	s.early = early
	var ep []item
	if n0 > 0 {
		ep = append(s.ep[:0], mkItem(h.dist(q, h.vec(h.entry)), h.entry))
		for l := h.top; l > p.level; l-- {
			ep[0] = h.greedy(q, ep[0], l)
		}
	}
	for l := p.level; l >= 0; l-- {
		cand := s.merge[:0]
		if n0 > 0 && l <= h.top {
			w := h.searchLayer(s, q, ep, efc, l, false)
			ep = append(s.ep[:0], w...)
			cand = append(cand, w...)
		}
		// Earlier nodes of the round present on level l, when they would
		// make the efConstruction nearest.
		cut := item(math.MaxUint64)
		if len(cand) >= efc {
			cut = cand[efc-1]
		}
		k := len(cand)
		for j, e := range early {
			if plans[j].level >= l && e < cut {
				cand = append(cand, e)
			}
		}
		if len(cand) > k {
			slices.Sort(cand)
			cand = cand[:min(len(cand), efc)]
		}
		s.merge = cand
		p.sel[l] = slices.Clone(h.selectNeighbors(s, cand, h.cfg.M, n0, bv))
	}
}

// greedy walks level l from cur to a local minimum of the distance to q,
// as the descent through the upper levels does (ef = 1).
func (h *HNSW) greedy(q []float32, cur item, l int) item {
	for changed := true; changed; {
		changed = false
		for _, n := range h.links(cur.id(), l) {
			x := mkItem(h.dist(q, h.vec(n)), n)
			if x < cur {
				cur, changed = x, true
			}
		}
	}
	return cur
}

// vecIn returns the vector of id: from the graph below n0, else from the
// round's vectors bv.
func (h *HNSW) vecIn(id, n0 int32, bv []float32) []float32 {
	if id < n0 {
		return h.vec(id)
	}
	i := int(id-n0) * h.dim
	return bv[i : i+h.dim : i+h.dim]
}

// connect adds the link from e to n on level l (d = their distance),
// shrinking e's links with the heuristic when they exceed the maximum.
func (h *HNSW) connect(s *hsearcher, e, n int32, d float32, l int) {
	ls := h.links(e, l)
	if len(ls) < h.maxLinks(l) {
		ids := append(s.ids[:0], ls...)
		s.ids = append(ids, n)
		h.setLinks(e, l, s.ids)
		return
	}
	ev := h.vec(e)
	cand := s.cand[:0]
	s.dists = slices.Grow(s.dists[:0], len(ls))[:len(ls)]
	h.dists(ev, ls, s.dists)
	for i, o := range ls {
		cand = append(cand, mkItem(s.dists[i], o))
	}
	cand = append(cand, mkItem(d, n))
	slices.Sort(cand)
	s.cand = cand
	sel := h.selectNeighbors(s, cand, h.maxLinks(l), math.MaxInt32, nil)
	ids := s.ids[:0]
	for _, x := range sel {
		ids = append(ids, x.id())
	}
	s.ids = ids
	h.setLinks(e, l, ids)
}

// selectNeighbors is the paper's Algorithm 4 with keepPrunedConnections:
// from candidates sorted nearest first (distances to the base node), take
// each one that is nearer to the base than to every one already taken, up
// to m; then fill up to m with the nearest of those pruned. The result is
// in s.sel, sorted, valid until the next call with s.
func (h *HNSW) selectNeighbors(s *hsearcher, cand []item, m int, n0 int32, bv []float32) []item {
	if len(cand) <= m {
		return append(s.sel[:0], cand...)
	}
	out := s.sel[:0]
	pruned := s.pruned[:0]
	// The IDs taken so far, apart by where their vectors are: in the graph
	// (gIDs) or among the round's (bIDs, counted from n0), so that the
	// distances from a candidate to all of them are one call each.
	gIDs, bIDs := s.gids[:0], s.bids[:0]
	for _, c := range cand {
		if len(out) == m {
			break
		}
		cv := h.vecIn(c.id(), n0, bv)
		if h.anyNearer(s, cv, c.dist(), h.vecs, gIDs) || h.anyNearer(s, cv, c.dist(), bv, bIDs) {
			pruned = append(pruned, c)
			continue
		}
		out = append(out, c)
		if c.id() < n0 {
			gIDs = append(gIDs, c.id())
		} else {
			bIDs = append(bIDs, c.id()-n0)
		}
	}
	for _, p := range pruned {
		if len(out) == m {
			break
		}
		out = append(out, p)
	}
	slices.Sort(out)
	s.sel, s.pruned, s.gids, s.bids = out, pruned, gIDs, bIDs
	return out
}

// anyNearer reports whether one of the rows ids of x is nearer to v than d.
// The first row, the nearest taken so far and so the likeliest to prune,
// is measured alone; the rest in one call.
func (h *HNSW) anyNearer(s *hsearcher, v []float32, d float32, x []float32, ids []int32) bool {
	if len(ids) == 0 {
		return false
	}
	o := int(ids[0]) * h.dim
	if h.dist(v, x[o:o+h.dim:o+h.dim]) < d {
		return true
	}
	ids = ids[1:]
	if len(ids) == 0 {
		return false
	}
	if cap(s.dists) < len(ids) {
		s.dists = make([]float32, len(ids), max(len(ids), 2*h.cfg.M+1))
	}
	ds := s.dists[:len(ids)]
	h.distsIn(v, x, ids, ds)
	for _, e := range ds {
		if e < d {
			return true
		}
	}
	return false
}

// item is a node with its distance to the node or query at hand, packed
// into one integer that orders as (distance, ID) does: the float32 bits
// mapped to a monotone uint32 in the high half, the ID in the low half.
// Heaps and sorts then compare single integers, nearest first, ties by the
// smaller ID, and -0 sorts just before +0.
type item uint64

func mkItem(d float32, id int32) item {
	b := math.Float32bits(d)
	if b>>31 != 0 {
		b = ^b
	} else {
		b |= 1 << 31
	}
	return item(uint64(b)<<32 | uint64(uint32(id)))
}

func (x item) id() int32 { return int32(uint32(x)) }

func (x item) dist() float32 {
	b := uint32(x >> 32)
	if b>>31 != 0 {
		b &^= 1 << 31
	} else {
		b = ^b
	}
	return math.Float32frombits(b)
}

// minHeap is a binary heap of items with the nearest at the root: a plain
// slice and inlined comparisons, no container/heap interface.
type minHeap []item

func (p *minHeap) push(x item) {
	h := append(*p, x)
	i := len(h) - 1
	for i > 0 {
		par := (i - 1) / 2
		if !(x < h[par]) {
			break
		}
		h[i] = h[par]
		i = par
	}
	h[i] = x
	*p = h
}

func (p *minHeap) pop() item {
	h := *p
	top := h[0]
	n := len(h) - 1
	x := h[n]
	h = h[:n]
	if n > 0 {
		h.replaceTop(x)
	}
	*p = h
	return top
}

// replaceTop replaces the root by x and restores the heap: a pop and a
// push in one sift.
func (h minHeap) replaceTop(x item) {
	n := len(h)
	i := 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && h[r] < h[c] {
			c = r
		}
		if !(h[c] < x) {
			break
		}
		h[i] = h[c]
		i = c
	}
	h[i] = x
}

// maxHeap has the farthest item at the root (ties: the larger ID). It is
// a minHeap of complemented items: ^x reverses the order of items, ties
// included, since an item is one unsigned integer.
type maxHeap struct{ h minHeap }

func (p *maxHeap) push(x item)       { p.h.push(^x) }
func (p *maxHeap) pop() item         { return ^p.h.pop() }
func (p *maxHeap) top() item         { return ^p.h[0] }
func (p *maxHeap) replaceTop(x item) { p.h.replaceTop(^x) }
func (p *maxHeap) len() int          { return len(p.h) }

// hsearcher is the scratch space of one search or insertion: visited marks
// stamped with a generation number, so that clearing them between
// searches costs nothing (they are cleared once every 65,535 searches, when
// the number wraps), the two heaps and buffers. The marks are 16-bit, as
// hnswlib's, so that those of 341,479 GloVe words (680 KB) stay in a
// core's L2 cache. Searchers are pooled per index.
type hsearcher struct {
	mark   []uint16
	epoch  uint16
	cand   minHeap
	res    maxHeap
	out    []item
	ep     []item
	merge  []item
	sel    []item
	pruned []item
	ids    []int32
	gids   []int32
	bids   []int32
	early  []item
	dists  []float32
	q      []float32
	c64    []c64
}

// getSearcher returns a pooled searcher whose marks cover n nodes.
func (h *HNSW) getSearcher(n int) *hsearcher {
	s, _ := h.searchers.Get().(*hsearcher)
	if s == nil {
		s = &hsearcher{}
	}
	if len(s.mark) < n {
		s.mark = append(s.mark, make([]uint16, n-len(s.mark)+n/4)...)
	}
	return s
}

func (s *hsearcher) reset() {
	s.epoch++
	if s.epoch == 0 {
		clear(s.mark)
		s.epoch = 1
	}
}

// searchLayer is the paper's Algorithm 2: a beam search on level l from
// the entry points ep for the ef nearest nodes to q, returned nearest
// first (in s.out, valid until the next call). With liveOnly, deleted
// nodes are explored but not returned (hnswlib does the same), so that
// deletions do not starve the results.
func (h *HNSW) searchLayer(s *hsearcher, q []float32, ep []item, ef, l int, liveOnly bool) []item {
	s.reset()
	mark, epoch := s.mark, s.epoch
	cand, res := s.cand[:0], maxHeap{s.res.h[:0]}
	for _, e := range ep {
		if mark[e.id()] == epoch {
			continue
		}
		mark[e.id()] = epoch
		cand.push(e)
		if !liveOnly || !h.deleted[e.id()] {
			res.push(e)
		}
	}
	for res.len() > ef {
		res.pop()
	}
	for len(cand) > 0 {
		c := cand.pop()
		if res.len() >= ef && res.top() < c {
			break
		}
		// Gather the unvisited neighbours, then measure them together.
		ids := s.ids[:0]
		var ls []int32
		if l == 0 {
			b := h.l0[int(c.id())*h.s0 : int(c.id()+1)*h.s0]
			ls = b[1 : 1+b[0]]
		} else {
			ls = h.links(c.id(), l)
		}
		for _, n := range ls {
			if mark[n] != epoch {
				mark[n] = epoch
				ids = append(ids, n)
			}
		}
		if len(ids) == 0 {
			continue
		}
		if cap(s.dists) < len(ids) {
			s.dists = make([]float32, len(ids), 2*h.cfg.M+1)
		}
		ds := s.dists[:len(ids)]
		h.dists(q, ids, ds)
		for k, n := range ids {
			x := mkItem(ds[k], n)
			if res.len() < ef || x < res.top() {
				cand.push(x)
				if !liveOnly || !h.deleted[n] {
					if res.len() < ef {
						res.push(x)
					} else {
						res.replaceTop(x)
					}
				}
			}
		}
		s.ids = ids
	}
	// Sorting the heap's array beats popping it: items are plain integers.
	out := s.out[:0]
	for _, x := range res.h {
		out = append(out, ^x)
	}
	slices.Sort(out)
	s.cand, s.res, s.out = cand, res, out
	return out
}

// c64 is a candidate re-ranked by the float64 reference distance.
type c64 struct {
	d  float64
	id int
}

// Search returns the k nearest vectors to q that are not deleted, with the
// configured EfSearch (raised to k). See SearchEf.
func (h *HNSW) Search(q []float32, k int) []Neighbor {
	return h.SearchEf(q, k, 0)
}

// SearchEf returns the k nearest vectors to q that are not deleted,
// searching level 0 with a candidate list of ef (0 means the configured
// EfSearch; raised to k). Larger ef finds more of the true neighbours and
// costs time roughly in proportion. Results are sorted by Distance64, ties
// by smaller ID; fewer than k only if fewer than k vectors are live. It
// panics if len(q) != Dim().
func (h *HNSW) SearchEf(q []float32, k, ef int) []Neighbor {
	checkQuery("Search", q, h.dim)
	if k <= 0 {
		return []Neighbor{}
	}
	if ef <= 0 {
		ef = h.cfg.EfSearch
	}
	ef = max(ef, k)
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.entry < 0 {
		return []Neighbor{}
	}
	s := h.getSearcher(len(h.level))
	defer h.searchers.Put(s)
	pq := q
	if h.metric == distance.Cosine {
		s.q = h.prepare(q, s.q)
		pq = s.q
	}
	cur := mkItem(h.dist(pq, h.vec(h.entry)), h.entry)
	for l := h.top; l > 0; l-- {
		cur = h.greedy(pq, cur, l)
	}
	s.ep = append(s.ep[:0], cur)
	w := h.searchLayer(s, pq, s.ep, ef, 0, h.nDel > 0)
	// Re-rank the candidates by the float64 reference distance, so that
	// the order and the reported distances are those of the contract.
	cs := s.c64[:0]
	for _, x := range w {
		cs = append(cs, c64{h.metric.Distance64(pq, h.vec(x.id())), int(x.id())})
	}
	slices.SortFunc(cs, func(a, b c64) int {
		switch {
		case a.d < b.d:
			return -1
		case a.d > b.d:
			return 1
		}
		return a.id - b.id
	})
	s.c64 = cs
	out := make([]Neighbor, min(k, len(cs)))
	for i := range out {
		out[i] = Neighbor{ID: cs[i].id, Dist: float32(cs[i].d)}
	}
	return out
}
