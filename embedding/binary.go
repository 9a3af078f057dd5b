package embedding

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/latent-go/latent/dataset"
)

// ReadWord2VecBinary reads the binary word2vec format: an ASCII "count dim"
// header line, then for each vector the key, one space and dim
// little-endian float32 values. Newlines between records (the original C
// tool writes one after each vector) are skipped. Without the header line
// — gensim writes such files with write_header=False — the dimension is
// inferred from the layout of the first records and the file is read to
// its end. name is used in errors, which give the record number and key.
func ReadWord2VecBinary(r io.Reader, name string, opt Options) (*Table, error) {
	avail := dataset.Remaining(r)
	br := bufio.NewReaderSize(r, 1<<20)
	lim := newLimiter(name, opt)
	b := newBuilder(name, "record", lim)

	count := int64(-1)
	head, _ := br.Peek(64)
	if nl := bytes.IndexByte(head, '\n'); nl > 0 {
		if c, d, ok := parseBinaryHeader(head[:nl]); ok {
			if d < 1 || d > maxDim {
				return nil, fmt.Errorf("embedding: %s: header gives dimension %d, want 1 to %d", name, d, maxDim)
			}
			br.Discard(nl + 1)
			if avail >= 0 {
				avail -= int64(nl + 1)
			}
			count = c
			bound := int64(-1)
			if avail >= 0 {
				bound = avail / (4*d + 2) // a key of at least one byte, a space, the values
			}
			rows := c
			if bound >= 0 {
				rows = min(rows, bound)
			}
			if err := lim.plan(rows, d, rows*8, false); err != nil {
				return nil, err
			}
			b.reserve(int(d), c, bound)
		}
	}
	if count < 0 {
		buf, err := br.Peek(1 << 20)
		if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			return nil, fmt.Errorf("embedding: %s: %w", name, err)
		}
		if len(buf) == 0 {
			return nil, fmt.Errorf("embedding: %s: no vectors", name)
		}
		d, ok := inferDim(buf, err == io.EOF)
		if !ok {
			return nil, fmt.Errorf("embedding: %s: not a word2vec binary file: no \"count dim\" header line, and no vector length fits the records", name)
		}
		rows := int64(-1)
		if avail >= 0 {
			rows = avail/int64(4*d+8) + 1
			if err := lim.plan(rows, int64(d), rows*8, true); err != nil {
				return nil, err
			}
		}
		b.reserve(d, rows, rows)
	}

	raw := make([]byte, 4*b.dim)
	for rec := int64(1); ; rec++ {
		// Skip the newline the C tool writes after each vector.
		for {
			c, err := br.ReadByte()
			if err == io.EOF {
				if count >= 0 && rec-1 != count {
					return nil, fmt.Errorf("embedding: %s: truncated: the header promises %d vectors, the file has %d", name, count, rec-1)
				}
				return b.table()
			}
			if err != nil {
				return nil, fmt.Errorf("embedding: %s record %d: %w", name, rec, err)
			}
			if c != '\n' && c != '\r' {
				br.UnreadByte()
				break
			}
		}
		if count >= 0 && rec > count {
			return nil, fmt.Errorf("embedding: %s: data after the %d vectors the header promises", name, count)
		}
		key, err := br.ReadSlice(' ')
		switch {
		case err == bufio.ErrBufferFull || len(key) > maxKeyLen:
			return nil, fmt.Errorf("embedding: %s record %d: no space ending the key within %s (is the dimension right?)", name, rec, FormatSize(maxKeyLen))
		case err == io.EOF:
			return nil, fmt.Errorf("embedding: %s record %d: truncated in the key %s", name, rec, quote(key))
		case err != nil:
			return nil, fmt.Errorf("embedding: %s record %d: %w", name, rec, err)
		}
		key = key[:len(key)-1]
		row, err := b.add(key, rec)
		if err != nil {
			return nil, err
		}
		if n, err := io.ReadFull(br, raw); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("embedding: %s record %d (key %s): truncated: want %d bytes of vector, got %d", name, rec, quote(key), len(raw), n)
			}
			return nil, fmt.Errorf("embedding: %s record %d: %w", name, rec, err)
		}
		for j := range row {
			v := math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("embedding: %s record %d (key %s) value %d: %v", name, rec, quote(key), j+1, v)
			}
			row[j] = v
		}
	}
}

// parseBinaryHeader reads the header line of a binary file: two decimal
// numbers separated by one space, optionally followed by a carriage return
// or spaces.
func parseBinaryHeader(line []byte) (count, dim int64, ok bool) {
	line = bytes.TrimRight(line, " \r")
	sp := bytes.IndexByte(line, ' ')
	if sp <= 0 {
		return 0, 0, false
	}
	for _, c := range line {
		if c != ' ' && (c < '0' || c > '9') {
			return 0, 0, false
		}
	}
	count, err1 := strconv.ParseInt(string(line[:sp]), 10, 64)
	dim, err2 := strconv.ParseInt(string(line[sp+1:]), 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return count, dim, true
}

// inferDim finds the dimension of a headerless binary file from its first
// bytes buf (all of it when atEOF): the smallest d for which the first
// records — key, space, d finite float32 values, optional newline — are
// followed by another plausible key and space, or end exactly at the end
// of the file. A plausible key is 1 to 1000 bytes of valid UTF-8 without
// control characters.
func inferDim(buf []byte, atEOF bool) (int, bool) {
	k1 := keyEnd(buf, 0)
	if k1 < 0 {
		return 0, false
	}
	start := k1 + 1
	for d := 1; start+4*d <= len(buf) && d <= maxDim; d++ {
		if !finite(buf[start+4*(d-1):]) {
			return 0, false // every larger d contains this value too
		}
		if recordsFit(buf, start+4*d, d, atEOF, 3) {
			return d, true
		}
	}
	return 0, false
}

// recordsFit reports whether buf from p holds up to more records of
// dimension d (a newline, a plausible key, a space, d finite values) up to
// the end of the data or of the buffer.
func recordsFit(buf []byte, p, d int, atEOF bool, more int) bool {
	for range more {
		if p < len(buf) && buf[p] == '\n' {
			p++
		}
		if p == len(buf) {
			return atEOF
		}
		k := keyEnd(buf, p)
		if k < 0 {
			return false
		}
		p = k + 1
		for j := 0; j < d; j++ {
			if p+4 > len(buf) {
				return !atEOF // the buffer ends inside a plausible record
			}
			if !finite(buf[p:]) {
				return false
			}
			p += 4
		}
	}
	return true
}

// keyEnd returns the index of the space ending a plausible key at buf[p:],
// or -1.
func keyEnd(buf []byte, p int) int {
	end := min(len(buf), p+1001)
	sp := bytes.IndexByte(buf[p:end], ' ')
	if sp <= 0 {
		return -1
	}
	key := buf[p : p+sp]
	for _, c := range key {
		if c < 0x20 || c == 0x7f {
			return -1
		}
	}
	if !utf8.Valid(key) {
		return -1
	}
	return p + sp
}

// finite reports whether the little-endian float32 at b[:4] is finite.
func finite(b []byte) bool {
	v := math.Float32frombits(binary.LittleEndian.Uint32(b))
	return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0)
}

// WriteWord2VecBinary writes t in the binary word2vec format with its
// header, a newline after each vector as the original C tool does; gensim's
// load_word2vec_format(binary=True) and the C tools read it. Keys must be
// non-empty and free of white space; labels are not written.
func WriteWord2VecBinary(w io.Writer, t *Table) error {
	if err := checkWritable(t, " \t\n\r\v\f", "word2vec binary"); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintf(bw, "%d %d\n", t.Len(), t.Dim)
	var b [4]byte
	for i, k := range t.Keys {
		bw.WriteString(k)
		bw.WriteByte(' ')
		for _, v := range t.Row(i) {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			bw.Write(b[:])
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
