package f32

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRowUpdate checks every kernel this machine runs against the loop of
// RowUpdate's doc comment, bit for bit, on lengths around the 16-float
// blocks.
func TestRowUpdate(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	defer func(k func(float32, []float32, []float32, []float32)) { rowUpdateKernel = k }(rowUpdateKernel)
	for _, k := range rowUpdateKernels() {
		rowUpdateKernel = k.fn
		for _, n := range []int{0, 1, 15, 16, 17, 31, 32, 33, 100, 300} {
			row, h, acc := make([]float32, n), make([]float32, n+3), make([]float32, n+2)
			for i := range row {
				row[i] = r.Float32()*2 - 1
			}
			for i := range h {
				h[i] = r.Float32()*2 - 1
			}
			for i := range acc {
				acc[i] = r.Float32()*2 - 1
			}
			alpha := r.Float32()*0.1 - 0.05
			wantRow, wantAcc := slices.Clone(row), slices.Clone(acc)
			for i, v := range wantRow {
				wantAcc[i] += float32(alpha * v)
				wantRow[i] = v + float32(alpha*h[i])
			}
			RowUpdate(alpha, row, h, acc)
			if !slices.Equal(row, wantRow) || !slices.Equal(acc, wantAcc) {
				t.Fatalf("%s n=%d: RowUpdate differs from the loop", k.name, n)
			}
		}
	}
}

func BenchmarkRowUpdate100(b *testing.B) {
	row, h, acc := make([]float32, 100), make([]float32, 100), make([]float32, 100)
	for b.Loop() {
		RowUpdate(0.01, row, h, acc)
	}
}

// TestPrefetchRows checks that prefetching changes nothing and survives
// rows at both ends of the matrix and unaligned starts.
func TestPrefetchRows(t *testing.T) {
	x := make([]float32, 7*13)
	for i := range x {
		x[i] = float32(i)
	}
	want := slices.Clone(x)
	PrefetchRows(x, []int32{0, 6, 3, 6}, 13)
	PrefetchRows(x, nil, 13)
	PrefetchRows(x[1:], []int32{5}, 13)
	if !slices.Equal(x, want) {
		t.Fatal("PrefetchRows changed the matrix")
	}
}
