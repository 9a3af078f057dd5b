package f32

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// The blocked product.
//
// Gemm splits C into tiles of mr×nr elements, the shape of the micro-kernel's
// register block. For each block of columns (at most nc wide) and each block
// of the depth (at most kc deep, the same blocks for every tile) it packs the
// kc×nc block of op(B) into nr-wide panels, which stay in L2, and then for
// each mr-row strip of op(A) packs an mr×kc panel, which stays in L1, and runs
// the micro-kernel over the B panels. The first depth block merges with
// beta·C, the later ones add to C. Tiles on the right and bottom edges are
// computed by the same kernel into a scratch tile and copied, so every element
// of C goes through the same sequence of operations wherever its tile lies.
//
// Workers split C into a grid of row and column ranges and never the depth,
// so the result does not depend on the number of workers.

// gemmKernel is one micro-kernel and the blocking around it.
type gemmKernel struct {
	name   string
	mr, nr int // register tile
	kc     int // deepest block of the depth
	nc     int // widest block of columns, a multiple of nr
	fn     func(kc int, a, b, c []float32, ldc int, alpha, beta float32)
}

// gemmArgs holds the arguments of one Gemm call.
type gemmArgs struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int
}

// gemmWork is the scratch space of one goroutine.
type gemmWork struct {
	a, b, t []float32
}

func (w *gemmWork) fit(kr *gemmKernel) {
	if n := kr.mr * kr.kc; len(w.a) < n {
		w.a = make([]float32, n)
	}
	if n := kr.kc * kr.nc; len(w.b) < n {
		w.b = make([]float32, n)
	}
	if n := kr.mr * kr.nr; len(w.t) < n {
		w.t = make([]float32, n)
	}
}

var workPool = sync.Pool{New: func() any { return new(gemmWork) }}

// depthBlock returns the depth of the blocks that k is cut into: as even as
// possible, at most kr.kc, rounded up to a multiple of 4 (the kernels' unroll).
// It depends on k alone, so every tile sums in the same order.
func (kr *gemmKernel) depthBlock(k int) int {
	nb := (k + kr.kc - 1) / kr.kc
	kb := (k + nb - 1) / nb
	kb = (kb + 3) &^ 3
	return min(kb, kr.kc)
}

// region computes rows [i0, i1) and columns [j0, j1) of C.
func (kr *gemmKernel) region(g *gemmArgs, w *gemmWork, i0, i1, j0, j1 int) {
	w.fit(kr)
	mr, nr := kr.mr, kr.nr
	kcb := kr.depthBlock(g.k)
	c, ldc := g.c, g.ldc
	for jc := j0; jc < j1; jc += kr.nc {
		nb := min(kr.nc, j1-jc)
		for pc := 0; pc < g.k; pc += kcb {
			kb := min(kcb, g.k-pc)
			beta := g.beta
			if pc > 0 {
				beta = 1
			}
			packB(w.b, g, pc, kb, jc, nb, nr)
			ap := w.a[:kb*mr]
			for ir := i0; ir < i1; ir += mr {
				mb := min(mr, i1-ir)
				packA(ap, g, ir, mb, pc, kb, mr)
				for jr := 0; jr < nb; jr += nr {
					nbr := min(nr, nb-jr)
					bp := w.b[jr*kb : (jr+nr)*kb]
					off := ir*ldc + jc + jr
					if mb == mr && nbr == nr {
						kr.fn(kb, ap, bp, c[off:], ldc, g.alpha, beta)
						continue
					}
					t := w.t[:mr*nr]
					if beta != 0 {
						for r := 0; r < mb; r++ {
							copy(t[r*nr:r*nr+nbr], c[off+r*ldc:])
						}
					}
					kr.fn(kb, ap, bp, t, nr, g.alpha, beta)
					for r := 0; r < mb; r++ {
						copy(c[off+r*ldc:off+r*ldc+nbr], t[r*nr:])
					}
				}
			}
		}
	}
}

// packA packs rows [i0, i0+mb) and depths [p0, p0+kb) of op(A) into dst so
// that dst[l*mr+r] = op(A)[i0+r][p0+l], with zeros for r ≥ mb.
func packA(dst []float32, g *gemmArgs, i0, mb, p0, kb, mr int) {
	dst = dst[:kb*mr]
	a, lda := g.a, g.lda
	if g.transA {
		// op(A)[i][l] = a[l*lda+i]: each depth is a contiguous run of rows.
		for l := 0; l < kb; l++ {
			d := dst[l*mr : l*mr+mr]
			s := a[(p0+l)*lda+i0:]
			copy(d[:mb], s)
			clear(d[mb:])
		}
		return
	}
	// op(A)[i][l] = a[i*lda+l]: transpose, four rows at a time.
	r := 0
	for ; r+4 <= mb; r += 4 {
		s0 := a[(i0+r)*lda+p0:][:kb]
		s1 := a[(i0+r+1)*lda+p0:][:kb]
		s2 := a[(i0+r+2)*lda+p0:][:kb]
		s3 := a[(i0+r+3)*lda+p0:][:kb]
		for l := range s0 {
			d := dst[l*mr+r : l*mr+r+4 : l*mr+r+4]
			d[0], d[1], d[2], d[3] = s0[l], s1[l], s2[l], s3[l]
		}
	}
	for ; r < mb; r++ {
		s := a[(i0+r)*lda+p0:][:kb]
		for l, v := range s {
			dst[l*mr+r] = v
		}
	}
	if mb < mr {
		for l := 0; l < kb; l++ {
			clear(dst[l*mr+mb : l*mr+mr])
		}
	}
}

// packB packs depths [p0, p0+kb) and columns [j0, j0+nb) of op(B) into
// ceil(nb/nr) panels of kb×nr, panel q at dst[q*kb*nr:], so that
// panel[l*nr+j] = op(B)[p0+l][j0+q*nr+j], with zeros past column nb.
func packB(dst []float32, g *gemmArgs, p0, kb, j0, nb, nr int) {
	b, ldb := g.b, g.ldb
	for q := 0; q*nr < nb; q++ {
		w := min(nr, nb-q*nr)
		jq := j0 + q*nr
		p := dst[q*kb*nr : (q+1)*kb*nr]
		if !g.transB {
			// op(B)[l][j] = b[l*ldb+j]: each depth is a contiguous run.
			for l := 0; l < kb; l++ {
				d := p[l*nr : l*nr+nr]
				copy(d[:w], b[(p0+l)*ldb+jq:])
				clear(d[w:])
			}
			continue
		}
		// op(B)[l][j] = b[j*ldb+l]: transpose, four columns at a time.
		j := 0
		for ; j+4 <= w; j += 4 {
			s0 := b[(jq+j)*ldb+p0:][:kb]
			s1 := b[(jq+j+1)*ldb+p0:][:kb]
			s2 := b[(jq+j+2)*ldb+p0:][:kb]
			s3 := b[(jq+j+3)*ldb+p0:][:kb]
			for l := range s0 {
				d := p[l*nr+j : l*nr+j+4 : l*nr+j+4]
				d[0], d[1], d[2], d[3] = s0[l], s1[l], s2[l], s3[l]
			}
		}
		for ; j < w; j++ {
			s := b[(jq+j)*ldb+p0:][:kb]
			for l, v := range s {
				p[l*nr+j] = v
			}
		}
		if w < nr {
			for l := 0; l < kb; l++ {
				clear(p[l*nr+w : l*nr+nr])
			}
		}
	}
}

// Workers.

// parallelMin is the smallest m·n·k that Gemm spreads over workers; smaller
// products run on the calling goroutine.
const parallelMin = 1 << 18

// packCost is the cost of packing one element, in multiply-adds, used to
// choose how to split C between workers.
const packCost = 8

var workers atomic.Int64

func init() { workers.Store(int64(runtime.GOMAXPROCS(0))) }

// SetWorkers sets how many goroutines Gemm may use for one large product;
// n < 1 restores the default, runtime.GOMAXPROCS(0) at start-up. The result
// of Gemm does not depend on it: workers split C, never the sum over k.
func SetWorkers(n int) {
	if n < 1 {
		n = runtime.GOMAXPROCS(0)
	}
	workers.Store(int64(n))
}

// Workers returns the number of goroutines Gemm may use for one product.
func Workers() int { return int(workers.Load()) }

// grid chooses how many row ranges (pm) and column ranges (pn) to cut C into
// for at most w workers, minimising the work of the busiest worker: its
// multiply-adds plus the packing of its A rows (once per column block) and of
// its B columns.
func (kr *gemmKernel) grid(m, n, k, w int) (pm, pn int) {
	tm := (m + kr.mr - 1) / kr.mr
	tn := (n + kr.nr - 1) / kr.nr
	best := -1
	pm, pn = 1, 1
	for x := 1; x <= min(w, tm); x++ {
		for y := 1; x*y <= w && y <= tn; y++ {
			rows := (tm + x - 1) / x * kr.mr
			cols := (tn + y - 1) / y * kr.nr
			colBlocks := (cols + kr.nc - 1) / kr.nc
			cost := rows*cols*k + packCost*(rows*k*colBlocks+cols*k)
			if best < 0 || cost < best {
				best, pm, pn = cost, x, y
			}
		}
	}
	return pm, pn
}

// gemmJob is one product split over workers; the jobs are pooled so that a
// product allocates nothing.
type gemmJob struct {
	g          gemmArgs
	kr         *gemmKernel
	pn         int
	rows, cols int // rows and columns per part, multiples of mr and nr
	wg         sync.WaitGroup
}

func (j *gemmJob) run(part int, w *gemmWork) {
	i0 := part / j.pn * j.rows
	j0 := part % j.pn * j.cols
	i1 := min(i0+j.rows, j.g.m)
	j1 := min(j0+j.cols, j.g.n)
	if i0 < i1 && j0 < j1 {
		j.kr.region(&j.g, w, i0, i1, j0, j1)
	}
}

type gemmTask struct {
	job  *gemmJob
	part int
}

var (
	jobPool   = sync.Pool{New: func() any { return new(gemmJob) }}
	tasks     = make(chan gemmTask, 256)
	poolMu    sync.Mutex
	poolSize  atomic.Int64 // worker goroutines started
	poolStart = func() {
		w := new(gemmWork)
		for t := range tasks {
			t.job.run(t.part, w)
			t.job.wg.Done()
		}
	}
)

// ensureWorkers starts worker goroutines until there are at least n. They
// live for the rest of the process, blocked on a channel when idle.
func ensureWorkers(n int) {
	if int(poolSize.Load()) >= n {
		return
	}
	poolMu.Lock()
	for int(poolSize.Load()) < n {
		go poolStart()
		poolSize.Add(1)
	}
	poolMu.Unlock()
}

// gemm runs the product with kernel kr on the calling goroutine and, when it
// is large, on up to Workers()-1 pooled goroutines.
func (kr *gemmKernel) gemm(g *gemmArgs) {
	nw := Workers()
	if nw > 1 && g.m*g.n*g.k >= parallelMin {
		pm, pn := kr.grid(g.m, g.n, g.k, nw)
		if parts := pm * pn; parts > 1 {
			kr.parallel(g, pm, pn)
			return
		}
	}
	w := workPool.Get().(*gemmWork)
	kr.region(g, w, 0, g.m, 0, g.n)
	workPool.Put(w)
}

func (kr *gemmKernel) parallel(g *gemmArgs, pm, pn int) {
	j := jobPool.Get().(*gemmJob)
	j.g, j.kr, j.pn = *g, kr, pn
	tm := (g.m + kr.mr - 1) / kr.mr
	tn := (g.n + kr.nr - 1) / kr.nr
	j.rows = (tm + pm - 1) / pm * kr.mr
	j.cols = (tn + pn - 1) / pn * kr.nr
	parts := pm * pn
	ensureWorkers(parts - 1)
	w := workPool.Get().(*gemmWork)
	j.wg.Add(parts - 1)
	for p := 1; p < parts; p++ {
		select {
		case tasks <- gemmTask{j, p}:
		default: // every worker is busy: do it here
			j.run(p, w)
			j.wg.Done()
		}
	}
	j.run(0, w)
	j.wg.Wait()
	workPool.Put(w)
	j.g = gemmArgs{} // drop the caller's slices
	j.kr = nil
	jobPool.Put(j)
}
