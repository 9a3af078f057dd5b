package pca

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// refCase is one case of testdata/ref.json, written by testdata/make_ref.py
// with scikit-learn (sklearn.decomposition.PCA(n_components=k, svd_solver="full").fit on the
// float64 copy of float32 data).
type refCase struct {
	Name                   string    `json:"name"`
	N                      int       `json:"n"`
	D                      int       `json:"d"`
	K                      int       `json:"k"`
	Whiten                 bool      `json:"whiten"`
	Mean                   []float64 `json:"mean"`
	Components             []float64 `json:"components"`
	ComponentsV            []float64 `json:"components_v"`
	CodesV                 []float64 `json:"codes_v"`
	ExplainedVariance      []float64 `json:"explained_variance"`
	ExplainedVarianceRatio []float64 `json:"explained_variance_ratio"`
	NoiseVariance          float64   `json:"noise_variance"`
	ReconMSE100            float64   `json:"recon_mse_100"`
	XInt                   []int     `json:"x_int"`
	XDiv                   float64   `json:"x_div"`
	X                      []float64 `json:"x"`
}

func (c *refCase) data() []float32 {
	if c.XInt != nil {
		x := make([]float32, len(c.XInt))
		for i, v := range c.XInt {
			x[i] = float32(v) / float32(c.XDiv)
		}
		return x
	}
	x := make([]float32, len(c.X))
	for i, v := range c.X {
		x[i] = float32(v)
	}
	return x
}

func loadRef(t *testing.T) []refCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "ref.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Cases []refCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	return ref.Cases
}

func relErr(got, want float64) float64 {
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}

// withSettings runs f under each combination of Gram kernel (dense,
// sparse) and eigensolver (tridiagonal + inverse iteration, full dsyev),
// so that every path is checked against the reference.
func withSettings(t *testing.T, f func(t *testing.T)) {
	defer func(k string, m int) { forceKernel, minTopK = k, m }(forceKernel, minTopK)
	for _, kernel := range []string{"dense", "sparse"} {
		for _, eig := range []string{"tridiag", "full"} {
			t.Run(kernel+"/"+eig, func(t *testing.T) {
				forceKernel = kernel
				minTopK = 2
				if eig == "full" {
					minTopK = math.MaxInt
				}
				f(t)
			})
		}
	}
}

// TestSklearn compares Fit, Transform and Reconstruct with scikit-learn on
// the digits (1797×64, k=8) and iris (150×4, k=2; whitened k=3) data.
func TestSklearn(t *testing.T) {
	for _, c := range loadRef(t) {
		t.Run(c.Name, func(t *testing.T) {
			x := c.data()
			withSettings(t, func(t *testing.T) {
				p, err := Fit(x, c.N, c.D, c.K)
				if err != nil {
					t.Fatal(err)
				}
				p.Whiten = c.Whiten
				for j := range c.D {
					if math.Abs(p.Mean[j]-c.Mean[j]) > 1e-12 {
						t.Fatalf("Mean[%d] = %v, want %v", j, p.Mean[j], c.Mean[j])
					}
				}
				for i := range c.K {
					if e := relErr(p.ExplainedVariance[i], c.ExplainedVariance[i]); e > 1e-5 {
						t.Errorf("ExplainedVariance[%d] = %v, want %v", i, p.ExplainedVariance[i], c.ExplainedVariance[i])
					}
					if e := relErr(p.ExplainedVarianceRatio[i], c.ExplainedVarianceRatio[i]); e > 1e-5 {
						t.Errorf("ExplainedVarianceRatio[%d] = %v, want %v", i, p.ExplainedVarianceRatio[i], c.ExplainedVarianceRatio[i])
					}
					got := p.Components[i*c.D : (i+1)*c.D]
					// Up to sign, against components_ as fitted.
					want := c.Components[i*c.D : (i+1)*c.D]
					s := math.Copysign(1, dot(got, want))
					for j := range got {
						if math.Abs(s*got[j]-want[j]) > 1e-4 {
							t.Fatalf("component %d[%d] = %v, want ±%v", i, j, got[j], want[j])
						}
					}
					// With sign, against the scikit-learn ≥ 1.5 convention.
					want = c.ComponentsV[i*c.D : (i+1)*c.D]
					for j := range got {
						if math.Abs(got[j]-want[j]) > 1e-4 {
							t.Fatalf("component %d[%d] = %v, want %v (sign convention)", i, j, got[j], want[j])
						}
					}
				}
				if e := relErr(p.NoiseVariance, c.NoiseVariance); e > 1e-5 {
					t.Errorf("NoiseVariance = %v, want %v", p.NoiseVariance, c.NoiseVariance)
				}
				codes := make([]float32, 5*c.K)
				p.Transform(codes, x[:5*c.D], 5)
				for i, v := range codes {
					if math.Abs(float64(v)-c.CodesV[i]) > 1e-4*max(1, math.Abs(c.CodesV[i])) {
						t.Errorf("code[%d] = %v, want %v", i, v, c.CodesV[i])
					}
				}
				rec := make([]float32, 100*c.D)
				p.Reconstruct(rec, x[:100*c.D], 100)
				if e := relErr(mse(rec, x[:100*c.D]), c.ReconMSE100); e > 1e-5 {
					t.Errorf("Reconstruct MSE = %v, want %v", mse(rec, x[:100*c.D]), c.ReconMSE100)
				}
				// Inverse(Transform) agrees with Reconstruct up to the
				// float32 rounding of the codes.
				all := make([]float32, 100*c.K)
				p.Transform(all, x[:100*c.D], 100)
				rec2 := make([]float32, 100*c.D)
				p.Inverse(rec2, all, 100)
				if e := relErr(mse(rec2, x[:100*c.D]), c.ReconMSE100); e > 1e-5 {
					t.Errorf("Inverse(Transform) MSE = %v, want %v", mse(rec2, x[:100*c.D]), c.ReconMSE100)
				}
			})
		})
	}
}

func mse(a, b []float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return s / float64(len(a))
}

// naiveCov is the textbook two-pass covariance, the oracle for the kernels.
func naiveCov(x []float32, n, d int) []float64 {
	mean := make([]float64, d)
	for i := range n {
		for j := range d {
			mean[j] += float64(x[i*d+j])
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	c := make([]float64, d*d)
	for i := range n {
		for a := range d {
			ya := float64(x[i*d+a]) - mean[a]
			for b := range d {
				c[a*d+b] += ya * (float64(x[i*d+b]) - mean[b])
			}
		}
	}
	for i := range c {
		c[i] /= float64(n - 1)
	}
	return c
}

// randData makes n×d data in which a fraction zero of the entries are 0 and
// the rest are offset from 0, so that shifted columns are exercised.
func randData(r *rand.Rand, n, d int, zero float64) []float32 {
	x := make([]float32, n*d)
	for i := range x {
		if r.Float64() >= zero {
			x[i] = float32(3 + r.NormFloat64())
		}
	}
	return x
}

// TestCovarianceKernels checks both Gram kernels against the naive
// covariance on shapes that are not multiples of the block sizes, and that
// the result is bit-for-bit the same for any number of workers.
func TestCovarianceKernels(t *testing.T) {
	defer func(k string) { forceKernel = k }(forceKernel)
	r := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		n, d int
		zero float64
	}{
		{2, 1, 0}, {7, 5, 0.3}, {300, 13, 0.8}, {1100, 30, 0.5}, {600, 67, 0.9}, {130, 9, 0},
	} {
		x := randData(r, tc.n, tc.d, tc.zero)
		// Make one column constant and one all zero.
		for i := range tc.n {
			x[i*tc.d] = 1.5
			x[i*tc.d+tc.d-1] = 0
		}
		want := naiveCov(x, tc.n, tc.d)
		for _, kernel := range []string{"dense", "sparse", "gemm"} {
			forceKernel = kernel
			var first []float64
			for _, w := range []int{1, 2, 3, 8} {
				got, _, ok := covariance(x, tc.n, tc.d, w)
				if !ok {
					t.Fatalf("%d×%d %s: not ok", tc.n, tc.d, kernel)
				}
				// gemm sums each panel in float32 (see gemmPanel).
				tol := 1e-12
				if kernel == "gemm" {
					tol = 1e-6
				}
				for i := range want {
					if math.Abs(got[i]-want[i]) > tol*(1+math.Abs(want[i])) {
						t.Fatalf("%d×%d %s workers=%d: cov[%d] = %v, want %v", tc.n, tc.d, kernel, w, i, got[i], want[i])
					}
				}
				if first == nil {
					first = got
				} else if !slices.Equal(first, got) {
					t.Errorf("%d×%d %s: workers=%d differs from workers=1", tc.n, tc.d, kernel, w)
				}
			}
		}
	}
}

// symWith builds Q·diag(vals)·Qᵀ for a random orthogonal Q.
func symWith(r *rand.Rand, vals []float64) []float64 {
	d := len(vals)
	q := make([]float64, d*d) // rows orthonormal by Gram–Schmidt
	for i := range d {
		v := q[i*d : (i+1)*d]
		for j := range v {
			v[j] = r.NormFloat64()
		}
		for range 2 {
			for k := range i {
				axpy(-dot(q[k*d:(k+1)*d], v), q[k*d:(k+1)*d], v)
			}
		}
		normalize(v)
	}
	c := make([]float64, d*d)
	for a := range d {
		for b := range d {
			var s float64
			for k := range d {
				s += q[k*d+a] * vals[k] * q[k*d+b]
			}
			c[a*d+b] = s
		}
	}
	for a := range d { // exact symmetry
		for b := range a {
			c[a*d+b] = c[b*d+a]
		}
	}
	return c
}

// TestTopEigen checks the tridiagonal + inverse-iteration solver, on its
// own (no fallback), against the full decomposition, including repeated
// and tightly clustered eigenvalues and a rank-deficient matrix.
func TestTopEigen(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	spectra := map[string]func(d int) []float64{
		"distinct": func(d int) []float64 {
			v := make([]float64, d)
			for i := range v {
				v[i] = float64(i+1) * (1 + 0.1*r.Float64())
			}
			return v
		},
		"repeated": func(d int) []float64 {
			v := make([]float64, d)
			for i := range v {
				v[i] = 1 + float64(i/4) // each eigenvalue four times
			}
			return v
		},
		"clustered": func(d int) []float64 {
			v := make([]float64, d)
			for i := range v {
				v[i] = 10 + 1e-9*float64(i%5) + float64(i/5)
			}
			return v
		},
		"rank3": func(d int) []float64 {
			v := make([]float64, d)
			copy(v, []float64{5, 3, 1})
			return v
		},
		"decaying": func(d int) []float64 {
			v := make([]float64, d)
			for i := range v {
				v[i] = math.Pow(0.7, float64(i))
			}
			return v
		},
	}
	for name, spec := range spectra {
		for _, d := range []int{2, 9, 40} {
			vals := spec(d)
			c := symWith(r, vals)
			k := min(d, 7)
			if name == "rank3" {
				k = min(d, 3)
			}
			got, vecs, ok := topEigenTridiag(c, d, k)
			if !ok {
				t.Errorf("%s d=%d: tridiagonal solver failed its own check", name, d)
				continue
			}
			want, _, _ := topEigenFull(c, d, k)
			for i := range k {
				if math.Abs(got[i]-want[i]) > 1e-10*max(1, math.Abs(want[i])) {
					t.Errorf("%s d=%d: value %d = %v, want %v", name, d, i, got[i], want[i])
				}
			}
			if !checkEigen(c, d, got, vecs, 1) && !checkEigen(c, d, got, vecs, 100) {
				t.Errorf("%s d=%d: vectors fail the check", name, d)
			}
		}
	}
}

// TestFullRank checks that k = d reconstructs the data and that the
// components are orthonormal.
func TestFullRank(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	n, d := 200, 6
	x := randData(r, n, d, 0.2)
	p, err := Fit(x, n, d, d)
	if err != nil {
		t.Fatal(err)
	}
	rec := make([]float32, n*d)
	p.Reconstruct(rec, x, n)
	for i := range x {
		if math.Abs(float64(rec[i]-x[i])) > 1e-5 {
			t.Fatalf("rec[%d] = %v, want %v", i, rec[i], x[i])
		}
	}
	if p.NoiseVariance != 0 {
		t.Errorf("NoiseVariance = %v, want 0 when k = d", p.NoiseVariance)
	}
	var sum float64
	for _, v := range p.ExplainedVarianceRatio {
		sum += v
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("ratios sum to %v, want 1", sum)
	}
	// In place.
	y := slices.Clone(x)
	p.Reconstruct(y, y, n)
	if !slices.Equal(y, rec) {
		t.Error("in-place Reconstruct differs")
	}
}

// TestWhiten checks that whitened codes of the training data have unit
// variance and that Inverse undoes the scaling.
func TestWhiten(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	n, d, k := 500, 8, 3
	x := randData(r, n, d, 0)
	p, err := Fit(x, n, d, k)
	if err != nil {
		t.Fatal(err)
	}
	plain := make([]float32, n*k)
	p.Transform(plain, x, n)
	p.Whiten = true
	code := make([]float32, n*k)
	p.Transform(code, x, n)
	for c := range k {
		var s float64
		for i := range n {
			s += float64(code[i*k+c]) * float64(code[i*k+c])
		}
		if v := s / float64(n-1); math.Abs(v-1) > 1e-4 {
			t.Errorf("whitened variance of code %d = %v, want 1", c, v)
		}
	}
	a := make([]float32, n*d)
	b := make([]float32, n*d)
	p.Inverse(a, code, n)
	p.Whiten = false
	p.Inverse(b, plain, n)
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-4 {
			t.Fatalf("whitened Inverse[%d] = %v, unwhitened %v", i, a[i], b[i])
		}
	}
}

// TestDeterministic checks that the fit does not depend on GOMAXPROCS
// (the kernels are checked directly in TestCovarianceKernels; this covers
// the whole pipeline) and that repeated fits give identical bits.
func TestDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	n, d := 700, 70
	x := randData(r, n, d, 0.7)
	p1, err := Fit(x, n, d, 5)
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := Fit(x, n, d, 5)
	if !slices.Equal(p1.Components, p2.Components) || !slices.Equal(p1.ExplainedVariance, p2.ExplainedVariance) {
		t.Error("two fits differ")
	}
	for i := range 5 {
		v := p1.Components[i*d : (i+1)*d]
		best := 0
		for j := range v {
			if math.Abs(v[j]) > math.Abs(v[best]) {
				best = j
			}
		}
		if v[best] <= 0 {
			t.Errorf("component %d: largest entry %v is not positive", i, v[best])
		}
	}
}

func TestFitErrors(t *testing.T) {
	x := []float32{1, 2, 3, 4, 5, 7}
	for _, tc := range []struct {
		x       []float32
		n, d, k int
		want    string
	}{
		{x, 3, 2, 0, "k = 0"},
		{x, 3, 2, 3, "k = 3"},
		{x, 2, 3, 3, "k = 3"},
		{x[:3], 1, 3, 1, "at least 2 rows"},
		{[]float32{1, float32(math.NaN()), 3, 4}, 2, 2, 1, "NaN"},
		{[]float32{1, float32(math.Inf(1)), 3, 4}, 2, 2, 1, "NaN or ±Inf"},
	} {
		_, err := Fit(tc.x, tc.n, tc.d, tc.k)
		if err == nil || !strings.HasPrefix(err.Error(), "pca: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Fit(%v, %d, %d, %d): err = %v, want %q", tc.x, tc.n, tc.d, tc.k, err, tc.want)
		}
	}
}

func TestPanics(t *testing.T) {
	p, err := Fit([]float32{1, 2, 3, 4, 5, 7}, 3, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    func()
		want string
	}{
		{"Fit len", func() { Fit(make([]float32, 5), 3, 2, 1) }, "len(x) = 5, want 3×2"},
		{"Fit shape", func() { Fit(nil, 0, 2, 1) }, "bad shape"},
		{"Transform dst", func() { p.Transform(make([]float32, 2), make([]float32, 2), 1) }, "len(dst) = 2, want 1×1"},
		{"Transform x", func() { p.Transform(make([]float32, 1), make([]float32, 3), 1) }, "len(x) = 3, want 1×2"},
		{"Inverse code", func() { p.Inverse(make([]float32, 2), make([]float32, 2), 1) }, "len(code) = 2, want 1×1"},
		{"Reconstruct", func() { p.Reconstruct(make([]float32, 4), make([]float32, 2), 2) }, "len(x) = 2, want 2×2"},
		{"broken PCA", func() { (&PCA{K: 1, D: 2}).Transform(nil, nil, 0) }, "len(Mean) = 0, want D = 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				s := fmt.Sprint(recover())
				if !strings.HasPrefix(s, "pca: ") || !strings.Contains(s, tc.want) {
					t.Errorf("panic %q, want %q", s, tc.want)
				}
			}()
			tc.f()
		})
	}
}

func TestJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	x := randData(r, 50, 5, 0.3)
	p, err := Fit(x, 50, 5, 2)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var q PCA
	if err := json.Unmarshal(b, &q); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(&q)
	if string(b) != string(b2) || !slices.Equal(p.Components, q.Components) {
		t.Errorf("JSON round trip changed the PCA:\n%s\n%s", b, b2)
	}
	for _, bad := range []string{
		`{"k":2,"d":5}`,
		strings.Replace(string(b), `"k":2`, `"k":3`, 1),
		strings.Replace(string(b), `"d":5`, `"d":4`, 1),
		`{"k":0,"d":0}`,
	} {
		if err := json.Unmarshal([]byte(bad), &q); err == nil || !strings.Contains(err.Error(), "pca: ") {
			t.Errorf("Unmarshal(%.40s...) err = %v, want a pca error", bad, err)
		}
	}
}

// TestConstant checks that data without variance fits (zero variances and
// ratios) instead of failing.
func TestConstant(t *testing.T) {
	x := []float32{2, 3, 2, 3, 2, 3}
	p, err := Fit(x, 3, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p.ExplainedVariance[0] != 0 || p.ExplainedVarianceRatio[0] != 0 {
		t.Errorf("variance %v ratio %v, want 0", p.ExplainedVariance, p.ExplainedVarianceRatio)
	}
	code := make([]float32, 3)
	p.Transform(code, x, 3)
	if !slices.Equal(code, []float32{0, 0, 0}) {
		t.Errorf("codes %v, want zeros", code)
	}
}

// TestTransformParallel checks that the row-parallel Transform, Inverse and
// Reconstruct (used for large inputs) agree exactly with row-at-a-time
// calls.
func TestTransformParallel(t *testing.T) {
	c := loadRef(t)[0] // digits: 1797×64, large enough to go parallel
	x := c.data()
	p, err := Fit(x, c.N, c.D, c.K)
	if err != nil {
		t.Fatal(err)
	}
	code := make([]float32, c.N*c.K)
	p.Transform(code, x, c.N)
	inv := make([]float32, c.N*c.D)
	p.Inverse(inv, code, c.N)
	rec := make([]float32, c.N*c.D)
	p.Reconstruct(rec, x, c.N)
	one := make([]float32, c.K)
	row := make([]float32, c.D)
	for i := range c.N {
		p.Transform(one, x[i*c.D:(i+1)*c.D], 1)
		if !slices.Equal(one, code[i*c.K:(i+1)*c.K]) {
			t.Fatalf("row %d: Transform differs", i)
		}
		p.Inverse(row, one, 1)
		if !slices.Equal(row, inv[i*c.D:(i+1)*c.D]) {
			t.Fatalf("row %d: Inverse differs", i)
		}
		p.Reconstruct(row, x[i*c.D:(i+1)*c.D], 1)
		if !slices.Equal(row, rec[i*c.D:(i+1)*c.D]) {
			t.Fatalf("row %d: Reconstruct differs", i)
		}
	}
}
