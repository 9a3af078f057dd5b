//go:build !purego

package f32

import "golang.org/x/sys/cpu"

// filterI8Kernel is FilterI8's kernel when the CPU has AVX-512 VNNI, nil
// otherwise.
var filterI8Kernel = func() func(masks []uint16, hits []int32, x []byte, rows []float32, q []int32, qc []float32, groups, m int) int {
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512VNNI {
		return filterI8VNNI
	}
	return nil
}()
