package knn

import (
	"cmp"
	"math"
	"slices"

	"github.com/latent-go/latent/distance"
)

// The window of a Euclidean Flat index.
//
// For any unit vector w, |w·q − w·x| ≤ ‖q − x‖: the distance along one
// axis never exceeds the distance itself. NewFlat sorts the base vectors by
// their projection on the data's principal axis, the direction along which
// they spread most; a query then only has to look at the vectors whose
// projection lies within its current k-th distance of its own. The search
// starts at the query's projection and widens a window to both sides, one
// block of vectors at a time, until the vectors beyond each edge are
// provably farther than the candidates already found. Starting near the
// query also finds good candidates early, so the window closes soon. On
// Fashion-MNIST PCA-32 codes the window holds about a quarter of the base
// vectors.

// axisSample bounds the rows principalAxis looks at: the direction only
// steers how much the window prunes, never the result, so an estimate from
// a sample is enough.
const axisSample = 4096

// principalAxis returns a unit vector along which the n row-major vectors
// of dimension dim, each multiplied by scale(row), spread most, estimated
// by power iteration on a sample of at most axisSample evenly spaced rows,
// or nil when the sampled rows are all equal or not finite. It is
// deterministic.
func principalAxis(x []float32, n, dim int, scale func([]float32) float64) []float64 {
	step := max(1, n/axisSample)
	m := (n + step - 1) / step
	c := make([]float64, m*dim)
	mean := make([]float64, dim)
	for i := range m {
		row := x[i*step*dim : (i*step+1)*dim]
		a := scale(row)
		for j, v := range row {
			c[i*dim+j] = float64(v) * a
			mean[j] += float64(v) * a
		}
	}
	for j := range mean {
		mean[j] /= float64(m)
	}
	// Start from the sampled row farthest from the mean.
	var w []float64
	best := 0.0
	for i := range m {
		row := c[i*dim : (i+1)*dim]
		var s float64
		for j := range row {
			row[j] -= mean[j]
			s += row[j] * row[j]
		}
		if s > best {
			best, w = s, row
		}
	}
	if w == nil || math.IsInf(best, 0) || math.IsNaN(best) {
		return nil
	}
	v := scaled(w, 1/math.Sqrt(best))
	y := make([]float64, dim)
	for range 30 {
		clear(y)
		for i := range m {
			row := c[i*dim : (i+1)*dim]
			var p float64
			for j := range row {
				p += row[j] * v[j]
			}
			for j := range row {
				y[j] += p * row[j]
			}
		}
		var s float64
		for _, a := range y {
			s += a * a
		}
		if !(s > 0) || math.IsInf(s, 0) {
			break
		}
		v = scaled(y, 1/math.Sqrt(s))
	}
	return v
}

func scaled(x []float64, a float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = v * a
	}
	return y
}

// project returns w·x in float64.
func project(w []float64, x []float32) float64 {
	var p float64
	for j, v := range x {
		p += w[j] * float64(v)
	}
	return p
}

// spaceScale returns the factor that takes x into the space the window and
// the codes work in: 1 for Euclidean and squared Euclidean, 1/‖x‖ for
// cosine, since on unit vectors the cosine distance is half the squared
// Euclidean distance. It is not finite for a zero vector under cosine.
func (f *Flat) spaceScale(x []float32) float64 {
	if f.metric != distance.Cosine {
		return 1
	}
	return 1 / math.Sqrt(sumSq(x))
}

// spaceProject is project on w's axis in that space.
func (f *Flat) spaceProject(w *window, x []float32) float64 {
	return project(w.axis, x) * f.spaceScale(x)
}

// window is what Euclidean and cosine search add to a Flat index: the
// principal axis, the row IDs sorted by their projection on it (NaN first,
// ties by ID), those projections, and the 8-bit codes (nil unless
// FilterI8 has a kernel here).
type window struct {
	axis  []float64
	order []int32
	proj  []float64
	codes *codes
}

// prepareAfter is how many queries a Flat index answers before it builds
// its window: building costs about as much as a few dozen brute-force
// queries, which a single search from the command line would never win
// back. Tests set it to 0.
var prepareAfter int64 = 64

// windowFor returns f's window for a batch of nq more queries, building it
// once f has answered prepareAfter queries, or nil.
func (f *Flat) windowFor(nq int) *window {
	if !f.windowed {
		return nil
	}
	if w := f.win.Load(); w != nil || f.served.Add(int64(nq)) < prepareAfter {
		return w
	}
	return f.prepare()
}

// prepare builds f's window if it has not been built yet and returns it,
// nil when f has none.
func (f *Flat) prepare() *window {
	f.winOnce.Do(func() {
		if f.windowed {
			f.win.Store(f.newWindow())
		}
	})
	return f.win.Load()
}

// newWindow sorts the vectors along their principal axis and codes them
// when f.withCodes, or returns nil when there is no axis, or a cosine
// index gets no codes.
func (f *Flat) newWindow() *window {
	axis := principalAxis(f.x, f.n, f.dim, f.spaceScale)
	if axis == nil {
		return nil
	}
	w := &window{axis: axis}
	w.order, w.proj = f.sortByProjection(w, f.x, f.n)
	if f.withCodes {
		w.codes = f.buildCodes(w.order)
	}
	if w.codes == nil && f.metric == distance.Cosine {
		return nil
	}
	return w
}

// sortByProjection returns the indices of the n rows of x (dimension
// f.dim) by increasing projection on w's axis (NaN first, ties by index)
// and the projections in that order. NewFlat's vectors sorted so make the
// window; queries sorted so are answered in blocks that share most of it.
func (f *Flat) sortByProjection(w *window, x []float32, n int) ([]int32, []float64) {
	p := make([]float64, n)
	idx := make([]int32, n)
	for i := range n {
		p[i] = f.spaceProject(w, x[i*f.dim:(i+1)*f.dim])
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int {
		if c := cmp.Compare(p[a], p[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	sorted := make([]float64, n)
	for i, j := range idx {
		sorted[i] = p[j]
	}
	return idx, sorted
}

// window offers the nq queries q, whose projections are pq, the base
// vectors of a window around them, widened one block at a time to both
// sides until every vector outside it is farther from each query than
// that query's k+extra candidates.
func (s *searcher) window(q []float32, pq []float64, nq int) {
	f, w := s.f, s.w
	lo, _ := slices.BinarySearch(w.proj, pq[nq/2])
	hi := lo
	for {
		left, right := s.reach(pq, nq)
		wantR := hi < f.n && w.proj[hi] <= right
		wantL := lo > 0 && w.proj[lo-1] >= left
		if !wantR && !wantL {
			return
		}
		if wantR {
			e := min(hi+xBlock, f.n)
			s.scanSorted(q, nq, hi, e)
			hi = e
		}
		if wantL {
			b := max(lo-xBlock, 0)
			s.scanSorted(q, nq, b, lo)
			lo = b
		}
	}
}

// reach returns the projections beyond which no base vector can displace
// a candidate of any of the queries: left of the first, right of the
// second. A query whose heap is not full reaches everywhere.
//
// Every candidate x of query i has a float32 score (‖x‖² − 2q·x) of at
// most the heap's worst, w, so ‖q − x‖² ≤ w + ‖q‖² + e, with e the bound
// on the score's rounding error that certified uses. A vector whose
// projection differs from the query's by more than the square root of that
// is farther than all k+extra candidates. The projections themselves are
// float64 sums whose error the margin of 1e-9 (‖q‖ + max ‖x‖) covers many
// times over.
func (s *searcher) reach(pq []float64, nq int) (left, right float64) {
	f := s.f
	left, right = math.Inf(1), math.Inf(-1)
	for i := range nq {
		h := &s.heaps[i]
		if !h.full() {
			return math.Inf(-1), math.Inf(1)
		}
		qq := s.qq[i]
		qn := math.Sqrt(qq)
		r := math.Sqrt(max(float64(h.score[0])+qq+f.euclidErr(qn), 0))*(1+1e-12) + 1e-9*(qn+f.maxNorm)
		if math.IsNaN(r) || math.IsInf(r, 0) || math.IsNaN(pq[i]) || math.IsInf(pq[i], 0) {
			return math.Inf(-1), math.Inf(1)
		}
		left, right = min(left, pq[i]-r), max(right, pq[i]+r)
	}
	return left, right
}

// scanSorted offers the base vectors at positions [p0, p1) of the sorted
// order, copied next to each other with their norms, to the queries.
func (s *searcher) scanSorted(q []float32, nq, p0, p1 int) {
	f := s.f
	d := f.dim
	ids := s.w.order[p0:p1]
	xs := s.xbuf[:len(ids)*d]
	norms := s.nbuf[:len(ids)]
	for j, id := range ids {
		copy(xs[j*d:(j+1)*d], f.x[int(id)*d:(int(id)+1)*d])
		norms[j] = f.norm[id]
	}
	s.scan(q, nq, xs, norms, 0, ids)
}
