package tsne

import (
	"math"
	"math/bits"
)

// The Barnes–Hut tree.
//
// The tree is a quadtree (2-D) or octree (3-D) over the bounding square
// (cube) of the embedding, rebuilt every iteration. It is built from Morton
// codes rather than by inserting points one by one: each point's cell
// coordinates at the finest level (2³² cells a side in 2-D, 2²¹ in 3-D) are
// interleaved into one 64-bit key, the points are sorted by key with a radix
// sort, and then every cell of the tree is a contiguous run of the sorted
// points. Building is a linear pass over that order, and it is
// deterministic: points with equal keys stay in index order.
//
// Nodes are stored in depth-first order, each with the index of the node
// that follows its subtree, so a walk needs no stack: accepting a node
// jumps past its subtree, opening it steps to its first child. A cell with
// a single non-empty child is not stored — its child stands for it, with
// the child's own (smaller) width — which changes no result of the walk:
// the child passes the opening test whenever the parent would. A cell with
// at most leafSize points, or at the finest level, is a leaf; its points
// are stored contiguously and a leaf that is too near to summarise is
// summed point by point.

// leafSize is the most points a leaf holds unless they share a finest cell.
const leafSize = 8

// node is a cell of the tree.
type node struct {
	c  [3]float64 // centre of mass (unused coordinates zero)
	r2 float64    // the node summarises a point at squared distance > r2 from c: (width/θ)²
	lo int32      // first point of the cell, in tree order
	hi int32      // one past its last point
	// next is the index of the node after this subtree; next == own index
	// + 1 means a leaf.
	next int32
}

// tree is a Barnes–Hut tree over the rows of an n×dims matrix. Its buffers
// are reused from one build to the next.
type tree struct {
	dims  int
	nodes []node
	pts   []float64 // the points in tree order, n×dims
	perm  []int32   // perm[p] is the row of the p-th point in tree order
	keys  []uint64  // Morton keys in tree order
	// scratch for the radix sort
	tmpKeys []uint64
	tmpPerm []int32
	invT2   float64 // 1/θ² (+Inf for θ = 0)
	levels  int     // finest level: 32 (2-D) or 21 (3-D)
	side    float64 // width of the root cell
}

func newTree(n, dims int, theta float64) *tree {
	t := &tree{dims: dims, levels: 32}
	if dims == 3 {
		t.levels = 21
	}
	if theta == 0 {
		t.invT2 = math.Inf(1)
	} else {
		t.invT2 = 1 / (theta * theta)
	}
	t.pts = make([]float64, n*dims)
	t.perm = make([]int32, n)
	t.keys = make([]uint64, n)
	t.tmpKeys = make([]uint64, n)
	t.tmpPerm = make([]int32, n)
	t.nodes = make([]node, 0, 2*n/leafSize+16)
	return t
}

// build rebuilds the tree over y (n×dims, finite).
func (t *tree) build(y []float64) {
	dims, n := t.dims, len(t.perm)
	var lo, hi [3]float64
	for a := range dims {
		lo[a], hi[a] = math.Inf(1), math.Inf(-1)
	}
	for i := range n {
		for a := range dims {
			v := y[i*dims+a]
			lo[a] = min(lo[a], v)
			hi[a] = max(hi[a], v)
		}
	}
	side := 0.0
	for a := range dims {
		side = max(side, hi[a]-lo[a])
	}
	if side == 0 || math.IsInf(side, 0) {
		side = 1
	}
	// Widen the root a little so that the largest coordinate maps inside
	// the finest grid rather than onto its edge.
	side *= 1 + 1e-9
	t.side = side
	cells := float64(uint64(1) << t.levels)
	scale := cells / side
	top := uint32(uint64(1)<<t.levels - 1)
	for i := range n {
		var q [3]uint32
		for a := range dims {
			f := (y[i*dims+a] - lo[a]) * scale
			switch {
			case f <= 0:
				q[a] = 0
			case f >= float64(top):
				q[a] = top
			default:
				q[a] = uint32(f)
			}
		}
		if dims == 2 {
			t.keys[i] = spread2(q[0]) | spread2(q[1])<<1
		} else {
			t.keys[i] = spread3(q[0]) | spread3(q[1])<<1 | spread3(q[2])<<2
		}
		t.perm[i] = int32(i)
	}
	t.sort()
	for p, i := range t.perm {
		copy(t.pts[p*dims:(p+1)*dims], y[int(i)*dims:(int(i)+1)*dims])
	}
	t.nodes = t.nodes[:0]
	if n > 0 {
		t.subtree(0, n)
	}
}

// sort orders keys and perm by key, stably, with a least-significant-digit
// radix sort (11-bit digits; digits on which all keys agree are skipped).
func (t *tree) sort() {
	const digit = 11
	const buckets = 1 << digit
	var count [buckets]int32
	keys, perm, tk, tp := t.keys, t.perm, t.tmpKeys, t.tmpPerm
	var diff uint64
	for _, k := range keys {
		diff |= k ^ keys[0]
	}
	for shift := 0; shift < 64; shift += digit {
		if (diff>>shift)&(buckets-1) == 0 {
			continue
		}
		clear(count[:])
		for _, k := range keys {
			count[(k>>shift)&(buckets-1)]++
		}
		var sum int32
		for b := range count {
			c := count[b]
			count[b] = sum
			sum += c
		}
		for i, k := range keys {
			b := (k >> shift) & (buckets - 1)
			dst := count[b]
			count[b]++
			tk[dst], tp[dst] = k, perm[i]
		}
		keys, tk = tk, keys
		perm, tp = tp, perm
	}
	t.keys, t.perm, t.tmpKeys, t.tmpPerm = keys, perm, tk, tp
}

// subtree appends the nodes of the cell holding the points lo..hi-1 (tree
// order) in depth-first order and returns the sum of their coordinates.
func (t *tree) subtree(lo, hi int) [3]float64 {
	dims := t.dims
	k := len(t.nodes)
	t.nodes = append(t.nodes, node{lo: int32(lo), hi: int32(hi)})
	// The smallest cell holding them all: keys agree on their first
	// `level` digits (dims bits each).
	unused := 64 - dims*t.levels
	level := t.levels
	if x := t.keys[lo] ^ t.keys[hi-1]; x != 0 {
		level = (bits.LeadingZeros64(x) - unused) / dims
	}
	width := t.side / float64(uint64(1)<<level)
	var sum [3]float64
	if hi-lo <= leafSize || level == t.levels {
		for p := lo; p < hi; p++ {
			for a := range dims {
				sum[a] += t.pts[p*dims+a]
			}
		}
	} else {
		// Children split on digit `level`; their runs are contiguous.
		shift := uint(dims * (t.levels - 1 - level))
		mask := uint64(1)<<dims - 1
		start := lo
		for start < hi {
			d := (t.keys[start] >> shift) & mask
			// Binary search for the end of the run with digit d.
			a, b := start+1, hi
			for a < b {
				m := int(uint(a+b) >> 1)
				if (t.keys[m]>>shift)&mask == d {
					a = m + 1
				} else {
					b = m
				}
			}
			s := t.subtree(start, a)
			for i := range dims {
				sum[i] += s[i]
			}
			start = a
		}
	}
	nd := &t.nodes[k]
	cnt := float64(hi - lo)
	for a := range dims {
		nd.c[a] = sum[a] / cnt
	}
	nd.r2 = width * width * t.invT2
	if math.IsNaN(nd.r2) { // width 0 and θ = 0
		nd.r2 = math.Inf(1)
	}
	nd.next = int32(len(t.nodes))
	return sum
}

// spread2 spaces the 32 bits of x out to the even bits of the result.
func spread2(x uint32) uint64 {
	v := uint64(x)
	v = (v | v<<16) & 0x0000ffff0000ffff
	v = (v | v<<8) & 0x00ff00ff00ff00ff
	v = (v | v<<4) & 0x0f0f0f0f0f0f0f0f
	v = (v | v<<2) & 0x3333333333333333
	v = (v | v<<1) & 0x5555555555555555
	return v
}

// spread3 spaces the low 21 bits of x out to every third bit of the result.
func spread3(x uint32) uint64 {
	v := uint64(x) & 0x1fffff
	v = (v | v<<32) & 0x1f00000000ffff
	v = (v | v<<16) & 0x1f0000ff0000ff
	v = (v | v<<8) & 0x100f00f00f00f00f
	v = (v | v<<4) & 0x10c30c30c30c30c3
	v = (v | v<<2) & 0x1249249249249249
	return v
}
