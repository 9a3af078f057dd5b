package embedding

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/latent-go/latent/dataset"
)

// ReadTSV reads the TensorFlow Embedding Projector's files: vectors, one
// vector per line with tab-separated values and no keys, and optionally
// metadata (nil for none), read as the projector does:
//
//   - With one column, metadata has no header row and one line per vector.
//     If its values are all distinct they become the keys; otherwise
//     (class names, say) they become the labels and the keys are the row
//     numbers 0, 1, ….
//   - With several columns, the first line is a header. The keys come
//     from the column headed key, word, token, name or id (in that order
//     of preference), else from the first column; the labels from the
//     column headed label or class, else from the first other column. A
//     column used for keys must hold distinct values.
//
// Without metadata the keys are the row numbers. The names are used in
// errors.
func ReadTSV(vectors io.Reader, vectorsName string, metadata io.Reader, metadataName string, opt Options) (*Table, error) {
	avail := dataset.Remaining(vectors)
	lr := newLineReader(vectors, vectorsName)
	lim := newLimiter(vectorsName, opt)
	var vecs []float32
	dim := 0
	rows := 0
	for {
		line, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if dim == 0 {
			line = bytes.Clone(line) // estimating peeks ahead, which reuses the buffer under line
		}
		fields := bytes.Split(line, []byte("\t"))
		if dim == 0 {
			dim = len(fields)
			if dim > maxDim {
				return nil, fmt.Errorf("embedding: %s line %d: %d values, at most %d", vectorsName, lr.n, dim, maxDim)
			}
			if avail >= 0 {
				est := avail/int64(lr.avgLine(len(line)+1)) + 1
				if err := lim.plan(est, int64(dim), est*8, true); err != nil {
					return nil, err
				}
				vecs = make([]float32, 0, min(est*int64(dim), 1<<30))
			}
		}
		if len(fields) != dim {
			return nil, fmt.Errorf("embedding: %s line %d: want %d values, got %d", vectorsName, lr.n, dim, len(fields))
		}
		if len(vecs)+dim > cap(vecs) {
			if err := lim.grow(int64(rows+1+rows/4), int64(dim), int64(rows+rows/4)*8); err != nil {
				return nil, err
			}
		}
		for j, f := range fields {
			v, err := parseValue(bytes.TrimSpace(f))
			if err != nil {
				return nil, fmt.Errorf("embedding: %s line %d value %d (%s): %v", vectorsName, lr.n, j+1, quote(f), err)
			}
			vecs = append(vecs, v)
		}
		rows++
	}
	if rows == 0 {
		return nil, fmt.Errorf("embedding: %s: no vectors", vectorsName)
	}
	t := &Table{Dim: dim, Vectors: vecs}
	if metadata == nil {
		t.Keys = rowNumbers(rows)
		t.buildIndex()
		return t, nil
	}
	if err := readMetadata(t, metadata, metadataName, rows); err != nil {
		return nil, err
	}
	return t, nil
}

func rowNumbers(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = strconv.Itoa(i)
	}
	return keys
}

// readMetadata sets the keys and labels of t from a projector metadata
// file with one line per row (after the header, when several columns).
func readMetadata(t *Table, r io.Reader, name string, rows int) error {
	lr := newLineReader(r, name)
	var lines [][]string
	var lineNo []int64
	for {
		line, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if len(lines) > rows+1 {
			return fmt.Errorf("embedding: %s line %d: more metadata lines than the %d vectors", name, lr.n, rows)
		}
		lines = append(lines, strings.Split(string(line), "\t"))
		lineNo = append(lineNo, lr.n)
	}
	// A final empty line is a trailing newline, not an empty label.
	for len(lines) > 0 && len(lines) != rows && len(lines) != rows+1 && len(lines[len(lines)-1]) == 1 && lines[len(lines)-1][0] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return fmt.Errorf("embedding: %s: empty metadata", name)
	}
	single := len(lines[0]) == 1
	var header []string
	if !single {
		header, lines, lineNo = lines[0], lines[1:], lineNo[1:]
	}
	if len(lines) != rows {
		return fmt.Errorf("embedding: %s: %d metadata rows for %d vectors", name, len(lines), rows)
	}
	for i, f := range lines {
		if len(f) != len(lines[0]) || header != nil && len(f) != len(header) {
			return fmt.Errorf("embedding: %s line %d: want %d columns, got %d", name, lineNo[i], max(len(header), 1), len(f))
		}
	}
	column := func(c int) []string {
		out := make([]string, rows)
		for i, f := range lines {
			out[i] = f[c]
		}
		return out
	}
	keyCol, labelCol := -1, -1
	if single {
		vals := column(0)
		if distinct(vals) {
			keyCol = 0
		} else {
			labelCol = 0
		}
	} else {
		keyCol = findHeader(header, "key", "word", "token", "name", "id")
		labelCol = findHeader(header, "label", "class")
		if keyCol < 0 && labelCol != 0 {
			keyCol = 0
		}
		if labelCol < 0 {
			for c := range header {
				if c != keyCol {
					labelCol = c
					break
				}
			}
		}
	}
	if keyCol >= 0 {
		t.Keys = column(keyCol)
		if dup, a, b := t.buildIndex(); a >= 0 {
			return fmt.Errorf("embedding: %s line %d: duplicate key %s (first on line %d)", name, lineNo[b], quote([]byte(dup)), lineNo[a])
		}
		for i, k := range t.Keys {
			if k == "" {
				return fmt.Errorf("embedding: %s line %d: empty key", name, lineNo[i])
			}
		}
	} else {
		t.Keys = rowNumbers(rows)
		t.buildIndex()
	}
	if labelCol >= 0 {
		t.Labels = column(labelCol)
	}
	return nil
}

func distinct(vals []string) bool {
	seen := make(map[string]bool, len(vals))
	for _, v := range vals {
		if seen[v] || v == "" {
			return false
		}
		seen[v] = true
	}
	return true
}

func findHeader(header []string, names ...string) int {
	for _, n := range names {
		for c, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), n) {
				return c
			}
		}
	}
	return -1
}

// WriteTSV writes t as Embedding Projector files: the vectors to vectors,
// tab-separated, and the keys to metadata — one per line without a header
// when t has no labels, else a "key<TAB>label" header and two columns.
// metadata may be nil to write the vectors only. Keys and labels must not
// hold tabs or line breaks.
func WriteTSV(vectors, metadata io.Writer, t *Table) error {
	if err := checkTSV(t); err != nil {
		return err
	}
	if err := writeTSVVectors(vectors, t); err != nil || metadata == nil {
		return err
	}
	return writeTSVMetadata(metadata, t)
}

func checkTSV(t *Table) error {
	if err := checkWritable(t, "\t\n\r", "TSV"); err != nil {
		return err
	}
	for i, l := range t.Labels {
		if strings.ContainsAny(l, "\t\n\r") {
			return fmt.Errorf("embedding: label %s of key %s: TSV labels cannot hold tabs or line breaks", quote([]byte(l)), quote([]byte(t.Keys[i])))
		}
	}
	return nil
}

func writeTSVVectors(w io.Writer, t *Table) error {
	var buf []byte
	for i := range t.Keys {
		for j, v := range t.Row(i) {
			if j > 0 {
				buf = append(buf, '\t')
			}
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

func writeTSVMetadata(w io.Writer, t *Table) error {
	var buf []byte
	if t.Labels != nil {
		buf = append(buf, "key\tlabel\n"...)
	}
	for i, k := range t.Keys {
		buf = append(buf, k...)
		if t.Labels != nil {
			buf = append(buf, '\t')
			buf = append(buf, t.Labels[i]...)
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
