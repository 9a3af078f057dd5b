package f32

import (
	"math"
	"math/rand/v2"
	"testing"
)

// gemmLoop is the specification of Gemm.
func gemmLoop(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float32
			for l := 0; l < k; l++ {
				ai, bi := i*lda+l, l*ldb+j
				if transA {
					ai = l*lda + i
				}
				if transB {
					bi = j*ldb + l
				}
				av, bv := a[ai], b[bi]
				s += av * bv
			}
			if beta == 0 {
				c[i*ldc+j] = alpha * s
			} else {
				c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
			}
		}
	}
}

func randSlice(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

func TestGemmAgainstLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shapes := [][3]int{{1, 1, 1}, {3, 5, 7}, {17, 1, 33}, {64, 64, 64}, {65, 31, 129}, {200, 9, 3}, {5, 5, 0}}
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for _, ab := range [][2]float32{{1, 0}, {0.5, 1}, {-2, 0.25}} {
					alpha, beta := ab[0], ab[1]
					lda, ldb, ldc := k+2, n+1, n+3
					if tA {
						lda = m + 2
					}
					if tB {
						ldb = k + 1
					}
					ar, br := m, k
					if tA {
						ar = k
					}
					if tB {
						br = n
					}
					a := randSlice(rng, ar*lda+1)
					b := randSlice(rng, br*ldb+1)
					c := randSlice(rng, m*ldc)
					want := append([]float32(nil), c...)
					gemmLoop(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
					Gemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
					for i := range c {
						tol := 1e-4 * float64(k+1)
						if d := math.Abs(float64(c[i] - want[i])); d > tol {
							t.Fatalf("m=%d n=%d k=%d tA=%v tB=%v alpha=%v beta=%v: c[%d]=%v want %v", m, n, k, tA, tB, alpha, beta, i, c[i], want[i])
						}
					}
				}
			}
		}
	}
}

func TestVectorKernels(t *testing.T) {
	x := []float32{1, 2, 3}
	y := []float32{4, 5, 6, 100}
	if got := Dot(x, y); got != 32 {
		t.Errorf("Dot = %v, want 32", got)
	}
	Axpy(2, x, y)
	if y[0] != 6 || y[2] != 12 || y[3] != 100 {
		t.Errorf("Axpy = %v", y)
	}
	if got := SumSq(x); got != 14 {
		t.Errorf("SumSq = %v", got)
	}
	m := []float32{1, 2, 3, 4, 5, 6}
	AddRows(m, []float32{10, 20, 30})
	if m[0] != 11 || m[5] != 36 {
		t.Errorf("AddRows = %v", m)
	}
	col := make([]float32, 3)
	SumRows(col, m)
	if col[0] != 25 || col[2] != 69 {
		t.Errorf("SumRows = %v", col)
	}
}
