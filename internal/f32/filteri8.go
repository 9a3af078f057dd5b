package f32

import "math"

// FilterI8 is the inner loop of exact Euclidean search with 8-bit codes
// (package knn): for 8 queries at once and groups of 16 base rows, it
// computes a lower bound on each squared distance from 8-bit integer dot
// products and sets one mask bit per pair whose bound is below the query's
// cut-off. Only those pairs need their true distance; on 32-dimensional
// data the integer products (VPDPBUSD, 64 multiply-adds an instruction)
// cost a quarter of float32 ones, which is why this is worth a kernel of
// its own.
//
// Layouts, for groups groups of 16 rows and m dwords (4 bytes) of codes a
// row:
//
//   - x: the rows' unsigned 8-bit codes, 64m bytes a group; byte b of dword
//     j of row l of group g is x[64mg + 64j + 4l + b].
//
//   - rows: 48 float32 a group: for its 16 rows, ‖x‖² in [0:16], the
//     coefficient r of the query norm in [16:32], and the coefficient n of
//     the query's rounding in [32:48].
//
//   - q: the queries' signed 8-bit codes, dword j of query i in q[8j+i]
//     (its 4 bytes in little-endian order).
//
//   - qc: 8 float32 a query: qc[8i] is an int32 (its bits) subtracted from
//     the integer product, qc[8i+1..3] the factors a, b, c, and qc[8i+4]
//     the cut-off T.
//
//   - masks: masks[8g+i] bit l is set when, for row l of group g and query
//     i, with P the integer product minus qc[8i] converted to float32,
//
//     y = fma(n, c, fma(r, b, fma(P, a, ‖x‖²))) < T
//
//     in float32 with each multiply-add rounded once; NaN is never below.
//
//   - hits: the groups (0 to groups−1) with some mask bit set, in
//     increasing order; FilterI8 returns how many.
//
// filterI8Go is the specification. The kernel runs when HasFilterI8
// reports true; without it FilterI8 is a slow loop and callers should
// search another way.
func FilterI8(masks []uint16, hits []int32, x []byte, rows []float32, q []int32, qc []float32, groups, m int) int {
	if groups <= 0 || m <= 0 {
		return 0
	}
	masks, hits, x, rows, q, qc = masks[:8*groups], hits[:groups], x[:64*m*groups], rows[:48*groups], q[:8*m], qc[:64]
	if filterI8Kernel != nil {
		return filterI8Kernel(masks, hits, x, rows, q, qc, groups, m)
	}
	return filterI8Go(masks, hits, x, rows, q, qc, groups, m)
}

// HasFilterI8 reports whether FilterI8 runs a SIMD kernel.
func HasFilterI8() bool { return filterI8Kernel != nil }

func filterI8Go(masks []uint16, hits []int32, x []byte, rows []float32, q []int32, qc []float32, groups, m int) int {
	nh := 0
	for g := range groups {
		xg := x[64*m*g : 64*m*(g+1)]
		rg := rows[48*g : 48*(g+1)]
		for i := range 8 {
			var mask uint16
			for l := range 16 {
				var acc int32
				for j := range m {
					d := uint32(q[8*j+i])
					for b := range 4 {
						acc += int32(xg[64*j+4*l+b]) * int32(int8(d>>(8*b)))
					}
				}
				p := float32(acc - int32(math.Float32bits(qc[8*i])))
				y := fma32(p, qc[8*i+1], rg[l])
				y = fma32(rg[16+l], qc[8*i+2], y)
				y = fma32(rg[32+l], qc[8*i+3], y)
				if y < qc[8*i+4] {
					mask |= 1 << l
				}
			}
			masks[8*g+i] = mask
			if mask != 0 && (nh == 0 || hits[nh-1] != int32(g)) {
				hits[nh] = int32(g)
				nh++
			}
		}
	}
	return nh
}

// fma32 is a·b + c rounded to float32 (through float64, which rounds the
// exact result twice; the two roundings differ from one only when the
// float64 result lies exactly halfway between two float32 values).
func fma32(a, b, c float32) float32 {
	return float32(math.FMA(float64(a), float64(b), float64(c)))
}
