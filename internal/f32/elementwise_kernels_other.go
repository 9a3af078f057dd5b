//go:build !amd64 || purego

package f32

// ewKernels lists the element-wise kernels this build can run: the Go loops.
func ewKernels() []*ewKernel { return []*ewKernel{goEW} }
