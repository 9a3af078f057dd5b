package f32

// rowUpdateKernel is the vector part of RowUpdate (lengths a multiple of
// 16); nil runs the Go loop alone.
var rowUpdateKernel = rowUpdateKernels()[0].fn

type rowUpdateImpl struct {
	name string
	fn   func(alpha float32, row, h, acc []float32)
}

// RowUpdate is the output-layer step of word2vec for one target row, in one
// pass over the three vectors:
//
//	h, acc = h[:len(row)], acc[:len(row)]
//	for i, r := range row {
//		acc[i] += float32(alpha * r)
//		row[i] = r + float32(alpha*h[i])
//	}
//
// acc gathers the gradient of the hidden vector h with the row's old
// value, and the row moves along h. Each product is rounded on its own (no
// fused multiply-add), so the AVX-512 and AVX2 kernels give the bits of
// the loop and training is the same on every machine.
func RowUpdate(alpha float32, row, h, acc []float32) {
	h, acc = h[:len(row)], acc[:len(row)]
	n := len(row) &^ 15
	if n > 0 && rowUpdateKernel != nil {
		rowUpdateKernel(alpha, row[:n], h[:n], acc[:n])
		row, h, acc = row[n:], h[n:], acc[n:]
	}
	rowUpdateGo(alpha, row, h, acc)
}

func rowUpdateGo(alpha float32, row, h, acc []float32) {
	h, acc = h[:len(row)], acc[:len(row)]
	for i, r := range row {
		acc[i] += float32(alpha * r)
		row[i] = r + float32(alpha*h[i])
	}
}

// PrefetchRows asks the CPU to bring rows ids of the row-major matrix x
// (dim columns) into the cache, without waiting for them: a caller that
// knows which rows it will read next (word2vec's next negative samples)
// overlaps their cache misses with the work at hand. It changes nothing
// but timing; the purego build and other architectures do nothing. The
// caller guarantees the rows are in x and dim ≥ 1.
func PrefetchRows(x []float32, ids []int32, dim int) {
	if prefetchKernel != nil && len(ids) > 0 {
		prefetchKernel(x, ids, dim)
	}
}
