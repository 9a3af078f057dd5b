//go:build !amd64 || purego

package f32

// gemmKernels lists the kernels this build can run: the portable one.
func gemmKernels() []*gemmKernel { return []*gemmKernel{goKernel} }
