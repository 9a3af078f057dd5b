package glove

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/latent-go/latent/embedding"

	"github.com/latent-go/latent/internal/f32"
)

// Streams of the PCG generator seeded with Config.Seed, one per use, so
// that changing one use never shifts another's numbers.
const (
	streamInit    = 1
	streamBuckets = 2
	streamShuffle = 3
)

// source is what the fit trains on: prepared records in memory, or bucket
// files when they do not fit.
type source struct {
	mem       []rec
	buckets   []string
	maxBucket int64
	pairs     int64 // stored pairs (a ≤ b)
	entries   int64 // non-zero X_ij, both orientations
	memBytes  int64 // parameters plus in-memory entries
}

func (s *source) close() {
	s.mem = nil
	for _, p := range s.buckets {
		os.Remove(p)
	}
}

// paramBytes is the memory of the fit's parameters: word and context
// vectors with biases, as many AdaGrad accumulators (all float32), and the
// float32 output table.
func paramBytes(v, dim int) int64 {
	return int64(v)*int64(dim+1)*4*4 + int64(v)*int64(dim)*4
}

// countOverhead is the counting memory that is not tables: ranks,
// frequencies and I/O buffers.
func countOverhead(v int) int64 { return int64(v)*32 + 256<<10 }

// minCountTables is the least memory counting accepts for its tables.
const minCountTables = 64 << 10

// count runs the counting pass and turns the counts into a training
// source within cfg.MaxMemory.
func count(ctx context.Context, corpus Sentences, freq []int64, tokens int64, cfg Config, dir string, report func(Progress)) (*source, error) {
	v := len(freq)
	countMemory := cfg.MaxMemory
	if cfg.countMemory > 0 {
		countMemory = cfg.countMemory
	}
	avail := countMemory - countOverhead(v)
	if avail < minCountTables {
		return nil, errTooSmall(fmt.Sprintf("counting co-occurrences of %d words", v), countOverhead(v)+minCountTables, countMemory)
	}
	// The parameters are checked before counting too, so that a budget
	// that cannot train does not first spend minutes counting.
	need := paramBytes(v, cfg.Dim)
	if need > cfg.MaxMemory {
		return nil, errParams(v, cfg.Dim, need, cfg.MaxMemory)
	}
	vv := int64(v)
	increments := tokens * int64(cfg.Window) // at most one record per pair of positions
	denseBytes := min(avail/4, vv*(vv+1)/2*8)
	_, cells, rows := denseLayout(vv, denseBytes)
	bufRecs := max(min((avail-cells*8)/recBytes, increments+1), 1)
	// The counting memory is reported before it is allocated, so that a
	// user sees what a run will take before it takes it.
	report(Progress{Phase: "count", Bytes: counterMemory(vv, cells, rows, bufRecs)})
	c := newCounter(freq, cfg.Window, denseBytes, int(bufRecs), dir)

	var sentences int64
	next := int64(1 << 20)
	progress := func(p Progress) {
		p.Phase, p.Tokens, p.Spills, p.SpillBytes, p.Bytes = "count", c.tokens, len(c.runs), c.spillBytes, c.memory()
		report(p)
	}
	err := corpus.Each(ctx, func(ids []int32) error {
		if err := c.sentence(ids); err != nil {
			return err
		}
		if sentences++; sentences&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if c.tokens >= next {
			next += 1 << 20
			progress(Progress{Pairs: c.stored()})
		}
		return nil
	})
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	countBytes := c.memory()
	if err := c.finish(); err != nil {
		return nil, err
	}
	ub := c.upperBound()
	report(Progress{Phase: "count", Tokens: c.tokens, Pairs: ub, Spills: len(c.runs), SpillBytes: c.spillBytes, Bytes: countBytes})

	entryBudget := cfg.MaxMemory - need
	if cfg.entryMemory > 0 {
		entryBudget = cfg.entryMemory
	}
	src := &source{}
	tally := func(r rec) {
		src.pairs++
		src.entries++
		if a, b := r.pair(); a != b {
			src.entries++
		}
	}
	inMemory := ub*recBytes <= entryBudget
	var recs []rec
	if inMemory {
		recs = c.takeInMemory()
	}
	if inMemory && recs == nil && !c.spilled() {
		// Without room for the dense cells beside the buffer's records,
		// the counting tables go to disk first so that they never
		// coexist with a second copy of the entries.
		if err := c.spillAll(); err != nil {
			return nil, err
		}
	}
	readBuf := int(min(max(avail/int64(4*min(len(c.runs)+1, maxFanIn)), 4<<10), 1<<20))
	if inMemory {
		if recs == nil {
			recs = make([]rec, 0, ub)
			err = c.drain(ctx, readBuf, func(r rec) error { recs = append(recs, r); return nil })
			if err != nil {
				return nil, err
			}
		} else if cap(recs) > len(recs)+len(recs)/4 || int64(cap(recs))*recBytes > entryBudget {
			// The counting buffer was sized for the worst case; keep
			// only what the entries need.
			recs = append(make([]rec, 0, len(recs)), recs...)
			runtime.GC()
		}
		for i, r := range recs {
			tally(r)
			recs[i].val = prepared(r.count(), cfg.XMax, cfg.Alpha)
		}
		src.mem = recs
		src.memBytes = need + int64(cap(recs))*recBytes
	} else {
		if entryBudget < minCountTables && cfg.entryMemory == 0 {
			return nil, errTooSmall(fmt.Sprintf("the parameters (%s) and a bucket of entries", embedding.FormatSize(need)), need+minCountTables, cfg.MaxMemory)
		}
		k := int(ub*recBytes*5/4/entryBudget) + 1
		wbuf := int(min(max(entryBudget/int64(4*k), 4<<10), 1<<18))
		ws := make([]*runWriter, k)
		counts := make([]int64, k)
		closeAll := func() {
			for _, w := range ws {
				if w != nil {
					w.f.Close()
				}
			}
		}
		for i := range ws {
			path := filepath.Join(dir, fmt.Sprintf("bucket-%04d", i))
			w, err := createRecFile(path, wbuf)
			if err != nil {
				closeAll()
				return nil, err
			}
			ws[i] = w
			src.buckets = append(src.buckets, path)
		}
		rng := rand.New(rand.NewPCG(cfg.Seed, streamBuckets))
		err = c.drain(ctx, readBuf, func(r rec) error {
			tally(r)
			b := rng.IntN(k)
			counts[b]++
			ws[b].add(rec{r.key, prepared(r.count(), cfg.XMax, cfg.Alpha)})
			return nil
		})
		if err != nil {
			closeAll()
			return nil, err
		}
		for i, w := range ws {
			ws[i] = nil
			if err := w.close(); err != nil {
				closeAll()
				return nil, err
			}
		}
		src.maxBucket = max(src.maxBucket, slicesMax(counts))
		src.memBytes = need + src.maxBucket*recBytes
	}
	report(Progress{Phase: "merge", Tokens: c.tokens, Pairs: src.pairs, Entries: src.entries,
		Spills: len(c.runs), SpillBytes: c.spillBytes, Buckets: len(src.buckets)})
	for _, p := range c.runs {
		os.Remove(p)
	}
	return src, nil
}

func slicesMax(xs []int64) int64 {
	var m int64
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// errParams reports a memory limit below what the parameters need.
func errParams(v, dim int, need, have int64) error {
	return fmt.Errorf("%w for the parameters: they need %s (%d words × %d dimensions: word and context vectors with biases, their AdaGrad accumulators and the output), the limit is %s",
		ErrMemoryLimit, embedding.FormatSize(need), v, dim, embedding.FormatSize(have))
}

// model holds the parameters. Row i of w is word i's vector and bias
// followed by their AdaGrad accumulators; rows of c are the context words'.
// Keeping a row's parameters and accumulators together means an update
// touches two contiguous blocks of memory rather than four scattered ones,
// which matters because the fit is a stream of random row accesses.
type model struct {
	dim, stride int // stride = 2(dim+1)
	w, c        []float32
	eta         float32
}

// newModel initialises v rows uniform in (−0.5, 0.5)/dim, biases included,
// and the accumulators to 1, as the Stanford tool does.
func newModel(v, dim int, eta float64, rng *rand.Rand) *model {
	m := &model{dim: dim, stride: 2 * (dim + 1), eta: float32(eta),
		w: make([]float32, v*2*(dim+1)), c: make([]float32, v*2*(dim+1))}
	for _, tab := range [][]float32{m.w, m.c} {
		for i := range v {
			p, g := m.row(tab, i)
			for k := range p {
				p[k] = float32((rng.Float64() - 0.5) / float64(dim))
				g[k] = 1
			}
		}
	}
	return m
}

// row returns the parameters (vector, then bias) and accumulators of row i
// of tab (m.w or m.c).
func (m *model) row(tab []float32, i int) (p, g []float32) {
	o, h := i*m.stride, m.dim+1
	return tab[o : o+h : o+h], tab[o+h : o+2*h : o+2*h]
}

// update does one AdaGrad step on the term ½ f (w_i·w̃_j + b_i + b̃_j −
// logX)² and returns the term's value before the step. The Stanford tool's
// arithmetic (see the package doc): both rows' steps use the other row's
// value from before the step.
func (m *model) update(i, j uint32, logX, f float32) float64 {
	dim := m.dim
	wi, gi := m.row(m.w, int(i))
	cj, gj := m.row(m.c, int(j))
	diff := f32.Dot16(wi[:dim], cj[:dim]) + wi[dim] + cj[dim] - logX
	fdiff := f * diff
	cost := 0.5 * float64(fdiff) * float64(diff)
	fdiff *= m.eta
	wv, gwv := wi[:dim], gi[:dim]
	cv, gcv := cj[:len(wv)], gj[:len(wv)]
	gwv = gwv[:len(wv)]
	for k, x := range wv {
		t1 := fdiff * cv[k] // η·∂/∂w_ik
		t2 := fdiff * x     // η·∂/∂w̃_jk
		wv[k] = x - t1/sqrt32(gwv[k])
		cv[k] -= t2 / sqrt32(gcv[k])
		gwv[k] += t1 * t1
		gcv[k] += t2 * t2
	}
	wi[dim] -= fdiff / sqrt32(gi[dim])
	cj[dim] -= fdiff / sqrt32(gj[dim])
	fdiff *= fdiff
	gi[dim] += fdiff
	gj[dim] += fdiff
	return cost
}

func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }

// trainRecs updates on each prepared record in order, in both orientations,
// and returns the summed cost and the number of updates. The two updates of
// a pair touch disjoint rows (w_a, w̃_b and w_b, w̃_a), so doing them
// together is the same as doing them at any two places in the order.
func (m *model) trainRecs(ctx context.Context, recs []rec) (cost float64, n int64, err error) {
	for k, r := range recs {
		if k&(1<<16-1) == 1<<16-1 {
			if err := ctx.Err(); err != nil {
				return cost, n, err
			}
		}
		a, b := r.pair()
		logX, f := r.weights()
		cost += m.update(a, b, logX, f)
		n++
		if a != b {
			cost += m.update(b, a, logX, f)
			n++
		}
	}
	return cost, n, nil
}

// trainParallel splits recs into contiguous chunks, one per worker, trained
// concurrently without locks (Hogwild); costs are summed in chunk order.
func (m *model) trainParallel(ctx context.Context, recs []rec, workers int) (float64, int64, error) {
	workers = max(1, min(workers, len(recs)/1024))
	if workers == 1 {
		return m.trainRecs(ctx, recs)
	}
	costs := make([]float64, workers)
	ns := make([]int64, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := len(recs)*w/workers, len(recs)*(w+1)/workers
		wg.Go(func() { costs[w], ns[w], errs[w] = m.trainRecs(ctx, recs[lo:hi]) })
	}
	wg.Wait()
	var cost float64
	var n int64
	for w := range workers {
		if errs[w] != nil {
			return 0, 0, errs[w]
		}
		cost += costs[w]
		n += ns[w]
	}
	return cost, n, nil
}

// sum returns W + W̃ without the biases, row-major.
func (m *model) sum() []float32 {
	v := len(m.w) / m.stride
	out := make([]float32, v*m.dim)
	for i := range v {
		wi, _ := m.row(m.w, i)
		ci, _ := m.row(m.c, i)
		o := out[i*m.dim : (i+1)*m.dim]
		for k := range o {
			o[k] = wi[k] + ci[k]
		}
	}
	return out
}

// loadBucket reads a bucket file into buf (resliced to the bucket's length).
func loadBucket(path string, buf []rec) ([]rec, error) {
	r, err := openRecFile(path, 1<<16)
	if err != nil {
		return nil, err
	}
	defer r.f.Close()
	buf = buf[:0]
	for {
		ok, err := r.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return buf, nil
		}
		buf = append(buf, r.cur)
	}
}

// fit allocates the parameters and runs the epochs.
func fit(ctx context.Context, src *source, v int, cfg Config, report func(Progress)) (*model, error) {
	report(Progress{Phase: "memory", Bytes: src.memBytes, Pairs: src.pairs, Entries: src.entries, Buckets: len(src.buckets)})
	runtime.GC() // let the parameters reuse the counting tables' memory
	m := newModel(v, cfg.Dim, cfg.LearningRate, rand.New(rand.NewPCG(cfg.Seed, streamInit)))
	shuffle := rand.New(rand.NewPCG(cfg.Seed, streamShuffle))
	var buf []rec
	if src.mem == nil {
		buf = make([]rec, 0, src.maxBucket)
	}
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		var cost float64
		var n int64
		step := func(recs []rec) error {
			shuffle.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
			c, k, err := m.trainParallel(ctx, recs, cfg.Workers)
			cost += c
			n += k
			return err
		}
		if src.mem != nil {
			if err := step(src.mem); err != nil {
				return nil, err
			}
		} else {
			for _, b := range shuffle.Perm(len(src.buckets)) {
				recs, err := loadBucket(src.buckets[b], buf)
				if err != nil {
					return nil, err
				}
				if err := step(recs); err != nil {
					return nil, err
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		mean := cost / float64(max(n, 1))
		if math.IsNaN(mean) || math.IsInf(mean, 0) {
			return nil, fmt.Errorf("%w: cost %v in epoch %d; lower LearningRate (now %g)", ErrDiverged, mean, epoch, cfg.LearningRate)
		}
		report(Progress{Phase: "train", Epoch: epoch, Epochs: cfg.Epochs, Cost: mean, Pairs: src.pairs, Entries: src.entries,
			Bytes: src.memBytes, Buckets: len(src.buckets)})
	}
	return m, nil
}
