package f32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestFilterI8 checks filterI8Go, and the kernel where it runs, against
// the bounds computed in float64 (integer products exact), on random codes
// with cut-offs placed among the bounds so that about half the pairs pass.
// A pair may go either way only where the bound is within 1e-5 of the
// cut-off, where float32 rounding decides; there the kernel must agree
// with filterI8Go but for the double rounding of its fma. The hits must
// list exactly the groups with a mask bit set.
func TestFilterI8(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	type impl struct {
		name string
		fn   func(masks []uint16, hits []int32, x []byte, rows []float32, q []int32, qc []float32, groups, m int) int
	}
	impls := []impl{{"go", filterI8Go}}
	if HasFilterI8() {
		impls = append(impls, impl{"kernel", FilterI8})
	}
	for _, tc := range []struct{ groups, m int }{{1, 1}, {3, 8}, {5, 25}, {2, 196}} {
		x := make([]byte, 64*tc.m*tc.groups)
		for i := range x {
			x[i] = byte(r.IntN(256))
		}
		rows := make([]float32, 48*tc.groups)
		for i := range rows {
			rows[i] = float32(r.NormFloat64() * 100)
		}
		q := make([]int32, 8*tc.m)
		for i := range q {
			q[i] = int32(r.Uint32())
		}
		qc := make([]float32, 64)
		for i := range 8 {
			qc[8*i] = math.Float32frombits(uint32(r.IntN(1 << 20)))
			for j := 1; j < 4; j++ {
				qc[8*i+j] = float32(r.NormFloat64())
			}
			qc[8*i+4] = float32(r.NormFloat64() * 1e4)
		}
		for _, impl := range impls {
			masks := make([]uint16, 8*tc.groups)
			hits := make([]int32, tc.groups)
			nh := impl.fn(masks, hits, x, rows, q, qc, tc.groups, tc.m)
			var fromMasks []int32
			for g := range tc.groups {
				if slices.ContainsFunc(masks[8*g:8*g+8], func(m uint16) bool { return m != 0 }) {
					fromMasks = append(fromMasks, int32(g))
				}
			}
			if !slices.Equal(hits[:nh], fromMasks) {
				t.Errorf("%s groups %d m %d: hits %v, masks say %v", impl.name, tc.groups, tc.m, hits[:nh], fromMasks)
			}
			set := 0
			for g := range tc.groups {
				for i := range 8 {
					for l := range 16 {
						got := masks[8*g+i]>>l&1 == 1
						set += int(masks[8*g+i] >> l & 1)
						below, near := bound(x, rows, q, qc, tc.m, g, i, l)
						if got != below && !near {
							t.Errorf("%s groups %d m %d: group %d query %d row %d: bit %v, bound below the cut-off %v", impl.name, tc.groups, tc.m, g, i, l, got, below)
						}
					}
				}
			}
			if n := 128 * tc.groups; set == 0 || set == n {
				t.Errorf("%s groups %d m %d: %d of %d pairs pass; the test needs both", impl.name, tc.groups, tc.m, set, n)
			}
		}
	}
}

// bound computes one pair's bound in float64 and reports whether it is
// below the cut-off, and whether it is within 1e-5 (relative) of it.
func bound(x []byte, rows []float32, q []int32, qc []float32, m, g, i, l int) (below, near bool) {
	var acc int64
	for j := range m {
		d := uint32(q[8*j+i])
		for b := range 4 {
			acc += int64(x[64*m*g+64*j+4*l+b]) * int64(int8(d>>(8*b)))
		}
	}
	p := float64(acc - int64(int32(math.Float32bits(qc[8*i]))))
	rg := rows[48*g:]
	y := float64(rg[l]) + p*float64(qc[8*i+1]) + float64(rg[16+l])*float64(qc[8*i+2]) + float64(rg[32+l])*float64(qc[8*i+3])
	c := float64(qc[8*i+4])
	return y < c, math.Abs(y-c) <= 1e-5*(math.Abs(y)+math.Abs(c)+math.Abs(p*float64(qc[8*i+1])))
}

// BenchmarkFilterI8 times the kernel over the codes of 60,000 vectors of
// dimension 32 and 339,479 of dimension 100 (the shapes of bench/knn),
// with a cut-off nothing passes, and reports VPDPBUSD instructions a second
// and microseconds a query.
func BenchmarkFilterI8(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct{ n, dim int }{{60000, 32}, {339479, 100}} {
		m, groups := (c.dim+3)/4, (c.n+15)/16
		x := make([]byte, 64*m*groups)
		for i := range x {
			x[i] = byte(r.Uint32())
		}
		rows := make([]float32, 48*groups)
		for i := range rows {
			rows[i] = r.Float32()
		}
		q := make([]int32, 8*m)
		for i := range q {
			q[i] = int32(r.Uint32())
		}
		qc := make([]float32, 64)
		for i := range 8 {
			qc[8*i+1] = -0.001
			qc[8*i+4] = float32(math.Inf(-1))
		}
		masks, hits := make([]uint16, 8*groups), make([]int32, groups)
		b.Run(fmt.Sprintf("n=%d,dim=%d", c.n, c.dim), func(b *testing.B) {
			for b.Loop() {
				FilterI8(masks, hits, x, rows, q, qc, groups, m)
			}
			per := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(8*m*groups)/per, "VPDPBUSD/s")
			b.ReportMetric(per/8*1e6, "µs/query")
		})
	}
}
