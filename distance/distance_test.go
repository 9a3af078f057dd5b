package distance

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// The one-accumulator loops that specify the unrolled kernels.

func sqEuclideanLoop(a, b []float32) float32 {
	var s float32
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return s
}

func dotLoop(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func manhattanLoop(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += float32(math.Abs(float64(a[i] - b[i])))
	}
	return s
}

func randVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

// close32 reports whether got is within a float32 accumulation error of
// want for n terms whose absolute values sum to scale.
func close32(got, want float32, n int, scale float64) bool {
	return math.Abs(float64(got)-float64(want)) <= 4*float64(n+4)*0x1p-24*scale+1e-30
}

func TestKernelsAgainstLoops(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 301, 1000} {
		for trial := 0; trial < 5; trial++ {
			a, b := randVec(r, n), randVec(r, n)
			var sumAbsProd, sumSq, sumAbs, aa, bb float64
			for i := range a {
				x, y := float64(a[i]), float64(b[i])
				sumAbsProd += math.Abs(x * y)
				sumSq += (x - y) * (x - y)
				sumAbs += math.Abs(x - y)
				aa += x * x
				bb += y * y
			}
			if got, want := sqEuclidean(a, b), sqEuclideanLoop(a, b); !close32(got, want, n, sumSq) {
				t.Errorf("n=%d: sqEuclidean = %v, loop %v", n, got, want)
			}
			if got, want := dot(a, b), dotLoop(a, b); !close32(got, want, n, sumAbsProd) {
				t.Errorf("n=%d: dot = %v, loop %v", n, got, want)
			}
			if got, want := manhattan(a, b), manhattanLoop(a, b); !close32(got, want, n, sumAbs) {
				t.Errorf("n=%d: manhattan = %v, loop %v", n, got, want)
			}
			ab, ga, gb := dotNorms(a, b)
			if !close32(ab, dotLoop(a, b), n, sumAbsProd) || !close32(ga, dotLoop(a, a), n, aa) || !close32(gb, dotLoop(b, b), n, bb) {
				t.Errorf("n=%d: dotNorms = %v %v %v", n, ab, ga, gb)
			}
			// float32 and float64 distances agree to float32 accuracy.
			for _, m := range All() {
				d32, d64 := m.Distance(a, b), m.Distance64(a, b)
				scale := map[Metric]float64{Euclidean: math.Sqrt(sumSq), SqEuclidean: sumSq, Cosine: 2, Manhattan: sumAbs, Dot: sumAbsProd}[m]
				if m == Cosine && n > 0 {
					scale = 2 + sumAbsProd/math.Sqrt(aa*bb)
				}
				if !close32(d32, float32(d64), n, scale) {
					t.Errorf("n=%d %v: Distance %v, Distance64 %v", n, m, d32, d64)
				}
			}
		}
	}
}

func TestKnownValues(t *testing.T) {
	a := []float32{1, 2, 3}
	b := []float32{4, 6, 3}
	zero := []float32{0, 0, 0}
	tests := []struct {
		m    Metric
		a, b []float32
		want float64
	}{
		{Euclidean, a, b, 5},
		{SqEuclidean, a, b, 25},
		{Manhattan, a, b, 7},
		{Dot, a, b, -(4 + 12 + 9)},
		{Cosine, a, b, 1 - 25/(math.Sqrt(14)*math.Sqrt(61))},
		{Cosine, a, a, 0},
		{Cosine, a, []float32{-2, -4, -6}, 2},
		{Cosine, []float32{1, 0}, []float32{0, 5}, 1},
		// Zero vectors: cosine distance 1 to everything, itself included.
		{Cosine, zero, a, 1},
		{Cosine, a, zero, 1},
		{Cosine, zero, zero, 1},
		{Euclidean, zero, zero, 0},
		{Dot, zero, a, 0},
		// Empty vectors.
		{Euclidean, nil, nil, 0},
		{Cosine, nil, nil, 1},
	}
	for _, tc := range tests {
		if got := tc.m.Distance64(tc.a, tc.b); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%v.Distance64(%v, %v) = %v, want %v", tc.m, tc.a, tc.b, got, tc.want)
		}
		if got := tc.m.Distance(tc.a, tc.b); math.Abs(float64(got)-tc.want) > 1e-6*math.Max(1, math.Abs(tc.want)) {
			t.Errorf("%v.Distance(%v, %v) = %v, want %v", tc.m, tc.a, tc.b, got, tc.want)
		}
	}
}

func TestCosineRange(t *testing.T) {
	// Rounding must never push cosine outside [0, 2], even for a vector
	// against itself or its negation.
	r := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 1000; trial++ {
		a := randVec(r, 1+r.IntN(50))
		neg := make([]float32, len(a))
		for i, v := range a {
			neg[i] = -v
		}
		for _, b := range [][]float32{a, neg} {
			if d := Cosine.Distance(a, b); d < 0 || d > 2 {
				t.Fatalf("Cosine.Distance = %v", d)
			}
			if d := Cosine.Distance64(a, b); d < 0 || d > 2 {
				t.Fatalf("Cosine.Distance64 = %v", d)
			}
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Metric
		ok   bool
	}{
		{"euclidean", Euclidean, true},
		{"L2", Euclidean, true},
		{"sqeuclidean", SqEuclidean, true},
		{"l2sq", SqEuclidean, true},
		{" Cosine ", Cosine, true},
		{"manhattan", Manhattan, true},
		{"cityblock", Manhattan, true},
		{"l1", Manhattan, true},
		{"dot", Dot, true},
		{"ip", Dot, true},
		{"hamming", 0, false},
		{"", 0, false},
	}
	for _, tc := range tests {
		got, err := Parse(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("Parse(%q) = %v, %v; want %v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
	for _, m := range All() {
		if got, err := Parse(m.String()); err != nil || got != m {
			t.Errorf("Parse(%q) = %v, %v", m.String(), got, err)
		}
	}
	if s := Metric(99).String(); s != "Metric(99)" {
		t.Errorf("String = %q", s)
	}
}

func TestJSON(t *testing.T) {
	type cfg struct {
		Metric Metric `json:"metric"`
	}
	b, err := json.Marshal(cfg{Cosine})
	if err != nil || string(b) != `{"metric":"cosine"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var c cfg
	if err := json.Unmarshal([]byte(`{"metric":"dot"}`), &c); err != nil || c.Metric != Dot {
		t.Fatalf("Unmarshal = %v, %v", c, err)
	}
	if err := json.Unmarshal([]byte(`{"metric":"nope"}`), &c); err == nil {
		t.Fatal("Unmarshal of an unknown metric succeeded")
	}
	if _, err := json.Marshal(cfg{Metric(-1)}); err == nil {
		t.Fatal("Marshal of an invalid metric succeeded")
	}
}

func TestPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"length":   func() { Euclidean.Distance([]float32{1}, []float32{1, 2}) },
		"length64": func() { Cosine.Distance64([]float32{1}, nil) },
		"metric":   func() { Metric(42).Distance([]float32{1}, []float32{1}) },
		"metric64": func() { Metric(-1).Distance64(nil, nil) },
	} {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || len(s) < 10 || s[:10] != "distance: " {
					t.Errorf("%s: recovered %v, want a distance: panic", name, r)
				}
			}()
			f()
		}()
	}
}

var sink float32

func BenchmarkDistance(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{32, 100, 300} {
		x, y := randVec(r, n), randVec(r, n)
		for _, m := range All() {
			b.Run(m.String()+"/"+strconv.Itoa(n), func(b *testing.B) {
				for b.Loop() {
					sink += m.Distance(x, y)
				}
			})
		}
	}
}
