package glove

import (
	"bufio"
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/latent-go/latent/embedding"
)

// rec is one stored co-occurrence: key packs a pair of word indices as
// a<<32 | b (ranks with a ≤ b while counting, IDs afterwards), and val holds
// the bits of its float64 count — or, once prepared for the fit, the
// float32 bits of log X (low half) and f(X) (high half), so that counting
// and training share one 16-byte record and the no-spill path can turn the
// counting buffer into the training entries in place.
type rec struct {
	key, val uint64
}

const recBytes = 16

func pack(a, b uint32) uint64 { return uint64(a)<<32 | uint64(b) }

func (r rec) pair() (a, b uint32) { return uint32(r.key >> 32), uint32(r.key) }
func (r rec) count() float64      { return math.Float64frombits(r.val) }

// weights unpacks a prepared record.
func (r rec) weights() (logX, f float32) {
	return math.Float32frombits(uint32(r.val)), math.Float32frombits(uint32(r.val >> 32))
}

// prepared returns the training value of a count x: log x and the weight
// f(x) = min(1, (x/xmax)^alpha).
func prepared(x, xmax, alpha float64) uint64 {
	f := 1.0
	if x < xmax {
		f = math.Pow(x/xmax, alpha)
	}
	return uint64(math.Float32bits(float32(math.Log(x)))) | uint64(math.Float32bits(float32(f)))<<32
}

// countWords is the first pass: the frequency of every ID, so that the
// dense table can hold the most frequent words whatever order the
// vocabulary is in, and the number of tokens, which bounds the counting
// buffer for small corpora.
func countWords(ctx context.Context, corpus Sentences, v int) ([]int64, int64, error) {
	freq := make([]int64, v)
	var tokens, sentences int64
	err := corpus.Each(ctx, func(ids []int32) error {
		sentences++
		if sentences&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		for _, id := range ids {
			if id < 0 {
				continue
			}
			if int(id) >= v {
				return fmt.Errorf("glove: sentence %d: ID %d out of range for %d words", sentences, id, v)
			}
			freq[id]++
			tokens++
		}
		return nil
	})
	if err == nil {
		err = ctx.Err()
	}
	return freq, tokens, err
}

// counter accumulates weighted co-occurrences in a dense table for frequent
// pairs and a buffer of records for the rest, spilling sorted runs to disk.
type counter struct {
	window int
	inv    []float64 // inv[d] = 1/d
	rank   []uint32  // ID → rank by descending frequency
	byRank []uint32  // rank → ID

	// Dense triangle: pair (lo, hi), lo ≤ hi, lives at
	// dense[rowOff[lo] + hi − lo] when lo < len(rowLen) and hi−lo < rowLen[lo].
	rowLen  []int32
	rowOff  []int64
	dense   []float64
	denseNZ int64 // non-zero cells of dense

	buf  []rec // fixed capacity
	dir  string
	runs []string // sorted run files, in creation order

	sentences   int64
	tokens      int64
	spillBytes  int64
	spilledRecs int64
	scratch     []uint32
}

// denseCells returns the number of cells of the triangle {lo ≤ hi < v :
// (lo+1)(hi+1) ≤ p}.
func denseCells(p, v int64) int64 {
	var n int64
	for lo := int64(0); lo < v && (lo+1)*(lo+1) <= p; lo++ {
		n += min(p/(lo+1), v) - lo
	}
	return n
}

// denseLayout returns the largest product bound p whose triangle of
// float64 cells fits in denseBytes for a vocabulary of v words, the number
// of cells of that triangle and its number of rows: what newCounter
// allocates, known before it does.
func denseLayout(v, denseBytes int64) (p, cells, rows int64) {
	maxCells := denseBytes / 8
	if full := v * (v + 1) / 2; full <= maxCells {
		p = v * v
	} else {
		// By bisection.
		lo, hi := int64(0), v*v
		for lo < hi {
			mid := lo + (hi-lo+1)/2
			if denseCells(mid, v) <= maxCells {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		p = lo
	}
	for lo := int64(0); lo < v && (lo+1)*(lo+1) <= p; lo++ {
		rows++
	}
	return p, denseCells(p, v), rows
}

// counterMemory is what counter.memory reports for a counter of v words
// with the dense layout of denseLayout and a buffer of bufRecs records.
func counterMemory(v, cells, rows, bufRecs int64) int64 {
	return cells*8 + max(bufRecs, 1)*recBytes + v*8 + rows*12
}

// newCounter sizes the dense table to at most denseBytes and the buffer to
// bufRecs records (at least 1). freq gives the ranks; spills go to dir.
func newCounter(freq []int64, window int, denseBytes int64, bufRecs int, dir string) *counter {
	v := len(freq)
	c := &counter{window: window, dir: dir}
	c.inv = make([]float64, window+1)
	for d := 1; d <= window; d++ {
		c.inv[d] = 1 / float64(d)
	}
	c.byRank = make([]uint32, v)
	for i := range c.byRank {
		c.byRank[i] = uint32(i)
	}
	// Descending frequency, ties by ID: deterministic.
	slices.SortStableFunc(c.byRank, func(a, b uint32) int { return cmp.Compare(freq[b], freq[a]) })
	c.rank = make([]uint32, v)
	for r, id := range c.byRank {
		c.rank[id] = uint32(r)
	}

	vv := int64(v)
	p, _, _ := denseLayout(vv, denseBytes)
	var off int64
	for lo := int64(0); lo < vv && (lo+1)*(lo+1) <= p; lo++ {
		n := min(p/(lo+1), vv) - lo
		c.rowLen = append(c.rowLen, int32(n))
		c.rowOff = append(c.rowOff, off)
		off += n
	}
	c.dense = make([]float64, off)
	c.buf = make([]rec, 0, max(bufRecs, 1))
	return c
}

// memory returns the bytes held by the counting tables (see
// counterMemory).
func (c *counter) memory() int64 {
	return int64(len(c.dense))*8 + int64(cap(c.buf))*recBytes + int64(len(c.rank))*8 + int64(len(c.rowLen))*12
}

// sentence adds the co-occurrences of one sentence.
func (c *counter) sentence(ids []int32) error {
	c.sentences++
	s := c.scratch[:0]
	for _, id := range ids {
		if id < 0 {
			continue
		}
		if int(id) >= len(c.rank) {
			return fmt.Errorf("glove: sentence %d: ID %d out of range for %d words", c.sentences, id, len(c.rank))
		}
		s = append(s, c.rank[id])
	}
	c.scratch = s
	c.tokens += int64(len(s))
	nRows := uint32(len(c.rowLen))
	for t := 1; t < len(s); t++ {
		b := s[t]
		for u := t - 1; u >= 0 && u >= t-c.window; u-- {
			lo, hi := s[u], b
			if lo > hi {
				lo, hi = hi, lo
			}
			w := c.inv[t-u]
			if lo < nRows && int32(hi-lo) < c.rowLen[lo] {
				cell := &c.dense[c.rowOff[lo]+int64(hi-lo)]
				if *cell == 0 {
					c.denseNZ++
				}
				*cell += w
				continue
			}
			if len(c.buf) == cap(c.buf) {
				if err := c.flush(); err != nil {
					return err
				}
			}
			c.buf = append(c.buf, rec{pack(lo, hi), math.Float64bits(w)})
		}
	}
	return nil
}

// compact sorts recs by pair and sums equal pairs, returning the shortened
// slice.
func compact(recs []rec) []rec {
	slices.SortFunc(recs, func(a, b rec) int { return cmp.Compare(a.key, b.key) })
	n := 0
	for i := 0; i < len(recs); {
		k, x := recs[i].key, recs[i].count()
		j := i + 1
		for ; j < len(recs) && recs[j].key == k; j++ {
			x += recs[j].count()
		}
		recs[n] = rec{k, math.Float64bits(x)}
		n++
		i = j
	}
	return recs[:n]
}

// flush makes room in the full buffer: it compacts it, and spills it as a
// sorted run when compaction freed less than half.
func (c *counter) flush() error {
	c.buf = compact(c.buf)
	if len(c.buf) <= cap(c.buf)/2 {
		return nil
	}
	return c.spillBuf()
}

func (c *counter) spillBuf() error {
	if len(c.buf) == 0 {
		return nil
	}
	w, err := c.newRun()
	if err != nil {
		return err
	}
	for _, r := range c.buf {
		w.add(r)
	}
	c.buf = c.buf[:0]
	return c.closeRun(w)
}

// spilled reports whether any run was written.
func (c *counter) spilled() bool { return len(c.runs) > 0 }

// finish compacts the buffer; if runs were spilled, it also spills the
// buffer and the dense table (spillAll), so that the merge runs in little
// memory.
func (c *counter) finish() error {
	c.buf = compact(c.buf)
	if !c.spilled() {
		return nil
	}
	return c.spillAll()
}

// spillAll writes the buffer and the dense table as runs and releases
// both.
func (c *counter) spillAll() error {
	if err := c.spillBuf(); err != nil {
		return err
	}
	if nz := c.denseNonZero(); nz > 0 {
		w, err := c.newRun()
		if err != nil {
			return err
		}
		c.eachDense(func(r rec) { w.add(r) })
		if err := c.closeRun(w); err != nil {
			return err
		}
	}
	c.buf, c.dense, c.denseNZ = nil, nil, 0
	return nil
}

func (c *counter) denseNonZero() int64 { return c.denseNZ }

// stored returns the pairs stored so far: an upper bound while counting, as
// the buffer may hold a pair more than once and runs may share pairs.
func (c *counter) stored() int64 { return c.denseNZ + int64(len(c.buf)) + c.spilledRecs }

// eachDense calls fn for the non-zero dense cells in key order.
func (c *counter) eachDense(fn func(rec)) {
	for lo, n := range c.rowLen {
		row := c.dense[c.rowOff[lo] : c.rowOff[lo]+int64(n)]
		for d, x := range row {
			if x != 0 {
				fn(rec{pack(uint32(lo), uint32(lo+d)), math.Float64bits(x)})
			}
		}
	}
}

// upperBound returns the number of stored pairs after finish (exact without
// spills, an upper bound with them: the runs may share pairs).
func (c *counter) upperBound() int64 {
	if !c.spilled() {
		return int64(len(c.buf)) + c.denseNonZero()
	}
	var n int64
	for _, path := range c.runs {
		if st, err := os.Stat(path); err == nil {
			n += st.Size() / recBytes
		}
	}
	return n
}

// output turns a rank-space record into the ID-space record with the
// count X_ab (a pair with itself counted both ways, as the brute-force
// definition does).
func (c *counter) output(r rec) rec {
	lo, hi := r.pair()
	x := r.count()
	if lo == hi {
		x *= 2
	}
	return rec{pack(c.byRank[lo], c.byRank[hi]), math.Float64bits(x)}
}

// drain delivers every stored pair once, in ID space with its count, after
// finish: from memory without spills, else by merging the runs.
func (c *counter) drain(ctx context.Context, readBuf int, emit func(rec) error) error {
	if !c.spilled() {
		var err error
		c.eachDense(func(r rec) {
			if err == nil {
				err = emit(c.output(r))
			}
		})
		if err != nil {
			return err
		}
		for _, r := range c.buf {
			if err := emit(c.output(r)); err != nil {
				return err
			}
		}
		return nil
	}
	runs, err := c.reduceRuns(ctx, readBuf)
	if err != nil {
		return err
	}
	return mergeRuns(ctx, runs, readBuf, func(r rec) error { return emit(c.output(r)) })
}

// takeInMemory returns the stored pairs as ID-space records with counts,
// reusing the buffer when the dense cells fit beside its records; without
// room (or after spills) it returns nil and the caller drains instead.
func (c *counter) takeInMemory() []rec {
	if c.spilled() {
		return nil
	}
	nz := c.denseNonZero()
	if int64(cap(c.buf)-len(c.buf)) < nz {
		return nil
	}
	c.eachDense(func(r rec) { c.buf = append(c.buf, r) })
	recs := c.buf
	for i, r := range recs {
		recs[i] = c.output(r)
	}
	c.buf, c.dense, c.denseNZ = nil, nil, 0
	return recs
}

// maxFanIn bounds the runs merged at once (open files, read buffers).
const maxFanIn = 64

// reduceRuns merges groups of runs until at most maxFanIn remain.
func (c *counter) reduceRuns(ctx context.Context, readBuf int) ([]string, error) {
	runs := c.runs
	for len(runs) > maxFanIn {
		var next []string
		for i := 0; i < len(runs); i += maxFanIn {
			group := runs[i:min(i+maxFanIn, len(runs))]
			if len(group) == 1 {
				next = append(next, group[0])
				continue
			}
			w, err := c.newRun()
			if err != nil {
				return nil, err
			}
			if err := mergeRuns(ctx, group, readBuf, func(r rec) error { w.add(r); return nil }); err != nil {
				w.f.Close()
				return nil, err
			}
			if err := c.closeRun(w); err != nil {
				return nil, err
			}
			next = append(next, c.runs[len(c.runs)-1])
			for _, p := range group {
				os.Remove(p)
			}
		}
		runs = next
	}
	return runs, nil
}

// runWriter writes records to a run file.
type runWriter struct {
	f    *os.File
	w    *bufio.Writer
	b    [recBytes]byte
	path string
	n    int64
}

func (w *runWriter) add(r rec) {
	binary.LittleEndian.PutUint64(w.b[:8], r.key)
	binary.LittleEndian.PutUint64(w.b[8:], r.val)
	w.w.Write(w.b[:]) // errors are sticky and reported by Flush
	w.n++
}

func createRecFile(path string, bufSize int) (*runWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("glove: spill: %w", err)
	}
	return &runWriter{f: f, w: bufio.NewWriterSize(f, bufSize), path: path}, nil
}

func (w *runWriter) close() error {
	err := w.w.Flush()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("glove: spill %s: %w", w.path, err)
	}
	return nil
}

func (c *counter) newRun() (*runWriter, error) {
	return createRecFile(filepath.Join(c.dir, fmt.Sprintf("run-%05d", len(c.runs))), 1<<16)
}

func (c *counter) closeRun(w *runWriter) error {
	c.runs = append(c.runs, w.path)
	if err := w.close(); err != nil {
		return err
	}
	c.spillBytes += w.n * recBytes
	c.spilledRecs += w.n
	return nil
}

// recReader reads records from a run or bucket file.
type recReader struct {
	f   *os.File
	r   *bufio.Reader
	b   [recBytes]byte
	cur rec
	id  int // position among the merged runs: ties go to the earlier run
}

func openRecFile(path string, bufSize int) (*recReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("glove: %w", err)
	}
	return &recReader{f: f, r: bufio.NewReaderSize(f, bufSize)}, nil
}

// next reads the next record into cur; it returns false at the end.
func (rr *recReader) next() (bool, error) {
	if _, err := io.ReadFull(rr.r, rr.b[:]); err != nil {
		if err == io.EOF {
			return false, nil
		}
		return false, fmt.Errorf("glove: reading %s: %w", rr.f.Name(), err)
	}
	rr.cur = rec{binary.LittleEndian.Uint64(rr.b[:8]), binary.LittleEndian.Uint64(rr.b[8:])}
	return true, nil
}

// mergeRuns merges sorted runs k-way, summing equal pairs, and emits the
// sums in key order. Equal keys are summed in run order, so the result is
// deterministic.
func mergeRuns(ctx context.Context, paths []string, readBuf int, emit func(rec) error) (err error) {
	var h []*recReader // min-heap on (cur.key, id)
	var open []*recReader
	defer func() {
		for _, r := range open {
			r.f.Close()
		}
	}()
	for i, p := range paths {
		r, err := openRecFile(p, readBuf)
		if err != nil {
			return err
		}
		r.id = i
		open = append(open, r)
		ok, err := r.next()
		if err != nil {
			return err
		}
		if ok {
			h = append(h, r)
		}
	}
	less := func(a, b *recReader) bool {
		if a.cur.key != b.cur.key {
			return a.cur.key < b.cur.key
		}
		return a.id < b.id
	}
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			m := l
			if r := l + 1; r < len(h) && less(h[r], h[l]) {
				m = r
			}
			if !less(h[m], h[i]) {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	var n int64
	have := false
	var acc rec
	var sum float64
	for len(h) > 0 {
		top := h[0]
		if have && top.cur.key == acc.key {
			sum += top.cur.count()
		} else {
			if have {
				if err := emit(rec{acc.key, math.Float64bits(sum)}); err != nil {
					return err
				}
			}
			acc, sum, have = top.cur, top.cur.count(), true
		}
		ok, err := top.next()
		if err != nil {
			return err
		}
		if !ok {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		down(0)
		if n++; n&(1<<20-1) == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	if have {
		return emit(rec{acc.key, math.Float64bits(sum)})
	}
	return nil
}

// errTooSmall reports a memory limit below what counting, or the fit from
// bucket files, needs.
func errTooSmall(what string, need, have int64) error {
	return fmt.Errorf("%w for %s: at least %s is needed, the limit is %s",
		ErrMemoryLimit, what, embedding.FormatSize(need), embedding.FormatSize(have))
}
