// Package umap embeds high-dimensional vectors in a few dimensions with
// UMAP, uniform manifold approximation and projection (McInnes, Healy and
// Melville, 2018): the map that shows the clusters of an autoencoder's
// codes or of a word embedding, fast enough for 60,000 points, and with a
// Transform that places new points in an existing map.
//
// The algorithm is umap-learn 0.5's UMAP(), with its defaults, step by
// step, so that a user moving from one to the other sees the same maps:
//
//   - The NNeighbors nearest neighbours of every point (the point itself
//     included, as umap-learn counts them).
//   - Smooth-kNN calibration: rho_i, the distance to the nearest neighbour
//     (LocalConnectivity), and sigma_i by bisection so that the memberships
//     exp(−(d − rho_i)/sigma_i) of the other neighbours sum to
//     log2(NNeighbors).
//   - The fuzzy union of the directed graph: w_ij + w_ji − w_ij·w_ji.
//   - Edges below max/Epochs dropped; a and b of the map's similarity
//     1/(1 + a·d^(2b)) fitted to MinDist and Spread (find_ab_params).
//   - Spectral initialisation (see spectral.go), scaled to 10 and jittered
//     by 1e-4, then every coordinate rescaled to [0, 10]; seeded uniform
//     noise in [−10, 10] if the eigenvectors do not converge (as umap-learn
//     falls back when ARPACK fails), noted in Model.Init.
//   - Stochastic gradient descent with negative sampling for Epochs epochs
//     (200 above 10,000 points, 500 up to that), learning rate 1 falling
//     linearly to 0, 5 negative samples per positive one, every gradient
//     coordinate clipped to 4. See layout.go for how it is made parallel
//     and deterministic.
//
// # Nearest neighbours: exact, from knn.Flat
//
// umap-learn finds the neighbours approximately with NN-descent. Here they
// are exact, from knn.Flat, which computes distances in blocks as matrix
// products (f32.Gemm). That is also the fastest choice at the sizes latent
// projects: for the 60,000 Fashion-MNIST PCA-32 codes, the exact 15
// nearest neighbours of every point took 9.5 s on two busy shared cores,
// where building a knn.HNSW graph of the same points (default M 16,
// efConstruction 200, AddBatch on two goroutines) took 27.5 s before a
// single query (and querying all points 6.5 s more on one). HNSW wins for
// much larger inputs (the exact search grows as n²); below some 10⁵ points
// the exact search is faster, loses no recall, and makes the map depend
// only on the data and the seed.
//
// # Determinism
//
// The neighbours are exact and ties go to the smaller index; the
// calibration and the graph are per point; the spectral start and the
// negative samples come from streams derived from Seed; and the layout
// moves every vertex in one goroutine against a snapshot of the others
// (layout.go). So the same data, configuration and Seed give the same map,
// byte for byte, for any Workers.
package umap

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/latent-go/latent/distance"
	"github.com/latent-go/latent/knn"
)

// Init chooses the starting map.
type Init int

const (
	// InitSpectral starts from the eigenvectors of the graph's normalised
	// Laplacian (umap-learn's init="spectral").
	InitSpectral Init = iota
	// InitRandom starts from seeded uniform noise in [−10, 10].
	InitRandom
)

func (i Init) String() string {
	switch i {
	case InitSpectral:
		return "spectral"
	case InitRandom:
		return "random"
	}
	return fmt.Sprintf("Init(%d)", int(i))
}

// Config configures Fit. The zero value is umap-learn's default
// UMAP(n_neighbors=15, min_dist=0.1, spread=1, n_components=2,
// metric="euclidean", init="spectral", learning_rate=1,
// negative_sample_rate=5, repulsion_strength=1, local_connectivity=1).
type Config struct {
	// NNeighbors is the size of the local neighbourhood, the point itself
	// included; default 15. It must be at least 2 and less than the
	// number of points.
	NNeighbors int
	// MinDist is how close points may be packed in the map; default (0)
	// 0.1. umap-learn's min_dist=0 is any tiny positive value here (the
	// fit is continuous in it), say 1e-12. It must not exceed Spread.
	MinDist float64
	// Spread is the scale of the map's clusters; default 1.
	Spread float64
	// Dims is the dimension of the map; default 2.
	Dims int
	// Metric is the distance in the input space; default (the zero
	// value) distance.Euclidean. The map is always Euclidean.
	Metric distance.Metric
	// Epochs is the number of layout epochs; default (0) 200 for more
	// than 10,000 points and 500 otherwise, as umap-learn chooses.
	Epochs int
	// LearningRate is the initial SGD step; default 1.
	LearningRate float64
	// NegativeSampleRate is the number of negative samples per positive
	// sample; default 5.
	NegativeSampleRate int
	// RepulsionStrength weighs the negative samples (gamma); default 1.
	RepulsionStrength float64
	// LocalConnectivity is the number of nearest neighbours assumed to be
	// connected (it sets rho); default 1.
	LocalConnectivity float64
	// Init is the starting map; default InitSpectral.
	Init Init
	// Seed seeds the spectral start, the jitter, the random start and the
	// negative samples.
	Seed uint64
	// Workers is the number of goroutines; default GOMAXPROCS. The map
	// does not depend on it.
	Workers int
}

// withDefaults fills in the zero fields.
func (c Config) withDefaults() Config {
	if c.NNeighbors == 0 {
		c.NNeighbors = 15
	}
	if c.MinDist == 0 {
		c.MinDist = 0.1
	}
	if c.Spread == 0 {
		c.Spread = 1
	}
	if c.Dims == 0 {
		c.Dims = 2
	}
	if c.LearningRate == 0 {
		c.LearningRate = 1
	}
	if c.NegativeSampleRate == 0 {
		c.NegativeSampleRate = 5
	}
	if c.RepulsionStrength == 0 {
		c.RepulsionStrength = 1
	}
	if c.LocalConnectivity == 0 {
		c.LocalConnectivity = 1
	}
	return c
}

func finitePositive(v float64) bool { return v > 0 && !math.IsInf(v, 0) }

// Validate reports the first invalid field of c (after the defaults are
// filled in), naming it. Fit also checks NNeighbors against the number of
// points.
func (c Config) Validate() error {
	c = c.withDefaults()
	switch {
	case c.NNeighbors < 2:
		return fmt.Errorf("umap: NNeighbors %d: want at least 2", c.NNeighbors)
	case !finitePositive(c.Spread):
		return fmt.Errorf("umap: Spread %g: want a positive number", c.Spread)
	case !finitePositive(c.MinDist):
		return fmt.Errorf("umap: MinDist %g: want a positive number (a tiny one for 0)", c.MinDist)
	case c.MinDist > c.Spread:
		return fmt.Errorf("umap: MinDist %g must not exceed Spread %g", c.MinDist, c.Spread)
	case c.Dims < 1:
		return fmt.Errorf("umap: Dims %d: want at least 1", c.Dims)
	case c.Epochs < 0:
		return fmt.Errorf("umap: Epochs %d: want 0 (automatic) or more", c.Epochs)
	case !finitePositive(c.LearningRate):
		return fmt.Errorf("umap: LearningRate %g: want a positive number", c.LearningRate)
	case c.NegativeSampleRate < 0:
		return fmt.Errorf("umap: NegativeSampleRate %d: want 0 or more", c.NegativeSampleRate)
	case !(c.RepulsionStrength >= 0) || math.IsInf(c.RepulsionStrength, 0):
		return fmt.Errorf("umap: RepulsionStrength %g: want 0 or more", c.RepulsionStrength)
	case !finitePositive(c.LocalConnectivity):
		return fmt.Errorf("umap: LocalConnectivity %g: want a positive number", c.LocalConnectivity)
	case c.Init != InitSpectral && c.Init != InitRandom:
		return fmt.Errorf("umap: unknown Init %d", c.Init)
	}
	switch c.Metric {
	case distance.Euclidean, distance.Cosine, distance.Manhattan:
	default:
		return fmt.Errorf("umap: Metric %v: want euclidean, cosine or manhattan", c.Metric)
	}
	return nil
}

// Progress is called after every layout epoch with the number of epochs
// done and their total.
type Progress func(epoch, epochs int)

// ErrDiverged is returned when the layout produces a non-finite map.
var ErrDiverged = errors.New("umap: optimisation diverged")

// Model is a fitted UMAP: the map of the training points, and what
// Transform needs to place new points in it. Transform only reads it.
type Model struct {
	// Embedding is the N×Dims map, row-major.
	Embedding []float32
	// N is the number of points, D their dimension in the input, Dims in
	// the map.
	N, D, Dims int
	// A and B are the parameters of the map's similarity 1/(1 + a·d^(2b)).
	A, B float64
	// Epochs is the number of layout epochs run.
	Epochs int
	// Edges is the number of (directed) edges of the fuzzy graph laid out.
	Edges int
	// Init is the starting map used: InitRandom when Config.Init was
	// InitSpectral but the eigenvectors did not converge.
	Init Init
	// Config is the configuration with its defaults filled in.
	Config Config

	index *knn.Flat // the training points, for Transform's neighbours
}

// Fit maps the n rows of the n×d row-major matrix x with UMAP. progress,
// when not nil, is called after every layout epoch. The model keeps a
// reference to x for Transform: do not modify it afterwards.
//
// It panics if n or d is less than 1 or len(x) != n·d. It returns an error
// naming the field if cfg is invalid or cfg.NNeighbors is not less than n,
// an error if x holds NaN or ±Inf, ctx.Err() if ctx is cancelled, or
// ErrDiverged.
func Fit(ctx context.Context, x []float32, n, d int, cfg Config, progress Progress) (*Model, error) {
	if n < 1 || d < 1 || len(x) != n*d {
		panic(fmt.Sprintf("umap: Fit: %d values for %d×%d", len(x), n, d))
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if cfg.NNeighbors >= n {
		return nil, fmt.Errorf("umap: NNeighbors %d must be less than the number of points, %d", cfg.NNeighbors, n)
	}
	if err := checkFinite(x, d); err != nil {
		return nil, err
	}
	a, b, ok := findAB(cfg.Spread, cfg.MinDist)
	if !ok {
		return nil, fmt.Errorf("umap: no similarity curve fits MinDist %g and Spread %g", cfg.MinDist, cfg.Spread)
	}
	k := cfg.NNeighbors
	ids, dists, err := neighbours(ctx, x, n, d, k, cfg.Metric, cfg.Workers)
	if err != nil {
		return nil, err
	}
	sigma, rho := smoothKNN(dists, n, k, cfg.LocalConnectivity, false, cfg.Workers)
	g := fuzzyUnion(ids, dists, sigma, rho, n, k)
	ids, dists = nil, nil
	defaultEpochs := 200
	if n <= 10000 {
		defaultEpochs = 500
	}
	epochs := cfg.Epochs
	if epochs == 0 {
		epochs = defaultEpochs
	}
	if epochs > 10 {
		g.prune(epochs)
	} else {
		g.prune(defaultEpochs)
	}
	m := &Model{N: n, D: d, Dims: cfg.Dims, A: a, B: b, Epochs: epochs, Edges: len(g.col),
		Init: cfg.Init, Config: cfg, index: knn.NewFlat(x, d, cfg.Metric)}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	y := m.initial(g, x, d, cfg)
	if epochs > 0 && len(g.col) > 0 {
		l := newLayout(g, cfg.Dims, a, b, cfg.RepulsionStrength, cfg.NegativeSampleRate, epochs,
			cfg.LearningRate, mix(cfg.Seed^0x6c61796f7574), cfg.Workers) // "layout"
		if err := l.run(ctx, y, progress); err != nil {
			return nil, err
		}
	}
	for _, v := range y {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, ErrDiverged
		}
	}
	m.Embedding = y
	return m, nil
}

func checkFinite(x []float32, d int) error {
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("umap: row %d column %d is %g", i/d, i%d, v)
		}
	}
	return nil
}

// initial returns the starting map, rescaled to [0, 10] in every
// coordinate as umap-learn does before the layout, and records the start
// used in m.Init.
func (m *Model) initial(g *csr, x []float32, d int, cfg Config) []float32 {
	n, dims := g.n, cfg.Dims
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x696e6974)) // "init"
	start := make([]float64, n*dims)
	spectral := false
	if cfg.Init == InitSpectral {
		if s, ok := spectralLayout(g, x, d, dims, rng, cfg.Workers); ok {
			var top float64
			for _, v := range s {
				top = max(top, math.Abs(v))
			}
			if top > 0 {
				f := 10 / top
				for i, v := range s {
					start[i] = float64(float32(v*f)) + float64(float32(1e-4*rng.NormFloat64()))
				}
				spectral = true
			}
		}
	}
	if !spectral {
		m.Init = InitRandom
		for i := range start {
			start[i] = -10 + 20*rng.Float64()
		}
	}
	y := make([]float32, n*dims)
	for c := range dims {
		lo, hi := math.Inf(1), math.Inf(-1)
		for i := range n {
			lo = min(lo, start[i*dims+c])
			hi = max(hi, start[i*dims+c])
		}
		f := 0.0
		if hi > lo {
			f = 10 / (hi - lo)
		}
		for i := range n {
			y[i*dims+c] = float32((start[i*dims+c] - lo) * f)
		}
	}
	return y
}
