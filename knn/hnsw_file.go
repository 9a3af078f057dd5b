package knn

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/latent-go/latent/distance"
)

// The HNSW file format, version 1, all integers little-endian:
//
//	magic     6 bytes  "LTHNSW"
//	version   uint16   1
//	metric    uint8    distance.Metric
//	dim       uint32
//	M, EfConstruction, EfSearch  uint32 each
//	seed      uint64
//	rng       uint16 length + that many bytes: the PCG state
//	          (rand.PCG.MarshalBinary), so that Adds after loading draw
//	          the same levels as they would have before saving
//	n         uint32   number of vectors
//	entry     int32    entry point (−1 when n = 0)
//	vectors   n × dim float32 (unit length for cosine, as stored)
//	per node: level uint8, deleted uint8
//	per node, per level 0..level: count uint32, count × uint32 IDs
//
// Everything is checked on reading; a file that does not pass is refused
// with an error that starts "knn:" and says what is wrong.
const (
	hnswMagic   = "LTHNSW"
	hnswVersion = 1
)

// WriteTo writes the index to w in the format above and returns the number
// of bytes written. The same index (same seed, same insertions and
// deletions) always gives the same bytes. It implements io.WriterTo.
func (h *HNSW) WriteTo(w io.Writer) (int64, error) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	cw := &countWriter{w: bufio.NewWriterSize(w, 1<<16)}
	b := make([]byte, 0, 64)
	b = append(b, hnswMagic...)
	b = binary.LittleEndian.AppendUint16(b, hnswVersion)
	b = append(b, byte(h.metric))
	for _, v := range []int{h.dim, h.cfg.M, h.cfg.EfConstruction, h.cfg.EfSearch} {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	b = binary.LittleEndian.AppendUint64(b, h.cfg.Seed)
	st, err := h.pcg.MarshalBinary()
	if err != nil {
		return 0, fmt.Errorf("knn: HNSW.WriteTo: %w", err)
	}
	b = binary.LittleEndian.AppendUint16(b, uint16(len(st)))
	b = append(b, st...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(h.level)))
	b = binary.LittleEndian.AppendUint32(b, uint32(h.entry))
	cw.write(b)
	buf := make([]byte, 0, 1<<16)
	flush := func() {
		cw.write(buf)
		buf = buf[:0]
	}
	for _, v := range h.vecs {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		if len(buf) >= 1<<15 {
			flush()
		}
	}
	for id, lv := range h.level {
		del := byte(0)
		if h.deleted[id] {
			del = 1
		}
		buf = append(buf, lv, del)
		if len(buf) >= 1<<15 {
			flush()
		}
	}
	for id, lv := range h.level {
		for l := range int(lv) + 1 {
			ls := h.links(int32(id), l)
			buf = binary.LittleEndian.AppendUint32(buf, uint32(len(ls)))
			for _, n := range ls {
				buf = binary.LittleEndian.AppendUint32(buf, uint32(n))
			}
			if len(buf) >= 1<<15 {
				flush()
			}
		}
	}
	flush()
	if cw.err == nil {
		cw.err = cw.w.(*bufio.Writer).Flush()
	}
	if cw.err != nil {
		return cw.n, fmt.Errorf("knn: writing HNSW index: %w", cw.err)
	}
	return cw.n, nil
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) write(b []byte) {
	if c.err != nil {
		return
	}
	n, err := c.w.Write(b)
	c.n += int64(n)
	c.err = err
}

// hnswReader reads the format, turning a short read into a clear error.
type hnswReader struct {
	r   *bufio.Reader
	buf [8]byte
}

var errHNSWTruncated = errors.New("knn: HNSW index: file is truncated")

func (r *hnswReader) full(b []byte, what string) error {
	if _, err := io.ReadFull(r.r, b); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return fmt.Errorf("%w (reading %s)", errHNSWTruncated, what)
		}
		return fmt.Errorf("knn: HNSW index: reading %s: %w", what, err)
	}
	return nil
}

func (r *hnswReader) u8(what string) (uint8, error) {
	err := r.full(r.buf[:1], what)
	return r.buf[0], err
}

func (r *hnswReader) u16(what string) (uint16, error) {
	err := r.full(r.buf[:2], what)
	return binary.LittleEndian.Uint16(r.buf[:2]), err
}

func (r *hnswReader) u32(what string) (uint32, error) {
	err := r.full(r.buf[:4], what)
	return binary.LittleEndian.Uint32(r.buf[:4]), err
}

func (r *hnswReader) u64(what string) (uint64, error) {
	err := r.full(r.buf[:8], what)
	return binary.LittleEndian.Uint64(r.buf[:8]), err
}

// ReadHNSW reads an index written by WriteTo. It checks the magic, the
// version, the configuration, every value (finite) and every link (a valid
// ID of a node present on that level, no more than the level allows), and
// allocates only as the data actually arrives, so that a header claiming
// billions of vectors fails with "truncated" instead of exhausting memory.
func ReadHNSW(rd io.Reader) (*HNSW, error) {
	r := &hnswReader{r: bufio.NewReaderSize(rd, 1<<16)}
	magic := make([]byte, len(hnswMagic))
	if err := r.full(magic, "magic"); err != nil {
		return nil, err
	}
	if string(magic) != hnswMagic {
		return nil, fmt.Errorf("knn: not an HNSW index (magic %q, want %q)", magic, hnswMagic)
	}
	ver, err := r.u16("version")
	if err != nil {
		return nil, err
	}
	if ver != hnswVersion {
		return nil, fmt.Errorf("knn: HNSW index version %d, this program reads version %d", ver, hnswVersion)
	}
	mb, err := r.u8("metric")
	if err != nil {
		return nil, err
	}
	m := distance.Metric(mb)
	if !m.Valid() {
		return nil, fmt.Errorf("knn: HNSW index: unknown metric %d", mb)
	}
	var hdr [4]uint32
	for i, what := range []string{"dimension", "M", "EfConstruction", "EfSearch"} {
		if hdr[i], err = r.u32(what); err != nil {
			return nil, err
		}
	}
	if hdr[0] < 1 || hdr[0] > hnswMaxDim {
		return nil, fmt.Errorf("knn: HNSW index: dimension %d out of range [1, %d]", hdr[0], hnswMaxDim)
	}
	for _, v := range hdr[1:] {
		if v > hnswMaxEf {
			return nil, fmt.Errorf("knn: HNSW index: configuration value %d out of range", v)
		}
	}
	cfg := HNSWConfig{M: int(hdr[1]), EfConstruction: int(hdr[2]), EfSearch: int(hdr[3])}
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("knn: HNSW index: %v", err)
	}
	if cfg.Seed, err = r.u64("seed"); err != nil {
		return nil, err
	}
	sl, err := r.u16("generator state length")
	if err != nil {
		return nil, err
	}
	if sl > 64 {
		return nil, fmt.Errorf("knn: HNSW index: generator state of %d bytes, want at most 64", sl)
	}
	st := make([]byte, sl)
	if err := r.full(st, "generator state"); err != nil {
		return nil, err
	}
	pcg := &rand.PCG{}
	if err := pcg.UnmarshalBinary(st); err != nil {
		return nil, fmt.Errorf("knn: HNSW index: bad generator state: %v", err)
	}
	n32, err := r.u32("vector count")
	if err != nil {
		return nil, err
	}
	if n32 > math.MaxInt32 {
		return nil, fmt.Errorf("knn: HNSW index: %d vectors, at most %d", n32, math.MaxInt32)
	}
	n := int(n32)
	e32, err := r.u32("entry point")
	if err != nil {
		return nil, err
	}
	entry := int32(e32)
	if (n == 0 && entry != -1) || (n > 0 && (entry < 0 || int(entry) >= n)) {
		return nil, fmt.Errorf("knn: HNSW index: entry point %d for %d vectors", entry, n)
	}
	dim := int(hdr[0])
	h := &HNSW{dim: dim, metric: m, cfg: cfg, pcg: pcg, entry: entry}
	h.init()

	// Vectors, in chunks, so that memory grows only with real data.
	total := uint64(n) * uint64(dim)
	const chunk = 1 << 14
	raw := make([]byte, 4*chunk)
	for done := uint64(0); done < total; {
		c := min(total-done, chunk)
		if err := r.full(raw[:4*c], "vectors"); err != nil {
			return nil, err
		}
		for i := range c {
			v := math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("knn: HNSW index: vector %d value %d is %v", (done+i)/uint64(dim), (done+i)%uint64(dim), v)
			}
			h.vecs = append(h.vecs, v)
		}
		done += c
	}
	levels := make([]uint8, 0, min(n, 1<<16))
	for id := range n {
		lv, err := r.u8("levels")
		if err != nil {
			return nil, err
		}
		if lv > hnswMaxLevel {
			return nil, fmt.Errorf("knn: HNSW index: node %d on level %d, at most %d", id, lv, hnswMaxLevel)
		}
		del, err := r.u8("deleted flags")
		if err != nil {
			return nil, err
		}
		if del > 1 {
			return nil, fmt.Errorf("knn: HNSW index: node %d has deleted flag %d", id, del)
		}
		levels = append(levels, lv)
		h.deleted = append(h.deleted, del == 1)
		if del == 1 {
			h.nDel++
		}
	}
	if n > 0 {
		h.top = int(levels[entry])
		for id, lv := range levels {
			if int(lv) > h.top {
				return nil, fmt.Errorf("knn: HNSW index: node %d on level %d, above the entry point's %d", id, lv, h.top)
			}
		}
	}
	h.level = levels
	h.l0 = make([]int32, 0, min(n, 1<<16)*h.s0)
	h.up = make([][]int32, 0, min(n, 1<<16))
	block := make([]int32, h.s0)
	for id := range n {
		var up []int32
		if levels[id] > 0 {
			up = make([]int32, int(levels[id])*h.s1)
		}
		for l := range int(levels[id]) + 1 {
			c, err := r.u32("links")
			if err != nil {
				return nil, err
			}
			if int64(c) > int64(h.maxLinks(l)) {
				return nil, fmt.Errorf("knn: HNSW index: node %d has %d links on level %d, at most %d", id, c, l, h.maxLinks(l))
			}
			b := block[:1+c]
			if l > 0 {
				b = up[(l-1)*h.s1 : (l-1)*h.s1+1+int(c)]
			}
			b[0] = int32(c)
			for j := range int(c) {
				v, err := r.u32("links")
				if err != nil {
					return nil, err
				}
				if v >= n32 || int(levels[v]) < l || int(v) == id {
					return nil, fmt.Errorf("knn: HNSW index: node %d links to %d on level %d, which is not a node there", id, v, l)
				}
				b[1+j] = int32(v)
			}
			if l == 0 {
				clear(block[1+c:])
				h.l0 = append(h.l0, block...)
			}
		}
		h.up = append(h.up, up)
	}
	if _, err := r.r.ReadByte(); err != io.EOF {
		if err == nil {
			return nil, errors.New("knn: HNSW index: data after the end of the index")
		}
		return nil, fmt.Errorf("knn: HNSW index: %w", err)
	}
	return h, nil
}
