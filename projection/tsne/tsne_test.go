package tsne

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/latent-go/latent/dataset/digits"
	"github.com/latent-go/latent/projection/quality"
)

// perplexityRef is testdata/perplexity.json.gz, written by
// testdata/reference.py with scikit-learn 1.2.1.
type perplexityRef struct {
	Cases []struct {
		Perplexity  float64      `json:"perplexity"`
		N           int          `json:"n"`
		K           int          `json:"k"`
		IDs         [][]int32    `json:"ids"`
		SqDist      [][]float32  `json:"sqdist"`
		Conditional [][]float64  `json:"conditional"`
		Joint       [][3]float64 `json:"joint"`
	} `json:"cases"`
}

func loadPerplexityRef(t *testing.T) perplexityRef {
	t.Helper()
	f, err := os.Open("testdata/perplexity.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var ref perplexityRef
	if err := json.NewDecoder(zr).Decode(&ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

// TestCalibrationMatchesScikitLearn feeds scikit-learn's squared
// neighbour distances of 100 digits to the calibration and compares the
// conditional probabilities with those of
// sklearn.manifold._utils._binary_search_perplexity (float32, hence the
// tolerance), and the symmetrised P with _joint_probabilities_nn's.
func TestCalibrationMatchesScikitLearn(t *testing.T) {
	ref := loadPerplexityRef(t)
	for _, c := range ref.Cases {
		n, k := c.N, c.K
		sqd := make([]float32, 0, n*k)
		ids := make([]int32, 0, n*k)
		for i := range n {
			sqd = append(sqd, c.SqDist[i]...)
			ids = append(ids, c.IDs[i]...)
		}
		for _, workers := range []int{1, 4} {
			cond := conditional(sqd, n, k, c.Perplexity, workers)
			worst := 0.0
			for i := range n {
				for j := range k {
					worst = max(worst, math.Abs(cond[i*k+j]-c.Conditional[i][j]))
				}
			}
			if worst > 1e-7 {
				t.Errorf("perplexity %g, workers %d: conditional probabilities differ from scikit-learn's by up to %.3g", c.Perplexity, workers, worst)
			}
			// Each row has the perplexity asked for.
			for i := range n {
				h := 0.0
				for _, p := range cond[i*k : (i+1)*k] {
					if p > 0 {
						h -= p * math.Log(p)
					}
				}
				if math.Abs(math.Exp(h)-c.Perplexity) > 1e-3*c.Perplexity {
					t.Errorf("perplexity %g: row %d has perplexity %g", c.Perplexity, i, math.Exp(h))
				}
			}
			p := joint(ids, cond, n, k)
			if p.nnz() != len(c.Joint) {
				t.Fatalf("perplexity %g: %d stored entries, scikit-learn %d", c.Perplexity, p.nnz(), len(c.Joint))
			}
			want := make(map[[2]int32]float64)
			for _, e := range c.Joint {
				want[[2]int32{int32(e[0]), int32(e[1])}] = e[2]
			}
			sum := 0.0
			for i := range n {
				for t2 := p.rowPtr[i]; t2 < p.rowPtr[i+1]; t2++ {
					j := p.col[t2]
					if t2 > p.rowPtr[i] && p.col[t2-1] >= j {
						t.Fatalf("row %d: columns not increasing", i)
					}
					w, ok := want[[2]int32{int32(i), j}]
					if !ok || math.Abs(p.val[t2]-w) > 1e-6*w+1e-12 {
						t.Errorf("perplexity %g: P[%d,%d] = %g, scikit-learn %g (stored %t)", c.Perplexity, i, j, p.val[t2], w, ok)
					}
					sum += p.val[t2]
				}
			}
			if math.Abs(sum-1) > 1e-12 {
				t.Errorf("P sums to %v", sum)
			}
		}
	}
}

// randomProblem returns a P calibrated on n random points in 5
// dimensions and a random map of them.
func randomProblem(n, dims int, perplexity float64, seed uint64) (*sparse, []float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := make([]float32, n*5)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	k := min(n-1, int(3*perplexity+1))
	ids, sqd, err := neighbours(context.Background(), x, n, 5, k, 1)
	if err != nil {
		panic(err)
	}
	p := joint(ids, conditional(sqd, n, k, perplexity, 1), n, k)
	y := make([]float64, n*dims)
	for i := range y {
		y[i] = 3 * rng.NormFloat64()
	}
	return p, y
}

// TestExactGradientFiniteDifferences checks the exact gradient of the KL
// divergence against central differences of the divergence itself, for
// the kernels of 2-D and 3-D maps and a non-integer one. (With
// exaggeration, the step follows exag·(attraction) − repulsion, which is
// not the gradient of the exaggerated divergence; TestBarnesHutAgainstExact
// covers it.)
func TestExactGradientFiniteDifferences(t *testing.T) {
	for _, tt := range []struct {
		dims  int
		alpha float64
	}{
		{2, 1}, {3, 2}, {3, 1}, {2, 0.7},
	} {
		p, y := randomProblem(14, tt.dims, 3, 1)
		kern := newKernel(tt.alpha)
		grad := make([]float64, len(y))
		exactGradient(p, y, tt.dims, kern, 1, grad)
		scratch := make([]float64, len(y))
		const h = 1e-5
		worst := 0.0
		for c := range y {
			orig := y[c]
			y[c] = orig + h
			up := exactGradient(p, y, tt.dims, kern, 1, scratch)
			y[c] = orig - h
			down := exactGradient(p, y, tt.dims, kern, 1, scratch)
			y[c] = orig
			fd := (up - down) / (2 * h)
			worst = max(worst, math.Abs(fd-grad[c])/(math.Abs(grad[c])+1e-3))
		}
		if worst > 1e-6 {
			t.Errorf("dims %d α %g: gradient and central differences differ by %.3g (relative)", tt.dims, tt.alpha, worst)
		}
	}
}

// relErr returns ‖a − b‖ / ‖b‖.
func relErr(a, b []float64) float64 {
	var num, den float64
	for i := range a {
		num += (a[i] - b[i]) * (a[i] - b[i])
		den += b[i] * b[i]
	}
	return math.Sqrt(num / den)
}

// TestBarnesHutAgainstExact checks the tree gradient and divergence: equal
// to the exact ones to rounding with θ = 0, and within an error that grows
// with θ otherwise, in 2-D and 3-D.
func TestBarnesHutAgainstExact(t *testing.T) {
	for _, tt := range []struct {
		dims  int
		alpha float64
		theta float64
		tol   float64
	}{
		{2, 1, 0, 1e-12},
		{2, 1, 0.1, 5e-4},
		{2, 1, 0.25, 5e-3},
		{2, 1, 0.5, 3e-2},
		{3, 2, 0, 1e-12},
		{3, 2, 0.1, 1e-4},
		{3, 2, 0.5, 3e-2},
		{3, 1, 0, 1e-12},
		{2, 0.7, 0, 1e-12},
	} {
		p, y := randomProblem(400, tt.dims, 10, 2)
		for _, exag := range []float64{1, 12} {
			want := make([]float64, len(y))
			wantKL := exactGradient(p, y, tt.dims, newKernel(tt.alpha), exag, want)
			for _, workers := range []int{1, 3} {
				obj := newObjective(p, tt.dims, tt.theta, tt.alpha, workers)
				got := make([]float64, len(y))
				kl := obj.gradient(y, got, exag, true)
				if workers == 1 && exag == 1 {
					t.Logf("dims %d α %g θ %g: gradient error %.3g", tt.dims, tt.alpha, tt.theta, relErr(got, want))
				}
				if e := relErr(got, want); e > tt.tol {
					t.Errorf("dims %d α %g θ %g exaggeration %g: gradient off by %.3g (relative), want ≤ %g", tt.dims, tt.alpha, tt.theta, exag, e, tt.tol)
				}
				if math.Abs(kl-wantKL) > tt.tol*math.Abs(wantKL) {
					t.Errorf("dims %d α %g θ %g exaggeration %g: KL %.12g, exact %.12g", tt.dims, tt.alpha, tt.theta, exag, kl, wantKL)
				}
				// Without the divergence the gradient is the same.
				again := make([]float64, len(y))
				if v := obj.gradient(y, again, exag, false); !math.IsNaN(v) || !slices.Equal(again, got) {
					t.Errorf("dims %d θ %g: the gradient depends on whether the divergence is measured", tt.dims, tt.theta)
				}
			}
		}
	}
}

// TestTree checks the tree's invariants: every point in exactly one leaf,
// centres of mass, subtree links, and that coincident points make a leaf.
func TestTree(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, dims := range []int{2, 3} {
		for _, n := range []int{1, 2, 9, 500} {
			y := make([]float64, n*dims)
			for i := range y {
				y[i] = rng.NormFloat64()
			}
			if n == 500 { // a clump of identical points
				for i := 100; i < 150; i++ {
					copy(y[i*dims:(i+1)*dims], y[99*dims:100*dims])
				}
			}
			tr := newTree(n, dims, 0.5)
			tr.build(y)
			seen := make([]int, n)
			var check func(k int) int
			check = func(k int) int {
				nd := tr.nodes[k]
				var sum [3]float64
				for p := nd.lo; p < nd.hi; p++ {
					for a := range dims {
						sum[a] += tr.pts[int(p)*dims+a]
					}
				}
				for a := range dims {
					if c := sum[a] / float64(nd.hi-nd.lo); math.Abs(c-nd.c[a]) > 1e-12 {
						t.Fatalf("dims %d n %d node %d: centre %v, want %v", dims, n, k, nd.c[a], c)
					}
				}
				if int(nd.next) == k+1 {
					for p := nd.lo; p < nd.hi; p++ {
						seen[tr.perm[p]]++
					}
					return k + 1
				}
				c, lo := k+1, nd.lo
				for c < int(nd.next) {
					if tr.nodes[c].lo != lo {
						t.Fatalf("node %d: child %d starts at %d, want %d", k, c, tr.nodes[c].lo, lo)
					}
					lo = tr.nodes[c].hi
					c = check(c)
				}
				if lo != nd.hi || c != int(nd.next) {
					t.Fatalf("node %d: children end at %d (node %d), want %d (node %d)", k, lo, c, nd.hi, nd.next)
				}
				return c
			}
			if end := check(0); end != len(tr.nodes) {
				t.Fatalf("root subtree ends at %d of %d nodes", end, len(tr.nodes))
			}
			for i, s := range seen {
				if s != 1 {
					t.Fatalf("dims %d n %d: point %d in %d leaves", dims, n, i, s)
				}
			}
			for p, i := range tr.perm {
				for a := range dims {
					if tr.pts[p*dims+a] != y[int(i)*dims+a] {
						t.Fatal("pts is not y in tree order")
					}
				}
			}
		}
	}
}

// digitsSubset returns the first n digits.
func digitsSubset(n int) ([]float32, int) {
	s := digits.Load()
	return s.X[:n*s.D], s.D
}

// TestDeterministic checks that the map and divergence are the same bytes
// for any number of workers and for repeated runs, and that the seed
// matters with a random start only.
func TestDeterministic(t *testing.T) {
	x, d := digitsSubset(300)
	n := len(x) / d
	run := func(cfg Config) ([]float64, float64) {
		cfg.Iterations = 120
		cfg.ExaggerationIterations = 60
		y, kl, err := Embed(context.Background(), x, n, d, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		return y, kl
	}
	for _, dims := range []int{2, 3} {
		y1, kl1 := run(Config{Dims: dims, Workers: 1})
		for _, w := range []int{2, 5} {
			y2, kl2 := run(Config{Dims: dims, Workers: w})
			if !slices.Equal(y1, y2) || kl1 != kl2 {
				t.Errorf("dims %d: workers 1 and %d give different maps (KL %v, %v)", dims, w, kl1, kl2)
			}
		}
		y3, _ := run(Config{Dims: dims, Workers: 1, Seed: 9})
		if !slices.Equal(y1, y3) {
			t.Errorf("dims %d: the seed changed a PCA-initialised map", dims)
		}
	}
	a, _ := run(Config{Init: InitRandom, Seed: 1, Workers: 2})
	b, _ := run(Config{Init: InitRandom, Seed: 1, Workers: 3})
	c, _ := run(Config{Init: InitRandom, Seed: 2, Workers: 2})
	if !slices.Equal(a, b) || slices.Equal(a, c) {
		t.Error("random initialisation: same seed differs or different seeds agree")
	}
}

// digitsRef is testdata/digits.json: scikit-learn's TSNE on all 1,797
// digits with the default settings.
type digitsRef struct {
	KL                float64 `json:"kl_divergence"`
	Trustworthiness5  float64 `json:"trustworthiness_5"`
	Trustworthiness15 float64 `json:"trustworthiness_15"`
}

// TestDigitsQuality embeds all digits with the defaults and requires a
// map at least as trustworthy as scikit-learn's (less 0.01) and a
// divergence at most 0.05 above its.
func TestDigitsQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("a full t-SNE run")
	}
	b, err := os.ReadFile("testdata/digits.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref digitsRef
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	s := digits.Load()
	start := time.Now()
	var calls, measured int
	y, kl, err := Embed(context.Background(), s.X, s.N, s.D, Config{}, func(iter int, kl float64) {
		calls++
		if iter != calls {
			t.Fatalf("progress: iteration %d after %d calls", iter, calls-1)
		}
		if !math.IsNaN(kl) {
			measured++
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("digits: KL %.4f (scikit-learn %.4f) in %v, %d iterations", kl, ref.KL, time.Since(start), calls)
	if kl > ref.KL+0.05 {
		t.Errorf("KL %.4f, scikit-learn %.4f", kl, ref.KL)
	}
	if measured < calls/checkEvery {
		t.Errorf("the divergence was reported %d times in %d iterations", measured, calls)
	}
	y32 := make([]float32, len(y))
	for i, v := range y {
		y32[i] = float32(v)
	}
	for _, c := range []struct {
		k    int
		want float64
	}{{5, ref.Trustworthiness5}, {15, ref.Trustworthiness15}} {
		tr, err := quality.Trustworthiness(s.X, s.D, y32, 2, c.k, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("trustworthiness(k=%d) %.4f, scikit-learn %.4f", c.k, tr, c.want)
		if tr < c.want-0.01 {
			t.Errorf("trustworthiness(k=%d) %.4f, scikit-learn %.4f", c.k, tr, c.want)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	x, d := digitsSubset(40)
	n := len(x) / d
	for _, tt := range []struct {
		cfg  Config
		want string
	}{
		{Config{Dims: 4}, "Dims 4: want 2 or 3"},
		{Config{Perplexity: 40}, "Perplexity 40 must be less than the number of points, 40"},
		{Config{Perplexity: -1}, "Perplexity -1: want a positive number"},
		{Config{Perplexity: math.NaN()}, "Perplexity NaN"},
		{Config{Iterations: -5}, "Iterations -5"},
		{Config{Theta: 1.5}, "Theta 1.5: want a value in (0, 1]"},
		{Config{Theta: -0.5}, "Theta -0.5"},
		{Config{EarlyExaggeration: 0.5}, "EarlyExaggeration 0.5: want at least 1"},
		{Config{ExaggerationIterations: -1}, "ExaggerationIterations -1"},
		{Config{LearningRate: -3}, "LearningRate -3"},
		{Config{DegreesOfFreedom: -1}, "DegreesOfFreedom -1"},
		{Config{Init: 7}, "unknown Init 7"},
	} {
		_, _, err := Embed(context.Background(), x, n, d, tt.cfg, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "tsne: ") {
			t.Errorf("%+v: error %v, want %q", tt.cfg, err, tt.want)
		}
	}
	bad := slices.Clone(x)
	bad[3*d+5] = float32(math.Inf(-1))
	if _, _, err := Embed(context.Background(), bad, n, d, Config{Perplexity: 5}, nil); err == nil || !strings.Contains(err.Error(), "row 3 column 5 is -Inf") {
		t.Errorf("Inf in the data: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Embed(ctx, x, n, d, Config{Perplexity: 5}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.HasPrefix(r.(string), "tsne: ") {
				t.Errorf("panic %v", r)
			}
		}()
		Embed(context.Background(), x[:10], n, d, Config{}, nil)
	}()
}

// TestSmallInputs checks inputs with very few points, identical points
// and fewer features than map dimensions.
func TestSmallInputs(t *testing.T) {
	for _, tt := range []struct {
		name string
		x    []float32
		n, d int
		cfg  Config
	}{
		{"two points", []float32{0, 0, 1, 1}, 2, 2, Config{Perplexity: 1}},
		{"identical points", make([]float32, 30), 10, 3, Config{Perplexity: 3}},
		{"1-D data, 3-D map", []float32{0, 1, 2, 3, 4, 5, 6, 7}, 8, 1, Config{Perplexity: 2, Dims: 3}},
	} {
		tt.cfg.Iterations = 300
		y, kl, err := Embed(context.Background(), tt.x, tt.n, tt.d, tt.cfg, nil)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		dims := max(tt.cfg.Dims, 2)
		if len(y) != tt.n*dims || math.IsNaN(kl) {
			t.Errorf("%s: %d coordinates, KL %v", tt.name, len(y), kl)
		}
		for _, v := range y {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s: non-finite coordinate", tt.name)
				break
			}
		}
	}
}

// TestLogSubnormal checks the logarithm the calibration uses where
// math.Log on amd64 is wrong: subnormal arguments.
func TestLogSubnormal(t *testing.T) {
	for _, tt := range []struct {
		x, want float64
	}{
		{1, 0},
		{math.E, 1},
		{0x1p-1022, -1022 * math.Ln2},
		{0x1p-1030, -1030 * math.Ln2},
		{0x1p-1074, -1074 * math.Ln2},
		{3 * 0x1p-1060, math.Log(3) - 1060*math.Ln2},
	} {
		if got := logSubnormal(tt.x); math.Abs(got-tt.want) > 1e-12*math.Max(1, math.Abs(tt.want)) {
			t.Errorf("logSubnormal(%g) = %.17g, want %.17g", tt.x, got, tt.want)
		}
	}
	if got := logSubnormal(0); !math.IsInf(got, -1) {
		t.Errorf("logSubnormal(0) = %v", got)
	}
}

// TestNeighboursExcludeSelf checks the neighbour lists with duplicate
// points, where a point's twin at distance 0 may come before it.
func TestNeighboursExcludeSelf(t *testing.T) {
	// Rows 0, 1 and 2 coincide; 3 and 4 coincide; 5 is apart.
	x := []float32{1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 9, 9}
	ids, sqd, err := neighbours(context.Background(), x, 6, 2, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]int32{{1, 2, 3}, {0, 2, 3}, {0, 1, 3}, {4, 0, 1}, {3, 0, 1}, {3, 4, 0}}
	wantD := [][]float32{{0, 0, 2}, {0, 0, 2}, {0, 0, 2}, {0, 2, 2}, {0, 2, 2}, {98, 98, 128}}
	for i := range 6 {
		if got := ids[i*3 : i*3+3]; !slices.Equal(got, want[i]) {
			t.Errorf("row %d: neighbours %v, want %v", i, got, want[i])
		}
		for j, d := range sqd[i*3 : i*3+3] {
			if math.Abs(float64(d-wantD[i][j])) > 1e-5*float64(wantD[i][j]) {
				t.Errorf("row %d: squared distances %v, want %v", i, sqd[i*3:i*3+3], wantD[i])
				break
			}
		}
	}
}
