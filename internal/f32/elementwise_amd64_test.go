//go:build !purego

package f32

import (
	"testing"

	"golang.org/x/sys/cpu"
)

// TestEWKernelChoice checks that every element-wise kernel the CPU supports
// is offered, the widest first, so that the tests run each of them here.
func TestEWKernelChoice(t *testing.T) {
	var want []string
	if cpu.X86.HasAVX512F {
		want = append(want, "avx512")
	}
	if cpu.X86.HasAVX2 {
		want = append(want, "avx2")
	}
	want = append(want, "go")
	got := ewKernels()
	if len(got) != len(want) {
		t.Fatalf("%d kernels, want %v", len(got), want)
	}
	for i, k := range got {
		if k.name != want[i] {
			t.Fatalf("kernel %d is %s, want %v", i, k.name, want)
		}
	}
	if ew != got[0] {
		t.Errorf("default kernel %s, want %s", ew.name, got[0].name)
	}
}
