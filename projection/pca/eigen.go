package pca

import (
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/mat"
)

// minTopK is the dimension from which topEigen computes only the wanted
// eigenvectors. Below it the full decomposition costs next to nothing.
var minTopK = 64

// topEigen returns the k largest eigenvalues of the symmetric d×d matrix c
// (row-major, both triangles), in decreasing order, and their orthonormal
// eigenvectors as the rows of a k×d matrix. It returns ok=false if the
// decomposition fails.
//
// A full symmetric eigendecomposition (gonum's mat.EigenSym, LAPACK dsyev)
// spends most of its time accumulating all d eigenvectors. For d ≥ minTopK
// topEigen instead reduces c to tridiagonal form T = QᵀCQ (dsytrd), finds
// all eigenvalues of T (dsterf, O(d²)), computes only the k wanted
// eigenvectors of T by inverse iteration (as LAPACK's dstein does,
// re-orthogonalising eigenvectors of close eigenvalues) and maps them back
// with Q (dormqr). The result is checked — residuals ‖Cv − λv‖ and
// orthonormality — and the full decomposition is used instead if the check
// fails. For d = 784, k = 32 this is about 4× faster than the full one.
func topEigen(c []float64, d, k int) (vals, vecs []float64, ok bool) {
	if d >= max(minTopK, 2) {
		vals, vecs, ok = topEigenTridiag(c, d, k)
		if ok {
			return vals, vecs, true
		}
	}
	return topEigenFull(c, d, k)
}

// topEigenFull uses the full decomposition.
func topEigenFull(c []float64, d, k int) (vals, vecs []float64, ok bool) {
	var es mat.EigenSym
	if !es.Factorize(mat.NewSymDense(d, slices.Clone(c)), true) {
		return nil, nil, false
	}
	w := es.Values(nil) // ascending
	var v mat.Dense
	es.VectorsTo(&v)
	vals = make([]float64, k)
	vecs = make([]float64, k*d)
	for i := range k {
		col := d - 1 - i
		vals[i] = w[col]
		for j := range d {
			vecs[i*d+j] = v.At(j, col)
		}
	}
	return vals, vecs, true
}

func topEigenTridiag(c []float64, d, k int) (vals, vecs []float64, ok bool) {
	var impl gonum.Implementation
	a := slices.Clone(c)
	diag := make([]float64, d)
	off := make([]float64, d-1)
	tau := make([]float64, d-1)
	work := make([]float64, 1)
	impl.Dsytrd(blas.Lower, d, a, d, diag, off, tau, work, -1)
	work = make([]float64, int(work[0]))
	impl.Dsytrd(blas.Lower, d, a, d, diag, off, tau, work, len(work))

	w := slices.Clone(diag)
	if !impl.Dsterf(d, w, slices.Clone(off)) { // w ascending
		return nil, nil, false
	}
	vals = make([]float64, k)
	for i := range k {
		vals[i] = w[d-1-i]
	}

	var norm float64 // 1-norm of T
	for i := range d {
		s := math.Abs(diag[i])
		if i > 0 {
			s += math.Abs(off[i-1])
		}
		if i < d-1 {
			s += math.Abs(off[i])
		}
		norm = max(norm, s)
	}
	if norm == 0 {
		return nil, nil, false // zero matrix: any basis will do; let dsyev pick
	}
	z := inverseIteration(diag, off, vals, norm)
	if z == nil {
		return nil, nil, false
	}

	// Map back: v = Q z. Q = H_0⋯H_{d−2}, whose reflectors dsytrd left
	// below the subdiagonal; as dorgtr does for the lower case, this is a
	// QR-style product acting on rows 1..d−1.
	zm := make([]float64, d*k) // d×k, column c is eigenvector c of T
	for col, zc := range z {
		for r, v := range zc {
			zm[r*k+col] = v
		}
	}
	impl.Dormqr(blas.Left, blas.NoTrans, d-1, k, d-1, a[d:], d, tau, zm[k:], k, work, -1)
	if need := int(work[0]); need > len(work) {
		work = make([]float64, need)
	}
	impl.Dormqr(blas.Left, blas.NoTrans, d-1, k, d-1, a[d:], d, tau, zm[k:], k, work, len(work))
	vecs = make([]float64, k*d)
	for r := range d {
		for col := range k {
			vecs[col*d+r] = zm[r*k+col]
		}
	}
	if !checkEigen(c, d, vals, vecs, norm) {
		return nil, nil, false
	}
	return vals, vecs, true
}

// inverseIteration returns unit eigenvectors of the symmetric tridiagonal
// matrix with diagonal diag and off-diagonal off for the eigenvalues lam
// (decreasing), or nil if the iteration breaks down.
func inverseIteration(diag, off, lam []float64, norm float64) [][]float64 {
	const eps = 0x1p-52
	n := len(diag)
	ortol := 1e-3 * norm // eigenvalues closer than this form a cluster
	pertol := 10 * eps * norm
	rng := rand.New(rand.NewPCG(1, 2)) // fixed: the result is deterministic
	f := newTridiagLU(n)
	z := make([][]float64, len(lam))
	first := 0 // first member of the current cluster
	shift := lam[0]
	for j := range lam {
		if j > 0 {
			if lam[j-1]-lam[j] >= ortol {
				first = j
				shift = lam[j]
			} else {
				// Separate equal or very close shifts so that
				// their iterations do not coincide.
				shift = min(lam[j], shift-pertol)
			}
		}
		f.factor(diag, off, shift, eps*norm)
		v := make([]float64, n)
		for i := range v {
			v[i] = 2*rng.Float64() - 1
		}
		for range 3 {
			if !normalize(v) {
				return nil
			}
			f.solve(v)
			for range 2 {
				for _, u := range z[first:j] {
					axpy(-dot(u, v), u, v)
				}
			}
		}
		if !normalize(v) {
			return nil
		}
		z[j] = v
	}
	return z
}

// tridiagLU is an LU factorisation with partial pivoting of T − λI, T
// symmetric tridiagonal. Row k of U has entries u0[k], u1[k], u2[k] at
// columns k, k+1, k+2; l[k] is the multiplier of step k and swap[k] says
// whether rows k and k+1 were interchanged.
type tridiagLU struct {
	u0, u1, u2, l []float64
	swap          []bool
}

func newTridiagLU(n int) *tridiagLU {
	return &tridiagLU{
		u0: make([]float64, n), u1: make([]float64, n), u2: make([]float64, n),
		l: make([]float64, n), swap: make([]bool, n),
	}
}

// factor factorises T − λI. Pivots smaller than tiny are replaced by ±tiny,
// which keeps the solves of an (almost) singular matrix finite.
func (f *tridiagLU) factor(diag, off []float64, lam, tiny float64) {
	n := len(diag)
	// The active row holds c0, c1 at columns k, k+1.
	c0, c1 := diag[0]-lam, 0.0
	if n > 1 {
		c1 = off[0]
	}
	for k := 0; k < n-1; k++ {
		r0, r1, r2 := off[k], diag[k+1]-lam, 0.0
		if k+1 < n-1 {
			r2 = off[k+1]
		}
		if math.Abs(c0) >= math.Abs(r0) {
			c0 = guard(c0, tiny)
			m := r0 / c0
			f.u0[k], f.u1[k], f.u2[k], f.l[k], f.swap[k] = c0, c1, 0, m, false
			c0, c1 = r1-m*c1, r2
		} else {
			m := c0 / r0
			f.u0[k], f.u1[k], f.u2[k], f.l[k], f.swap[k] = r0, r1, r2, m, true
			c0, c1 = c1-m*r1, -m*r2
		}
	}
	f.u0[n-1] = guard(c0, tiny)
}

func guard(p, tiny float64) float64 {
	if math.Abs(p) >= tiny {
		return p
	}
	if p < 0 {
		return -tiny
	}
	return tiny
}

// solve overwrites b with (T − λI)⁻¹ b.
func (f *tridiagLU) solve(b []float64) {
	n := len(b)
	// Forward: apply the row operations; the active right-hand side
	// travels down like the active row.
	act := b[0]
	for k := 0; k < n-1; k++ {
		next := b[k+1]
		if f.swap[k] {
			b[k] = next
			act = act - f.l[k]*next
		} else {
			b[k] = act
			act = next - f.l[k]*act
		}
	}
	b[n-1] = act
	// Back substitution with U.
	b[n-1] /= f.u0[n-1]
	if n > 1 {
		b[n-2] = (b[n-2] - f.u1[n-2]*b[n-1]) / f.u0[n-2]
	}
	for k := n - 3; k >= 0; k-- {
		b[k] = (b[k] - f.u1[k]*b[k+1] - f.u2[k]*b[k+2]) / f.u0[k]
	}
}

// normalize scales v to unit length; it reports false if v is zero or not
// finite.
func normalize(v []float64) bool {
	var m float64
	for _, x := range v {
		m = max(m, math.Abs(x))
	}
	if m == 0 || math.IsInf(m, 0) || math.IsNaN(m) {
		return false
	}
	var s float64
	for _, x := range v {
		s += (x / m) * (x / m)
	}
	inv := 1 / (m * math.Sqrt(s))
	for i := range v {
		v[i] *= inv
	}
	return true
}

func dot(a, b []float64) float64 {
	var s float64
	for i, x := range a {
		s += x * b[i]
	}
	return s
}

func axpy(alpha float64, x, y []float64) {
	for i, v := range x {
		y[i] += alpha * v
	}
}

// eigenTol is the relative accuracy topEigenTridiag must reach: residuals
// ‖Cv − λv‖ ≤ eigenTol·‖T‖₁ and |vᵢ·vⱼ − δᵢⱼ| ≤ eigenTol. A backward-stable
// method reaches about 1e-13 here.
const eigenTol = 1e-9

func checkEigen(c []float64, d int, vals, vecs []float64, norm float64) bool {
	k := len(vals)
	r := make([]float64, d)
	for i := range k {
		v := vecs[i*d : (i+1)*d]
		for row := range d {
			r[row] = dot(c[row*d:(row+1)*d], v) - vals[i]*v[row]
		}
		if math.Sqrt(dot(r, r)) > eigenTol*norm {
			return false
		}
		for j := 0; j <= i; j++ {
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(dot(v, vecs[j*d:(j+1)*d])-want) > eigenTol {
				return false
			}
		}
	}
	return true
}
