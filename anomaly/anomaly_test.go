package anomaly

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/latent-go/latent/tensor"
)

func TestPValueAndThreshold(t *testing.T) {
	c := NewCalibrator([]float64{5, 1, 4, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}) // n = 19
	tests := []struct {
		s, p float64
	}{
		{0, 1}, {1, 1}, {1.5, 19.0 / 20}, {19, 2.0 / 20}, {19.5, 1.0 / 20}, {100, 1.0 / 20},
	}
	for _, tc := range tests {
		if got := c.PValue(tc.s); math.Abs(got-tc.p) > 1e-15 {
			t.Errorf("PValue(%v) = %v, want %v", tc.s, got, tc.p)
		}
	}
	// α = 0.05: ⌈20·0.95⌉ = 19 → the 19th smallest score.
	thr, err := c.Threshold(0.05)
	if err != nil || thr != 19 {
		t.Errorf("Threshold(0.05) = %v, %v; want 19", thr, err)
	}
	// The threshold and the p-value rule agree.
	for s := 0.0; s < 21; s += 0.25 {
		if (s > thr) != (c.PValue(s) <= 0.05) {
			t.Errorf("score %v: threshold and p-value rules disagree", s)
		}
	}
	for _, bad := range []float64{0, 1, -0.1, math.NaN()} {
		if _, err := c.Threshold(bad); err == nil || !strings.Contains(err.Error(), "must be in (0, 1)") {
			t.Errorf("Threshold(%v): err = %v", bad, err)
		}
	}
	if _, err := c.Threshold(0.01); err == nil || !strings.Contains(err.Error(), "needs at least 99 calibration scores") {
		t.Errorf("Threshold(0.01) with 19 scores: err = %v", err)
	}
}

// TestConformalFPR checks the finite-sample guarantee on exchangeable data:
// over many calibration/test draws the share of normal records flagged at α
// averages α (within sampling error), for heavy-tailed scores too.
func TestConformalFPR(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, alpha := range []float64{0.05, 0.01} {
		var flagged, total int
		for range 200 {
			cal := make([]float64, 499)
			for i := range cal {
				cal[i] = math.Exp(rng.NormFloat64() * 2)
			}
			c := NewCalibrator(cal)
			for range 500 {
				if c.PValue(math.Exp(rng.NormFloat64()*2)) <= alpha {
					flagged++
				}
				total++
			}
		}
		fpr := float64(flagged) / float64(total)
		// (n+1)α is an integer here, so E[FPR] = α exactly.
		if math.Abs(fpr-alpha) > 0.15*alpha {
			t.Errorf("α=%v: FPR %.4f over %d normal records", alpha, fpr, total)
		}
	}
}

func TestTopFraction(t *testing.T) {
	s := []float64{3, 1, 4, 1, 5, 9, 2, 6, 5, 3}
	thr, err := TopFraction(s, 0.2)
	if err != nil || thr != 5 {
		t.Fatalf("TopFraction(0.2) = %v, %v; want 5 (flags 9 and 6)", thr, err)
	}
	if _, err := TopFraction(s, 1.5); err == nil {
		t.Error("contamination 1.5 accepted")
	}
}

func TestExplain(t *testing.T) {
	terms := []float32{0.125, 0.5, 0.0, 0.375}
	got := Explain(terms, 2, []string{"a", "b", "c", "d"})
	want := []Feature{{Index: 1, Name: "b", Share: 0.5}, {Index: 3, Name: "d", Share: 0.375}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Explain = %+v, want %+v", got, want)
	}
}

func ExampleCalibrator_PValue() {
	// Scores of 19 held-out normal records.
	cal := NewCalibrator([]float64{0.8, 1.1, 0.9, 1.4, 1.0, 1.2, 0.7, 1.3, 0.95, 1.05, 1.15, 0.85, 1.25, 0.75, 1.35, 0.65, 1.45, 0.6, 1.5})
	thr, _ := cal.Threshold(0.05)
	for _, s := range []float64{1.0, 1.48, 3.2} {
		fmt.Printf("score %.2f: p-value %.2f, flagged at α=0.05: %v\n", s, cal.PValue(s), s > thr)
	}
	// Output:
	// score 1.00: p-value 0.60, flagged at α=0.05: false
	// score 1.48: p-value 0.10, flagged at α=0.05: false
	// score 3.20: p-value 0.05, flagged at α=0.05: true
}

func TestKNNMethod(t *testing.T) {
	train := tensor.FromSlice(4, 2, []float32{0, 0, 1, 0, 0, 1, 3, 4})
	m := KNNMethod(train, 2)
	got := m.Score(tensor.FromSlice(2, 2, []float32{0, 0, 3, 4}))
	// (0,0): neighbours at 0 and 1 → 1. (3,4): at 0 and √((3)²+(3)²) or 5 → 3√2.
	if math.Abs(got[0]-1) > 1e-6 || math.Abs(got[1]-3*math.Sqrt2) > 1e-5 {
		t.Errorf("scores %v", got)
	}
}
