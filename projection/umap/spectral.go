package umap

import (
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/latent-go/latent/projection/pca"

	"github.com/latent-go/latent/internal/parallel"
)

// Spectral initialisation.
//
// The starting map is made of the eigenvectors of the normalised Laplacian
// L = I − D^−½ W D^−½ of the fuzzy graph W (D the diagonal of its row sums)
// for the smallest eigenvalues after the trivial one, as umap-learn's
// spectral_layout computes them with ARPACK (eigsh, which="SM"). They are
// the eigenvectors of M = D^−½ W D^−½ for its largest eigenvalues below the
// top one, 1, whose eigenvector D^½·1 is known; so we run Lanczos on M
// with every vector kept orthogonal to D^½·1, full reorthogonalisation
// (classical Gram–Schmidt, repeated when it cancels more than
// 1/√2 of the norm, the DGKS criterion), and explicit restarts from the sum of the
// wanted Ritz vectors, until the residual ‖Mv − λv‖ of each wanted pair is
// below spectralTolerance. The Krylov space holds at most
// max(2·(dims+1)+1, min(√n, 128)) vectors, ARPACK's ncv rule with a cap
// that bounds memory (128·n float64s). Lanczos suits the problem: it needs
// only sparse products with W (O(edges) each) and finds extreme eigenvalues
// first, the ones wanted here; the Krylov basis costs O(n·m²) per cycle.
//
// The start vector is seeded Gaussian noise, not umap-learn's vector of
// ones: for a graph whose degrees are all equal that vector is the trivial
// eigenvector itself and spans nothing else.

const (
	spectralTolerance = 1e-4
	spectralRestarts  = 30
	spectralMaxBasis  = 128
)

// spectralEmbedding returns the dims eigenvectors of M = D^−½ W D^−½ of the
// connected graph g for its largest eigenvalues below 1, n×dims row-major,
// or ok = false if Lanczos has not converged after spectralRestarts
// restarts or the graph is too small (n ≤ dims + 1).
func spectralEmbedding(g *csr, dims int, rng *rand.Rand, workers int) (y []float64, ok bool) {
	n := g.n
	if n <= dims+1 {
		return nil, false
	}
	dinv := make([]float64, n)
	v0 := make([]float64, n)
	for i := range n {
		var s float64
		for _, v := range g.val[g.rowPtr[i]:g.rowPtr[i+1]] {
			s += float64(v)
		}
		if s <= 0 {
			return nil, false
		}
		dinv[i] = 1 / math.Sqrt(s)
		v0[i] = math.Sqrt(s)
	}
	scale(v0, 1/norm(v0))
	m := min(n-1, max(2*(dims+1)+1, min(int(math.Sqrt(float64(n))), spectralMaxBasis)))
	matvec := func(dst, x []float64) {
		parallel.Chunks(n, 1024, workers, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				var s float64
				for t := g.rowPtr[i]; t < g.rowPtr[i+1]; t++ {
					j := g.col[t]
					s += float64(g.val[t]) * dinv[j] * x[j]
				}
				dst[i] = dinv[i] * s
			}
		})
	}
	start := make([]float64, n)
	for i := range start {
		start[i] = rng.NormFloat64()
	}
	basis := make([][]float64, m+1)
	for i := range basis {
		basis[i] = make([]float64, n)
	}
	w := make([]float64, n)
	h := make([]float64, m+2)
	for range spectralRestarts {
		// Lanczos with full reorthogonalisation against v0 and the basis.
		q := basis[0]
		copy(q, start)
		orthogonalise(q, [][]float64{v0}, h, workers)
		orthogonalise(q, [][]float64{v0}, h, workers)
		nq := norm(q)
		if nq == 0 {
			return nil, false
		}
		scale(q, 1/nq)
		alpha := make([]float64, 0, m)
		beta := make([]float64, 0, m)
		steps := 0
		lastBeta := 0.0
		for j := 0; j < m; j++ {
			matvec(w, basis[j])
			a := dot(basis[j], w)
			alpha = append(alpha, a)
			against := append([][]float64{v0}, basis[:j+1]...)
			before := norm(w)
			orthogonalise(w, against, h, workers)
			b := norm(w)
			if b < 0.7071*before { // DGKS: a second pass when the first cancelled much
				orthogonalise(w, against, h, workers)
				b = norm(w)
			}
			steps = j + 1
			lastBeta = b
			if b < 1e-12 || j == m-1 {
				break
			}
			beta = append(beta, b)
			copy(basis[j+1], w)
			scale(basis[j+1], 1/b)
		}
		// Ritz pairs of the tridiagonal matrix.
		t := mat.NewSymDense(steps, nil)
		for i := range steps {
			t.SetSym(i, i, alpha[i])
			if i+1 < steps {
				t.SetSym(i, i+1, beta[i])
			}
		}
		var es mat.EigenSym
		if !es.Factorize(t, true) {
			return nil, false
		}
		vals := es.Values(nil)
		var vecs mat.Dense
		es.VectorsTo(&vecs)
		order := make([]int, steps)
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return -cmpFloat(vals[a], vals[b]) })
		if steps < dims {
			return nil, false
		}
		converged := true
		for c := range dims {
			if math.Abs(lastBeta*vecs.At(steps-1, order[c])) > spectralTolerance {
				converged = false
			}
		}
		y = make([]float64, n*dims)
		clear(start)
		for c := range dims {
			col := order[c]
			for l := range steps {
				s := vecs.At(l, col)
				if s == 0 {
					continue
				}
				bl := basis[l]
				for i := range n {
					y[i*dims+c] += s * bl[i]
				}
			}
			for i := range n {
				start[i] += y[i*dims+c]
			}
		}
		if converged {
			return y, true
		}
	}
	return nil, false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// orthogonalise removes from w its components along the orthonormal
// vectors of against (classical Gram–Schmidt): the coefficients are
// computed in parallel over the vectors, the update in parallel over
// stretches of w, each sum in a fixed order, so the result does not depend
// on workers.
func orthogonalise(w []float64, against [][]float64, h []float64, workers int) {
	k := len(against)
	if cap(h) < k {
		h = make([]float64, k)
	}
	h = h[:k]
	parallel.Chunks(k, 1, min(workers, k), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			h[i] = dot(against[i], w)
		}
	})
	parallel.Chunks(len(w), 4096, workers, func(lo, hi int) {
		for i, q := range against {
			c := h[i]
			qs, ws := q[lo:hi], w[lo:hi]
			for t, v := range qs {
				ws[t] -= c * v
			}
		}
	})
}

func dot(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
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

func norm(a []float64) float64 { return math.Sqrt(dot(a, a)) }

func scale(a []float64, c float64) {
	for i := range a {
		a[i] *= c
	}
}

// components labels the connected components of g in order of their
// smallest vertex and returns the labels and the number of components.
func components(g *csr) (label []int32, count int) {
	label = make([]int32, g.n)
	for i := range label {
		label[i] = -1
	}
	stack := []int32{}
	for s := range g.n {
		if label[s] >= 0 {
			continue
		}
		label[s] = int32(count)
		stack = append(stack[:0], int32(s))
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, j := range g.col[g.rowPtr[i]:g.rowPtr[i+1]] {
				if label[j] < 0 {
					label[j] = int32(count)
					stack = append(stack, j)
				}
			}
		}
		count++
	}
	return label, count
}

// subgraph returns the part of g on the vertices of members (increasing),
// renumbered 0, 1, ….
func (g *csr) subgraph(members []int32) *csr {
	pos := make(map[int32]int32, len(members))
	for i, v := range members {
		pos[v] = int32(i)
	}
	s := &csr{n: len(members), rowPtr: make([]int, len(members)+1)}
	for i, v := range members {
		for t := g.rowPtr[v]; t < g.rowPtr[v+1]; t++ {
			if j, ok := pos[g.col[t]]; ok {
				s.col = append(s.col, j)
				s.val = append(s.val, g.val[t])
			}
		}
		s.rowPtr[i+1] = len(s.col)
	}
	return s
}

// spectralLayout returns the spectral starting map of g (n×dims), laying
// out disconnected components separately as umap-learn's
// multi_component_layout does: each component's own spectral map, scaled to
// half the distance from its anchor to the nearest other anchor, around an
// anchor point per component. The anchors are the first principal
// components of the components' centroids in the data when there are more
// than 2·dims components, and otherwise ±unit vectors (umap-learn uses a
// spectral map of the centroids' affinities; PCA keeps the same global
// arrangement without another eigenproblem). ok is false when the spectral
// map of a single-component graph does not converge; a component too small
// or not converging is filled with seeded uniform noise in its box.
func spectralLayout(g *csr, x []float32, d, dims int, rng *rand.Rand, workers int) (y []float64, ok bool) {
	label, count := components(g)
	if count == 1 {
		return spectralEmbedding(g, dims, rng, workers)
	}
	n := g.n
	members := make([][]int32, count)
	for i, c := range label {
		members[c] = append(members[c], int32(i))
	}
	anchors := make([]float64, count*dims)
	if count > 2*dims && d >= dims {
		cent := make([]float32, count*d)
		for c, ms := range members {
			acc := make([]float64, d)
			for _, i := range ms {
				for t := range d {
					acc[t] += float64(x[int(i)*d+t])
				}
			}
			for t := range d {
				cent[c*d+t] = float32(acc[t] / float64(len(ms)))
			}
		}
		if p, err := pca.Fit(cent, count, d, dims); err == nil {
			code := make([]float32, count*dims)
			p.Transform(code, cent, count)
			var top float64
			for _, v := range code {
				top = max(top, math.Abs(float64(v)))
			}
			if top > 0 {
				for i, v := range code {
					anchors[i] = float64(v) / top
				}
			}
		}
	}
	if allZero(anchors) {
		k := (count + 1) / 2
		for c := range count {
			axis, sign := c%k, 1.0
			if c >= k {
				sign = -1
			}
			if axis < dims {
				anchors[c*dims+axis] = sign
			} else {
				anchors[c*dims+axis%dims] = sign * float64(1+axis/dims)
			}
		}
	}
	y = make([]float64, n*dims)
	for c, ms := range members {
		rangeC := math.Inf(1)
		for o := range count {
			if o == c {
				continue
			}
			var s float64
			for t := range dims {
				dd := anchors[c*dims+t] - anchors[o*dims+t]
				s += dd * dd
			}
			rangeC = min(rangeC, math.Sqrt(s)/2)
		}
		if math.IsInf(rangeC, 1) || rangeC == 0 {
			rangeC = 1
		}
		var sub []float64
		subOK := false
		if len(ms) > 2*dims {
			sub, subOK = spectralEmbedding(g.subgraph(ms), dims, rng, workers)
		}
		if subOK {
			var top float64
			for _, v := range sub {
				top = max(top, math.Abs(v))
			}
			f := 0.0
			if top > 0 {
				f = rangeC / top
			}
			for r, i := range ms {
				for t := range dims {
					y[int(i)*dims+t] = sub[r*dims+t]*f + anchors[c*dims+t]
				}
			}
			continue
		}
		for _, i := range ms {
			for t := range dims {
				y[int(i)*dims+t] = (2*rng.Float64()-1)*rangeC + anchors[c*dims+t]
			}
		}
	}
	return y, true
}

func allZero(v []float64) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}
