package f32

// goKernel is the portable micro-kernel, in plain Go.
var goKernel = &gemmKernel{name: "go", mr: 4, nr: 2, kc: 256, nc: 512, fn: kernGo4x2}

// kernGo4x2 computes the 4×2 tile
//
//	c[r*ldc+j] = alpha·Σ_l a[l*4+r]·b[l*2+j] + beta·c[r*ldc+j]
//
// summing l = 0, 1, …, kc-1 in order; C is not read when beta is zero.
//
// The tile is small because the compiler schedules the products of a loop
// body before the sums that feed the next iteration: with more accumulators
// the products spill. Unrolling by four makes the sums of the first three
// steps feed the next step, which keeps them interleaved with the products.
func kernGo4x2(kc int, a, b, c []float32, ldc int, alpha, beta float32) {
	var c00, c01, c10, c11, c20, c21, c30, c31 float32
	a, b = a[:4*kc], b[:2*kc]
	l := 0
	for ; l+4 <= kc; l += 4 {
		aa := a[4*l : 4*l+16 : 4*l+16]
		bb := b[2*l : 2*l+8 : 2*l+8]
		c00 += aa[0] * bb[0]
		c01 += aa[0] * bb[1]
		c10 += aa[1] * bb[0]
		c11 += aa[1] * bb[1]
		c20 += aa[2] * bb[0]
		c21 += aa[2] * bb[1]
		c30 += aa[3] * bb[0]
		c31 += aa[3] * bb[1]
		c00 += aa[4] * bb[2]
		c01 += aa[4] * bb[3]
		c10 += aa[5] * bb[2]
		c11 += aa[5] * bb[3]
		c20 += aa[6] * bb[2]
		c21 += aa[6] * bb[3]
		c30 += aa[7] * bb[2]
		c31 += aa[7] * bb[3]
		c00 += aa[8] * bb[4]
		c01 += aa[8] * bb[5]
		c10 += aa[9] * bb[4]
		c11 += aa[9] * bb[5]
		c20 += aa[10] * bb[4]
		c21 += aa[10] * bb[5]
		c30 += aa[11] * bb[4]
		c31 += aa[11] * bb[5]
		c00 += aa[12] * bb[6]
		c01 += aa[12] * bb[7]
		c10 += aa[13] * bb[6]
		c11 += aa[13] * bb[7]
		c20 += aa[14] * bb[6]
		c21 += aa[14] * bb[7]
		c30 += aa[15] * bb[6]
		c31 += aa[15] * bb[7]
	}
	for ; l < kc; l++ {
		aa := a[4*l : 4*l+4 : 4*l+4]
		bb := b[2*l : 2*l+2 : 2*l+2]
		c00 += aa[0] * bb[0]
		c01 += aa[0] * bb[1]
		c10 += aa[1] * bb[0]
		c11 += aa[1] * bb[1]
		c20 += aa[2] * bb[0]
		c21 += aa[2] * bb[1]
		c30 += aa[3] * bb[0]
		c31 += aa[3] * bb[1]
	}
	merge2(c[0:2:2], alpha, beta, c00, c01)
	merge2(c[ldc:ldc+2:ldc+2], alpha, beta, c10, c11)
	merge2(c[2*ldc:2*ldc+2:2*ldc+2], alpha, beta, c20, c21)
	merge2(c[3*ldc:3*ldc+2:3*ldc+2], alpha, beta, c30, c31)
}

// merge2 stores alpha·s (+ beta·c) into the two elements of c.
func merge2(c []float32, alpha, beta, s0, s1 float32) {
	c = c[:2]
	if beta == 0 {
		c[0], c[1] = alpha*s0, alpha*s1
		return
	}
	c[0] = alpha*s0 + beta*c[0]
	c[1] = alpha*s1 + beta*c[1]
}
