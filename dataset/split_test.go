package dataset

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSplit(t *testing.T) {
	for _, tt := range []struct {
		n        int
		frac     float64
		ntr, nva int
	}{
		{10, 0.2, 8, 2}, {10, 0, 10, 0}, {10, 1, 0, 10}, {7, 0.5, 3, 4}, {0, 0.1, 0, 0}, {1797, 0.1, 1617, 180},
	} {
		train, val := Split(tt.n, tt.frac, rand.New(rand.NewPCG(1, 2)))
		if len(train) != tt.ntr || len(val) != tt.nva {
			t.Errorf("Split(%d, %v): %d/%d, want %d/%d", tt.n, tt.frac, len(train), len(val), tt.ntr, tt.nva)
		}
		all := slices.Sorted(slices.Values(append(slices.Clone(train), val...)))
		for i, v := range all {
			if v != i {
				t.Fatalf("Split(%d, %v) is not a partition of 0..n-1: %v", tt.n, tt.frac, all)
			}
		}
	}
	// Same seed, same split; another seed, another split.
	a1, b1 := Split(100, 0.3, rand.New(rand.NewPCG(7, 7)))
	a2, b2 := Split(100, 0.3, rand.New(rand.NewPCG(7, 7)))
	a3, _ := Split(100, 0.3, rand.New(rand.NewPCG(7, 8)))
	if fmt.Sprint(a1, b1) != fmt.Sprint(a2, b2) {
		t.Error("same seed gave different splits")
	}
	if fmt.Sprint(a1) == fmt.Sprint(a3) {
		t.Error("different seeds gave the same split")
	}
	// Appending to train must not overwrite val.
	train, val := Split(10, 0.5, rand.New(rand.NewPCG(1, 1)))
	before := fmt.Sprint(val)
	_ = append(val, -1)
	_ = append(train, -1)
	if fmt.Sprint(val) != before {
		t.Error("train and val share spare capacity")
	}
}

func TestSplitPanics(t *testing.T) {
	for _, frac := range []float64{-0.1, 1.5} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Split(10, %v) did not panic", frac)
				}
			}()
			Split(10, frac, rand.New(rand.NewPCG(1, 1)))
		}()
	}
}

func TestShuffleUniform(t *testing.T) {
	// Each of the 6 orders of 3 items should come up about 1/6 of the time.
	rng := rand.New(rand.NewPCG(3, 4))
	counts := map[string]int{}
	for range 6000 {
		idx := []int{0, 1, 2}
		Shuffle(idx, rng)
		counts[fmt.Sprint(idx)]++
	}
	if len(counts) != 6 {
		t.Fatalf("orders seen: %v", counts)
	}
	for k, c := range counts {
		if c < 850 || c > 1150 { // expected 1000, σ ≈ 29
			t.Errorf("order %s came up %d times in 6000", k, c)
		}
	}
}

func TestSetSubsetGather(t *testing.T) {
	s := &Set{X: []float32{0, 1, 2, 3, 4, 5}, N: 3, D: 2, Keys: []string{"a", "b", "c"}, Labels: []string{"x", "y", "z"}, Source: "s"}
	sub := s.Subset([]int{2, 0, 2})
	if fmt.Sprintf("%v %v %v %d %d %s", sub.X, sub.Keys, sub.Labels, sub.N, sub.D, sub.Source) != "[4 5 0 1 4 5] [c a c] [z x z] 3 2 s" {
		t.Errorf("Subset = %+v", sub)
	}
	sub.X[0] = 99
	if s.X[4] != 4 {
		t.Error("Subset shares X")
	}
	if err := sub.Check(); err != nil {
		t.Error(err)
	}
	bad := &Set{X: []float32{1, 2, 3}, N: 1, D: 3, Shape: []int{2, 2}}
	if err := bad.Check(); err == nil {
		t.Error("Check accepted a shape that does not match D")
	}
	defer func() {
		if r := recover(); fmt.Sprint(r) != "dataset: Row(3) out of range [0, 3)" {
			t.Errorf("recover() = %v", r)
		}
	}()
	s.Row(3)
}
