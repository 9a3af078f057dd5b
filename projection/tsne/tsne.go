// Package tsne embeds high-dimensional vectors in two or three dimensions
// with t-distributed stochastic neighbour embedding (t-SNE): the map in
// which people see the clusters an autoencoder's codes or a word embedding
// have formed, fast enough for the 60,000 codes of MNIST.
//
// The algorithm is scikit-learn's TSNE(method="barnes_hut") step for step,
// so that the two can be compared number for number and a user moving from
// one to the other sees the same maps:
//
//   - Affinities: the 3·perplexity nearest neighbours of every point
//     (exact, from knn.Flat, Euclidean), a Gaussian on the squared distances
//     calibrated by binary search to the perplexity, then symmetrised,
//     p_ij = (p_{j|i} + p_{i|j}) / Σ.
//   - Initialisation: the first Dims principal components (package pca),
//     scaled so that the first has standard deviation 1e-4 (init="pca");
//     or Gaussian noise of that size.
//   - Optimisation: gradient descent with momentum 0.5 and P exaggerated
//     12 times for the first 250 iterations, then momentum 0.8 and the
//     true P; per-coordinate gains (+0.2 when the gradient changes sign,
//     ×0.8 otherwise, at least 0.01); learning rate max(N/12/4, 50)
//     (learning_rate="auto"); gains and momentum restart with the second
//     phase; every 50 iterations the divergence is checked and the run
//     stops if it has not improved for 300 iterations or the gradient norm
//     is below 1e-7.
//   - Similarities in the map: Student's t with max(Dims−1, 1) degrees of
//     freedom (the Cauchy kernel 1/(1+d²) in 2-D), as scikit-learn chooses.
//
// What differs, and why: arithmetic is float64 throughout (scikit-learn's
// gradient is float32); the PCA initialisation is exact rather than
// randomised, so it needs no seed; the tree's cells are squares and its
// leaves hold up to 8 points summed exactly, which is at least as accurate
// as scikit-learn's one-point leaves; and for degrees of freedom other than
// 1 (3-D maps) the step is the true gradient, (2(α+1)/α) Σ (p_ij − q_ij)
// u_ij (y_i − y_j) with u_ij = (1 + d²/α)⁻¹, where scikit-learn multiplies
// by the kernel value w_ij = u_ij^((α+1)/2) instead of u_ij.
//
// # Gradient: Barnes–Hut rather than FFT interpolation
//
// The attractive forces run over the sparse P, O(N·perplexity). The
// repulsive forces and the normaliser Z involve all pairs and are
// approximated with a Barnes–Hut tree (quadtree in 2-D, octree in 3-D;
// see tree.go), at O(N log N) per iteration with θ = 0.5: a cell of width w
// whose centre of mass is farther than w/θ from a point stands for all its
// points. FFT-accelerated interpolation (FIt-SNE) is O(N) instead, and wins
// with FFTW for hundreds of thousands of points, but at 60,000 points in
// pure Go the per-iteration 2-D FFTs of its interpolation grid (several
// transforms of some 500² padded values once the map has spread out) cost
// about as much as the tree walk, its grid grows cubically in 3-D, and it
// would replace θ, the accuracy knob users know from scikit-learn, with
// grid parameters. The tree reaches scikit-learn's divergence (slightly
// below it) about 12 times faster on 5,000 points, and embeds 60,000
// points in 1.5 to 2.5 minutes on two busy shared cores; see bench/tsne
// and bench/README.md.
//
// The tree is built from Morton codes, sorted with a radix sort, and stored
// in depth-first order so that the walk needs no stack; leaves hold up to
// 8 points, summed exactly when they are too near to summarise. Cells are
// squares (cubes) and the opening test is width/distance < θ against the
// centre of mass, which with θ = 0 makes the sum exact.
//
// # Divergence
//
// Embed returns KL(P‖Q) as scikit-learn reports kl_divergence_ for
// barnes_hut: measured at the start of the last iteration, over the stored
// entries of P only, Σ p_ij log(max(p_ij, ε)/max(q_ij, ε)) with ε the
// smallest normal float32, and with Z from the same tree as the gradient.
// (A run too short to leave the exaggerated phase, which scikit-learn does
// not allow, reports the divergence from the true P at the final map.)
// The divergences reported to the progress function during the first 250
// iterations are of the exaggerated P, as scikit-learn's verbose output
// shows them.
//
// # Determinism and parallelism
//
// The gradient is parallel over points: each point's sums are formed by
// one goroutine in a fixed order, and sums over points (Z, the divergence)
// are added up in index order afterwards, never in the order goroutines
// finish. The nearest neighbours are exact and independent of workers
// too. So Embed's result depends only on the data and the configuration —
// the same bytes for any Workers. The seed matters only for Init:
// InitRandom; the PCA initialisation is deterministic.
package tsne

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/latent-go/latent/projection/pca"
)

// Init chooses the starting map.
type Init int

const (
	// InitPCA starts from the first principal components, scaled so that
	// the first has standard deviation 1e-4 (scikit-learn's init="pca").
	// Data with fewer features than Dims starts from InitRandom instead.
	InitPCA Init = iota
	// InitRandom starts from Gaussian noise with standard deviation 1e-4.
	InitRandom
)

// Config configures Embed. The zero value is scikit-learn's default
// TSNE(perplexity=30, n_iter=1000, init="pca", learning_rate="auto",
// angle=0.5) in two dimensions.
type Config struct {
	// Dims is the dimension of the map, 2 or 3; default 2.
	Dims int
	// Perplexity is the effective number of neighbours each point's
	// Gaussian covers; default 30. It must be less than the number of
	// points. 3·Perplexity nearest neighbours are used.
	Perplexity float64
	// Iterations is the number of gradient steps, the exaggerated ones
	// included; default 1000. Unlike scikit-learn, fewer than
	// ExaggerationIterations are allowed (for quick looks and tests).
	Iterations int
	// Theta is the Barnes–Hut opening angle in (0, 1]: a cell is
	// summarised when its width is less than Theta times its distance.
	// Default 0.5. Smaller is slower and more accurate.
	Theta float64
	// EarlyExaggeration multiplies P during the first
	// ExaggerationIterations; default 12.
	EarlyExaggeration float64
	// ExaggerationIterations is the length of the first phase; default
	// 250.
	ExaggerationIterations int
	// LearningRate is the step size; default (0) max(N/EarlyExaggeration/4,
	// 50), scikit-learn's "auto".
	LearningRate float64
	// DegreesOfFreedom of the Student-t similarities in the map; default
	// max(Dims−1, 1) as in scikit-learn (1, the Cauchy kernel, in 2-D).
	DegreesOfFreedom float64
	// Init is the starting map; default InitPCA.
	Init Init
	// Seed seeds InitRandom.
	Seed uint64
	// Workers is the number of goroutines; default GOMAXPROCS. The result
	// does not depend on it.
	Workers int
}

// Progress is called after every iteration (counted from 1) with the
// divergence when it was measured at that iteration — every 50 iterations
// and at the last — and NaN otherwise.
type Progress func(iter int, kl float64)

// ErrDiverged is returned when the optimisation produces a non-finite map
// or gradient.
var ErrDiverged = errors.New("tsne: optimisation diverged")

// defaults fills in the zero fields of c and checks it for n points.
func (c Config) defaults(n int) (Config, error) {
	if c.Dims == 0 {
		c.Dims = 2
	}
	if c.Perplexity == 0 {
		c.Perplexity = 30
	}
	if c.Iterations == 0 {
		c.Iterations = 1000
	}
	if c.Theta == 0 {
		c.Theta = 0.5
	}
	if c.EarlyExaggeration == 0 {
		c.EarlyExaggeration = 12
	}
	if c.ExaggerationIterations == 0 {
		c.ExaggerationIterations = 250
	}
	if c.DegreesOfFreedom == 0 {
		c.DegreesOfFreedom = float64(max(c.Dims-1, 1))
	}
	switch {
	case c.Dims != 2 && c.Dims != 3:
		return c, fmt.Errorf("tsne: Dims %d: want 2 or 3", c.Dims)
	case !(c.Perplexity > 0) || math.IsInf(c.Perplexity, 0):
		return c, fmt.Errorf("tsne: Perplexity %g: want a positive number", c.Perplexity)
	case c.Perplexity >= float64(n):
		return c, fmt.Errorf("tsne: Perplexity %g must be less than the number of points, %d", c.Perplexity, n)
	case c.Iterations < 0:
		return c, fmt.Errorf("tsne: Iterations %d: want a positive number", c.Iterations)
	case !(c.Theta > 0 && c.Theta <= 1):
		return c, fmt.Errorf("tsne: Theta %g: want a value in (0, 1]", c.Theta)
	case !(c.EarlyExaggeration >= 1) || math.IsInf(c.EarlyExaggeration, 0):
		return c, fmt.Errorf("tsne: EarlyExaggeration %g: want at least 1", c.EarlyExaggeration)
	case c.ExaggerationIterations < 0:
		return c, fmt.Errorf("tsne: ExaggerationIterations %d: want 0 or more", c.ExaggerationIterations)
	case !(c.LearningRate >= 0) || math.IsInf(c.LearningRate, 0):
		return c, fmt.Errorf("tsne: LearningRate %g: want a positive number", c.LearningRate)
	case !(c.DegreesOfFreedom > 0) || math.IsInf(c.DegreesOfFreedom, 0):
		return c, fmt.Errorf("tsne: DegreesOfFreedom %g: want a positive number", c.DegreesOfFreedom)
	case c.Init != InitPCA && c.Init != InitRandom:
		return c, fmt.Errorf("tsne: unknown Init %d", c.Init)
	}
	if c.LearningRate == 0 {
		c.LearningRate = max(float64(n)/c.EarlyExaggeration/4, 50)
	}
	return c, nil
}

// Optimiser constants, scikit-learn's.
const (
	checkEvery      = 50   // iterations between divergence checks
	noProgress      = 300  // stop when the divergence has not improved for this long
	minGradNorm     = 1e-7 // stop when the gradient's norm is below this
	minGain         = 0.01
	momentumEarly   = 0.5
	momentumLate    = 0.8
	initScale       = 1e-4
	noProgressEarly = 250 // noProgress of the exaggerated phase (scikit-learn's _EXPLORATION_N_ITER)
)

// Embed maps the n rows of the n×d row-major matrix x to Dims dimensions
// with t-SNE and returns the n×Dims row-major map and the final KL
// divergence (see the package documentation for how it is measured).
// progress, when not nil, is called after every iteration.
//
// It panics if n or d is less than 1 or len(x) != n·d. It returns an error
// if cfg is invalid for n points (n must exceed the perplexity), if x holds
// NaN or ±Inf, if ctx is cancelled (ctx.Err()), or ErrDiverged.
func Embed(ctx context.Context, x []float32, n, d int, cfg Config, progress Progress) (y []float64, kl float64, err error) {
	if n < 1 || d < 1 || len(x) != n*d {
		panic(fmt.Sprintf("tsne: Embed: %d values for %d×%d", len(x), n, d))
	}
	if cfg, err = cfg.defaults(n); err != nil {
		return nil, 0, err
	}
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, 0, fmt.Errorf("tsne: row %d column %d is %g", i/d, i%d, v)
		}
	}
	k := min(n-1, int(3*cfg.Perplexity+1))
	ids, sqd, err := neighbours(ctx, x, n, d, k, cfg.Workers)
	if err != nil {
		return nil, 0, err
	}
	p := joint(ids, conditional(sqd, n, k, cfg.Perplexity, cfg.Workers), n, k)
	ids, sqd = nil, nil
	y, err = initial(x, n, d, cfg)
	if err != nil {
		return nil, 0, err
	}
	kl, err = optimise(ctx, p, y, cfg, progress)
	if err != nil {
		return nil, 0, err
	}
	return y, kl, nil
}

// initial returns the starting map.
func initial(x []float32, n, d int, cfg Config) ([]float64, error) {
	y := make([]float64, n*cfg.Dims)
	if cfg.Init == InitPCA && d >= cfg.Dims && n >= 2 {
		fit, err := pca.Fit(x, n, d, cfg.Dims)
		if err != nil {
			return nil, fmt.Errorf("tsne: PCA initialisation: %w", err)
		}
		code := make([]float32, n*cfg.Dims)
		fit.Transform(code, x, n)
		var sum, sq float64
		for i := range n {
			v := float64(code[i*cfg.Dims])
			sum += v
			sq += v * v
		}
		mean := sum / float64(n)
		std := math.Sqrt(max(sq/float64(n)-mean*mean, 0))
		if std > 0 {
			s := initScale / std
			for i, v := range code {
				y[i] = float64(v) * s
			}
			return y, nil
		}
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x74736e65)) // "tsne"
	for i := range y {
		y[i] = initScale * rng.NormFloat64()
	}
	return y, nil
}

// optimise runs the two phases of gradient descent on y in place and
// returns the last divergence measured.
func optimise(ctx context.Context, p *sparse, y []float64, cfg Config, progress Progress) (float64, error) {
	n, dims := p.n, cfg.Dims
	obj := newObjective(p, dims, cfg.Theta, cfg.DegreesOfFreedom, cfg.Workers)
	grad := make([]float64, n*dims)
	update := make([]float64, n*dims)
	gains := make([]float64, n*dims)
	kl := math.NaN()
	phases := []struct {
		from, to   int
		momentum   float64
		exag       float64
		noProgress int
	}{
		{0, min(cfg.ExaggerationIterations, cfg.Iterations), momentumEarly, cfg.EarlyExaggeration, noProgressEarly},
		{min(cfg.ExaggerationIterations, cfg.Iterations), cfg.Iterations, momentumLate, 1, noProgress},
	}
	for _, ph := range phases {
		if ph.from >= ph.to {
			continue
		}
		clear(update)
		for i := range gains {
			gains[i] = 1
		}
		best, bestIter := math.MaxFloat64, ph.from
		for it := ph.from; it < ph.to; it++ {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
			check := (it+1)%checkEvery == 0
			measure := check || it == ph.to-1
			e := obj.gradient(y, grad, ph.exag, measure)
			if measure {
				kl = e
			}
			for t, g := range grad {
				if (update[t] < 0) != (g < 0) && update[t] != 0 && g != 0 {
					gains[t] += 0.2
				} else {
					gains[t] = max(gains[t]*0.8, minGain)
				}
				g *= gains[t]
				grad[t] = g
				update[t] = ph.momentum*update[t] - cfg.LearningRate*g
				y[t] += update[t]
			}
			if measure && (math.IsNaN(e) || math.IsInf(e, 0)) {
				return 0, fmt.Errorf("%w at iteration %d", ErrDiverged, it+1)
			}
			if progress != nil {
				if measure {
					progress(it+1, e)
				} else {
					progress(it+1, math.NaN())
				}
			}
			if check {
				if e < best {
					best, bestIter = e, it
				} else if it-bestIter > ph.noProgress {
					break
				}
				norm := 0.0
				for _, g := range grad {
					norm += g * g
				}
				if math.Sqrt(norm) <= minGradNorm {
					break
				}
			}
		}
	}
	for _, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, ErrDiverged
		}
	}
	if cfg.Iterations <= cfg.ExaggerationIterations && cfg.EarlyExaggeration != 1 {
		// The run ended exaggerated; report the divergence from the true P.
		kl = obj.gradient(y, grad, 1, true)
	}
	return kl, nil
}
