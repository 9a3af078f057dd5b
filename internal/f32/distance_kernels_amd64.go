//go:build !purego

package f32

import "golang.org/x/sys/cpu"

var (
	avx512Dist = &distKernel{name: "avx512", isa: isaAVX512}
	avx2Dist   = &distKernel{name: "avx2", isa: isaAVX2}
)

// distKernels lists the distance kernels this CPU can run, the default
// first. They all give the same bits.
func distKernels() []*distKernel {
	var ks []*distKernel
	if cpu.X86.HasAVX512F {
		ks = append(ks, avx512Dist)
	}
	if cpu.X86.HasAVX2 {
		ks = append(ks, avx2Dist)
	}
	return append(ks, goDist)
}

func sqDistRowsISA(isa int, dst, q, x []float32, ids []int32, n16 int) {
	switch isa {
	case isaAVX512:
		sqDistRowsAVX512(dst, q, x, ids, n16)
	case isaAVX2:
		sqDistRowsAVX2(dst, q, x, ids, n16)
	default:
		sqDistRowsGo(dst, q, x, ids, n16)
	}
}

func dotRowsISA(isa int, dst, q, x []float32, ids []int32, n16 int) {
	switch isa {
	case isaAVX512:
		dotRowsAVX512(dst, q, x, ids, n16)
	case isaAVX2:
		dotRowsAVX2(dst, q, x, ids, n16)
	default:
		dotRowsGo(dst, q, x, ids, n16)
	}
}
