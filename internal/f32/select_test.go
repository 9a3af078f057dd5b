package f32

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSelectBelow checks SelectBelow, with every element-wise kernel,
// against its Go loop: lengths around the block sizes, slices starting at
// every offset of a vector, cut-offs that pass none, some or all, NaN and
// infinite scores, and an idx longer than needed whose tail stays untouched.
func TestSelectBelow(t *testing.T) {
	forEachEW(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 11))
		nan := float32(math.NaN())
		inf := float32(math.Inf(1))
		for _, n := range []int{0, 1, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 1024, 1031} {
			for off := range 17 {
				buf := make([]float32, n+off)
				for i := range buf {
					switch r := rng.IntN(20); {
					case r == 0:
						buf[i] = nan
					case r == 1:
						buf[i] = -inf
					case r == 2:
						buf[i] = inf
					case r == 3:
						buf[i] = -0.0
					default:
						buf[i] = float32(rng.NormFloat64())
					}
				}
				scores := buf[off:]
				for _, cut := range []float32{-inf, -2, -0.5, 0, 0.7, 3, inf, nan, math.MaxFloat32} {
					base := int32(rng.IntN(1000) - 500)
					want := make([]int32, n+5)
					got := make([]int32, n+5)
					for i := range want {
						want[i], got[i] = -7, -7
					}
					nw := selectBelowGo(want, scores, base, cut)
					ng := SelectBelow(got[:n+rng.IntN(6)], scores, base, cut)
					if ng != nw || !slices.Equal(got, want) {
						t.Fatalf("n=%d off=%d cut=%v base=%d: got %d %v, want %d %v", n, off, cut, base, ng, got[:ng], nw, want[:nw])
					}
				}
			}
		}
	})
}

func TestSelectBelowShortIdx(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic with idx shorter than scores")
		}
	}()
	SelectBelow(make([]int32, 3), make([]float32, 4), 0, 1)
}

func BenchmarkSelectBelow(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, 1024)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	idx := make([]int32, len(x))
	for _, k := range ewKernels() {
		b.Run(k.name, func(b *testing.B) {
			defer func(old *ewKernel) { ew = old }(ew)
			ew = k
			for b.Loop() {
				SelectBelow(idx, x, 0, -3)
			}
			b.SetBytes(4 * int64(len(x)))
		})
	}
}
