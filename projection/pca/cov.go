package pca

import (
	"math"
	"sync"

	"github.com/latent-go/latent/internal/f32"
)

// covariance returns the d×d sample covariance matrix (ddof=1) of the n×d
// row-major x, full (both triangles), and the column means. It returns
// ok=false if x holds NaN or ±Inf. Finite float32 values cannot overflow
// the float64 sums: a product is at most 1.2e77.
//
// Everything is accumulated in float64. The matrix is formed as the Gram
// matrix of shifted data, C = (YᵀY − n·ȳȳᵀ)/(n−1) with Y = X − s, where each
// column's shift s_j is its mean, except for columns that are zero in at
// least half of the rows, which keep s_j = 0 so that Y stays sparse. For
// such a column |ȳ_j|² ≤ ½·mean(y_j²) (Cauchy–Schwarz over its nonzero
// half), so the subtraction loses at most one bit; the other columns are
// centred exactly. When Y is mostly zeros (MNIST-like images are about 80%
// zeros) the Gram matrix is accumulated from each row's nonzero entries,
// which costs density² of the dense product; otherwise a blocked dense
// kernel is used. Both split the work over output entries, never over
// rows, so every entry is summed in the same order whatever the number of
// workers: the result does not depend on GOMAXPROCS.
func covariance(x []float32, n, d, workers int) (cov, mean []float64, ok bool) {
	mean = make([]float64, d)
	zeros := make([]int, d)
	for i := range n {
		row := x[i*d : (i+1)*d]
		for j, v := range row {
			f := float64(v)
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, nil, false
			}
			mean[j] += f
			if v == 0 {
				zeros[j]++
			}
		}
	}
	shift := make([]float64, d)
	nnz := 0
	for j := range mean {
		mean[j] /= float64(n)
		if 2*zeros[j] >= n {
			nnz += n - zeros[j]
		} else {
			shift[j] = mean[j]
			nnz += n
		}
	}
	g := make([]float64, d*d)
	switch {
	case useSparse(float64(nnz) / float64(n) / float64(d)):
		gramSparse(g, x, n, d, shift, workers)
	case useGemm(n, d):
		gramGemm(g, x, n, d, shift)
	default:
		gramDense(g, x, n, d, shift, workers)
	}
	// ybar_j = mean of column j of Y = mean_j − shift_j.
	ybar := make([]float64, d)
	for j := range ybar {
		ybar[j] = mean[j] - shift[j]
	}
	fn := float64(n)
	scale := 1 / float64(n-1)
	for i := range d {
		for j := i; j < d; j++ {
			c := (g[i*d+j] - fn*ybar[i]*ybar[j]) * scale
			g[i*d+j] = c
			g[j*d+i] = c
		}
	}
	return g, mean, true
}

// sparseDensity is the fraction of nonzero shifted entries below which the
// sparse Gram kernel is used. It does density² of the dense kernels'
// multiply-adds, in float64, but each costs several times a step of the
// float32 matrix product: on 60000×784 MNIST (density 0.19) the sparse
// kernel took 1.16 s and gramGemm 0.7 s, so only sparser data uses it.
var sparseDensity = 0.15

// forceKernel, when "dense" or "sparse", overrides the choice; tests use
// it to check both kernels on the same data.
var forceKernel string

func useSparse(density float64) bool {
	switch forceKernel {
	case "dense", "gemm":
		return false
	case "sparse":
		return true
	}
	return density < sparseDensity
}

// parallel runs f(w) for w in [0, workers) and waits.
func parallel(workers int, f func(w int)) {
	if workers <= 1 {
		f(0)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(w)
		}()
	}
	wg.Wait()
}

// gemmPanel is the number of samples gramGemm multiplies at a time. Each
// panel's Gram matrix is summed in float32 by f32.Gemm (gemmPanel terms per
// entry, relative rounding error near 1e-6) and added into the float64
// total, keeping most of a float64 sum's precision at the speed of the
// float32 matrix product: 60000×784 Fashion-MNIST takes 0.9 s instead of 4.4 s.
const gemmPanel = 256

// gemmMinWork is the number of multiply-adds (n·d²) from which gramGemm
// replaces the exact float64 kernels; below it they take under a tenth of a
// second and their extra precision is free.
const gemmMinWork = 1 << 28

func useGemm(n, d int) bool {
	switch forceKernel {
	case "dense":
		return false
	case "gemm":
		return true
	}
	return float64(n)*float64(d)*float64(d) >= gemmMinWork
}

// gramGemm adds YᵀY to g (both triangles), Y = X − shift.
func gramGemm(g []float64, x []float32, n, d int, shift []float64) {
	y := make([]float32, gemmPanel*d)
	part := make([]float32, d*d)
	for r0 := 0; r0 < n; r0 += gemmPanel {
		m := min(gemmPanel, n-r0)
		for r := range m {
			row, dst := x[(r0+r)*d:(r0+r+1)*d], y[r*d:(r+1)*d]
			for j, v := range row {
				dst[j] = float32(float64(v) - shift[j])
			}
		}
		f32.Gemm(true, false, d, d, m, 1, y, d, y, d, 0, part, d)
		for i, v := range part {
			g[i] += float64(v)
		}
	}
}

// panelRows is the number of samples the dense kernel transposes at a
// time: a panel of d×panelRows float64 (784×128: 800 KB) stays in cache
// while every tile of the Gram matrix is updated from it.
const panelRows = 128

// tile is the size of the square blocks of the Gram matrix the dense
// kernel computes at once. 3×3 keeps the 9 accumulators and 4 operands in
// the 16 floating-point registers of amd64; 4×4 does fewer loads per
// multiply-add on paper but spills and measured 1.5× slower.
const tile = 3

// gramDense adds the upper triangle (and the tiles straddling the
// diagonal) of YᵀY to g, Y = X − shift.
func gramDense(g []float64, x []float32, n, d int, shift []float64, workers int) {
	dp := (d + tile - 1) / tile * tile // pad features with zero rows
	nb := dp / tile
	p := make([]float64, dp*panelRows) // p[j*panelRows+r] = y[r0+r, j]
	acc := make([]float64, dp*dp)      // padded Gram, upper tiles
	for r0 := 0; r0 < n; r0 += panelRows {
		m := min(panelRows, n-r0)
		for r := range m {
			row := x[(r0+r)*d : (r0+r+1)*d]
			for j, v := range row {
				p[j*panelRows+r] = float64(v) - shift[j]
			}
		}
		if m < panelRows {
			for j := range d {
				clear(p[j*panelRows+m : (j+1)*panelRows])
			}
		}
		parallel(workers, func(w int) {
			// Block rows are dealt out in a zigzag so that the long
			// rows near the top and the short ones near the bottom of
			// the triangle even out.
			for ib := 0; ib < nb; ib++ {
				if owner(ib, workers) != w {
					continue
				}
				for jb := ib; jb < nb; jb++ {
					tile3x3(acc, dp, p, tile*ib, tile*jb)
				}
			}
		})
	}
	for i := range d {
		copy(g[i*d+i:(i+1)*d], acc[i*dp+i:i*dp+d])
	}
}

// owner deals index i out to one of w workers, zigzag: 0,1,..,w-1,w-1,..,0.
func owner(i, w int) int {
	if w <= 1 {
		return 0
	}
	k := i % (2 * w)
	if k < w {
		return k
	}
	return 2*w - 1 - k
}

// tile3x3 adds the dot products of panel rows i0..i0+2 with panel rows
// j0..j0+2 to the 3×3 block of acc at (i0, j0). The rows are taken as
// array pointers so that the loop runs without bounds checks.
func tile3x3(acc []float64, ld int, p []float64, i0, j0 int) {
	const nr = panelRows
	a0 := (*[nr]float64)(p[i0*nr:])
	a1 := (*[nr]float64)(p[(i0+1)*nr:])
	a2 := (*[nr]float64)(p[(i0+2)*nr:])
	b0 := (*[nr]float64)(p[j0*nr:])
	b1 := (*[nr]float64)(p[(j0+1)*nr:])
	b2 := (*[nr]float64)(p[(j0+2)*nr:])
	var s00, s01, s02, s10, s11, s12, s20, s21, s22 float64
	for k := range nr {
		x0, x1, x2 := a0[k], a1[k], a2[k]
		y := b0[k]
		s00 += x0 * y
		s10 += x1 * y
		s20 += x2 * y
		y = b1[k]
		s01 += x0 * y
		s11 += x1 * y
		s21 += x2 * y
		y = b2[k]
		s02 += x0 * y
		s12 += x1 * y
		s22 += x2 * y
	}
	r := acc[i0*ld+j0 : i0*ld+j0+3]
	r[0] += s00
	r[1] += s01
	r[2] += s02
	r = acc[(i0+1)*ld+j0 : (i0+1)*ld+j0+3]
	r[0] += s10
	r[1] += s11
	r[2] += s12
	r = acc[(i0+2)*ld+j0 : (i0+2)*ld+j0+3]
	r[0] += s20
	r[1] += s21
	r[2] += s22
}

// sparseRows is the number of rows gramSparse gathers at a time.
const sparseRows = 512

// gramSparse adds the upper triangle of YᵀY to g, Y = X − shift, from the
// nonzero entries of each row: for nonzeros at columns a ≤ b of a row it
// adds y_a·y_b to g[a, b]. Worker w owns the output rows a with
// owner(a) == w.
func gramSparse(g []float64, x []float32, n, d int, shift []float64, workers int) {
	idx := make([]int32, 0, sparseRows*d/4)
	val := make([]float64, 0, sparseRows*d/4)
	start := make([]int, sparseRows+1)
	rowOwner := make([]int, d)
	for a := range rowOwner {
		rowOwner[a] = owner(a, workers)
	}
	for r0 := 0; r0 < n; r0 += sparseRows {
		m := min(sparseRows, n-r0)
		idx, val = idx[:0], val[:0]
		for r := range m {
			start[r] = len(idx)
			row := x[(r0+r)*d : (r0+r+1)*d]
			for j, v := range row {
				if y := float64(v) - shift[j]; y != 0 {
					idx = append(idx, int32(j))
					val = append(val, y)
				}
			}
		}
		start[m] = len(idx)
		parallel(workers, func(w int) {
			for r := range m {
				ri := idx[start[r]:start[r+1]]
				rv := val[start[r]:start[r+1]]
				for p, a := range ri {
					if rowOwner[a] != w {
						continue
					}
					ga := g[int(a)*d : int(a+1)*d]
					va := rv[p]
					qi := ri[p:]
					qv := rv[p:]
					qv = qv[:len(qi)] // same length: no bounds checks below
					for q, b := range qi {
						ga[b] += va * qv[q]
					}
				}
			}
		})
	}
}
