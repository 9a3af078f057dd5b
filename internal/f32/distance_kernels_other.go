//go:build !amd64 || purego

package f32

// distKernels lists the distance kernels this build can run: the Go loops.
func distKernels() []*distKernel { return []*distKernel{goDist} }

func sqDistRowsISA(_ int, dst, q, x []float32, ids []int32, n16 int) {
	sqDistRowsGo(dst, q, x, ids, n16)
}

func dotRowsISA(_ int, dst, q, x []float32, ids []int32, n16 int) {
	dotRowsGo(dst, q, x, ids, n16)
}
