//go:build !purego

package f32

import "golang.org/x/sys/cpu"

var (
	avx512Kernel = &gemmKernel{name: "avx512", mr: 14, nr: 32, kc: 256, nc: 512, fn: kernAVX512_14x32}
	avx2Kernel   = &gemmKernel{name: "avx2", mr: 6, nr: 16, kc: 256, nc: 512, fn: kernAVX2_6x16}
)

// gemmKernels lists the kernels this CPU can run, the default first.
func gemmKernels() []*gemmKernel {
	var ks []*gemmKernel
	if cpu.X86.HasAVX512F {
		ks = append(ks, avx512Kernel)
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, avx2Kernel)
	}
	return append(ks, goKernel)
}
