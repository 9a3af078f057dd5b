//go:build !amd64 || purego

package f32

// rowUpdateKernels lists the RowUpdate kernels this build can run: the Go
// loop.
func rowUpdateKernels() []rowUpdateImpl { return []rowUpdateImpl{{"go", nil}} }

// prefetchKernel is nil: PrefetchRows does nothing.
var prefetchKernel func(x []float32, ids []int32, dim int)
