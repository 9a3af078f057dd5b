//go:build !amd64 || purego

package f32

// filterI8Kernel is nil: FilterI8 runs the Go loop.
var filterI8Kernel func(masks []uint16, hits []int32, x []byte, rows []float32, q []int32, qc []float32, groups, m int) int
