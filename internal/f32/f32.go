// Package f32 holds the unchecked float32 kernels every layer of latent runs on:
// matrix products, dot products, scaled additions and element-wise maps.
//
// Callers check shapes; the kernels trust them. Each kernel's doc comment gives the
// plain loop that specifies it, and the tests compare the production kernel with
// that loop on random shapes, odd sizes included. Matrix products go through
// gonum's pure-Go Sgemm today, which blocks the product and spreads it over
// GOMAXPROCS goroutines, each block of the result owned by one goroutine, so the
// bytes do not depend on scheduling. Keeping every product behind Gemm lets a
// faster kernel replace it without touching the layers.
package f32

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

var impl gonum.Implementation

// Gemm computes C = alpha·op(A)·op(B) + beta·C, where op(X) is X or Xᵀ as
// transA and transB say, op(A) is m×k, op(B) is k×n and C is m×n, all row-major
// with leading dimensions lda, ldb and ldc. It is specified by
//
//	for i := 0; i < m; i++ {
//		for j := 0; j < n; j++ {
//			var s float32
//			for l := 0; l < k; l++ {
//				s += opA(i, l) * opB(l, j)
//			}
//			c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
//		}
//	}
//
// When beta is zero, C need not be initialised (NaN in C does not propagate).
func Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		scaleRows(m, n, beta, c, ldc)
		return
	}
	ta, tb := blas.NoTrans, blas.NoTrans
	if transA {
		ta = blas.Trans
	}
	if transB {
		tb = blas.Trans
	}
	impl.Sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func scaleRows(m, n int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		Scale(beta, row)
	}
}

// Dot returns Σ x[i]·y[i] over len(x) elements, accumulated in float32 in order.
func Dot(x, y []float32) float32 {
	y = y[:len(x)]
	var s float32
	for i, v := range x {
		s += v * y[i]
	}
	return s
}

// Axpy computes y[i] += alpha·x[i] for i < len(x).
func Axpy(alpha float32, x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += alpha * v
	}
}

// Scale computes x[i] *= alpha.
func Scale(alpha float32, x []float32) {
	for i := range x {
		x[i] *= alpha
	}
}

// SumSq returns Σ x[i]², accumulated in float64 so that long vectors keep their precision.
func SumSq(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return s
}

// Sum returns Σ x[i], accumulated in float64.
func Sum(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v)
	}
	return s
}

// AddRows adds the row vector v to each of the m rows of the m×len(v) matrix x
// (row-major, leading dimension len(v)).
func AddRows(x, v []float32) {
	n := len(v)
	for i := 0; i+n <= len(x); i += n {
		row := x[i : i+n]
		for j, b := range v {
			row[j] += b
		}
	}
}

// SumRows accumulates the column sums of the m×len(dst) matrix x into dst:
// dst[j] += Σ_i x[i][j].
func SumRows(dst, x []float32) {
	n := len(dst)
	for i := 0; i+n <= len(x); i += n {
		row := x[i : i+n]
		for j, v := range row {
			dst[j] += v
		}
	}
}
