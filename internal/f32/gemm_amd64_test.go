//go:build !purego

package f32

import (
	"testing"

	"golang.org/x/sys/cpu"
)

// TestKernelChoice checks that every kernel the CPU supports is offered, the
// widest first, so that TestGemmKernels runs each of them on this machine.
func TestKernelChoice(t *testing.T) {
	var want []string
	if cpu.X86.HasAVX512F {
		want = append(want, "avx512")
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		want = append(want, "avx2")
	}
	want = append(want, "go")
	got := gemmKernels()
	if len(got) != len(want) {
		t.Fatalf("kernels %v, want %v", kernelNames(got), want)
	}
	for i := range got {
		if got[i].name != want[i] {
			t.Fatalf("kernels %v, want %v", kernelNames(got), want)
		}
	}
	if kernel != got[0] {
		t.Errorf("default kernel %s, want %s", kernel.name, got[0].name)
	}
	if cpu.X86.HasAVX != (packT8 != nil) {
		t.Errorf("assembly packing: %v, CPU has AVX: %v", packT8 != nil, cpu.X86.HasAVX)
	}
	t.Logf("kernels on this CPU: %v", kernelNames(got))
}

func kernelNames(ks []*gemmKernel) []string {
	var s []string
	for _, k := range ks {
		s = append(s, k.name)
	}
	return s
}
