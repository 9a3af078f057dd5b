package umap

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/latent-go/latent/dataset/digits"
	"github.com/latent-go/latent/distance"
	"github.com/latent-go/latent/projection/quality"
)

// reference is testdata/reference.json, made by testdata/make_reference.py
// with umap-learn 0.5.3.
type reference struct {
	N, D, K int
	X       []float32
	IDs     []int32
	Sigmas  []float64
	Rhos    []float64
	Graph   [][3]float64
	AB      []struct {
		Spread  float64 `json:"spread"`
		MinDist float64 `json:"min_dist"`
		A, B    float64
	}
	DigitsTrustworthiness []float64 `json:"digits_trustworthiness"`
}

func loadReference(t *testing.T) *reference {
	t.Helper()
	b, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var r reference
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func relDiff(a, b float64) float64 {
	return math.Abs(a-b) / max(math.Abs(b), 1e-12)
}

// TestFuzzyGraph checks the neighbours, the smooth-kNN calibration and the
// fuzzy union against umap-learn's smooth_knn_dist and
// fuzzy_simplicial_set on the same exact neighbours.
func TestFuzzyGraph(t *testing.T) {
	r := loadReference(t)
	n, k := r.N, r.K
	ids, dists, err := neighbours(context.Background(), r.X, n, r.D, k, distance.Euclidean, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ids {
		if ids[i] != r.IDs[i] {
			t.Fatalf("neighbour %d of row %d = %d, scikit-learn %d", i%k, i/k, ids[i], r.IDs[i])
		}
	}
	sigma, rho := smoothKNN(dists, n, k, 1, false, 2)
	for i := range n {
		if d := relDiff(float64(rho[i]), r.Rhos[i]); d > 1e-5 {
			t.Errorf("rho[%d] = %g, umap-learn %g", i, rho[i], r.Rhos[i])
		}
		// The bisection stops within 1e-5 of the target sum, so sigma
		// agrees to about that relative accuracy.
		if d := relDiff(float64(sigma[i]), r.Sigmas[i]); d > 1e-4 {
			t.Errorf("sigma[%d] = %g, umap-learn %g", i, sigma[i], r.Sigmas[i])
		}
	}
	g := fuzzyUnion(ids, dists, sigma, rho, n, k)
	if len(g.col) != len(r.Graph) {
		t.Fatalf("graph has %d entries, umap-learn %d", len(g.col), len(r.Graph))
	}
	e := 0
	for i := range n {
		for p := g.rowPtr[i]; p < g.rowPtr[i+1]; p++ {
			want := r.Graph[e]
			if int(want[0]) != i || int(want[1]) != int(g.col[p]) {
				t.Fatalf("entry %d is (%d, %d), umap-learn (%g, %g)", e, i, g.col[p], want[0], want[1])
			}
			if d := math.Abs(float64(g.val[p]) - want[2]); d > 1e-5 {
				t.Errorf("w(%d, %d) = %g, umap-learn %g", i, g.col[p], g.val[p], want[2])
			}
			e++
		}
	}
}

// TestFindAB checks the curve fit against umap-learn's find_ab_params.
func TestFindAB(t *testing.T) {
	for _, c := range loadReference(t).AB {
		a, b, ok := findAB(c.Spread, c.MinDist)
		if !ok || relDiff(a, c.A) > 1e-4 || relDiff(b, c.B) > 1e-4 {
			t.Errorf("findAB(spread %g, min_dist %g) = %g, %g, %t; umap-learn %g, %g", c.Spread, c.MinDist, a, b, ok, c.A, c.B)
		}
	}
}

func TestPowf(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		x := float32(math.Exp(rng.Float64()*30 - 15)) // squared distances of a map
		y := float32(rng.Float64()*2 - 1)
		got, want := float64(powf(x, y)), math.Pow(float64(x), float64(y))
		if relDiff(got, want) > 1e-5 {
			t.Fatalf("powf(%g, %g) = %g, want %g", x, y, got, want)
		}
	}
	for _, x := range []float32{1e-40, 1, 1e30} {
		if got, want := float64(powf(x, 0.9)), math.Pow(float64(x), 0.9); relDiff(got, want) > 1e-5 {
			t.Errorf("powf(%g, 0.9) = %g, want %g", x, got, want)
		}
	}
}

// TestDigits embeds the 1,797 digits with the defaults and requires a
// trustworthiness(k=15) within 0.01 (issue 6's tolerance) of the lowest
// umap-learn reaches on the same data over three seeds (reference.json:
// 0.9879, 0.9866, 0.9875); latent reaches 0.9849, 0.9835 and 0.9856 with
// Seed 1, 2, 3 (0.003 lower on average; see layout.go).
func TestDigits(t *testing.T) {
	if testing.Short() {
		t.Skip("a full 500-epoch run")
	}
	s := digits.Load()
	m, err := Fit(context.Background(), s.X, s.N, s.D, Config{Seed: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Init != InitSpectral || m.Epochs != 500 {
		t.Errorf("Init %v, Epochs %d; want spectral, 500", m.Init, m.Epochs)
	}
	tw, err := quality.Trustworthiness(s.X, s.D, m.Embedding, 2, 15, 0)
	if err != nil {
		t.Fatal(err)
	}
	ref := loadReference(t).DigitsTrustworthiness
	if len(ref) == 0 {
		t.Fatal("reference.json holds no digits_trustworthiness")
	}
	want := slices.Min(ref) - 0.01
	t.Logf("trustworthiness(15) = %.4f; umap-learn %.4f", tw, ref)
	if tw < want {
		t.Errorf("trustworthiness(15) = %.4f, want at least %.4f (umap-learn: %.4f)", tw, want, ref)
	}
}

func bytesOf(v []float32) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, v)
	return b.Bytes()
}

// TestDeterministic checks that the map depends on the seed only: the same
// bytes for any number of workers.
func TestDeterministic(t *testing.T) {
	s := digits.Load()
	n := 600
	x := s.X[:n*s.D]
	var first []byte
	for _, tc := range []struct {
		workers int
		seed    uint64
	}{{1, 7}, {2, 7}, {3, 7}, {8, 7}} {
		m, err := Fit(context.Background(), x, n, s.D, Config{Seed: tc.seed, Workers: tc.workers, Epochs: 60}, nil)
		if err != nil {
			t.Fatal(err)
		}
		b := bytesOf(m.Embedding)
		if first == nil {
			first = b
		} else if !bytes.Equal(b, first) {
			t.Errorf("workers %d: map differs from workers 1", tc.workers)
		}
	}
	m, err := Fit(context.Background(), x, n, s.D, Config{Seed: 8, Epochs: 60}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(bytesOf(m.Embedding), first) {
		t.Error("seeds 7 and 8 give the same map")
	}
}

// TestTransform checks that Transform leaves the model alone, that a
// subset of rows transforms to the same rows of the whole, that it does not
// depend on workers, and that new digits land among training digits of
// their own class.
func TestTransform(t *testing.T) {
	s := digits.Load()
	const nTrain = 1200
	m, err := Fit(context.Background(), s.X[:nTrain*s.D], nTrain, s.D, Config{Seed: 3, Epochs: 200}, nil)
	if err != nil {
		t.Fatal(err)
	}
	before := bytesOf(m.Embedding)
	nNew := s.N - nTrain
	xNew := s.X[nTrain*s.D:]
	all, err := m.Transform(context.Background(), xNew, nNew)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytesOf(m.Embedding), before) {
		t.Fatal("Transform changed the model's embedding")
	}
	// Every third new row, and the rows in reverse order.
	var sub []float32
	var rows []int
	for i := nNew - 1; i >= 0; i -= 3 {
		sub = append(sub, xNew[i*s.D:(i+1)*s.D]...)
		rows = append(rows, i)
	}
	m.Config.Workers = 1
	part, err := m.Transform(context.Background(), sub, len(rows))
	if err != nil {
		t.Fatal(err)
	}
	for r, i := range rows {
		for c := range 2 {
			if part[r*2+c] != all[i*2+c] {
				t.Fatalf("row %d: subset gives %v, whole %v", i, part[r*2:r*2+2], all[i*2:i*2+2])
			}
		}
	}
	// Nearest training point in the map has the same label for most.
	same := 0
	for i := range nNew {
		best, bestD := -1, math.Inf(1)
		for j := range nTrain {
			dx := float64(all[2*i] - m.Embedding[2*j])
			dy := float64(all[2*i+1] - m.Embedding[2*j+1])
			if d := dx*dx + dy*dy; d < bestD {
				best, bestD = j, d
			}
		}
		if s.Labels[best] == s.Labels[nTrain+i] {
			same++
		}
	}
	if frac := float64(same) / float64(nNew); frac < 0.9 {
		t.Errorf("%.3f of new digits land next to a training digit of their class, want at least 0.9", frac)
	}
}

// TestDisconnected lays out a graph of several components (blobs far
// apart, few neighbours) and a too-small one.
func TestDisconnected(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n, d = 93, 3
	x := make([]float32, n*d)
	for i := range n {
		blob := i % 4
		if i >= 90 {
			blob = 4 // three points on their own
		}
		for j := range d {
			x[i*d+j] = float32(100*float64(blob) + rng.NormFloat64())
		}
	}
	for _, dims := range []int{2, 3} {
		m, err := Fit(context.Background(), x, n, d, Config{NNeighbors: 4, Dims: dims, Seed: 1}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range m.Embedding {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("dims %d: non-finite map", dims)
			}
		}
		if m.Init != InitSpectral {
			t.Errorf("dims %d: Init %v, want spectral", dims, m.Init)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	x := make([]float32, 20*2)
	for i := range x {
		x[i] = float32(i * i % 7)
	}
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{NNeighbors: 1}, "NNeighbors 1: want at least 2"},
		{Config{NNeighbors: 20}, "NNeighbors 20 must be less than the number of points, 20"},
		{Config{MinDist: -0.1}, "MinDist -0.1: want a positive number"},
		{Config{MinDist: 2}, "MinDist 2 must not exceed Spread 1"},
		{Config{Spread: math.Inf(1)}, "Spread +Inf: want a positive number"},
		{Config{Dims: -1}, "Dims -1: want at least 1"},
		{Config{Epochs: -5}, "Epochs -5: want 0 (automatic) or more"},
		{Config{LearningRate: math.NaN()}, "LearningRate NaN: want a positive number"},
		{Config{NegativeSampleRate: -1}, "NegativeSampleRate -1"},
		{Config{RepulsionStrength: -1}, "RepulsionStrength -1"},
		{Config{LocalConnectivity: -1}, "LocalConnectivity -1"},
		{Config{Init: 7}, "unknown Init 7"},
		{Config{Metric: distance.Dot}, "Metric dot: want euclidean, cosine or manhattan"},
	} {
		_, err := Fit(context.Background(), x, 20, 2, tc.cfg, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.cfg, err, tc.want)
		}
	}
	x[5] = float32(math.NaN())
	if _, err := Fit(context.Background(), x, 20, 2, Config{NNeighbors: 5}, nil); err == nil || !strings.Contains(err.Error(), "row 2 column 1 is NaN") {
		t.Errorf("NaN input: error %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	x[5] = 1
	if _, err := Fit(ctx, x, 20, 2, Config{NNeighbors: 5}, nil); err != context.Canceled {
		t.Errorf("cancelled: error %v", err)
	}
	if err := (Config{}).Validate(); err != nil {
		t.Errorf("zero Config: %v", err)
	}
}
