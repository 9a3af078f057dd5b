package knn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/latent-go/latent/distance"
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
	// Seed seeds the level generator: the same seed and the same insertion
	// order give the same graph, and the same bytes from WriteTo.
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
// keeps duplicated vectors reachable.
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
// Concurrency: Search, SearchEf, Len and WriteTo may run concurrently with
// each other and with Add and Delete; a sync.RWMutex serialises the
// writers, so that insertions do not run in parallel.
type HNSW struct {
	mu     sync.RWMutex
	dim    int
	metric distance.Metric
	cfg    HNSWConfig
	ml     float64
	pcg    *rand.PCG
	rng    *rand.Rand

	vecs    []float32   // n × dim, unit-length for Cosine
	links   [][][]int32 // links[id][level]
	deleted []bool
	nDel    int
	entry   int32 // -1 when empty
	top     int   // level of entry

	visited sync.Pool // *visitSet
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
}

// Len returns the number of vectors added, deleted ones included: IDs are
// in [0, Len()).
func (h *HNSW) Len() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.links)
}

// Live returns the number of vectors not deleted.
func (h *HNSW) Live() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.links) - h.nDel
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
	if id < 0 || id >= len(h.links) {
		panic(fmt.Sprintf("knn: HNSW.%s(%d) out of range [0, %d)", op, id, len(h.links)))
	}
}

// Delete marks id deleted: it is no longer returned, but stays in the graph
// so that the paths through it still lead somewhere. Deleting twice does
// nothing. It panics if id is out of range.
func (h *HNSW) Delete(id int) {
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
// unit vectors for Cosine, which is 1 for a zero vector).
func (h *HNSW) dist(a, b []float32) float32 {
	b = b[:len(a)]
	switch h.metric {
	case distance.Euclidean, distance.SqEuclidean:
		var s0, s1, s2, s3 float32
		i := 0
		for ; i+4 <= len(a); i += 4 {
			d0, d1, d2, d3 := a[i]-b[i], a[i+1]-b[i+1], a[i+2]-b[i+2], a[i+3]-b[i+3]
			s0 += d0 * d0
			s1 += d1 * d1
			s2 += d2 * d2
			s3 += d3 * d3
		}
		for ; i < len(a); i++ {
			d := a[i] - b[i]
			s0 += d * d
		}
		return (s0 + s1) + (s2 + s3)
	case distance.Cosine:
		return min(max(1-hnswDot(a, b), 0), 2)
	case distance.Dot:
		return -hnswDot(a, b)
	default: // Manhattan
		var s0, s1 float32
		i := 0
		for ; i+2 <= len(a); i += 2 {
			s0 += float32(math.Abs(float64(a[i] - b[i])))
			s1 += float32(math.Abs(float64(a[i+1] - b[i+1])))
		}
		for ; i < len(a); i++ {
			s0 += float32(math.Abs(float64(a[i] - b[i])))
		}
		return s0 + s1
	}
}

func hnswDot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// maxLinks is the most links a node keeps on level l: 2·M on level 0, M
// above, as the paper recommends (Mmax0 = 2·M).
func (h *HNSW) maxLinks(l int) int {
	if l == 0 {
		return 2 * h.cfg.M
	}
	return h.cfg.M
}

// Add inserts vec (copied) and returns its ID, the number of vectors added
// before it. It panics if len(vec) != Dim() or vec holds NaN or ±Inf, which
// would make the graph's distances meaningless.
func (h *HNSW) Add(vec []float32) int {
	checkQuery("Add", vec, h.dim)
	for i, v := range vec {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			panic(fmt.Sprintf("knn: HNSW.Add: value %d is %v", i, v))
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.links) >= math.MaxInt32 {
		panic("knn: HNSW.Add: the index is full")
	}
	id := int32(len(h.links))
	level := min(int(-math.Log(1-h.rng.Float64())*h.ml), hnswMaxLevel)
	h.vecs = append(h.vecs, h.prepare(vec, nil)...)
	h.links = append(h.links, make([][]int32, level+1))
	h.deleted = append(h.deleted, false)
	if h.entry < 0 {
		h.entry, h.top = id, level
		return int(id)
	}
	q := h.vec(id)
	vs := h.getVisited()
	defer h.visited.Put(vs)
	ep := []item{{h.dist(q, h.vec(h.entry)), h.entry}}
	for l := h.top; l > level; l-- {
		ep = h.searchLayer(q, ep, 1, l, vs, false)
	}
	for l := min(level, h.top); l >= 0; l-- {
		w := h.searchLayer(q, ep, h.cfg.EfConstruction, l, vs, false)
		nb := h.selectNeighbors(w, h.cfg.M)
		h.links[id][l] = itemIDs(nb)
		for _, e := range nb {
			h.connect(e.id, id, e.d, l)
		}
		ep = w
	}
	if level > h.top {
		h.entry, h.top = id, level
	}
	return int(id)
}

// connect adds the link from e to n on level l (d = their distance),
// shrinking e's links with the heuristic when they exceed the maximum.
func (h *HNSW) connect(e, n int32, d float32, l int) {
	ls := h.links[e][l]
	if len(ls) < h.maxLinks(l) {
		h.links[e][l] = append(ls, n)
		return
	}
	ev := h.vec(e)
	cand := make([]item, 0, len(ls)+1)
	for _, o := range ls {
		cand = append(cand, item{h.dist(ev, h.vec(o)), o})
	}
	cand = append(cand, item{d, n})
	slices.SortFunc(cand, compareItem)
	h.links[e][l] = append(ls[:0], itemIDs(h.selectNeighbors(cand, h.maxLinks(l)))...)
}

// selectNeighbors is the paper's Algorithm 4 with keepPrunedConnections:
// from candidates sorted nearest first (distances to the base node), take
// each one that is nearer to the base than to every one already taken, up
// to m; then fill up to m with the nearest of those pruned.
func (h *HNSW) selectNeighbors(cand []item, m int) []item {
	if len(cand) <= m {
		return cand
	}
	out := make([]item, 0, m)
	var pruned []item
	for _, c := range cand {
		if len(out) == m {
			break
		}
		cv := h.vec(c.id)
		good := true
		for _, r := range out {
			if h.dist(cv, h.vec(r.id)) < c.d {
				good = false
				break
			}
		}
		if good {
			out = append(out, c)
		} else {
			pruned = append(pruned, c)
		}
	}
	for _, p := range pruned {
		if len(out) == m {
			break
		}
		out = append(out, p)
	}
	slices.SortFunc(out, compareItem)
	return out
}

// item is a node with its distance to the node or query at hand.
type item struct {
	d  float32
	id int32
}

func compareItem(a, b item) int {
	switch {
	case a.d < b.d:
		return -1
	case a.d > b.d:
		return 1
	}
	return int(a.id) - int(b.id)
}

func itemIDs(it []item) []int32 {
	out := make([]int32, len(it))
	for i, x := range it {
		out[i] = x.id
	}
	return out
}

// itemHeap is a binary heap of items; with max set its root is the
// farthest (ties: larger ID), otherwise the nearest.
type itemHeap struct {
	it  []item
	max bool
}

func (p *itemHeap) before(i, j int) bool {
	c := compareItem(p.it[i], p.it[j])
	if p.max {
		return c > 0
	}
	return c < 0
}

func (p *itemHeap) push(x item) {
	p.it = append(p.it, x)
	i := len(p.it) - 1
	for i > 0 {
		par := (i - 1) / 2
		if !p.before(i, par) {
			break
		}
		p.it[i], p.it[par] = p.it[par], p.it[i]
		i = par
	}
}

func (p *itemHeap) pop() item {
	top := p.it[0]
	n := len(p.it) - 1
	p.it[0] = p.it[n]
	p.it = p.it[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		w := l
		if r := l + 1; r < n && p.before(r, l) {
			w = r
		}
		if !p.before(w, i) {
			break
		}
		p.it[i], p.it[w] = p.it[w], p.it[i]
		i = w
	}
	return top
}

// visitSet marks visited nodes with an epoch number, so that clearing it
// between searches costs nothing.
type visitSet struct {
	mark  []uint32
	epoch uint32
}

func (h *HNSW) getVisited() *visitSet {
	vs, _ := h.visited.Get().(*visitSet)
	if vs == nil {
		vs = &visitSet{}
	}
	if n := len(h.links); len(vs.mark) < n {
		vs.mark = append(vs.mark, make([]uint32, n-len(vs.mark)+n/4)...)
	}
	return vs
}

func (vs *visitSet) reset() {
	vs.epoch++
	if vs.epoch == 0 {
		clear(vs.mark)
		vs.epoch = 1
	}
}

// searchLayer is the paper's Algorithm 2: a beam search on level l from
// the entry points ep for the ef nearest nodes to q, returned nearest
// first. With liveOnly, deleted nodes are explored but not returned
// (hnswlib does the same), so that deletions do not starve the results.
func (h *HNSW) searchLayer(q []float32, ep []item, ef, l int, vs *visitSet, liveOnly bool) []item {
	vs.reset()
	cand := itemHeap{it: make([]item, 0, ef)}
	res := itemHeap{it: make([]item, 0, ef+1), max: true}
	for _, e := range ep {
		if vs.mark[e.id] == vs.epoch {
			continue
		}
		vs.mark[e.id] = vs.epoch
		cand.push(e)
		if !liveOnly || !h.deleted[e.id] {
			res.push(e)
		}
	}
	for len(res.it) > ef {
		res.pop()
	}
	for len(cand.it) > 0 {
		c := cand.pop()
		if len(res.it) >= ef && compareItem(c, res.it[0]) > 0 {
			break
		}
		for _, n := range h.links[c.id][l] {
			if vs.mark[n] == vs.epoch {
				continue
			}
			vs.mark[n] = vs.epoch
			d := h.dist(q, h.vec(n))
			x := item{d, n}
			if len(res.it) < ef || compareItem(x, res.it[0]) < 0 {
				cand.push(x)
				if !liveOnly || !h.deleted[n] {
					res.push(x)
					if len(res.it) > ef {
						res.pop()
					}
				}
			}
		}
	}
	out := res.it
	slices.SortFunc(out, compareItem)
	return out
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
	pq := h.prepare(q, nil)
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.entry < 0 {
		return []Neighbor{}
	}
	vs := h.getVisited()
	defer h.visited.Put(vs)
	ep := []item{{h.dist(pq, h.vec(h.entry)), h.entry}}
	for l := h.top; l > 0; l-- {
		ep = h.searchLayer(pq, ep, 1, l, vs, false)
	}
	w := h.searchLayer(pq, ep, ef, 0, vs, true)
	// Re-rank the candidates by the float64 reference distance, so that
	// the order and the reported distances are those of the contract.
	type c64 struct {
		d  float64
		id int
	}
	cs := make([]c64, len(w))
	for i, x := range w {
		cs[i] = c64{h.metric.Distance64(pq, h.vec(x.id)), int(x.id)}
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
	out := make([]Neighbor, min(k, len(cs)))
	for i := range out {
		out[i] = Neighbor{ID: cs[i].id, Dist: float32(cs[i].d)}
	}
	return out
}
