package tsne

import (
	"math"

	"github.com/latent-go/latent/internal/parallel"
)

// The objective and its gradient.
//
// With heavy-tailed similarities w_ij = (1 + ‖y_i − y_j‖²/α)^(−(α+1)/2)
// (Student's t with α degrees of freedom; α = 1 is the Cauchy kernel of
// standard t-SNE), Z = Σ_{k≠l} w_kl and q_ij = w_ij / Z, the gradient of
// KL(P‖Q) = Σ p_ij log(p_ij / q_ij) is
//
//	∂C/∂y_i = (2(α+1)/α) Σ_j (p_ij − q_ij) u_ij (y_i − y_j),  u_ij = (1 + ‖y_i − y_j‖²/α)^(−1)
//
// The attractive part Σ_j p_ij u_ij (y_i − y_j) runs over the stored
// entries of the sparse P; the repulsive part Σ_j w_ij u_ij (y_i − y_j) and
// Z run over all pairs and are approximated with the Barnes–Hut tree.

// kernel is the Student-t kernel with alpha degrees of freedom.
type kernel struct {
	alpha float64
	invA  float64 // 1/α
	expo  float64 // (α+1)/2
	scale float64 // 2(α+1)/α, the gradient's constant factor
}

func newKernel(alpha float64) kernel {
	return kernel{alpha: alpha, invA: 1 / alpha, expo: (alpha + 1) / 2, scale: 2 * (alpha + 1) / alpha}
}

// cauchy reports whether the kernel is standard t-SNE's 1/(1+d²).
func (k kernel) cauchy() bool { return k.alpha == 1 }

// w returns u = 1/(1 + d2/α) and w = u^((α+1)/2).
func (k kernel) w(d2 float64) (u, w float64) {
	u = 1 / (1 + d2*k.invA)
	switch k.expo {
	case 1:
		return u, u
	case 1.5:
		return u, u * math.Sqrt(u)
	}
	return u, math.Pow(u, k.expo)
}

// float32Tiny is the smallest normal float32, which scikit-learn's
// Barnes–Hut error puts under p and q before taking their ratio's log.
const float32Tiny = 0x1p-126

// objective evaluates the gradient of the KL divergence for one P, reusing
// its buffers between iterations.
type objective struct {
	p       *sparse
	dims    int
	k       kernel
	workers int
	t       *tree
	rep     []float64 // n×dims repulsive sums Σ_j w_ij u_ij (y_i − y_j)
	zs      []float64 // per point Σ_{j≠i} w_ij
	kls     []float64 // per row Σ_j p_ij log(p_ij/q_ij)
}

func newObjective(p *sparse, dims int, theta, alpha float64, workers int) *objective {
	n := p.n
	return &objective{p: p, dims: dims, k: newKernel(alpha), workers: workers,
		t: newTree(n, dims, theta), rep: make([]float64, n*dims),
		zs: make([]float64, n), kls: make([]float64, n)}
}

// gradient writes the Barnes–Hut gradient of KL(exag·P ‖ Q) at y (n×dims)
// to grad and, when withKL is set, returns the divergence as scikit-learn
// computes it for its Barnes–Hut method: Σ over the stored entries of P of
// p log(max(p, tiny) / max(q, tiny)), with q = w/Z and Z from the tree
// (otherwise it returns NaN). Every point's sums are formed by one
// goroutine in a fixed order, and the per-point results are added up in
// index order, so the result does not depend on workers or scheduling.
func (o *objective) gradient(y, grad []float64, exag float64, withKL bool) float64 {
	t, dims, n := o.t, o.dims, o.p.n
	t.build(y)
	// Repulsion, walking the points in tree order: neighbours in that
	// order take similar paths through the tree.
	parallel.Chunks(n, 64, o.workers, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			i := int(t.perm[p])
			r := o.rep[i*dims : (i+1)*dims]
			switch {
			case dims == 2 && o.k.cauchy():
				r[0], r[1], o.zs[i] = t.repulse2(t.pts[2*p], t.pts[2*p+1], int32(p))
			case dims == 3 && (o.k.expo == 1 || o.k.expo == 1.5):
				r[0], r[1], r[2], o.zs[i] = t.repulse3(t.pts[3*p], t.pts[3*p+1], t.pts[3*p+2], int32(p), o.k.invA, o.k.expo == 1.5)
			default:
				o.zs[i] = t.repulse(t.pts[p*dims:(p+1)*dims], int32(p), o.k, r)
			}
		}
	})
	z := 0.0
	for _, v := range o.zs {
		z += v
	}
	invZ := 1 / z
	parallel.Chunks(n, 64, o.workers, func(lo, hi int) {
		var f [3]float64
		for i := lo; i < hi; i++ {
			kl := o.attract(y, i, exag, withKL, invZ, &f)
			o.kls[i] = kl
			for a := range dims {
				grad[i*dims+a] = o.k.scale * (exag*f[a] - o.rep[i*dims+a]*invZ)
			}
		}
	})
	if !withKL {
		return math.NaN()
	}
	kl := 0.0
	for _, v := range o.kls {
		kl += v
	}
	return kl
}

// attract writes Σ_j p_ij u_ij (y_i − y_j) over row i of P to f and
// returns the row's KL terms (0 unless withKL) for P scaled by exag.
func (o *objective) attract(y []float64, i int, exag float64, withKL bool, invZ float64, f *[3]float64) float64 {
	dims, p := o.dims, o.p
	cols, vals := p.col[p.rowPtr[i]:p.rowPtr[i+1]], p.val[p.rowPtr[i]:p.rowPtr[i+1]]
	*f = [3]float64{}
	kl := 0.0
	if dims == 2 && o.k.cauchy() {
		xi, yi := y[2*i], y[2*i+1]
		var fx, fy float64
		for t, j := range cols {
			dx, dy := xi-y[2*j], yi-y[2*j+1]
			u := 1 / (1 + dx*dx + dy*dy)
			pu := vals[t] * u
			fx += pu * dx
			fy += pu * dy
			if withKL {
				pe := exag * vals[t]
				kl += pe * math.Log(max(pe, float32Tiny)/max(u*invZ, float32Tiny))
			}
		}
		f[0], f[1] = fx, fy
		return kl
	}
	var d [3]float64
	for t, j := range cols {
		d2 := 0.0
		for a := range dims {
			d[a] = y[i*dims+a] - y[int(j)*dims+a]
			d2 += d[a] * d[a]
		}
		u, w := o.k.w(d2)
		pu := vals[t] * u
		for a := range dims {
			f[a] += pu * d[a]
		}
		if withKL {
			pe := exag * vals[t]
			kl += pe * math.Log(max(pe, float32Tiny)/max(w*invZ, float32Tiny))
		}
	}
	return kl
}

// repulse2 returns the repulsive sums Σ_j u_ij² (y_i − y_j) and Σ_j u_ij
// over all points j but the one at tree position self, for the Cauchy
// kernel in 2-D, approximated by walking the tree: a node whose opening
// distance is exceeded stands for all its points at its centre of mass; a
// leaf too near for that is summed point by point.
func (t *tree) repulse2(x, y float64, self int32) (fx, fy, z float64) {
	nodes, pts := t.nodes, t.pts
	for k := 0; k < len(nodes); {
		nd := &nodes[k]
		dx, dy := x-nd.c[0], y-nd.c[1]
		d2 := dx*dx + dy*dy
		if d2 > nd.r2 {
			q := 1 / (1 + d2)
			m := float64(nd.hi-nd.lo) * q
			z += m
			m *= q
			fx += m * dx
			fy += m * dy
			k = int(nd.next)
			continue
		}
		if int(nd.next) == k+1 {
			lp := pts[2*nd.lo : 2*nd.hi]
			skip := 2 * int(self-nd.lo)
			for p := 0; p+1 < len(lp); p += 2 {
				if p == skip {
					continue
				}
				dx, dy := x-lp[p], y-lp[p+1]
				q := 1 / (1 + dx*dx + dy*dy)
				z += q
				q *= q
				fx += q * dx
				fy += q * dy
			}
		}
		k++
	}
	return fx, fy, z
}

// repulse3 is repulse2 in 3-D, for the kernels with α = 1 (sqrtU false) and
// α = 2 (sqrtU true, w = u^1.5), invA = 1/α.
func (t *tree) repulse3(x, y, z float64, self int32, invA float64, sqrtU bool) (fx, fy, fz, sum float64) {
	nodes, pts := t.nodes, t.pts
	for k := 0; k < len(nodes); {
		nd := &nodes[k]
		dx, dy, dz := x-nd.c[0], y-nd.c[1], z-nd.c[2]
		d2 := dx*dx + dy*dy + dz*dz
		if d2 > nd.r2 {
			u := 1 / (1 + d2*invA)
			w := u
			if sqrtU {
				w *= math.Sqrt(u)
			}
			m := float64(nd.hi-nd.lo) * w
			sum += m
			m *= u
			fx += m * dx
			fy += m * dy
			fz += m * dz
			k = int(nd.next)
			continue
		}
		if int(nd.next) == k+1 {
			lp := pts[3*nd.lo : 3*nd.hi]
			skip := 3 * int(self-nd.lo)
			for p := 0; p+2 < len(lp); p += 3 {
				if p == skip {
					continue
				}
				dx, dy, dz := x-lp[p], y-lp[p+1], z-lp[p+2]
				u := 1 / (1 + (dx*dx+dy*dy+dz*dz)*invA)
				w := u
				if sqrtU {
					w *= math.Sqrt(u)
				}
				sum += w
				m := w * u
				fx += m * dx
				fy += m * dy
				fz += m * dz
			}
		}
		k++
	}
	return fx, fy, fz, sum
}

// repulse is repulse2 for any kernel and dimension: it adds Σ_j w_ij u_ij
// (y_i − y_j) to r (which it first clears) and returns Σ_j w_ij.
func (t *tree) repulse(yi []float64, self int32, kern kernel, r []float64) (z float64) {
	nodes, pts, dims := t.nodes, t.pts, t.dims
	clear(r)
	var d [3]float64
	for k := 0; k < len(nodes); {
		nd := &nodes[k]
		d2 := 0.0
		for a := range dims {
			d[a] = yi[a] - nd.c[a]
			d2 += d[a] * d[a]
		}
		if d2 > nd.r2 {
			u, w := kern.w(d2)
			m := float64(nd.hi-nd.lo) * w
			z += m
			m *= u
			for a := range dims {
				r[a] += m * d[a]
			}
			k = int(nd.next)
			continue
		}
		if int(nd.next) == k+1 {
			for p := nd.lo; p < nd.hi; p++ {
				if p == self {
					continue
				}
				q := pts[int(p)*dims : int(p+1)*dims]
				d2 := 0.0
				for a := range dims {
					d[a] = yi[a] - q[a]
					d2 += d[a] * d[a]
				}
				u, w := kern.w(d2)
				z += w
				m := w * u
				for a := range dims {
					r[a] += m * d[a]
				}
			}
		}
		k++
	}
	return z
}

// exactGradient writes the exact gradient of KL(exag·P ‖ Q) at y to grad
// and returns the exact divergence Σ_{p_ij>0} p log(p/q), summing over all
// pairs: O(n²), for tests and as the reference the tree is checked
// against.
func exactGradient(p *sparse, y []float64, dims int, kern kernel, exag float64, grad []float64) float64 {
	n := p.n
	z := 0.0
	for i := range n {
		for j := range n {
			if i != j {
				_, w := kern.w(sqDist(y, dims, i, j))
				z += w
			}
		}
	}
	clear(grad)
	for i := range n {
		for j := range n {
			if i == j {
				continue
			}
			u, w := kern.w(sqDist(y, dims, i, j))
			for a := range dims {
				grad[i*dims+a] -= kern.scale * w / z * u * (y[i*dims+a] - y[j*dims+a])
			}
		}
	}
	kl := 0.0
	for i := range n {
		for t := p.rowPtr[i]; t < p.rowPtr[i+1]; t++ {
			j := int(p.col[t])
			pe := exag * p.val[t]
			u, w := kern.w(sqDist(y, dims, i, j))
			for a := range dims {
				grad[i*dims+a] += kern.scale * pe * u * (y[i*dims+a] - y[j*dims+a])
			}
			if pe > 0 {
				kl += pe * math.Log(pe/(w/z))
			}
		}
	}
	return kl
}

func sqDist(y []float64, dims, i, j int) float64 {
	s := 0.0
	for a := range dims {
		d := y[i*dims+a] - y[j*dims+a]
		s += d * d
	}
	return s
}
