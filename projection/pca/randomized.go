package pca

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/latent-go/latent/internal/f32"
)

// Solver chooses how FitConfig finds the components.
type Solver int

const (
	// SolverAuto picks SolverRandomized when it needs fewer multiply-adds
	// than the covariance (see FitConfig), and SolverExact otherwise.
	SolverAuto Solver = iota
	// SolverExact takes the eigenvectors of the covariance matrix (Fit).
	SolverExact
	// SolverRandomized is the randomized range finder of Halko,
	// Martinsson and Tropp (2011), scikit-learn's svd_solver="randomized".
	SolverRandomized
)

func (s Solver) String() string {
	switch s {
	case SolverAuto:
		return "auto"
	case SolverExact:
		return "exact"
	case SolverRandomized:
		return "randomized"
	}
	return fmt.Sprintf("Solver(%d)", int(s))
}

// Config configures FitConfig. The zero value is scikit-learn's
// PCA(svd_solver="auto") with the randomized solver's defaults.
type Config struct {
	// Solver is the method; default SolverAuto.
	Solver Solver
	// Oversamples is the number of random directions beyond k the
	// randomized solver samples; default 10 (n_oversamples).
	Oversamples int
	// PowerIterations of the randomized solver; default (0) 7 when k is
	// below a tenth of min(n, d) and 4 otherwise (iterated_power="auto").
	// Use a negative value for none.
	PowerIterations int
	// Seed seeds the random directions.
	Seed uint64
}

// FitConfig fits a PCA with k components to the n×d row-major matrix x
// with the solver of cfg, and records the solver used in the result's
// Solver field. Fit is FitConfig with SolverExact.
//
// SolverAuto uses the randomized solver when scikit-learn 1.2's rule would
// (max(n, d) > 500 and k < 0.8·min(n, d)) and, beyond that rule, only when
// it costs fewer multiply-adds than forming the covariance matrix:
// (2q+2)·n·d·(k+p) < n·d²/2 for q power iterations and p oversamples, that
// is d > 4(k+p)(q+1) — about 1,350 features for 32 components. Below that
// the exact solver is both cheaper and exact (for 60,000×784 images → 32 it
// takes about a second).
//
// The randomized solver: Y = (X − mean)·Ω for a d×(k+p) Gaussian Ω, q
// power iterations Y ← (X − mean)·((X − mean)ᵀ·Y), each product
// re-orthonormalised (QR, Gram–Schmidt twice, which is as stable as
// scikit-learn's LU normalisation and gives an orthonormal basis
// directly), then Q = orth(Y), B = Qᵀ(X − mean) and the SVD of the small B.
// The products run through f32.Gemm in float32 on blocks of rows centred
// on the fly (no centred copy of X is made); sums over the blocks and the
// small factorisations are in float64.
// Explained variances agree with the exact solver's to about 1e-5
// relative for components whose variance is well separated from the
// (k+p)-th.
func FitConfig(x []float32, n, d, k int, cfg Config) (*PCA, error) {
	if n < 1 || d < 1 {
		panic(fmt.Sprintf("pca: Fit: bad shape %d×%d", n, d))
	}
	if len(x) != n*d {
		panic(fmt.Sprintf("pca: Fit: len(x) = %d, want %d×%d = %d", len(x), n, d, n*d))
	}
	if cfg.Oversamples < 0 {
		return nil, fmt.Errorf("pca: Oversamples %d: want 0 or more", cfg.Oversamples)
	}
	if cfg.Oversamples == 0 {
		cfg.Oversamples = 10
	}
	q := cfg.PowerIterations
	if q == 0 {
		q = 4
		if float64(k) < 0.1*float64(min(n, d)) {
			q = 7
		}
	}
	q = max(q, 0)
	solver := cfg.Solver
	switch solver {
	case SolverAuto:
		solver = SolverExact
		if max(n, d) > 500 && float64(k) < 0.8*float64(min(n, d)) && d > 4*(k+cfg.Oversamples)*(q+1) {
			solver = SolverRandomized
		}
	case SolverExact, SolverRandomized:
	default:
		return nil, fmt.Errorf("pca: unknown Solver %d", cfg.Solver)
	}
	if solver == SolverExact {
		p, err := Fit(x, n, d, k)
		if err == nil {
			p.Solver = SolverExact
		}
		return p, err
	}
	if n < 2 {
		return nil, errors.New("pca: need at least 2 rows to estimate a variance")
	}
	if k < 1 || k > min(n, d) {
		return nil, fmt.Errorf("pca: k = %d components, want 1 ≤ k ≤ min(rows %d, features %d)", k, n, d)
	}
	return randomized(x, n, d, k, min(k+cfg.Oversamples, min(n, d)), q, cfg.Seed)
}

// randomized is the randomized solver with l = k + oversamples directions
// and q power iterations.
func randomized(x []float32, n, d, k, l, q int, seed uint64) (*PCA, error) {
	mean := make([]float64, d)
	sq := make([]float64, d)
	for i := range n {
		for j, v := range x[i*d : (i+1)*d] {
			f := float64(v)
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, errors.New("pca: input contains NaN or ±Inf")
			}
			mean[j] += f
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for i := range n {
		for j, v := range x[i*d : (i+1)*d] {
			c := float64(v) - mean[j]
			sq[j] += c * c
		}
	}
	var total float64
	for _, s := range sq {
		total += s / float64(n-1)
	}
	mean32 := make([]float32, d)
	for j, v := range mean {
		mean32[j] = float32(v)
	}
	rng := rand.New(rand.NewPCG(seed, 0x72616e64)) // "rand"
	omega := make([]float32, d*l)
	for i := range omega {
		omega[i] = float32(rng.NormFloat64())
	}
	y := make([]float32, n*l) // n×l
	z := make([]float32, d*l) // d×l
	// The products run over blocks of rows centred into a scratch buffer:
	// multiplying the raw X and subtracting the mean's part afterwards
	// would cancel most of the digits of the small components in float32
	// (pixels have means near their spread). Products over the rows are
	// summed block by block in float64.
	const block = 4096
	xc := make([]float32, min(n, block)*d)
	zb := make([]float32, d*l)
	z64 := make([]float64, d*l)
	centre := func(lo, hi int) []float32 {
		c := xc[:(hi-lo)*d]
		copy(c, x[lo*d:hi*d])
		for i := range hi - lo {
			row := c[i*d : (i+1)*d]
			for j := range row {
				row[j] -= mean32[j]
			}
		}
		return c
	}
	// mulX: y = (X − 1·meanᵀ)·z, z d×l.
	mulX := func(y, z []float32) {
		for lo := 0; lo < n; lo += block {
			hi := min(lo+block, n)
			f32.Gemm(false, false, hi-lo, l, d, 1, centre(lo, hi), d, z, l, 0, y[lo*l:hi*l], l)
		}
	}
	// mulXT: z = (X − 1·meanᵀ)ᵀ·y, y n×l.
	mulXT := func(z, y []float32) {
		clear(z64)
		for lo := 0; lo < n; lo += block {
			hi := min(lo+block, n)
			f32.Gemm(true, false, d, l, hi-lo, 1, centre(lo, hi), d, y[lo*l:hi*l], l, 0, zb, l)
			for i, v := range zb {
				z64[i] += float64(v)
			}
		}
		for i, v := range z64 {
			z[i] = float32(v)
		}
	}
	mulX(y, omega)
	for range q {
		orthonormalise(y, n, l)
		mulXT(z, y)
		orthonormalise(z, d, l)
		mulX(y, z)
	}
	orthonormalise(y, n, l)
	// B = Qᵀ(X − mean), l×d: computed as zᵀ with z = (X − mean)ᵀ·Q.
	mulXT(z, y)
	b := mat.NewDense(l, d, nil)
	for j := range d {
		for c := range l {
			b.Set(c, j, float64(z[j*l+c]))
		}
	}
	var svd mat.SVD
	if !svd.Factorize(b, mat.SVDThinV) {
		return nil, errors.New("pca: SVD of the randomized projection did not converge")
	}
	s := svd.Values(nil)
	var v mat.Dense
	svd.VTo(&v) // d×l
	p := &PCA{
		Mean:                   mean,
		Components:             make([]float64, k*d),
		K:                      k,
		D:                      d,
		ExplainedVariance:      make([]float64, k),
		ExplainedVarianceRatio: make([]float64, k),
		NSamples:               n,
		Solver:                 SolverRandomized,
	}
	var kept float64
	for c := range k {
		comp := p.Components[c*d : (c+1)*d]
		for j := range d {
			comp[j] = v.At(j, c)
		}
		flipSign(comp)
		ev := s[c] * s[c] / float64(n-1)
		p.ExplainedVariance[c] = ev
		if total > 0 {
			p.ExplainedVarianceRatio[c] = ev / total
		}
		kept += ev
	}
	if r := min(n, d); k < r {
		p.NoiseVariance = max(total-kept, 0) / float64(r-k)
	}
	return p, nil
}

// orthonormalise replaces the l columns of the m×l row-major a by an
// orthonormal basis of their span (modified Gram–Schmidt, twice, in
// float64); a column that vanishes becomes 0.
func orthonormalise(a []float32, m, l int) {
	cols := make([][]float64, l)
	for c := range l {
		col := make([]float64, m)
		for i := range m {
			col[i] = float64(a[i*l+c])
		}
		cols[c] = col
	}
	for c := range l {
		for range 2 {
			for p := range c {
				h := dot(cols[p], cols[c])
				axpy(-h, cols[p], cols[c])
			}
		}
		nrm := math.Sqrt(dot(cols[c], cols[c]))
		if nrm > 0 {
			for i := range cols[c] {
				cols[c][i] /= nrm
			}
		}
	}
	for c, col := range cols {
		for i, v := range col {
			a[i*l+c] = float32(v)
		}
	}
}
