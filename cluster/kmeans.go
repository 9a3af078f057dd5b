// Package cluster groups embedding vectors with k-means and measures
// clusterings: inertia and the silhouette score without ground truth, the
// adjusted Rand index and normalised mutual information against known
// labels.
//
// The k-means follows scikit-learn's KMeans closely enough that the two can
// be compared number for number — k-means++ initialisation with greedy
// local trials, Lloyd iterations, a tolerance relative to the data's mean
// variance, several restarts keeping the lowest inertia — because "as good
// as scikit-learn" is the first question a user asks of a clustering. The
// metrics match scikit-learn's definitions exactly (the tests compare to
// 1e-9).
//
// Results are reproducible: the same data, configuration and seed give the
// same bytes whatever the number of workers, because work is split into
// pieces whose boundaries do not depend on the worker count and every sum
// is formed in a fixed order.
package cluster

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"

	"github.com/latent-go/latent/internal/f32"

	"github.com/latent-go/latent/internal/parallel"
)

// KMeansConfig configures FitKMeans. The zero value of each field means its
// default.
type KMeansConfig struct {
	// K is the number of clusters, 1 ≤ K ≤ the number of samples.
	K int
	// NInit is the number of k-means++ initialisations run to convergence;
	// the one with the lowest inertia is kept. Default 10 (scikit-learn's
	// n_init=10).
	NInit int
	// MaxIter bounds the Lloyd iterations of each run. Default 300.
	MaxIter int
	// Tol stops a run when the squared movement of the centres, summed over
	// the centres, is at most Tol times the mean per-feature variance of
	// the data (scikit-learn's tol). Default 1e-4; negative means 0, so a
	// run stops only when no label changes or at MaxIter.
	Tol float64
	// Workers is the number of goroutines; default GOMAXPROCS. The result
	// does not depend on it.
	Workers int
}

func (c KMeansConfig) withDefaults() KMeansConfig {
	if c.NInit == 0 {
		c.NInit = 10
	}
	if c.MaxIter == 0 {
		c.MaxIter = 300
	}
	switch {
	case c.Tol == 0:
		c.Tol = 1e-4
	case c.Tol < 0:
		c.Tol = 0
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	return c
}

// KMeans is a fitted k-means clustering.
type KMeans struct {
	// K is the number of clusters and D the dimension of the vectors.
	K, D int
	// Centers is K×D, row-major: the mean of each cluster's members.
	Centers []float32
	// Labels is the cluster of each training sample, in [0, K).
	Labels []int
	// Inertia is the sum of squared Euclidean distances from each sample to
	// its centre.
	Inertia float64
	// Iter is the number of Lloyd iterations of the kept run, and Converged
	// reports whether it stopped before MaxIter.
	Iter      int
	Converged bool
}

// FitKMeans clusters the n×d row-major matrix x into cfg.K clusters, taking
// its randomness (the k-means++ draws) from rng.
//
// Each of the cfg.NInit runs starts from k-means++ with 2 + ⌊ln K⌋ greedy
// local trials per centre: candidates are drawn with probability
// proportional to the squared distance to the nearest centre chosen so
// far, and the one that most reduces the total is kept. Lloyd iterations
// then alternate assigning each sample to its nearest centre — distances
// through a matrix product, ‖x‖² − 2x·c + ‖c‖², on data centred on its
// mean as scikit-learn does — and moving each centre to its members' mean.
// A cluster left empty is given the sample farthest from its centre. A run
// stops when no label changes, when the centres move less than the
// tolerance, or at MaxIter; labels are then recomputed for the final
// centres and the inertia computed exactly in float64.
//
// It panics if n or d < 1 or len(x) != n·d. It returns an error if K is not
// in [1, n], if x holds NaN or ±Inf, or if a setting is out of range.
func FitKMeans(x []float32, n, d int, cfg KMeansConfig, rng *rand.Rand) (*KMeans, error) {
	if n < 1 || d < 1 || len(x) != n*d {
		panic(fmt.Sprintf("cluster: FitKMeans: len(x) = %d for %d×%d", len(x), n, d))
	}
	if rng == nil {
		panic("cluster: FitKMeans: nil rng")
	}
	cfg = cfg.withDefaults()
	switch {
	case cfg.K < 1 || cfg.K > n:
		return nil, fmt.Errorf("cluster: k-means with K = %d clusters for %d samples: want 1 ≤ K ≤ %d", cfg.K, n, n)
	case cfg.NInit < 0:
		return nil, fmt.Errorf("cluster: k-means: NInit = %d, want ≥ 1", cfg.NInit)
	case cfg.MaxIter < 0:
		return nil, fmt.Errorf("cluster: k-means: MaxIter = %d, want ≥ 1", cfg.MaxIter)
	}
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("cluster: k-means: sample %d feature %d is %v", i/d, i%d, v)
		}
	}
	p := newProblem(x, n, d, cfg.K)
	tol := p.meanVariance() * cfg.Tol

	// One seed per run, drawn up front, so that runs can go in parallel
	// and still consume the caller's generator in a fixed way.
	seeds := make([][2]uint64, cfg.NInit)
	for i := range seeds {
		seeds[i] = [2]uint64{rng.Uint64(), rng.Uint64()}
	}
	runs := make([]*KMeans, cfg.NInit)
	inner := cfg.Workers
	if cfg.NInit > 1 && cfg.Workers > 1 {
		inner = 1 // runs in parallel, each on one goroutine
	}
	parallel.For(cfg.NInit, cfg.Workers/inner, func(r int) {
		runs[r] = p.run(rand.New(rand.NewPCG(seeds[r][0], seeds[r][1])), cfg.MaxIter, tol, inner)
	})
	best := runs[0]
	for _, r := range runs[1:] {
		if r.Inertia < best.Inertia {
			best = r
		}
	}
	// Back to the caller's coordinates.
	for c := range best.K {
		for j := range d {
			best.Centers[c*d+j] = float32(float64(best.Centers[c*d+j]) + p.mean[j])
		}
	}
	return best, nil
}

// problem is the data prepared once for all runs.
type problem struct {
	x    []float32 // centred copy, n×d
	norm []float32 // ‖x_i‖² of the centred rows
	mean []float64
	n, d int
	k    int
}

func newProblem(x []float32, n, d, k int) *problem {
	p := &problem{x: make([]float32, n*d), norm: make([]float32, n), mean: make([]float64, d), n: n, d: d, k: k}
	for i := range n {
		for j, v := range x[i*d : (i+1)*d] {
			p.mean[j] += float64(v)
		}
	}
	for j := range p.mean {
		p.mean[j] /= float64(n)
	}
	for i := range n {
		var s float64
		for j, v := range x[i*d : (i+1)*d] {
			c := float32(float64(v) - p.mean[j])
			p.x[i*d+j] = c
			s += float64(c) * float64(c)
		}
		p.norm[i] = float32(s)
	}
	return p
}

func (p *problem) row(i int) []float32 { return p.x[i*p.d : (i+1)*p.d : (i+1)*p.d] }

// meanVariance is the mean over features of the (population) variance.
func (p *problem) meanVariance() float64 {
	var s float64
	for j := range p.d {
		var v float64
		for i := range p.n {
			c := float64(p.x[i*p.d+j])
			v += c * c
		}
		s += v / float64(p.n)
	}
	return s / float64(p.d)
}

// chunk is the number of rows one assignment matrix product covers at
// most. Chunk boundaries are fixed, so results do not depend on the worker
// count.
const chunk = 256

// lloyd is the scratch space of one run.
//
// Besides the labels it keeps, for each row, Hamerly's bounds: an upper
// bound on the distance to its centre and a lower bound on the distance to
// every other centre. When the centres move, the bounds move by at most as
// much; a row whose upper bound is below both its lower bound and half the
// distance from its centre to the nearest other centre provably keeps its
// centre, and is not compared with any centre at all. Once a clustering
// settles this skips most rows, so an iteration costs far less than n·k
// distances; the labels are those Lloyd's algorithm gives (up to the
// float32 rounding of the distances, which the bounds allow for).
type lloyd struct {
	p       *problem
	workers int
	labels  []int
	upper   []float64 // ≥ distance from row i to its centre
	lower   []float64 // ≤ distance from row i to any other centre
	cn      []float32 // ‖c‖² of each centre
	half    []float64 // half the distance from each centre to the nearest other one
	shift   []float64 // how far each centre moved in the last update
	// errSq bounds the rounding error of a squared distance through the
	// matrix product, relative to (‖x‖ + ‖c‖)².
	errSq     float64
	partRows  int // rows per part, a multiple of chunk
	partSum   [][]float64
	partCount [][]int
	scratch   []*stepScratch // per part
	sum       []float64
	count     []int
}

// stepScratch is one part's buffers for the rows of a chunk that need
// their distances.
type stepScratch struct {
	idx     []int
	rows    []float32 // the rows, gathered: len(idx) × d
	prod    []float32 // k × len(idx) products
	best    []int
	bs, bs2 []float32 // smallest and second smallest scores
}

// newLloyd splits the rows into parts whose centre sums are accumulated
// separately (in float64, in row order) and then added in part order: the
// parts depend on n, k and d only, never on the worker count. There are at
// most 64, and fewer when k·d is large, to bound their memory at about
// 32 MiB.
func (p *problem) newLloyd(workers int) *lloyd {
	k, d := p.k, p.d
	rows := max(chunk, (p.n+63)/64)
	rows = (rows + chunk - 1) / chunk * chunk
	for (p.n+rows-1)/rows > 1 && (p.n+rows-1)/rows*k*d > 1<<22 {
		rows *= 2
	}
	parts := (p.n + rows - 1) / rows
	l := &lloyd{p: p, workers: workers, labels: make([]int, p.n), upper: make([]float64, p.n), lower: make([]float64, p.n),
		cn: make([]float32, k), half: make([]float64, k), shift: make([]float64, k),
		errSq:    4 * float64(d+4) * 0x1p-24,
		partRows: rows, partSum: make([][]float64, parts), partCount: make([][]int, parts), scratch: make([]*stepScratch, parts),
		sum: make([]float64, k*d), count: make([]int, k)}
	for i := range l.labels {
		l.labels[i] = -1 // no centre yet: the first step computes every row
	}
	for i := range parts {
		l.partSum[i] = make([]float64, k*d)
		l.partCount[i] = make([]int, k)
		l.scratch[i] = &stepScratch{idx: make([]int, 0, chunk), rows: make([]float32, chunk*d), prod: make([]float32, k*chunk),
			best: make([]int, chunk), bs: make([]float32, chunk), bs2: make([]float32, chunk)}
	}
	return l
}

// run is one k-means++ initialisation followed by Lloyd iterations.
func (p *problem) run(rng *rand.Rand, maxIter int, tol float64, workers int) *KMeans {
	k, d := p.k, p.d
	centers := p.plusPlus(rng, workers)
	next := make([]float32, k*d)
	l := p.newLloyd(workers)
	old := make([]int, p.n)
	for i := range old {
		old[i] = -1
	}
	res := &KMeans{K: k, D: d}
	strict, stopped := false, false
	for res.Iter < maxIter {
		res.Iter++
		l.step(centers, true)
		l.newCenters(next, centers)
		var shift float64
		for i, v := range next {
			s := float64(v) - float64(centers[i])
			shift += s * s
		}
		centers, next = next, centers
		if slices.Equal(l.labels, old) {
			strict = true
			break
		}
		if shift <= tol {
			stopped = true
			break
		}
		copy(old, l.labels)
	}
	res.Converged = strict || stopped
	if !strict {
		l.step(centers, false) // labels for the final centres
	}
	res.Centers, res.Labels = centers, l.labels
	res.Inertia = p.inertia(centers, l.labels, workers)
	return res
}

// step assigns to its nearest centre (ties: the lower index) every row
// whose bounds do not already prove it, through matrix products. With
// sums it also keeps each part's centre sums and counts up to date: a row
// whose label changed moves its values from the old cluster's sum to the
// new one's (the first step adds every row). Sums are float64 and updated
// in row order within each part.
func (l *lloyd) step(centers []float32, sums bool) {
	p := l.p
	k, d := p.k, p.d
	var maxC float64
	for c := range k {
		var s float64
		for _, v := range centers[c*d : (c+1)*d] {
			s += float64(v) * float64(v)
		}
		l.cn[c] = float32(s)
		maxC = max(maxC, math.Sqrt(s))
	}
	parallel.For(len(l.partSum), l.workers, func(part int) {
		sc := l.scratch[part]
		sum, count := l.partSum[part], l.partCount[part]
		for lo := part * l.partRows; lo < min((part+1)*l.partRows, p.n); lo += chunk {
			hi := min(lo+chunk, p.n)
			idx := sc.idx[:0]
			for i := lo; i < hi; i++ {
				if a := l.labels[i]; a < 0 || l.upper[i] > max(l.lower[i], l.half[a]) {
					idx = append(idx, i)
				}
			}
			m := len(idx)
			if m == 0 {
				continue
			}
			// Few rows: gather them. Many: take the whole chunk as it
			// lies (the product of a few skipped rows costs less than
			// the copies), and read the needed columns.
			rows, cols := sc.rows[:m*d], m
			col := func(t int) int { return t }
			if 4*m >= hi-lo {
				rows, cols = p.x[lo*d:hi*d], hi-lo
				col = func(t int) int { return idx[t] - lo }
			} else {
				for t, i := range idx {
					copy(rows[t*d:(t+1)*d], p.row(i))
				}
			}
			// prod[c][j] = −2c·x_j; with ‖c‖² added it is ‖x_j − c‖² −
			// ‖x_j‖². The centres as rows keep the few of them along
			// the micro-kernel's long side.
			prod := sc.prod[:k*cols]
			f32.Gemm(false, true, k, cols, d, -2, centers, d, rows, d, 0, prod, cols)
			// The two nearest centres, one centre at a time over the
			// rows: independent comparisons pipeline better than a
			// search along each row.
			best, bs, bs2 := sc.best[:cols], sc.bs[:cols], sc.bs2[:cols]
			add := l.cn[0]
			for j, v := range prod[:cols] {
				best[j], bs[j], bs2[j] = 0, v+add, maxFloat32
			}
			for c := 1; c < k; c++ {
				add := l.cn[c]
				for j, v := range prod[c*cols : (c+1)*cols] {
					if v += add; v < bs2[j] {
						if v < bs[j] {
							bs2[j], bs[j], best[j] = bs[j], v, c
						} else {
							bs2[j] = v
						}
					}
				}
			}
			for t, i := range idx {
				t := col(t)
				b := best[t]
				e := l.errSq * (math.Sqrt(float64(p.norm[i])) + maxC) * (math.Sqrt(float64(p.norm[i])) + maxC)
				l.upper[i] = math.Sqrt(max(float64(p.norm[i])+float64(bs[t])+e, 0))
				if k > 1 {
					l.lower[i] = math.Sqrt(max(float64(p.norm[i])+float64(bs2[t])-e, 0))
				} else {
					l.lower[i] = math.Inf(1)
				}
				prev := l.labels[i]
				l.labels[i] = b
				if !sums || prev == b {
					continue
				}
				count[b]++
				acc := sum[b*d : (b+1)*d]
				if prev < 0 {
					for j, v := range p.row(i) {
						acc[j] += float64(v)
					}
					continue
				}
				count[prev]--
				old := sum[prev*d : (prev+1)*d]
				for j, v := range p.row(i) {
					acc[j] += float64(v)
					old[j] -= float64(v)
				}
			}
		}
	})
}

const maxFloat32 = math.MaxFloat32

// newCenters sets next to the mean of each cluster from the part sums of
// the last step, and moves the bounds by how far the centres moved from
// old. An empty cluster takes the rows farthest from their centres (lowest
// index first among equals) whose clusters can spare them; they leave
// their old cluster, as in scikit-learn.
func (l *lloyd) newCenters(next, old []float32) {
	p := l.p
	k, d := p.k, p.d
	clear(l.sum)
	clear(l.count)
	for part := range l.partSum {
		for i, v := range l.partSum[part] {
			l.sum[i] += v
		}
		for c, v := range l.partCount[part] {
			l.count[c] += v
		}
	}
	var moved []int
	if slices.Contains(l.count, 0) {
		dist := make([]float64, p.n)
		for i := range dist {
			dist[i] = sqDist64(p.row(i), old[l.labels[i]*d:(l.labels[i]+1)*d])
		}
		order := make([]int, p.n)
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(dist[b], dist[a]) })
		at := 0
		for c := range k {
			if l.count[c] > 0 {
				continue
			}
			for at < p.n && l.count[l.labels[order[at]]] <= 1 {
				at++
			}
			if at == p.n {
				break // cannot happen for K ≤ n
			}
			i := order[at]
			at++
			from := l.labels[i]
			l.count[from]--
			ps, pc := l.partSum[i/l.partRows], l.partCount[i/l.partRows]
			pc[from]--
			pc[c]++
			for j, v := range p.row(i) {
				l.sum[from*d+j] -= float64(v)
				l.sum[c*d+j] = float64(v)
				ps[from*d+j] -= float64(v)
				ps[c*d+j] += float64(v)
			}
			l.labels[i], l.count[c] = c, 1
			moved = append(moved, i)
		}
	}
	copy(next, old)
	for c := range k {
		if l.count[c] == 0 {
			continue // keeps its centre (only when no row can be spared)
		}
		inv := 1 / float64(l.count[c])
		for j := range d {
			next[c*d+j] = float32(l.sum[c*d+j] * inv)
		}
	}
	// Move the bounds: a row's centre moved by shift[a]; any other centre
	// by at most the largest shift among the others.
	first, second, top := 0.0, 0.0, -1
	for c := range k {
		s := math.Sqrt(sqDist64(next[c*d:(c+1)*d], old[c*d:(c+1)*d]))
		l.shift[c] = s
		if s > first {
			first, second, top = s, first, c
		} else if s > second {
			second = s
		}
	}
	for i, a := range l.labels {
		l.upper[i] += l.shift[a]
		if a == top {
			l.lower[i] -= second
		} else {
			l.lower[i] -= first
		}
	}
	for _, i := range moved {
		l.upper[i], l.lower[i] = 0, 0 // its own centre now: recomputed only if it must be
	}
	for c := range k {
		h := math.Inf(1)
		for o := range k {
			if o != c {
				h = min(h, sqDist64(next[c*d:(c+1)*d], next[o*d:(o+1)*d]))
			}
		}
		l.half[c] = math.Sqrt(h) / 2
	}
}

// inertia is Σ ‖x_i − c_{l_i}‖², in float64, summed per chunk and then over
// chunks in order.
func (p *problem) inertia(centers []float32, labels []int, workers int) float64 {
	chunks := (p.n + chunk - 1) / chunk
	part := make([]float64, chunks)
	parallel.For(chunks, workers, func(ci int) {
		var s float64
		for i := ci * chunk; i < min((ci+1)*chunk, p.n); i++ {
			s += sqDist64(p.row(i), centers[labels[i]*p.d:(labels[i]+1)*p.d])
		}
		part[ci] = s
	})
	var s float64
	for _, v := range part {
		s += v
	}
	return s
}

func sqDist64(a, b []float32) float64 {
	var s float64
	for i, v := range a {
		t := float64(v) - float64(b[i])
		s += t * t
	}
	return s
}

// plusPlus chooses k initial centres by greedy k-means++.
func (p *problem) plusPlus(rng *rand.Rand, workers int) []float32 {
	n, d, k := p.n, p.d, p.k
	centers := make([]float32, k*d)
	trials := 2 + int(math.Log(float64(k)))
	first := rng.IntN(n)
	copy(centers, p.row(first))
	closest := make([]float32, n)
	p.sqDistances(closest, p.row(first), 1, workers)
	pot := sum64(closest)
	cand := make([]float32, trials*d)
	ids := make([]int, trials)
	dists := make([]float32, trials*n)
	cum := make([]float64, n)
	for c := 1; c < k; c++ {
		var s float64
		for i, v := range closest {
			s += float64(v)
			cum[i] = s
		}
		for t := range trials {
			r := rng.Float64() * pot
			i, _ := slices.BinarySearch(cum, r) // first cum[i] ≥ r
			ids[t] = min(i, n-1)
			copy(cand[t*d:], p.row(ids[t]))
		}
		p.sqDistances(dists, cand, trials, workers)
		best, bestPot := 0, math.Inf(1)
		for t := range trials {
			row := dists[t*n : (t+1)*n]
			var s float64
			for i, v := range row {
				v = min(v, closest[i])
				row[i] = v
				s += float64(v)
			}
			if s < bestPot {
				best, bestPot = t, s
			}
		}
		copy(closest, dists[best*n:(best+1)*n])
		pot = bestPot
		copy(centers[c*d:], p.row(ids[best]))
	}
	return centers
}

// sqDistances sets dst[t·n + i] to the squared distance from row i to the
// t-th of m vectors c, through matrix products over fixed chunks of rows.
func (p *problem) sqDistances(dst, c []float32, m, workers int) {
	n, d := p.n, p.d
	cn := make([]float32, m)
	for t := range m {
		var s float64
		for _, v := range c[t*d : (t+1)*d] {
			s += float64(v) * float64(v)
		}
		cn[t] = float32(s)
	}
	const cols = 4 * chunk
	chunks := (n + cols - 1) / cols
	parallel.For(chunks, workers, func(ci int) {
		lo, hi := ci*cols, min((ci+1)*cols, n)
		f32.Gemm(false, true, m, hi-lo, d, -2, c, d, p.x[lo*d:hi*d], d, 0, dst[lo:], n)
		for t := range m {
			row := dst[t*n+lo : t*n+hi]
			for i := range row {
				row[i] = max(row[i]+cn[t]+p.norm[lo+i], 0)
			}
		}
	})
}

func sum64(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v)
	}
	return s
}

// Predict sets dst[i] to the nearest centre of row i of the row-major
// matrix x (len(dst) rows of D values), by exact float64 distance, ties to
// the lower index. It panics on a length mismatch.
func (km *KMeans) Predict(dst []int, x []float32) {
	if len(x) != len(dst)*km.D {
		panic(fmt.Sprintf("cluster: Predict: len(x) = %d, want %d rows of %d", len(x), len(dst), km.D))
	}
	for i := range dst {
		row := x[i*km.D : (i+1)*km.D]
		best, bd := 0, math.Inf(1)
		for c := range km.K {
			if s := sqDist64(row, km.Centers[c*km.D:(c+1)*km.D]); s < bd {
				best, bd = c, s
			}
		}
		dst[i] = best
	}
}

// Inertia returns Σ ‖x_i − centers[labels[i]]‖² for the n×d matrix x and
// the K×d centres, in float64. It panics on a length mismatch or a label
// out of range.
func Inertia(x []float32, n, d int, centers []float32, labels []int) float64 {
	if len(x) != n*d || len(labels) != n || d < 1 || len(centers)%d != 0 {
		panic("cluster: Inertia: inconsistent lengths")
	}
	var s float64
	for i, l := range labels {
		s += sqDist64(x[i*d:(i+1)*d], centers[l*d:(l+1)*d])
	}
	return s
}
