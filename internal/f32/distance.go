package f32

// The distance kernels of nearest-neighbour search (package knn's HNSW
// graph): squared Euclidean distances and dot products from one query to
// rows of a matrix picked by ID, in float32. Taking many rows per call
// spreads the cost of the call and lets the loads of the rows overlap.
//
// Each sums the first len(q) − len(q)%16 terms in 16 lanes (term i in lane
// i mod 16, a separate multiply and add, never fused), reduces the lanes
// with sum16's tree, and then adds the remaining terms one by one. The Go
// loops below are the specification; the AVX-512 and AVX2 kernels give the
// same bits, so that a graph built with them is the same on every machine.

// distKernel is one implementation of the distance kernels. The wrappers
// call the functions through a switch on isa, not through function values,
// so that escape analysis sees the assembly's noescape and SqDist's
// one-element result stays on the stack.
type distKernel struct {
	name string
	isa  int
}

const (
	isaGo = iota
	isaAVX512
	isaAVX2
)

var goDist = &distKernel{name: "go", isa: isaGo}

// dk is the distance kernel in use; tests switch it.
var dk = distKernels()[0]

// SqDistRows sets dst[i] to the squared Euclidean distance between q and row
// ids[i] of the row-major matrix x with len(q) columns:
//
//	d := len(q)
//	n := d - d%16
//	for i, id := range ids {
//		row := x[int(id)*d : int(id)*d+d]
//		var acc [16]float32
//		for j := 0; j < n; j++ {
//			t := q[j] - row[j]
//			acc[j%16] += float32(t * t)
//		}
//		s := sum16f(&acc)
//		for j := n; j < d; j++ {
//			t := q[j] - row[j]
//			s += float32(t * t)
//		}
//		dst[i] = s
//	}
//
// The caller guarantees len(dst) ≥ len(ids) and that the rows are in x.
func SqDistRows(dst, q, x []float32, ids []int32) {
	sqDistRowsISA(dk.isa, dst[:len(ids)], q, x, ids, len(q)&^15)
}

// DotRows sets dst[i] to the dot product of q and row ids[i] of the
// row-major matrix x with len(q) columns, summed as SqDistRows sums:
// products q[j]·row[j] (each rounded to float32) in 16 lanes for the first
// len(q) − len(q)%16 terms, sum16f's tree, then the rest one by one.
func DotRows(dst, q, x []float32, ids []int32) {
	dotRowsISA(dk.isa, dst[:len(ids)], q, x, ids, len(q)&^15)
}

// pairID is the one ID SqDist and Dot16 pass: row 0 of the second vector.
var pairID = []int32{0}

// SqDist returns the squared Euclidean distance between a and b
// (len(b) ≥ len(a)), summed as SqDistRows sums.
func SqDist(a, b []float32) float32 {
	var out [1]float32
	SqDistRows(out[:], a, b, pairID)
	return out[0]
}

// Dot16 returns the dot product of a and b (len(b) ≥ len(a)), summed as
// DotRows sums: unlike Dot, in 16 lanes, not in order.
func Dot16(a, b []float32) float32 {
	var out [1]float32
	DotRows(out[:], a, b, pairID)
	return out[0]
}

// sum16f adds up 16 float32 lane sums in sum16's tree: lane l+w into lane
// l for w = 8, 4, 2, 1.
func sum16f(acc *[16]float32) float32 {
	for w := 8; w > 0; w >>= 1 {
		for l := 0; l < w; l++ {
			acc[l] += acc[l+w]
		}
	}
	return acc[0]
}

// sqDistRowsGo is SqDistRows with n16 = len(q) − len(q)%16. The 16 lanes
// are 16 variables, so that they live in registers.
func sqDistRowsGo(dst, q, x []float32, ids []int32, n16 int) {
	dim := len(q)
	for i, id := range ids {
		row := x[int(id)*dim : int(id)*dim+dim]
		var a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15 float32
		for j := 0; j < n16; j += 16 {
			a, b := q[j:j+16:j+16], row[j:j+16:j+16]
			t0 := a[0] - b[0]
			a0 += float32(t0 * t0)
			t1 := a[1] - b[1]
			a1 += float32(t1 * t1)
			t2 := a[2] - b[2]
			a2 += float32(t2 * t2)
			t3 := a[3] - b[3]
			a3 += float32(t3 * t3)
			t4 := a[4] - b[4]
			a4 += float32(t4 * t4)
			t5 := a[5] - b[5]
			a5 += float32(t5 * t5)
			t6 := a[6] - b[6]
			a6 += float32(t6 * t6)
			t7 := a[7] - b[7]
			a7 += float32(t7 * t7)
			t8 := a[8] - b[8]
			a8 += float32(t8 * t8)
			t9 := a[9] - b[9]
			a9 += float32(t9 * t9)
			t10 := a[10] - b[10]
			a10 += float32(t10 * t10)
			t11 := a[11] - b[11]
			a11 += float32(t11 * t11)
			t12 := a[12] - b[12]
			a12 += float32(t12 * t12)
			t13 := a[13] - b[13]
			a13 += float32(t13 * t13)
			t14 := a[14] - b[14]
			a14 += float32(t14 * t14)
			t15 := a[15] - b[15]
			a15 += float32(t15 * t15)
		}
		s := tree16(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15)
		for j := n16; j < dim; j++ {
			t := q[j] - row[j]
			s += float32(t * t)
		}
		dst[i] = s
	}
}

// dotRowsGo is DotRows with n16 = len(q) − len(q)%16.
func dotRowsGo(dst, q, x []float32, ids []int32, n16 int) {
	dim := len(q)
	for i, id := range ids {
		row := x[int(id)*dim : int(id)*dim+dim]
		var a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15 float32
		for j := 0; j < n16; j += 16 {
			a, b := q[j:j+16:j+16], row[j:j+16:j+16]
			a0 += float32(a[0] * b[0])
			a1 += float32(a[1] * b[1])
			a2 += float32(a[2] * b[2])
			a3 += float32(a[3] * b[3])
			a4 += float32(a[4] * b[4])
			a5 += float32(a[5] * b[5])
			a6 += float32(a[6] * b[6])
			a7 += float32(a[7] * b[7])
			a8 += float32(a[8] * b[8])
			a9 += float32(a[9] * b[9])
			a10 += float32(a[10] * b[10])
			a11 += float32(a[11] * b[11])
			a12 += float32(a[12] * b[12])
			a13 += float32(a[13] * b[13])
			a14 += float32(a[14] * b[14])
			a15 += float32(a[15] * b[15])
		}
		s := tree16(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15)
		for j := n16; j < dim; j++ {
			s += float32(q[j] * row[j])
		}
		dst[i] = s
	}
}

// tree16 is sum16f on 16 values held in variables.
func tree16(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15 float32) float32 {
	a0, a1, a2, a3, a4, a5, a6, a7 = a0+a8, a1+a9, a2+a10, a3+a11, a4+a12, a5+a13, a6+a14, a7+a15
	a0, a1, a2, a3 = a0+a4, a1+a5, a2+a6, a3+a7
	a0, a1 = a0+a2, a1+a3
	return a0 + a1
}
