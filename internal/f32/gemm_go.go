package f32

// goKernel is the portable micro-kernel: a 4×4 register tile in plain Go.
var goKernel = &gemmKernel{name: "go", mr: 4, nr: 4, kc: 256, nc: 512, fn: kernGo4x4}

// kernGo4x4 computes the 4×4 tile
//
//	c[r*ldc+j] = alpha·Σ_l a[l*4+r]·b[l*4+j] + beta·c[r*ldc+j]
//
// summing l = 0, 1, …, kc-1 in order; C is not read when beta is zero.
func kernGo4x4(kc int, a, b, c []float32, ldc int, alpha, beta float32) {
	var c00, c01, c02, c03 float32
	var c10, c11, c12, c13 float32
	var c20, c21, c22, c23 float32
	var c30, c31, c32, c33 float32
	a, b = a[:4*kc], b[:4*kc]
	for l := 0; l < len(a); l += 4 {
		aa := a[l : l+4 : l+4]
		bb := b[l : l+4 : l+4]
		b0, b1, b2, b3 := bb[0], bb[1], bb[2], bb[3]
		a0 := aa[0]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		a1 := aa[1]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a2 := aa[2]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		a3 := aa[3]
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	mergeRow(c[0:4:4], alpha, beta, c00, c01, c02, c03)
	mergeRow(c[ldc:ldc+4:ldc+4], alpha, beta, c10, c11, c12, c13)
	mergeRow(c[2*ldc:2*ldc+4:2*ldc+4], alpha, beta, c20, c21, c22, c23)
	mergeRow(c[3*ldc:3*ldc+4:3*ldc+4], alpha, beta, c30, c31, c32, c33)
}

func mergeRow(c []float32, alpha, beta, s0, s1, s2, s3 float32) {
	c = c[:4]
	if beta == 0 {
		c[0], c[1], c[2], c[3] = alpha*s0, alpha*s1, alpha*s2, alpha*s3
		return
	}
	c[0] = alpha*s0 + beta*c[0]
	c[1] = alpha*s1 + beta*c[1]
	c[2] = alpha*s2 + beta*c[2]
	c[3] = alpha*s3 + beta*c[3]
}
