//go:build !purego

package f32

import "golang.org/x/sys/cpu"

// rowUpdateKernels lists the RowUpdate kernels this CPU can run, the
// default first. They all give the same bits.
func rowUpdateKernels() []rowUpdateImpl {
	var ks []rowUpdateImpl
	if cpu.X86.HasAVX512F {
		ks = append(ks, rowUpdateImpl{"avx512", rowUpdateAVX512})
	}
	if cpu.X86.HasAVX2 {
		ks = append(ks, rowUpdateImpl{"avx2", rowUpdateAVX2})
	}
	return append(ks, rowUpdateImpl{"go", nil})
}

// prefetchKernel is PrefetchRows' kernel: PREFETCHT0 needs no extension.
var prefetchKernel = prefetchRowsAMD64
