// Package f32 holds the unchecked float32 kernels every layer of latent runs on:
// matrix products, dot products, scaled additions and element-wise maps.
//
// Callers check shapes; the kernels trust them. Each kernel's doc comment gives the
// plain loop that specifies it, and the tests compare the production kernel with
// that loop on random shapes, odd sizes included.
//
// # Matrix products
//
// Every matrix product of the networks goes through [Gemm], so its speed is the
// training speed. Gemm is written here rather than taken from a library because
// nothing in pure Go (no cgo) comes close to what the machine allows: a core
// of a current x86 CPU retires two 8-lane (AVX2) or 16-lane (AVX-512) fused
// multiply-adds per cycle, 100 to 200 GFLOP/s, while gonum's pure-Go Sgemm,
// scalar but for SSE inner loops, reaches about 12 at best, and no pure-Go
// library has an AVX2 or AVX-512 sgemm.
//
// Gemm packs panels of op(A) and op(B) into contiguous buffers, blocks the
// product for the caches (see gemm.go) and runs a register-blocked micro-kernel
// on each tile of C. The micro-kernels and packing routines for amd64 are
// assembly generated with avo by the separate module in ./asm (run go generate;
// asm/check.sh verifies the committed output). At start-up Gemm picks the
// AVX-512F kernel (12×32 tile) when the CPU has it, else AVX2 with FMA (6×16),
// else a 4×2 tile in plain Go; the build tag purego forces the plain Go code.
// The assembly kernels sum with fused multiply-adds, so their results differ
// from the plain loop in the last bits.
//
// Large products are shared out between [Workers] goroutines, by tiles of C;
// small ones (m·n·k below about a million) run on the calling goroutine.
// The depth k is never split, and its blocking depends on k alone, so the
// bytes of the result do not depend on the worker count or on scheduling. A
// product allocates nothing once the pooled buffers exist.
package f32

//go:generate go run -C asm . -out ..

// kernel is the micro-kernel Gemm uses; tests switch it.
var kernel = gemmKernels()[0]

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
//			if beta == 0 {
//				c[i*ldc+j] = alpha * s
//			} else {
//				c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
//			}
//		}
//	}
//
// with opA(i, l) = a[i*lda+l] (a[l*lda+i] when transA) and opB(l, j) =
// b[l*ldb+j] (b[j*ldb+l] when transB). The sum may be computed in another
// order and with fused multiply-adds, but the same order for every worker
// count. When beta is zero, C is not read (NaN in C does not propagate).
//
// Gemm panics if a leading dimension is smaller than its row or a slice is
// too short for its matrix: the assembly kernels must not run past a slice.
func Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic("f32: Gemm: negative dimension")
	}
	if m == 0 || n == 0 {
		return
	}
	checkMatrix("C", m, n, c, ldc)
	if k == 0 {
		scaleRows(m, n, beta, c, ldc)
		return
	}
	if transA {
		checkMatrix("A", k, m, a, lda)
	} else {
		checkMatrix("A", m, k, a, lda)
	}
	if transB {
		checkMatrix("B", n, k, b, ldb)
	} else {
		checkMatrix("B", k, n, b, ldb)
	}
	g := gemmArgs{
		transA: transA, transB: transB,
		m: m, n: n, k: k,
		alpha: alpha, beta: beta,
		a: a, b: b, c: c,
		lda: lda, ldb: ldb, ldc: ldc,
	}
	kernel.gemm(&g)
}

// checkMatrix panics unless x holds a rows×cols matrix with leading dimension ld.
func checkMatrix(name string, rows, cols int, x []float32, ld int) {
	if ld < cols {
		panic("f32: Gemm: leading dimension of " + name + " smaller than its rows")
	}
	if len(x) < (rows-1)*ld+cols {
		panic("f32: Gemm: " + name + " too short")
	}
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
