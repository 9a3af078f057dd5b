package umap

import (
	"context"
	"math"

	"github.com/latent-go/latent/distance"
	"github.com/latent-go/latent/knn"

	"github.com/latent-go/latent/internal/parallel"

	"github.com/latent-go/latent/projection/internal/knngraph"
)

// csr is a sparse matrix in compressed sparse row form: the entries of row
// i are col[rowPtr[i]:rowPtr[i+1]] (increasing) and the same range of val.
// Rows index the points; for the fuzzy graph of Fit it is square and
// symmetric.
type csr struct {
	n      int
	rowPtr []int
	col    []int32
	val    []float32
}

// searchBlock is how many rows are searched at a time: it bounds the memory
// of knn.Flat's result lists and lets a cancellation stop the search.
const searchBlock = 4096

// neighbours returns the k nearest rows of every row of the n×d matrix x
// under metric m, the row itself first (distance 0), as umap-learn's
// nearest_neighbors lists them, and the distances, both n×k row-major.
// The search is exact (knn.Flat): ties go to the smaller index, so the
// result depends on nothing but the data. A row with duplicates that sort
// before it is still listed first; the farthest neighbour makes room.
func neighbours(ctx context.Context, x []float32, n, d, k int, m distance.Metric, workers int) (ids []int32, dists []float32, err error) {
	ids = make([]int32, n*k)
	dists = make([]float32, n*k)
	idx := knn.NewFlat(x, d, m)
	for lo := 0; lo < n; lo += searchBlock {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		hi := min(lo+searchBlock, n)
		res := idx.SearchBatch(x[lo*d:hi*d], k, workers)
		for r, nb := range res {
			i := lo + r
			row, drow := ids[i*k:(i+1)*k], dists[i*k:(i+1)*k]
			row[0], drow[0] = int32(i), 0
			out := 1
			for _, v := range nb {
				if v.ID == i || out == k {
					continue
				}
				row[out], drow[out] = int32(v.ID), max(v.Dist, 0)
				out++
			}
		}
	}
	return ids, dists, nil
}

// Smooth-kNN constants, umap-learn's (SMOOTH_K_TOLERANCE, MIN_K_DIST_SCALE,
// n_iter of smooth_knn_dist).
const (
	smoothTolerance = 1e-5
	minKDistScale   = 1e-3
	smoothSteps     = 64
)

// smoothKNN calibrates every row of the n×k neighbour distances dists (each
// row sorted, nearest first): rho_i is the distance to the
// localConnectivity-th nonzero neighbour (interpolated for fractional
// values) and sigma_i is found by bisection so that
//
//	Σ_{j≥1} exp(−max(d_ij − rho_i, 0)/sigma_i) = log2(k)
//
// within 1e-5, in at most 64 steps. The sum starts at the second column,
// as umap-learn's smooth_knn_dist does: in Fit the first column is the
// point itself. sigma_i is kept at least 1e-3 times the mean distance of
// its row (of all rows when rho_i is 0, unless rowMean is set: Transform
// keeps every point independent of the others). It follows umap-learn step by step
// so that the two agree to rounding.
func smoothKNN(dists []float32, n, k int, localConnectivity float64, rowMean bool, workers int) (sigma, rho []float32) {
	sigma = make([]float32, n)
	rho = make([]float32, n)
	target := math.Log2(float64(k))
	var total float64
	for _, v := range dists {
		total += float64(v)
	}
	meanAll := total / float64(len(dists))
	index := int(math.Floor(localConnectivity))
	interp := localConnectivity - float64(index)
	parallel.Chunks(n, 256, workers, func(lo, hi int) {
		nonzero := make([]float32, 0, k)
		for i := lo; i < hi; i++ {
			row := dists[i*k : (i+1)*k]
			nonzero = nonzero[:0]
			for _, v := range row {
				if v > 0 {
					nonzero = append(nonzero, v)
				}
			}
			var r float32
			switch {
			case float64(len(nonzero)) >= localConnectivity:
				if index > 0 {
					r = nonzero[index-1]
					if interp > smoothTolerance {
						r += float32(interp) * (nonzero[index] - nonzero[index-1])
					}
				} else {
					r = float32(interp) * nonzero[0]
				}
			case len(nonzero) > 0:
				r = nonzero[len(nonzero)-1]
			}
			rho[i] = r
			lo, hi, mid := 0.0, math.Inf(1), 1.0
			for range smoothSteps {
				psum := 0.0
				for _, v := range row[1:] {
					if dd := v - r; dd > 0 {
						psum += math.Exp(-float64(dd) / mid)
					} else {
						psum++
					}
				}
				if math.Abs(psum-target) < smoothTolerance {
					break
				}
				if psum > target {
					hi = mid
					mid = (lo + hi) / 2
				} else {
					lo = mid
					if math.IsInf(hi, 1) {
						mid *= 2
					} else {
						mid = (lo + hi) / 2
					}
				}
			}
			s := float32(mid)
			if r > 0 || rowMean {
				var sum float64
				for _, v := range row {
					sum += float64(v)
				}
				if m := float32(minKDistScale * sum / float64(k)); s < m {
					s = m
				}
			} else if m := float32(minKDistScale * meanAll); s < m {
				s = m
			}
			sigma[i] = s
		}
	})
	return sigma, rho
}

// membership returns the strength exp(−(d − rho)/sigma) of an edge at
// distance d from a point calibrated to sigma and rho: 1 within rho (or
// when sigma is 0), umap-learn's compute_membership_strengths.
func membership(d, sigma, rho float32) float32 {
	if d-rho <= 0 || sigma == 0 {
		return 1
	}
	return float32(math.Exp(-float64(d-rho) / float64(sigma)))
}

// fuzzyUnion returns the fuzzy simplicial set of the neighbour lists ids
// (n×k, the point itself first) calibrated by sigma and rho: the directed
// strengths w_ij = membership(d_ij) (0 for the point itself) combined by
// the probabilistic t-conorm w_ij + w_ji − w_ij·w_ji, umap-learn's
// fuzzy_simplicial_set with set_op_mix_ratio 1. Zero entries are dropped.
func fuzzyUnion(ids []int32, dists, sigma, rho []float32, n, k int) *csr {
	w := make([]float32, n*k)
	for i := range n {
		for t := range k {
			if j := ids[i*k+t]; int(j) != i {
				w[i*k+t] = membership(dists[i*k+t], sigma[i], rho[i])
			}
		}
	}
	u := knngraph.Symmetrize(ids, w, n, k, func(a, b float32) float32 { return a + b - a*b })
	g := &csr{n: n, rowPtr: u.RowPtr, col: u.Col, val: u.Val}
	return g
}

// prune drops the entries of g below max/epochs, as umap-learn does before
// the layout (they would be sampled less than once), and returns the
// largest entry.
func (g *csr) prune(epochs int) float32 {
	var top float32
	for _, v := range g.val {
		top = max(top, v)
	}
	cut := top / float32(epochs)
	out := 0
	start := 0
	for i := range g.n {
		end := g.rowPtr[i+1]
		for t := start; t < end; t++ {
			if g.val[t] >= cut {
				g.col[out], g.val[out] = g.col[t], g.val[t]
				out++
			}
		}
		start = end
		g.rowPtr[i+1] = out
	}
	g.col, g.val = g.col[:out], g.val[:out]
	return top
}
