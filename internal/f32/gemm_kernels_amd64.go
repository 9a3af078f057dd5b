//go:build !purego

package f32

import "golang.org/x/sys/cpu"

// The blocking suits Zen 4 and 5 (32 or 48 KiB L1d, 1 MiB L2 per core): an A
// strip of 12×256 floats is 12 KiB and stays in L1 while it meets every B
// panel; a B block of 256×512 floats is 512 KiB and stays in L2. Measured on
// Zen 5, depth blocks of 192 to 512 and column blocks of 512 to 1024 were
// within 2% of each other.
var (
	avx512Kernel = &gemmKernel{name: "avx512", mr: 12, nr: 32, kc: 256, nc: 512, fn: kernAVX512_12x32}
	avx2Kernel   = &gemmKernel{name: "avx2", mr: 6, nr: 16, kc: 256, nc: 512, fn: kernAVX2_6x16}
)

func init() {
	if cpu.X86.HasAVX {
		packT8, packT4, packCopy = transpose8x8, transpose4x8, copyRows
	}
}

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
