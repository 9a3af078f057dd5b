package quality

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// reference is testdata/sklearn.json, written by testdata/reference.py
// with scikit-learn 1.2.1.
type reference struct {
	Cases []struct {
		Name            string      `json:"name"`
		N               int         `json:"n"`
		D               int         `json:"d"`
		X               [][]float32 `json:"x"`
		Y               [][]float32 `json:"y"`
		Labels          []string    `json:"labels"`
		Silhouette      float64     `json:"silhouette"`
		K               []int       `json:"k"`
		Trustworthiness []float64   `json:"trustworthiness"`
		Continuity      []float64   `json:"continuity"`
	} `json:"cases"`
}

func loadReference(t *testing.T) reference {
	t.Helper()
	b, err := os.ReadFile("testdata/sklearn.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

func flatten(rows [][]float32) []float32 {
	var out []float32
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

// TestAgainstScikitLearn compares trustworthiness, continuity (scikit-learn's
// trustworthiness with the arguments swapped) and the silhouette with
// scikit-learn's values, for narrow data (float64 distances) and wide data
// (matrix products), for every worker count.
func TestAgainstScikitLearn(t *testing.T) {
	ref := loadReference(t)
	for _, c := range ref.Cases {
		x, y := flatten(c.X), flatten(c.Y)
		for ki, k := range c.K {
			for _, workers := range []int{1, 3} {
				r, err := Evaluate(x, c.D, y, 2, c.Labels, Options{K: k, Workers: workers})
				if err != nil {
					t.Fatalf("%s k=%d: %v", c.Name, k, err)
				}
				if math.Abs(r.Trustworthiness-c.Trustworthiness[ki]) > 1e-12 {
					t.Errorf("%s k=%d workers=%d: trustworthiness %.15f, scikit-learn %.15f", c.Name, k, workers, r.Trustworthiness, c.Trustworthiness[ki])
				}
				if math.Abs(r.Continuity-c.Continuity[ki]) > 1e-12 {
					t.Errorf("%s k=%d workers=%d: continuity %.15f, scikit-learn %.15f", c.Name, k, workers, r.Continuity, c.Continuity[ki])
				}
				if r.Silhouette == nil || math.Abs(*r.Silhouette-c.Silhouette) > 1e-9 {
					t.Errorf("%s: silhouette %v, scikit-learn %.12f", c.Name, r.Silhouette, c.Silhouette)
				}
				if r.K != k {
					t.Errorf("%s: K = %d, want %d", c.Name, r.K, k)
				}
			}
			// The single measures agree with Evaluate, and continuity is
			// trustworthiness swapped.
			tr, _ := Trustworthiness(x, c.D, y, 2, k, 0)
			co, _ := Continuity(x, c.D, y, 2, k, 0)
			sw, _ := Trustworthiness(y, 2, x, c.D, k, 0)
			if math.Abs(tr-c.Trustworthiness[ki]) > 1e-12 || co != sw {
				t.Errorf("%s k=%d: Trustworthiness %v, Continuity %v, swapped Trustworthiness %v", c.Name, k, tr, co, sw)
			}
		}
	}
}

// TestPerfectMap checks that a map equal to the data (or a rotation and
// scaling of it) scores 1 everywhere.
func TestPerfectMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 60
	x := make([]float32, n*2)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	y := make([]float32, n*2)
	for i := range n {
		a, b := float64(x[2*i]), float64(x[2*i+1])
		y[2*i] = float32(3 * (0.6*a - 0.8*b))
		y[2*i+1] = float32(3 * (0.8*a + 0.6*b))
	}
	for _, yy := range [][]float32{x, y} {
		r, err := Evaluate(x, 2, yy, 2, nil, Options{K: 7})
		if err != nil {
			t.Fatal(err)
		}
		if r.Trustworthiness != 1 || r.Continuity != 1 || r.KNNPreservation != 1 || r.Silhouette != nil {
			t.Errorf("perfect map: %+v", r)
		}
	}
}

// TestHandWorked checks the three measures on points on a line, where the
// ranks can be counted by hand.
func TestHandWorked(t *testing.T) {
	// Data 0, 1, 2, 3, 4, 5 on a line; the map swaps the first two points.
	x := []float32{0, 1, 2, 3, 4, 5}
	y := []float32{1, 0, 2, 3, 4, 5}
	// k = 1. Nearest in the data (ties by smaller index): 0→1, 1→0, 2→1,
	// 3→2, 4→3, 5→4. In the map: 0 (at 1)→1 (at 0; tie with 2 at 2,
	// smaller index wins), 1 (at 0)→0, 2 (at 2)→0 (at 1), 3→2, 4→3, 5→4.
	// Point 2 has a false neighbour 0, whose rank among 2's data
	// neighbours (1, 3, 0, 4, 5) is 3: T = 1 − 2/(6·1·(12−3−1))·(3−1) = 1 − 1/12.
	// Point 2 misses neighbour 1, whose rank in the map among 2's
	// neighbours (0, 3, 1, 4, 5) is 3: C = 1 − 1/12. Kept: 5 of 6.
	r, err := Evaluate(x, 1, y, 1, nil, Options{K: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := Report{K: 1, Trustworthiness: 1 - 1.0/12, Continuity: 1 - 1.0/12, KNNPreservation: 5.0 / 6}
	if math.Abs(r.Trustworthiness-want.Trustworthiness) > 1e-15 || math.Abs(r.Continuity-want.Continuity) > 1e-15 || math.Abs(r.KNNPreservation-want.KNNPreservation) > 1e-15 {
		t.Errorf("got %+v, want %+v", r, want)
	}
}

func TestErrors(t *testing.T) {
	x := []float32{0, 1, 2, 3, 4, 5}
	for _, tt := range []struct {
		name string
		x, y []float32
		k    int
		want string
	}{
		{"k too large", x, x, 3, "k must be less than half"},
		{"k negative", x, x, -1, "k -1: want at least 1"},
		{"NaN in data", []float32{0, 1, float32(math.NaN()), 3, 4, 5}, x, 1, "the data holds NaN at position 2"},
		{"Inf in map", x, []float32{0, 1, 2, 3, 4, float32(math.Inf(1))}, 1, "the map holds +Inf at position 5"},
	} {
		_, err := Evaluate(tt.x, 1, tt.y, 1, nil, Options{K: tt.k})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := Trustworthiness(x, 1, x, 1, 3, 0); !errors.Is(err, ErrTooFewPoints) {
		t.Errorf("k=3 of 6 points: %v, want ErrTooFewPoints", err)
	}
	for _, f := range []func(){
		func() { Evaluate(x, 1, x[:4], 1, nil, Options{}) },
		func() { Evaluate(x, 1, x, 1, []string{"a"}, Options{K: 1}) },
		func() { Evaluate(x, 0, x, 1, nil, Options{}) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(r.(string), "quality: ") {
					t.Errorf("panic %v, want one starting with quality:", r)
				}
			}()
			f()
		}()
	}
}

// TestSilhouetteNeedsTwoClasses checks that one label class gives no
// silhouette rather than an error.
func TestSilhouetteNeedsTwoClasses(t *testing.T) {
	x := []float32{0, 1, 2, 3, 4, 5}
	r, err := Evaluate(x, 1, x, 1, []string{"a", "a", "a", "a", "a", "a"}, Options{K: 1})
	if err != nil || r.Silhouette != nil {
		t.Errorf("one class: %+v, %v", r, err)
	}
}
