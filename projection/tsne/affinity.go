package tsne

import (
	"context"
	"math"

	"github.com/latent-go/latent/distance"
	"github.com/latent-go/latent/knn"

	"github.com/latent-go/latent/internal/parallel"

	"github.com/latent-go/latent/projection/internal/knngraph"
)

// sparse is a square matrix in compressed sparse row form: the entries of
// row i are col[rowPtr[i]:rowPtr[i+1]] (increasing) and the same range of
// val.
type sparse struct {
	n      int
	rowPtr []int
	col    []int32
	val    []float64
}

// nnz returns the number of stored entries.
func (s *sparse) nnz() int { return len(s.col) }

// searchBlock is how many rows are searched at a time; it bounds the
// memory of knn.Flat's results and lets a cancellation stop the search.
const searchBlock = 4096

// neighbours returns the k nearest other rows of every row of the n×d
// matrix x (Euclidean, exact, ties by smaller index) and the squared
// distances to them, both n×k row-major, the squares rounded to float32 as
// scikit-learn does before calibrating.
func neighbours(ctx context.Context, x []float32, n, d, k, workers int) (ids []int32, sqd []float32, err error) {
	ids = make([]int32, n*k)
	sqd = make([]float32, n*k)
	idx := knn.NewFlat(x, d, distance.Euclidean)
	for lo := 0; lo < n; lo += searchBlock {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		hi := min(lo+searchBlock, n)
		res := idx.SearchBatch(x[lo*d:hi*d], k+1, workers)
		for r, nb := range res {
			i := lo + r
			out := 0
			self := false
			for _, v := range nb {
				if v.ID == i && !self {
					self = true
					continue
				}
				if out == k {
					break
				}
				dist := float64(v.Dist)
				ids[i*k+out] = int32(v.ID)
				sqd[i*k+out] = float32(dist * dist)
				out++
			}
		}
	}
	return ids, sqd, nil
}

// Perplexity calibration constants, scikit-learn's.
const (
	calibrationSteps     = 100
	calibrationTolerance = 1e-5
	minRowSum            = 1e-8
)

// conditional returns the conditional probabilities p_{j|i} of every row
// i of the n×k squared distances sqd to its neighbours: a Gaussian
// exp(−β_i d²) normalised over the row, with the precision β_i found by
// bisection so that the row's entropy (in nats) is log(perplexity) within
// 1e-5. It mirrors scikit-learn's _binary_search_perplexity step by step —
// β starts at 1 and doubles or halves until the target is bracketed,
// then bisects, for at most 100 steps; a row whose weights all underflow
// is normalised by 1e-8 instead of 0 — so that the two agree to rounding.
// Rows are independent and shared among workers goroutines.
func conditional(sqd []float32, n, k int, perplexity float64, workers int) []float64 {
	p := make([]float64, n*k)
	want := math.Log(perplexity)
	parallel.Chunks(n, 64, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row, dist := p[i*k:(i+1)*k], sqd[i*k:(i+1)*k]
			beta, betaMin, betaMax := 1.0, math.Inf(-1), math.Inf(1)
			for range calibrationSteps {
				sum := 0.0
				for j, d := range dist {
					row[j] = math.Exp(-float64(d) * beta)
					sum += row[j]
				}
				if sum == 0 {
					sum = minRowSum
				}
				sumDP := 0.0
				for j, d := range dist {
					row[j] /= sum
					sumDP += float64(d) * row[j]
				}
				diff := logSubnormal(sum) + beta*sumDP - want
				if math.Abs(diff) <= calibrationTolerance {
					break
				}
				if diff > 0 {
					betaMin = beta
					if math.IsInf(betaMax, 1) {
						beta *= 2
					} else {
						beta = (beta + betaMax) / 2
					}
				} else {
					betaMax = beta
					if math.IsInf(betaMin, -1) {
						beta /= 2
					} else {
						beta = (beta + betaMin) / 2
					}
				}
			}
		}
	})
	return p
}

// joint returns the symmetric joint probabilities p_ij = (p_{j|i} +
// p_{i|j}) / S, S the sum over all pairs (2n when every row sums to 1),
// from the conditional probabilities cond of the neighbour lists ids (both
// n×k). The pattern is the union of the lists and their transpose.
func joint(ids []int32, cond []float64, n, k int) *sparse {
	g := knngraph.Symmetrize(ids, cond, n, k, func(a, b float64) float64 { return a + b })
	s := &sparse{n: n, rowPtr: g.RowPtr, col: g.Col, val: g.Val}
	sum := 0.0
	for _, v := range s.val {
		sum += v
	}
	sum = max(sum, 0x1p-52) // scikit-learn's floor, machine epsilon
	for t := range s.val {
		s.val[t] /= sum
	}
	return s
}

// logSubnormal is math.Log, correct for subnormal x too. On amd64,
// math.Log (Go 1.26) returns about −709.09, the log of the smallest normal
// number, for every subnormal argument, and the row sums of a calibration
// that starts at β = 1 on large squared distances are subnormal: the
// bisection would then head the wrong way.
func logSubnormal(x float64) float64 {
	if x > 0 && x < 0x1p-1022 {
		return math.Log(x*0x1p64) - 64*math.Ln2
	}
	return math.Log(x)
}
