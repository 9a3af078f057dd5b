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
// of the depth (at most kc deep; the same blocks for every tile) it packs the
// kc×nc block of op(B) into nr-wide panels, which stay in L2, and then for
// each mr-row strip of op(A) packs an mr×kc panel, which stays in L1, and runs
// the micro-kernel over the B panels. The first depth block merges with
// beta·C, the later ones add to C. Tiles on the right and bottom edges are
// computed by the same kernel into a scratch tile and copied, so every element
// of C goes through the same sequence of operations wherever its tile lies.
//
// With several workers, each block is cut into items: packing a group of B
// panels, or multiplying one A strip by a group of B panels. Workers take
// items as they come free, so a worker that the operating system sets aside
// holds up one item, not a fixed share of the product. The B panels of the
// next block are packed while the current block is multiplied, into a second
// buffer; a block's items all finish before the next block's products start.
// Nothing splits the depth within a block, so the result does not depend on
// the number of workers.

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

// gemmWork is the scratch space of one goroutine: a packed A strip, the
// packed B block of a product on one goroutine, and an edge tile.
type gemmWork struct {
	a, b, t []float32
}

func (w *gemmWork) fit(kr *gemmKernel, withB bool) {
	if n := kr.mr * kr.kc; len(w.a) < n {
		w.a = make([]float32, n)
	}
	if n := kr.kc * kr.nc; withB && len(w.b) < n {
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

// gemmBlock is a block of columns [jc, jc+nb) and depths [pc, pc+kb).
type gemmBlock struct {
	jc, nb, pc, kb int
}

// serial computes the product on the calling goroutine.
func (kr *gemmKernel) serial(g *gemmArgs) {
	w := workPool.Get().(*gemmWork)
	w.fit(kr, true)
	kcb := kr.depthBlock(g.k)
	for jc := 0; jc < g.n; jc += kr.nc {
		nb := min(kr.nc, g.n-jc)
		panels := (nb + kr.nr - 1) / kr.nr
		for pc := 0; pc < g.k; pc += kcb {
			blk := gemmBlock{jc, nb, pc, min(kcb, g.k-pc)}
			kr.packPanels(w.b, g, &blk, 0, panels)
			for ir := 0; ir < g.m; ir += kr.mr {
				kr.strip(g, w, w.b, &blk, ir, 0, panels)
			}
		}
	}
	workPool.Put(w)
}

// packPanels packs B panels [q0, q1) of block blk into bp.
func (kr *gemmKernel) packPanels(bp []float32, g *gemmArgs, blk *gemmBlock, q0, q1 int) {
	nr, kb := kr.nr, blk.kb
	for q := q0; q < q1; q++ {
		w := min(nr, blk.nb-q*nr)
		packB(bp[q*kb*nr:(q+1)*kb*nr], g, blk.pc, kb, blk.jc+q*nr, w, nr)
	}
}

// strip packs the A strip of rows [ir, ir+mr) of block blk and multiplies it
// by the packed B panels [q0, q1) in bp, merging into C.
func (kr *gemmKernel) strip(g *gemmArgs, w *gemmWork, bp []float32, blk *gemmBlock, ir, q0, q1 int) {
	mr, nr, kb := kr.mr, kr.nr, blk.kb
	mb := min(mr, g.m-ir)
	ap := w.a[:kb*mr]
	packA(ap, g, ir, mb, blk.pc, kb, mr)
	beta := g.beta
	if blk.pc > 0 {
		beta = 1
	}
	c, ldc := g.c, g.ldc
	for q := q0; q < q1; q++ {
		jr := q * nr
		nbr := min(nr, blk.nb-jr)
		b := bp[q*kb*nr : (q+1)*kb*nr]
		off := ir*ldc + blk.jc + jr
		if mb == mr && nbr == nr {
			_ = c[off+(mr-1)*ldc+nr-1] // the assembly trusts the length
			kr.fn(kb, ap, b, c[off:], ldc, g.alpha, beta)
			continue
		}
		t := w.t[:mr*nr]
		if beta != 0 {
			for r := 0; r < mb; r++ {
				copy(t[r*nr:r*nr+nbr], c[off+r*ldc:])
			}
		}
		kr.fn(kb, ap, b, t, nr, g.alpha, beta)
		for r := 0; r < mb; r++ {
			copy(c[off+r*ldc:off+r*ldc+nbr], t[r*nr:])
		}
	}
}

// packB packs depths [p0, p0+kb) and columns [j0, j0+w) of op(B), w ≤ nr,
// into the kb×nr panel p: p[l*nr+j] = op(B)[p0+l][j0+j], zeros past w.
func packB(p []float32, g *gemmArgs, p0, kb, j0, w, nr int) {
	if g.transB {
		// op(B)[l][j] = b[j*ldb+l]: each column is a contiguous run of depths.
		transposeBlock(p, nr, g.b[j0*g.ldb+p0:], g.ldb, w, kb)
	} else {
		copyBlock(p, nr, g.b[p0*g.ldb+j0:], g.ldb, w, kb)
	}
	if w < nr {
		for l := 0; l < kb; l++ {
			clear(p[l*nr+w : l*nr+nr])
		}
	}
}

// packA packs rows [i0, i0+mb) and depths [p0, p0+kb) of op(A) into dst so
// that dst[l*mr+r] = op(A)[i0+r][p0+l], with zeros for r ≥ mb.
func packA(dst []float32, g *gemmArgs, i0, mb, p0, kb, mr int) {
	dst = dst[:kb*mr]
	if g.transA {
		// op(A)[i][l] = a[l*lda+i]: each depth is a contiguous run of rows.
		copyBlock(dst, mr, g.a[p0*g.lda+i0:], g.lda, mb, kb)
	} else {
		transposeBlock(dst, mr, g.a[i0*g.lda+p0:], g.lda, mb, kb)
	}
	if mb < mr {
		for l := 0; l < kb; l++ {
			clear(dst[l*mr+mb : l*mr+mr])
		}
	}
}

// Assembly packing routines, set by the amd64 build when the CPU has AVX.
var (
	packT8, packT4 func(dst []float32, ldd int, src []float32, lds int, n int)
	packCopy       func(dst []float32, ldd int, src []float32, lds int, w, rows int)
)

// copyBlock sets dst[r*ldd+j] = src[r*lds+j] for r < rows, j < w.
func copyBlock(dst []float32, ldd int, src []float32, lds int, w, rows int) {
	if w == 0 || rows == 0 {
		return
	}
	if packCopy != nil {
		_ = dst[(rows-1)*ldd+w-1] // the assembly trusts the lengths
		_ = src[(rows-1)*lds+w-1]
		packCopy(dst, ldd, src, lds, w, rows)
		return
	}
	for r := 0; r < rows; r++ {
		copy(dst[r*ldd:r*ldd+w], src[r*lds:r*lds+w])
	}
}

// transposeBlock sets dst[l*ldd+r] = src[r*lds+l] for r < rows, l < n.
func transposeBlock(dst []float32, ldd int, src []float32, lds int, rows, n int) {
	if rows == 0 || n == 0 {
		return
	}
	r := 0
	if n8 := n &^ 7; packT8 != nil && n8 > 0 && rows >= 4 {
		_ = dst[(n8-1)*ldd+rows-1] // the assembly trusts the lengths
		for ; r+8 <= rows; r += 8 {
			_ = src[(r+7)*lds+n8-1]
			packT8(dst[r:], ldd, src[r*lds:], lds, n8)
		}
		for ; r+4 <= rows; r += 4 {
			_ = src[(r+3)*lds+n8-1]
			packT4(dst[r:], ldd, src[r*lds:], lds, n8)
		}
		if n8 < n {
			transposeGo(dst[n8*ldd:], ldd, src[n8:], lds, r, n-n8)
		}
	}
	if r < rows {
		transposeGo(dst[r:], ldd, src[r*lds:], lds, rows-r, n)
	}
}

// transposeGo is transposeBlock in Go, four rows at a time.
func transposeGo(dst []float32, ldd int, src []float32, lds int, rows, n int) {
	r := 0
	for ; r+4 <= rows; r += 4 {
		s0 := src[r*lds:][:n]
		s1 := src[(r+1)*lds:][:n]
		s2 := src[(r+2)*lds:][:n]
		s3 := src[(r+3)*lds:][:n]
		for l := range s0 {
			d := dst[l*ldd+r : l*ldd+r+4 : l*ldd+r+4]
			d[0], d[1], d[2], d[3] = s0[l], s1[l], s2[l], s3[l]
		}
	}
	for ; r < rows; r++ {
		s := src[r*lds:][:n]
		for l, v := range s {
			dst[l*ldd+r] = v
		}
	}
}

// Workers.

// parallelMin is the smallest m·n·k that Gemm spreads over workers: about
// 10 µs of work for one core at 200 GFLOP/s, several times what waking a
// worker and waiting for it costs. Smaller products run on the calling
// goroutine.
const parallelMin = 1 << 20

var workers atomic.Int64

func init() { workers.Store(int64(runtime.GOMAXPROCS(0))) }

// SetWorkers sets how many goroutines Gemm may use for one large product;
// n < 1 restores the default, runtime.GOMAXPROCS(0). The result of Gemm does
// not depend on it: workers share out blocks of C, never the sum over k.
func SetWorkers(n int) {
	if n < 1 {
		n = runtime.GOMAXPROCS(0)
	}
	workers.Store(int64(n))
}

// Workers returns the number of goroutines Gemm may use for one product.
func Workers() int { return int(workers.Load()) }

// GemmKernel names the micro-kernel Gemm runs on this CPU: "avx512",
// "avx2" or "go".
func GemmKernel() string { return kernel.name }

// gemm runs the product with kernel kr on the calling goroutine and, when it
// is large, on up to Workers()-1 pooled goroutines as well.
func (kr *gemmKernel) gemm(g *gemmArgs) {
	nw := Workers()
	tiles := ((g.m + kr.mr - 1) / kr.mr) * ((g.n + kr.nr - 1) / kr.nr)
	if nw > 1 && tiles > 1 && int64(g.m)*int64(g.n)*int64(g.k) >= parallelMin {
		kr.parallel(g, nw)
		return
	}
	kr.serial(g)
}

// gemmItem is a unit of work: pack B panels [q0, q1) of block blk, or (when
// strip ≥ 0) multiply A strip number strip by those panels.
type gemmItem struct {
	blk, strip, q0, q1 int
}

// gemmJob is one product spread over workers. Jobs are pooled, with their
// buffers, so that a product allocates nothing.
type gemmJob struct {
	g      gemmArgs
	kr     *gemmKernel
	blocks []gemmBlock
	bufs   [2][]float32 // packed B of block t in bufs[t%2]

	mu          sync.Mutex
	gen         uint64 // phase number, never reset: stale helpers see a new one
	items       []gemmItem
	next, done  int
	helperLast  bool          // a helper finished the phase's last item
	phaseDone   chan struct{} // the helper that finishes a phase says so here
	packChunk   int           // panels per packing item
	stripChunk  int           // panels per multiplying item
	stripsTotal int
}

type gemmTask struct {
	job *gemmJob
	gen uint64
}

var (
	jobPool = sync.Pool{New: func() any {
		return &gemmJob{phaseDone: make(chan struct{}, 1)}
	}}
	tasks    = make(chan gemmTask, 256)
	poolMu   sync.Mutex
	poolSize atomic.Int64 // helper goroutines started
)

// ensureHelpers starts helper goroutines until there are at least n. They
// live for the rest of the process, blocked on a channel when idle.
func ensureHelpers(n int) {
	if int(poolSize.Load()) >= n {
		return
	}
	poolMu.Lock()
	for int(poolSize.Load()) < n {
		go helper()
		poolSize.Add(1)
	}
	poolMu.Unlock()
}

func helper() {
	w := new(gemmWork)
	for t := range tasks {
		t.job.help(t.gen, w)
	}
}

func (kr *gemmKernel) parallel(g *gemmArgs, nw int) {
	j := jobPool.Get().(*gemmJob)
	j.g, j.kr = *g, kr
	kcb := kr.depthBlock(g.k)
	j.blocks = j.blocks[:0]
	for jc := 0; jc < g.n; jc += kr.nc {
		for pc := 0; pc < g.k; pc += kcb {
			j.blocks = append(j.blocks, gemmBlock{jc, min(kr.nc, g.n-jc), pc, min(kcb, g.k-pc)})
		}
	}
	for i := range j.bufs {
		if n := kcb * kr.nc; len(j.bufs[i]) < n {
			j.bufs[i] = make([]float32, n)
		}
	}
	// Aim for about three multiplying items per worker, splitting the
	// columns only when there are too few strips; packing in two items per
	// worker.
	panels := (min(kr.nc, g.n) + kr.nr - 1) / kr.nr
	j.stripsTotal = (g.m + kr.mr - 1) / kr.mr
	colChunks := min(panels, max(1, (3*nw+j.stripsTotal-1)/j.stripsTotal))
	j.stripChunk = (panels + colChunks - 1) / colChunks
	j.packChunk = max(1, (panels+2*nw-1)/(2*nw))

	ensureHelpers(nw - 1)
	w := workPool.Get().(*gemmWork)
	w.fit(kr, false)
	for t := 0; t <= len(j.blocks); t++ {
		j.phase(t, nw, w)
	}
	workPool.Put(w)
	j.g = gemmArgs{} // drop the caller's slices
	j.kr = nil
	jobPool.Put(j)
}

// phase runs phase t: packing block t's panels and multiplying block t-1.
func (j *gemmJob) phase(t, nw int, w *gemmWork) {
	j.mu.Lock()
	j.items = j.items[:0]
	if t < len(j.blocks) {
		blk := &j.blocks[t]
		panels := (blk.nb + j.kr.nr - 1) / j.kr.nr
		for q := 0; q < panels; q += j.packChunk {
			j.items = append(j.items, gemmItem{t, -1, q, min(q+j.packChunk, panels)})
		}
	}
	if t > 0 {
		blk := &j.blocks[t-1]
		panels := (blk.nb + j.kr.nr - 1) / j.kr.nr
		for s := 0; s < j.stripsTotal; s++ {
			for q := 0; q < panels; q += j.stripChunk {
				j.items = append(j.items, gemmItem{t - 1, s, q, min(q+j.stripChunk, panels)})
			}
		}
	}
	j.gen++
	gen := j.gen
	j.next, j.done, j.helperLast = 0, 0, false
	j.mu.Unlock()

	for range min(nw-1, len(j.items)-1) {
		select {
		case tasks <- gemmTask{j, gen}:
		default: // the queue is full: the items get done here
		}
	}
	for {
		it, ok := j.take(gen)
		if !ok {
			break
		}
		j.do(it, w)
		j.mu.Lock()
		j.done++
		j.mu.Unlock()
	}
	j.mu.Lock()
	wait := j.done < len(j.items) || j.helperLast
	j.mu.Unlock()
	if wait {
		<-j.phaseDone
	}
}

// take returns the next item of phase gen, if any.
func (j *gemmJob) take(gen uint64) (gemmItem, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.gen != gen || j.next >= len(j.items) {
		return gemmItem{}, false
	}
	j.next++
	return j.items[j.next-1], true
}

// help does items of phase gen until there are none left.
func (j *gemmJob) help(gen uint64, w *gemmWork) {
	for {
		it, ok := j.take(gen)
		if !ok {
			return
		}
		w.fit(j.kr, false)
		j.do(it, w)
		j.mu.Lock()
		j.done++
		last := j.done == len(j.items)
		if last {
			j.helperLast = true
		}
		j.mu.Unlock()
		if last {
			j.phaseDone <- struct{}{}
		}
	}
}

func (j *gemmJob) do(it gemmItem, w *gemmWork) {
	blk := &j.blocks[it.blk]
	bp := j.bufs[it.blk%2]
	if it.strip < 0 {
		j.kr.packPanels(bp, &j.g, blk, it.q0, it.q1)
		return
	}
	j.kr.strip(&j.g, w, bp, blk, it.strip*j.kr.mr, it.q0, it.q1)
}
