package cluster

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

	"github.com/latent-go/latent/distance"

	"github.com/latent-go/latent/internal/parallel"
)

// SilhouetteOptions configures Silhouette. The zero value computes the
// exact score over every sample with Euclidean distances.
type SilhouetteOptions struct {
	// Metric is the distance between samples; default Euclidean.
	Metric distance.Metric
	// SampleSize, when positive and smaller than the number of samples,
	// computes the score on a random subset of that many samples, drawn
	// without replacement with Rand. The score is then the exact
	// silhouette of the subset — both the within-cluster and the
	// nearest-cluster distances are averaged over the subset only — which
	// is what scikit-learn's silhouette_score(sample_size=...) computes
	// (with its own random draw, so the two subsets differ). The cost is
	// SampleSize² distances instead of n².
	SampleSize int
	// Rand draws the subset; required when SampleSize applies.
	Rand *rand.Rand
	// Workers is the number of goroutines; default GOMAXPROCS. The result
	// does not depend on it.
	Workers int
}

// Silhouette returns the mean silhouette coefficient of the labelled rows
// of the n×d matrix x: for each sample, (b − a) / max(a, b), where a is its
// mean distance to the other members of its cluster and b its mean
// distance to the members of the nearest other cluster; samples alone in
// their cluster score 0. It is in [−1, 1], higher for dense, well
// separated clusters, and equals scikit-learn's silhouette_score. Distances
// are the float64 reference (distance.Metric.Distance64).
//
// It panics if len(x) != n·d or len(labels) != n. It returns an error if
// the (sampled) labels do not form between 2 and n−1 clusters, or if
// SampleSize applies and Rand is nil.
func Silhouette(x []float32, n, d int, labels []int, opt SilhouetteOptions) (float64, error) {
	if n < 0 || d < 1 || len(x) != n*d || len(labels) != n {
		panic(fmt.Sprintf("cluster: Silhouette: len(x) = %d, len(labels) = %d for %d×%d", len(x), len(labels), n, d))
	}
	if !opt.Metric.Valid() {
		panic(fmt.Sprintf("cluster: Silhouette: invalid metric %v", opt.Metric))
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	if opt.SampleSize > 0 && opt.SampleSize < n {
		if opt.Rand == nil {
			return 0, fmt.Errorf("cluster: silhouette: sampling %d of %d samples needs a random generator", opt.SampleSize, n)
		}
		idx = opt.Rand.Perm(n)[:opt.SampleSize]
	}
	m := len(idx)
	// Cluster codes 0..k-1 of the subset.
	codes := map[int]int{}
	lab := make([]int, m)
	for i, j := range idx {
		c, ok := codes[labels[j]]
		if !ok {
			c = len(codes)
			codes[labels[j]] = c
		}
		lab[i] = c
	}
	k := len(codes)
	if k < 2 || k > m-1 {
		return 0, fmt.Errorf("cluster: silhouette: %d clusters among %d samples; it needs 2 to %d", k, m, m-1)
	}
	size := make([]int, k)
	for _, c := range lab {
		size[c]++
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	dist := opt.Metric.Distance64
	if opt.Metric == distance.Euclidean {
		dist = euclidean64
	}
	const rows = 64
	s := make([]float64, m)
	parallel.For((m+rows-1)/rows, workers, func(b int) {
		sums := make([]float64, k)
		for i := b * rows; i < min((b+1)*rows, m); i++ {
			clear(sums)
			xi := x[idx[i]*d : (idx[i]+1)*d]
			for j, xj := range idx {
				if j != i {
					sums[lab[j]] += dist(xi, x[xj*d:(xj+1)*d])
				}
			}
			own := lab[i]
			if size[own] == 1 {
				continue // s = 0
			}
			a := sums[own] / float64(size[own]-1)
			bmin := -1.0
			for c, v := range sums {
				if c != own {
					if mean := v / float64(size[c]); bmin < 0 || mean < bmin {
						bmin = mean
					}
				}
			}
			if den := max(a, bmin); den > 0 {
				s[i] = (bmin - a) / den
			}
		}
	})
	var total float64
	for _, v := range s {
		total += v
	}
	return total / float64(m), nil
}

// euclidean64 is the Euclidean distance accumulated in float64 with four
// partial sums: the reference to the last few bits, and twice as fast as
// one accumulator.
func euclidean64(a, b []float32) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		d0 := float64(a[i]) - float64(b[i])
		d1 := float64(a[i+1]) - float64(b[i+1])
		d2 := float64(a[i+2]) - float64(b[i+2])
		d3 := float64(a[i+3]) - float64(b[i+3])
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(a); i++ {
		t := float64(a[i]) - float64(b[i])
		s0 += t * t
	}
	return math.Sqrt((s0 + s1) + (s2 + s3))
}
