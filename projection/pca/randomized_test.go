package pca

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRandomized checks the randomized solver against scikit-learn's
// PCA(svd_solver="randomized") and the exact solvers on the input of
// testdata/make_randomized_ref.py (scikit-learn 1.2.1). scikit-learn
// computes in float32 for float32 input, so its own randomized and full
// results differ by up to 2e-6 relative; 1e-5 allows for that and ours.
func TestRandomized(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "randomized_ref.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		N, D  int
		XInt  []int   `json:"x_int"`
		XDiv  float64 `json:"x_div"`
		Cases []struct {
			K         int
			Rand      []float64 `json:"randomized_explained_variance"`
			RandRatio []float64 `json:"randomized_explained_variance_ratio"`
			Full      []float64 `json:"full_explained_variance"`
		}
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	x := make([]float32, len(ref.XInt))
	for i, v := range ref.XInt {
		x[i] = float32(v) / float32(ref.XDiv)
	}
	for _, c := range ref.Cases {
		p, err := FitConfig(x, ref.N, ref.D, c.K, Config{Solver: SolverRandomized, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		exact, err := Fit(x, ref.N, ref.D, c.K)
		if err != nil {
			t.Fatal(err)
		}
		if p.Solver != SolverRandomized || exact.Solver != SolverExact {
			t.Errorf("Solver %v and %v", p.Solver, exact.Solver)
		}
		for i := range c.K {
			for _, w := range []struct {
				name      string
				got, want float64
			}{
				{"scikit-learn randomized", p.ExplainedVariance[i], c.Rand[i]},
				{"scikit-learn full", p.ExplainedVariance[i], c.Full[i]},
				{"exact", p.ExplainedVariance[i], exact.ExplainedVariance[i]},
				{"ratio, scikit-learn randomized", p.ExplainedVarianceRatio[i], c.RandRatio[i]},
			} {
				if relErr(w.got, w.want) > 1e-5 {
					t.Errorf("k=%d: explained variance %d = %.7g, %s %.7g", c.K, i, w.got, w.name, w.want)
				}
			}
			// Same components up to rounding (both use the same sign rule).
			var dot float64
			for j := range ref.D {
				dot += p.Components[i*ref.D+j] * exact.Components[i*ref.D+j]
			}
			if dot < 1-1e-4 {
				t.Errorf("k=%d: component %d: cosine with the exact one %.6f", c.K, i, dot)
			}
		}
	}
}

// TestSolverChoice checks SolverAuto's rule and FitConfig's errors.
func TestSolverChoice(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, tc := range []struct {
		n, d, k int
		want    Solver
	}{
		{100, 20, 2, SolverExact},        // small
		{2000, 300, 5, SolverExact},      // covariance cheaper: d ≤ 4(k+10)(q+1)
		{600, 1500, 5, SolverRandomized}, // d > 4·15·8 = 480... and k small
		{600, 700, 500, SolverExact},     // k ≥ 0.8·min(n, d)
	} {
		x := randData(rng, tc.n, tc.d, 0)
		p, err := FitConfig(x, tc.n, tc.d, tc.k, Config{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Solver != tc.want {
			t.Errorf("%d×%d, k=%d: auto chose %v, want %v", tc.n, tc.d, tc.k, p.Solver, tc.want)
		}
	}
	x := randData(rng, 10, 4, 0)
	for _, tc := range []struct {
		k    int
		cfg  Config
		want string
	}{
		{2, Config{Solver: 9}, "unknown Solver 9"},
		{2, Config{Oversamples: -1}, "Oversamples -1"},
		{5, Config{Solver: SolverRandomized}, "k = 5 components"},
	} {
		if _, err := FitConfig(x, 10, 4, tc.k, tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.cfg, err, tc.want)
		}
	}
}
