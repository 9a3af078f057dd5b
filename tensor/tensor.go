// Package tensor holds dense row-major float32 matrices, the values that flow
// through latent's networks. A batch of samples is a matrix with one sample per
// row, so the dense autoencoder family needs nothing of higher rank; image
// layers view a row as channels×height×width.
//
// Shape mistakes are programmer errors and panic with a "tensor:" prefix.
package tensor

import (
	"fmt"

	"github.com/latent-go/latent/internal/f32"
)

// Dense is an R×C matrix stored row-major in Data (len R*C).
type Dense struct {
	R, C int
	Data []float32
}

// New returns a zeroed r×c matrix.
func New(r, c int) *Dense {
	if r < 0 || c < 0 {
		panic(fmt.Sprintf("tensor: negative shape %d×%d", r, c))
	}
	return &Dense{R: r, C: c, Data: make([]float32, r*c)}
}

// FromSlice wraps data (not copied) as an r×c matrix.
func FromSlice(r, c int, data []float32) *Dense {
	if r < 0 || c < 0 || len(data) != r*c {
		panic(fmt.Sprintf("tensor: %d values for a %d×%d matrix", len(data), r, c))
	}
	return &Dense{R: r, C: c, Data: data}
}

// Row returns row i as a slice sharing the matrix's storage.
func (t *Dense) Row(i int) []float32 { return t.Data[i*t.C : (i+1)*t.C] }

// At returns element (i, j).
func (t *Dense) At(i, j int) float32 { return t.Data[i*t.C+j] }

// Len returns the number of elements.
func (t *Dense) Len() int { return len(t.Data) }

// Zero sets every element to 0.
func (t *Dense) Zero() { clear(t.Data) }

// Clone returns a deep copy.
func (t *Dense) Clone() *Dense {
	return &Dense{R: t.R, C: t.C, Data: append([]float32(nil), t.Data...)}
}

// SameShape reports whether t and u have the same shape.
func (t *Dense) SameShape(u *Dense) bool { return t.R == u.R && t.C == u.C }

// String formats the shape, for messages.
func (t *Dense) String() string { return fmt.Sprintf("%d×%d", t.R, t.C) }

// MustSameShape panics unless t and u have the same shape.
func MustSameShape(op string, t, u *Dense) {
	if !t.SameShape(u) {
		panic(fmt.Sprintf("tensor: %s: shapes %v and %v differ", op, t, u))
	}
}

// MatMul sets dst = alpha·op(a)·op(b) + beta·dst, with op transposing when
// transA or transB is set. It panics if the shapes do not agree.
func MatMul(dst *Dense, a *Dense, transA bool, b *Dense, transB bool, alpha, beta float32) {
	m, k := a.R, a.C
	if transA {
		m, k = k, m
	}
	k2, n := b.R, b.C
	if transB {
		k2, n = n, k2
	}
	if k != k2 || dst.R != m || dst.C != n {
		panic(fmt.Sprintf("tensor: MatMul: %v (trans %v) · %v (trans %v) into %v", a, transA, b, transB, dst))
	}
	f32.Gemm(transA, transB, m, n, k, alpha, a.Data, max(a.C, 1), b.Data, max(b.C, 1), beta, dst.Data, max(dst.C, 1))
}
