package cluster_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/latent-go/latent/cluster"
	"github.com/latent-go/latent/dataset/digits"
	"github.com/latent-go/latent/distance"
)

// sklearnRef is testdata/sklearn_cluster.json (make_sklearn_ref.py).
type sklearnRef struct {
	Tool   string
	KMeans struct {
		Call    string
		Inertia []float64
	}
	Labelings                 map[string][]int
	Silhouette                map[string]float64
	SilhouetteManhattanDigits float64 `json:"silhouette_manhattan_digits"`
	SilhouetteCosineDigits    float64 `json:"silhouette_cosine_digits"`
	Pairs                     []struct {
		A, B     string
		ARI, NMI float64
	}
	Small []struct {
		A, B     []int
		ARI, NMI float64
	}
}

func loadRef(t *testing.T) *sklearnRef {
	t.Helper()
	b, err := os.ReadFile("testdata/sklearn_cluster.json")
	if err != nil {
		t.Fatal(err)
	}
	var r sklearnRef
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func TestKMeansDigitsSklearn(t *testing.T) {
	ref := loadRef(t)
	set := digits.Load()
	sk := slices.Min(ref.KMeans.Inertia)
	for seed := range uint64(3) {
		km, err := cluster.FitKMeans(set.X, set.N, set.D, cluster.KMeansConfig{K: 10, NInit: 10}, rand.New(rand.NewPCG(seed, 0)))
		if err != nil {
			t.Fatal(err)
		}
		rel := (km.Inertia - sk) / sk
		t.Logf("seed %d: inertia %.1f, scikit-learn %.1f (%+.3f%%), %d iterations", seed, km.Inertia, sk, 100*rel, km.Iter)
		if math.Abs(rel) > 0.01 {
			t.Errorf("seed %d: inertia %.1f not within 1%% of scikit-learn's %.1f", seed, km.Inertia, sk)
		}
		// The inertia is what the centres and labels say.
		if got := cluster.Inertia(set.X, set.N, set.D, km.Centers, km.Labels); math.Abs(got-km.Inertia) > 1e-6*got {
			t.Errorf("Inertia() = %v, result says %v", got, km.Inertia)
		}
		// Labels are the nearest centres.
		pred := make([]int, set.N)
		km.Predict(pred, set.X)
		diff := 0
		for i := range pred {
			if pred[i] != km.Labels[i] {
				diff++
			}
		}
		if diff > 0 {
			t.Errorf("%d labels are not the nearest centre", diff)
		}
		if !km.Converged {
			t.Errorf("did not converge in %d iterations", km.Iter)
		}
	}
}

// The same seed gives the same bytes whatever the number of workers.
func TestKMeansDeterministic(t *testing.T) {
	set := digits.Load()
	var first *cluster.KMeans
	for _, w := range []int{1, 2, 3, 8} {
		km, err := cluster.FitKMeans(set.X, set.N, set.D, cluster.KMeansConfig{K: 7, NInit: 3, Workers: w}, rand.New(rand.NewPCG(9, 9)))
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = km
			continue
		}
		if !slices.Equal(km.Centers, first.Centers) || !slices.Equal(km.Labels, first.Labels) || km.Inertia != first.Inertia || km.Iter != first.Iter {
			t.Fatalf("workers=%d gives a different result", w)
		}
	}
	// NInit=1 parallelises inside the run instead: still the same bytes.
	a, _ := cluster.FitKMeans(set.X, set.N, set.D, cluster.KMeansConfig{K: 5, NInit: 1, Workers: 1}, rand.New(rand.NewPCG(1, 1)))
	b, _ := cluster.FitKMeans(set.X, set.N, set.D, cluster.KMeansConfig{K: 5, NInit: 1, Workers: 4}, rand.New(rand.NewPCG(1, 1)))
	if !slices.Equal(a.Centers, b.Centers) || a.Inertia != b.Inertia {
		t.Fatal("NInit=1: workers change the result")
	}
}

func TestKMeansSmall(t *testing.T) {
	// Three obvious groups, far from the origin.
	x := []float32{
		100, 100, 100.1, 100, 100, 100.2,
		110, 110, 110.1, 110.2, 110, 110.1,
		90, 120, 90.2, 120, 90, 120.1,
	}
	km, err := cluster.FitKMeans(x, 9, 2, cluster.KMeansConfig{K: 3}, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	for g := range 3 {
		l := km.Labels[3*g]
		if km.Labels[3*g+1] != l || km.Labels[3*g+2] != l {
			t.Fatalf("labels %v do not follow the groups", km.Labels)
		}
	}
	if km.Inertia > 0.2 {
		t.Fatalf("inertia %v", km.Inertia)
	}
	// K = n: every sample its own cluster, inertia 0.
	km, err = cluster.FitKMeans(x, 9, 2, cluster.KMeansConfig{K: 9}, rand.New(rand.NewPCG(1, 2)))
	if err != nil || km.Inertia != 0 {
		t.Fatalf("K=n: inertia %v, %v", km.Inertia, err)
	}
	// K = 1: the centre is the mean.
	km, err = cluster.FitKMeans(x, 9, 2, cluster.KMeansConfig{K: 1, NInit: 2}, rand.New(rand.NewPCG(1, 2)))
	if err != nil || math.Abs(float64(km.Centers[0])-900.4/9) > 1e-4 {
		t.Fatalf("K=1: centre %v, %v", km.Centers, err)
	}
	// More clusters than distinct points: empty clusters are refilled
	// during the iterations; the final labels may still leave some empty
	// (as in scikit-learn), but the fit succeeds with zero inertia.
	dup := []float32{1, 1, 1, 1, 1, 1, 2, 2, 2, 2}
	km, err = cluster.FitKMeans(dup, 5, 2, cluster.KMeansConfig{K: 4}, rand.New(rand.NewPCG(3, 3)))
	if err != nil || km.Inertia != 0 {
		t.Fatalf("duplicates: inertia %v, %v", km.Inertia, err)
	}
}

func TestKMeansErrors(t *testing.T) {
	x := []float32{1, 2, 3, 4}
	r := rand.New(rand.NewPCG(1, 1))
	for _, tc := range []struct {
		cfg  cluster.KMeansConfig
		x    []float32
		want string
	}{
		{cluster.KMeansConfig{K: 0}, x, "K = 0"},
		{cluster.KMeansConfig{K: 3}, x, "K = 3 clusters for 2 samples"},
		{cluster.KMeansConfig{K: 1, NInit: -1}, x, "NInit"},
		{cluster.KMeansConfig{K: 1}, []float32{1, float32(math.NaN()), 3, 4}, "sample 0 feature 1 is NaN"},
	} {
		_, err := cluster.FitKMeans(tc.x, 2, 2, tc.cfg, r)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want %q", tc.cfg, err, tc.want)
		}
	}
}

func TestSilhouetteSklearn(t *testing.T) {
	ref := loadRef(t)
	set := digits.Load()
	for name, want := range ref.Silhouette {
		got, err := cluster.Silhouette(set.X, set.N, set.D, ref.Labelings[name], cluster.SilhouetteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("%s: silhouette %.15f, scikit-learn %.15f", name, got, want)
		}
	}
	for _, tc := range []struct {
		m    distance.Metric
		want float64
	}{{distance.Manhattan, ref.SilhouetteManhattanDigits}, {distance.Cosine, ref.SilhouetteCosineDigits}} {
		got, err := cluster.Silhouette(set.X, set.N, set.D, ref.Labelings["digits"], cluster.SilhouetteOptions{Metric: tc.m, Workers: 3})
		if err != nil || math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%v: silhouette %.15f, scikit-learn %.15f (%v)", tc.m, got, tc.want, err)
		}
	}
}

func TestSilhouetteSample(t *testing.T) {
	set := digits.Load()
	ref := loadRef(t)
	labels := ref.Labelings["digits"]
	opt := cluster.SilhouetteOptions{SampleSize: 600, Rand: rand.New(rand.NewPCG(4, 4))}
	a, err := cluster.Silhouette(set.X, set.N, set.D, labels, opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Rand, opt.Workers = rand.New(rand.NewPCG(4, 4)), 1
	b, _ := cluster.Silhouette(set.X, set.N, set.D, labels, opt)
	if a != b {
		t.Fatalf("same seed, different sampled scores %v and %v", a, b)
	}
	if math.Abs(a-ref.Silhouette["digits"]) > 0.03 {
		t.Errorf("sampled silhouette %v far from the exact %v", a, ref.Silhouette["digits"])
	}
	if _, err := cluster.Silhouette(set.X, set.N, set.D, labels, cluster.SilhouetteOptions{SampleSize: 10}); err == nil {
		t.Error("sampling without a generator succeeded")
	}
}

func TestSilhouetteEdges(t *testing.T) {
	x := []float32{0, 1, 10, 11}
	for _, tc := range []struct {
		labels []int
		want   float64
		err    bool
	}{
		// a = 1 for every point; b = 10.5 for the outer ones, 9.5 for the inner.
		{[]int{0, 0, 1, 1}, ((1 - 1/10.5) + (1 - 1/9.5)) / 2, false},
		// The singleton scores 0; x=1 has a = 9.5, b = 1; x=10 has a = 5,
		// b = 10; x=11 has a = 5.5, b = 11.
		{[]int{1, 0, 0, 0}, (0 + (1-9.5)/9.5 + 0.5 + 0.5) / 4, false},
		{[]int{0, 0, 0, 0}, 0, true},
		{[]int{0, 1, 2, 3}, 0, true},
	} {
		got, err := cluster.Silhouette(x, 4, 1, tc.labels, cluster.SilhouetteOptions{})
		if (err != nil) != tc.err {
			t.Errorf("%v: err = %v", tc.labels, err)
			continue
		}
		if !tc.err && math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%v: silhouette %v, want %v", tc.labels, got, tc.want)
		}
	}
}

func TestARIandNMISklearn(t *testing.T) {
	ref := loadRef(t)
	for _, p := range ref.Pairs {
		a, b := ref.Labelings[p.A], ref.Labelings[p.B]
		if got := cluster.AdjustedRandIndex(a, b); math.Abs(got-p.ARI) > 1e-9 {
			t.Errorf("ARI(%s, %s) = %.15f, scikit-learn %.15f", p.A, p.B, got, p.ARI)
		}
		if got := cluster.NMI(a, b); math.Abs(got-p.NMI) > 1e-9 {
			t.Errorf("NMI(%s, %s) = %.15f, scikit-learn %.15f", p.A, p.B, got, p.NMI)
		}
	}
	for _, p := range ref.Small {
		if got := cluster.AdjustedRandIndex(p.A, p.B); math.Abs(got-p.ARI) > 1e-12 {
			t.Errorf("ARI(%v, %v) = %v, scikit-learn %v", p.A, p.B, got, p.ARI)
		}
		if got := cluster.NMI(p.A, p.B); math.Abs(got-p.NMI) > 1e-12 {
			t.Errorf("NMI(%v, %v) = %v, scikit-learn %v", p.A, p.B, got, p.NMI)
		}
	}
}

func TestCodes(t *testing.T) {
	codes, classes := cluster.Codes([]string{"b", "a", "b", "c"})
	if !slices.Equal(codes, []int{0, 1, 0, 2}) || !slices.Equal(classes, []string{"b", "a", "c"}) {
		t.Fatalf("Codes = %v, %v", codes, classes)
	}
}

func TestPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"ari": func() { cluster.AdjustedRandIndex([]int{1}, nil) },
		"nmi": func() { cluster.NMI(nil, []int{1}) },
		"fit": func() {
			cluster.FitKMeans([]float32{1, 2, 3}, 2, 2, cluster.KMeansConfig{K: 1}, rand.New(rand.NewPCG(1, 1)))
		},
		"sil":     func() { cluster.Silhouette([]float32{1, 2}, 2, 1, []int{0}, cluster.SilhouetteOptions{}) },
		"inertia": func() { cluster.Inertia([]float32{1, 2}, 2, 1, []float32{0}, []int{0}) },
	} {
		func() {
			defer func() {
				if s, ok := recover().(string); !ok || !strings.HasPrefix(s, "cluster: ") {
					t.Errorf("%s: recovered %v, want a cluster: panic", name, s)
				}
			}()
			f()
		}()
	}
}
