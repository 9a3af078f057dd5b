package embedding

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

	"github.com/latent-go/latent/dataset"
)

// ReadWord2VecText reads word2vec text: a "count dim" header line, then
// count lines "key v1 … vdim". Fields are separated by spaces or tabs;
// trailing spaces, CRLF line ends, a UTF-8 byte order mark and empty lines
// are accepted. A file whose first line is not a header is read as GloVe.
// name is used in errors. The vector count must match the header.
func ReadWord2VecText(r io.Reader, name string, opt Options) (*Table, error) {
	return readText(r, name, opt, true)
}

// ReadGloVe reads GloVe text: lines "key v1 … vdim" with no header, the
// dimension given by the first line. name is used in errors.
func ReadGloVe(r io.Reader, name string, opt Options) (*Table, error) {
	return readText(r, name, opt, false)
}

// parseHeader reads a "count dim" line.
func parseHeader(line []byte) (count, dim int64, ok bool) {
	a, i := nextField(line, 0)
	b, j := nextField(line, i)
	if c, _ := nextField(line, j); len(a) == 0 || len(b) == 0 || len(c) != 0 {
		return 0, 0, false
	}
	count, err1 := strconv.ParseInt(string(a), 10, 64)
	dim, err2 := strconv.ParseInt(string(b), 10, 64)
	if err1 != nil || err2 != nil || count < 0 || dim < 0 {
		return 0, 0, false
	}
	return count, dim, true
}

func readText(r io.Reader, name string, opt Options, detectHeader bool) (*Table, error) {
	avail := dataset.Remaining(r)
	lr := newLineReader(r, name)
	lim := newLimiter(name, opt)
	b := newBuilder(name, "line", lim)

	first, err := lr.next()
	for err == nil && len(first) == 0 {
		first, err = lr.next()
	}
	if err == io.EOF {
		return nil, fmt.Errorf("embedding: %s: no vectors", name)
	}
	if err != nil {
		return nil, err
	}
	count := int64(-1)
	firstLine := lr.n
	looksLikeHeader := false
	if c, d, ok := parseHeader(first); ok {
		looksLikeHeader = true
		if detectHeader {
			if d < 1 || d > maxDim {
				return nil, fmt.Errorf("embedding: %s line %d: header gives dimension %d, want 1 to %d", name, lr.n, d, maxDim)
			}
			count = c
			// Each value takes at least two bytes ("0 "), so the file
			// bounds the row count whatever the header claims.
			bound := int64(-1)
			if avail >= 0 {
				bound = avail / (2*d + 2)
			}
			rows := c
			if bound >= 0 {
				rows = min(rows, bound)
			}
			if err := lim.plan(rows, d, rows*8, false); err != nil {
				return nil, err
			}
			b.reserve(int(d), c, bound)
			first = nil
		}
	}
	var scratch []float32
	parse := func(line []byte) error {
		key, i := nextField(line, 0)
		if len(key) == 0 {
			return nil // blank line
		}
		if b.dim == 0 {
			// The first vector sets the dimension. (Estimating the
			// size peeks ahead, which reuses the buffer under line.)
			line = bytes.Clone(line)
			key, i = nextField(line, 0)
			d := countFields(line) - 1
			if d < 1 {
				return fmt.Errorf("embedding: %s line %d: a key without values", name, lr.n)
			}
			if d > maxDim {
				return fmt.Errorf("embedding: %s line %d: %d values, at most %d", name, lr.n, d, maxDim)
			}
			rows := int64(-1)
			if avail >= 0 {
				rows = avail/int64(lr.avgLine(len(line)+1)) + 1
				if err := lim.plan(rows, int64(d), rows*int64(len(key)), true); err != nil {
					return err
				}
			}
			b.reserve(d, rows, rows)
		}
		if cap(scratch) < b.dim {
			scratch = make([]float32, b.dim)
		}
		vals := scratch[:b.dim]
		n := 0
		for {
			var f []byte
			f, i = nextField(line, i)
			if len(f) == 0 {
				break
			}
			if n == b.dim {
				n += countFields(line[i:]) + 1
				break
			}
			v, err := parseValue(f)
			if err != nil {
				return fmt.Errorf("embedding: %s line %d value %d (%s): %v", name, lr.n, n+1, quote(f), err)
			}
			vals[n] = v
			n++
		}
		if n != b.dim {
			msg := fmt.Sprintf("embedding: %s line %d: want %d values, got %d", name, lr.n, b.dim, n)
			if looksLikeHeader && count < 0 && lr.n == firstLine+1 {
				msg += fmt.Sprintf(" (line %d looks like a word2vec header: read the file as word2vec text)", firstLine)
			}
			return fmt.Errorf("%s", msg)
		}
		if count >= 0 && int64(len(b.keys)) == count {
			return fmt.Errorf("embedding: %s line %d: more vectors than the %d the header promises", name, lr.n, count)
		}
		row, err := b.add(key, lr.n)
		if err != nil {
			return err
		}
		copy(row, vals)
		return nil
	}
	if first != nil {
		if err := parse(first); err != nil {
			return nil, err
		}
	}
	for {
		line, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if err := parse(line); err != nil {
			return nil, err
		}
	}
	if count >= 0 && int64(len(b.keys)) != count {
		return nil, fmt.Errorf("embedding: %s: the header promises %d vectors, the file has %d", name, count, len(b.keys))
	}
	return b.table()
}

// writeText writes keys and values separated by single spaces, one vector
// per line, values in the shortest form that reads back as the same
// float32.
func writeText(w io.Writer, t *Table, header bool) error {
	if err := checkWritable(t, " \t\n\r\v\f", "word2vec and GloVe"); err != nil {
		return err
	}
	var buf []byte
	if header {
		buf = fmt.Appendf(buf, "%d %d\n", t.Len(), t.Dim)
	}
	for i, k := range t.Keys {
		buf = append(buf, k...)
		for _, v := range t.Row(i) {
			buf = append(buf, ' ')
			buf = strconv.AppendFloat(buf, float64(v), 'g', -1, 32)
		}
		buf = append(buf, '\n')
		if len(buf) >= 1<<16 {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	_, err := w.Write(buf)
	return err
}

// WriteWord2VecText writes t as word2vec text with its "count dim" header,
// readable by gensim's KeyedVectors.load_word2vec_format(binary=False). Keys
// must be non-empty and free of white space; labels are not written.
func WriteWord2VecText(w io.Writer, t *Table) error { return writeText(w, t, true) }

// WriteGloVe writes t as GloVe text: word2vec text without the header.
func WriteGloVe(w io.Writer, t *Table) error { return writeText(w, t, false) }
