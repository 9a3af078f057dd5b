// Package quality measures how faithfully a projection — PCA, t-SNE, an
// autoencoder's codes — keeps the neighbourhoods of the data it maps. A map
// can look convincing and still tear apart points that were close or
// bring together points that were far; these numbers say how much.
//
// For each point i, let N_k(i) be its k nearest other points in the data
// and M_k(i) those in the map (Euclidean in both; ties broken by the
// smaller index), and r(i, j) the rank of j among i's neighbours in the
// data (1 for the nearest), r̂(i, j) its rank in the map:
//
//   - Trustworthiness (Venna and Kaski, 2001) penalises false neighbours,
//     points near in the map but not in the data:
//     T(k) = 1 − 2/(nk(2n−3k−1)) Σ_i Σ_{j∈M_k(i)∖N_k(i)} (r(i,j) − k).
//     It is scikit-learn's sklearn.manifold.trustworthiness.
//   - Continuity penalises missing neighbours, near in the data but not in
//     the map: the same sum over N_k(i)∖M_k(i) with the ranks r̂ of the map;
//     it is trustworthiness with the data and the map swapped.
//   - kNN preservation is the mean fraction of each point's k nearest
//     neighbours that stay among its k nearest in the map,
//     Σ_i |N_k(i) ∩ M_k(i)| / (nk).
//   - Silhouette, when the points have labels, scores how well the labels
//     separate in the map (package cluster's silhouette, equal to
//     scikit-learn's silhouette_score).
//
// All three neighbourhood measures are 1 for a perfect map. They need every
// pairwise distance, O(n²·d) time and O(n) memory per worker; for large data
// evaluate a random sample (the command line uses 5,000 points).
//
// Distances in the map, and in data of at most 16 dimensions, are computed
// in float64. Wider data goes through float32 matrix products
// (internal/f32.Gemm) after centring, which is as exact as the ranking
// needs: only pairs whose distances agree to about 1e-6 could swap. Every
// sum is an integer count, so the results do not depend on the number of
// workers.
package quality

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/latent-go/latent/cluster"
	"github.com/latent-go/latent/internal/f32"

	"github.com/latent-go/latent/internal/parallel"
)

// Options configures Evaluate. The zero value uses 15 neighbours and every
// core.
type Options struct {
	// K is the number of neighbours; default 15. It must be less than half
	// the number of points.
	K int
	// Workers is the number of goroutines; default GOMAXPROCS. The results
	// do not depend on it.
	Workers int
}

// Report holds the quality measures of one map.
type Report struct {
	// K is the number of neighbours the measures use.
	K               int     `json:"k"`
	Trustworthiness float64 `json:"trustworthiness"`
	Continuity      float64 `json:"continuity"`
	KNNPreservation float64 `json:"knn_preservation"`
	// Silhouette is the mean silhouette of the labels in the map; nil
	// without labels, or when they form fewer than 2 or more than n−1
	// classes.
	Silhouette *float64 `json:"silhouette,omitempty"`
}

// ErrTooFewPoints is returned when there are not more than 2k points.
var ErrTooFewPoints = errors.New("quality: k must be less than half the number of points")

// Evaluate measures how well the map y (n×dy, row-major) keeps the
// neighbourhoods of the data x (n×d), and, when labels is not nil (one per
// point), their silhouette in the map.
//
// It panics if d or dy is less than 1, if len(x)/d and len(y)/dy differ, or
// if labels has the wrong length. It returns an error wrapping
// ErrTooFewPoints when 2·K ≥ n, and an error if x or y holds NaN or ±Inf.
func Evaluate(x []float32, d int, y []float32, dy int, labels []string, opt Options) (Report, error) {
	n := rows(x, d, y, dy)
	if labels != nil && len(labels) != n {
		panic(fmt.Sprintf("quality: %d labels for %d points", len(labels), n))
	}
	c, err := count(x, d, y, dy, n, opt)
	if err != nil {
		return Report{}, err
	}
	r := Report{K: c.k, Trustworthiness: c.trustworthiness(), Continuity: c.continuity(), KNNPreservation: c.preservation()}
	if labels != nil {
		codes, _ := cluster.Codes(labels)
		if s, err := cluster.Silhouette(y, n, dy, codes, cluster.SilhouetteOptions{Workers: opt.Workers}); err == nil {
			r.Silhouette = &s
		}
	}
	return r, nil
}

// Trustworthiness returns T(k) of the map y (n×dy) of the data x (n×d),
// as scikit-learn's trustworthiness(x, y, n_neighbors=k) computes it
// (Euclidean). workers ≤ 0 means GOMAXPROCS. It panics and fails as
// Evaluate does.
func Trustworthiness(x []float32, d int, y []float32, dy int, k, workers int) (float64, error) {
	n := rows(x, d, y, dy)
	c, err := count(x, d, y, dy, n, Options{K: k, Workers: workers})
	if err != nil {
		return 0, err
	}
	return c.trustworthiness(), nil
}

// Continuity returns the continuity at k of the map y of x, which equals
// Trustworthiness(y, dy, x, d, k, workers).
func Continuity(x []float32, d int, y []float32, dy int, k, workers int) (float64, error) {
	n := rows(x, d, y, dy)
	c, err := count(x, d, y, dy, n, Options{K: k, Workers: workers})
	if err != nil {
		return 0, err
	}
	return c.continuity(), nil
}

// KNNPreservation returns the mean fraction of the k nearest neighbours in
// x of each point that are among its k nearest in y.
func KNNPreservation(x []float32, d int, y []float32, dy int, k, workers int) (float64, error) {
	n := rows(x, d, y, dy)
	c, err := count(x, d, y, dy, n, Options{K: k, Workers: workers})
	if err != nil {
		return 0, err
	}
	return c.preservation(), nil
}

// rows checks the shapes and returns the number of points.
func rows(x []float32, d int, y []float32, dy int) int {
	if d < 1 || dy < 1 || len(x)%d != 0 || len(y)%dy != 0 || len(x)/d != len(y)/dy {
		panic(fmt.Sprintf("quality: %d values of dimension %d and %d of dimension %d are not the same points", len(x), d, len(y), dy))
	}
	return len(x) / d
}

// counts are the integer sums the measures are made of.
type counts struct {
	n, k      int
	falseRank int64 // Σ (r(i,j) − k) over false neighbours
	missRank  int64 // Σ (r̂(i,j) − k) over missing neighbours
	kept      int64 // Σ |N_k(i) ∩ M_k(i)|
}

func (c counts) norm() float64 {
	n, k := float64(c.n), float64(c.k)
	return 2 / (n * k * (2*n - 3*k - 1))
}

func (c counts) trustworthiness() float64 { return 1 - float64(c.falseRank)*c.norm() }
func (c counts) continuity() float64      { return 1 - float64(c.missRank)*c.norm() }
func (c counts) preservation() float64    { return float64(c.kept) / float64(c.n*c.k) }

// gemmMin is the data width from which distances come from matrix
// products instead of float64 loops.
const gemmMin = 17

// count computes the neighbour sets and rank sums, a block of rows at a
// time.
func count(x []float32, d int, y []float32, dy int, n int, opt Options) (counts, error) {
	k := opt.K
	if k == 0 {
		k = 15
	}
	if k < 1 {
		return counts{}, fmt.Errorf("quality: k %d: want at least 1", k)
	}
	if 2*k >= n {
		return counts{}, fmt.Errorf("%w (k %d, %d points)", ErrTooFewPoints, k, n)
	}
	for _, m := range []struct {
		v    []float32
		what string
	}{{x, "data"}, {y, "map"}} {
		for i, v := range m.v {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return counts{}, fmt.Errorf("quality: the %s holds %g at position %d", m.what, v, i)
			}
		}
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	xs := newSpace(x, n, d)
	ys := newSpace(y, n, dy)
	// Blocks of rows small enough that a block of float32 squared
	// distances stays within a few MiB.
	block := min(n, max(16, (4<<20)/(4*n)))
	c := counts{n: n, k: k}
	var fr, mr, kept atomic.Int64
	scratch := sync.Pool{New: func() any { return newRowScratch(n, k) }}
	for lo := 0; lo < n; lo += block {
		hi := min(lo+block, n)
		xs.prepare(lo, hi)
		ys.prepare(lo, hi)
		parallel.For(hi-lo, workers, func(r int) {
			i := lo + r
			s := scratch.Get().(*rowScratch)
			defer scratch.Put(s)
			xs.row(i, lo, s.dx)
			ys.row(i, lo, s.dy)
			nx := nearest(s.dx, i, k, s.nx)
			ny := nearest(s.dy, i, k, s.ny)
			var f, m, kp int64
			for _, j := range ny {
				if contains(nx, j) {
					kp++
				} else {
					f += int64(rank(s.dx, i, j) - k)
				}
			}
			for _, j := range nx {
				if !contains(ny, j) {
					m += int64(rank(s.dy, i, j) - k)
				}
			}
			fr.Add(f)
			mr.Add(m)
			kept.Add(kp)
		})
	}
	c.falseRank, c.missRank, c.kept = fr.Load(), mr.Load(), kept.Load()
	return c, nil
}

// rowScratch is one row's working memory.
type rowScratch struct {
	dx, dy []float64
	nx, ny []int32
}

func newRowScratch(n, k int) *rowScratch {
	return &rowScratch{dx: make([]float64, n), dy: make([]float64, n), nx: make([]int32, 0, k+1), ny: make([]int32, 0, k+1)}
}

// space computes rows of squared distances among the points of one space.
type space struct {
	v    []float32
	n, d int
	// For matrix products: the centred points, their squared norms, and
	// the current block of products.
	c    []float32
	norm []float32
	g    []float32
}

func newSpace(v []float32, n, d int) *space {
	s := &space{v: v, n: n, d: d}
	if d < gemmMin {
		return s
	}
	mean := make([]float64, d)
	for i := range n {
		for a := range d {
			mean[a] += float64(v[i*d+a])
		}
	}
	s.c = make([]float32, n*d)
	s.norm = make([]float32, n)
	for i := range n {
		var sq float64
		for a := range d {
			c := float64(v[i*d+a]) - mean[a]/float64(n)
			s.c[i*d+a] = float32(c)
			sq += c * c
		}
		s.norm[i] = float32(sq)
	}
	return s
}

// prepare computes the products of rows lo..hi-1 with every point.
func (s *space) prepare(lo, hi int) {
	if s.c == nil {
		return
	}
	if cap(s.g) < (hi-lo)*s.n {
		s.g = make([]float32, (hi-lo)*s.n)
	}
	s.g = s.g[:(hi-lo)*s.n]
	f32.Gemm(false, true, hi-lo, s.n, s.d, 1, s.c[lo*s.d:hi*s.d], s.d, s.c, s.d, 0, s.g, s.n)
}

// row writes the squared distances from point i (in the block starting at
// lo) to every point to dst.
func (s *space) row(i, lo int, dst []float64) {
	d := s.d
	if s.c != nil {
		g := s.g[(i-lo)*s.n : (i-lo+1)*s.n]
		ni := float64(s.norm[i])
		for j := range dst {
			dst[j] = max(ni+float64(s.norm[j])-2*float64(g[j]), 0)
		}
		return
	}
	vi := s.v[i*d : (i+1)*d]
	for j := range dst {
		vj := s.v[j*d : (j+1)*d]
		sum := 0.0
		for a, t := range vi {
			e := float64(t) - float64(vj[a])
			sum += e * e
		}
		dst[j] = sum
	}
}

// before reports whether j comes before l in the ranking of row dist:
// nearer, or as near with the smaller index.
func before(dist []float64, j, l int) bool {
	return dist[j] < dist[l] || (dist[j] == dist[l] && j < l)
}

// nearest returns the k points other than i that come first in dist,
// nearest first, in buf.
func nearest(dist []float64, i, k int, buf []int32) []int32 {
	buf = buf[:0]
	for j := range dist {
		if j == i {
			continue
		}
		if len(buf) == k && !before(dist, j, int(buf[k-1])) {
			continue
		}
		if len(buf) < k {
			buf = append(buf, int32(j))
		} else {
			buf[k-1] = int32(j)
		}
		for t := len(buf) - 1; t > 0 && before(dist, int(buf[t]), int(buf[t-1])); t-- {
			buf[t], buf[t-1] = buf[t-1], buf[t]
		}
	}
	return buf
}

// rank returns the rank of j among the points other than i in dist (1 for
// the first).
func rank(dist []float64, i int, j int32) int {
	r := 1
	for l := range dist {
		if l != i && l != int(j) && before(dist, l, int(j)) {
			r++
		}
	}
	return r
}

func contains(s []int32, v int32) bool {
	for _, e := range s {
		if e == v {
			return true
		}
	}
	return false
}
