package embedding

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/internal/atomicfile"
)

// Load reads the table at path in the format opt.Format names, or the one
// its name and first bytes say (see Options.Format). Gzipped files are
// decompressed. Errors name the file.
func Load(path string, opt Options) (*Table, error) {
	format, gz, err := formatOf(path, opt.Format)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("embedding: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("embedding: %s is a directory", path)
	}
	var r io.Reader = f
	if gz || isGzip(f) {
		zr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<16))
		if err != nil {
			return nil, fmt.Errorf("embedding: %s: %v", name, err)
		}
		defer zr.Close()
		r = zr
	}
	if format == "" {
		br := bufio.NewReaderSize(r, 1<<16)
		head, _ := br.Peek(4096)
		format = sniff(head)
		if format == "" {
			return nil, fmt.Errorf("embedding: %s: cannot tell the format; give it (word2vec, word2vec-binary, glove, tsv, npy or csv)", name)
		}
		if r == io.Reader(f) {
			// Keep the file itself, so that readers know its size.
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return nil, fmt.Errorf("embedding: %s: %w", name, err)
			}
		} else {
			r = br
		}
	}
	switch format {
	case FormatWord2Vec:
		return ReadWord2VecText(r, name, opt)
	case FormatGloVe:
		return ReadGloVe(r, name, opt)
	case FormatWord2VecBinary:
		return ReadWord2VecBinary(r, name, opt)
	case FormatTSV:
		meta := opt.Metadata
		if meta == "" {
			if m := metadataPath(path); m != "" {
				if _, err := os.Stat(m); err == nil {
					meta = m
				}
			}
		}
		if meta == "" {
			return ReadTSV(r, name, nil, "", opt)
		}
		mf, err := os.Open(meta)
		if err != nil {
			return nil, fmt.Errorf("embedding: %w", err)
		}
		defer mf.Close()
		return ReadTSV(r, name, mf, filepath.Base(meta), opt)
	case FormatNPY:
		return readNPY(r, path, name, opt)
	case FormatCSV:
		return readCSV(r, name, opt)
	}
	return nil, fmt.Errorf("embedding: %s: unknown format %q", name, format)
}

func isGzip(f *os.File) bool {
	var b [2]byte
	n, _ := io.ReadFull(f, b[:])
	f.Seek(0, io.SeekStart)
	return n == 2 && b[0] == 0x1f && b[1] == 0x8b
}

// formatOf returns the format opt names or the file name implies ("" when
// only the content can tell), and whether the name ends in .gz.
func formatOf(path, format string) (string, bool, error) {
	lower := strings.ToLower(filepath.Base(path))
	gz := strings.HasSuffix(lower, ".gz")
	if format != "" {
		f, err := ParseFormat(format)
		return f, gz, err
	}
	switch filepath.Ext(strings.TrimSuffix(lower, ".gz")) {
	case ".bin":
		return FormatWord2VecBinary, gz, nil
	case ".tsv":
		return FormatTSV, gz, nil
	case ".npy":
		return FormatNPY, gz, nil
	case ".csv":
		return FormatCSV, gz, nil
	case ".txt", ".vec":
		return FormatWord2Vec, gz, nil // a missing header means GloVe
	}
	return "", gz, nil
}

// sniff tells the format from the first bytes of a file, or "".
func sniff(head []byte) string {
	if bytes.HasPrefix(head, []byte("\x93NUMPY")) {
		return FormatNPY
	}
	nl := bytes.IndexByte(head, '\n')
	if nl < 0 {
		nl = len(head)
	}
	first := head[:nl]
	if _, _, ok := parseBinaryHeader(first); ok {
		// Text or binary: binary vectors hold control bytes.
		for _, c := range head[nl+1:] {
			if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
				return FormatWord2VecBinary
			}
		}
		return FormatWord2Vec
	}
	if bytes.Contains(first, []byte{'\t'}) {
		return FormatTSV
	}
	if bytes.Contains(first, []byte{','}) {
		return FormatCSV
	}
	if countFields(first) >= 2 {
		return FormatGloVe
	}
	return ""
}

// metadataPath returns the projector metadata file that goes with a
// vectors file: "vectors" in the base name replaced by "metadata"
// (vectors.tsv → metadata.tsv), else NAME.metadata.tsv.
func metadataPath(path string) string {
	dir, base := filepath.Split(path)
	if i := strings.LastIndex(base, "vectors"); i >= 0 {
		return dir + base[:i] + "metadata" + base[i+len("vectors"):]
	}
	return dir + strings.TrimSuffix(base, filepath.Ext(base)) + ".metadata.tsv"
}

var npyShape = regexp.MustCompile(`'shape':\s*\((\d+),\s*(\d*)`)

// readNPY reads a 2-d NPY array with keys and labels from PATH.keys.txt and
// PATH.labels.txt beside it, when present.
func readNPY(r io.Reader, path, name string, opt Options) (*Table, error) {
	lim := newLimiter(name, opt)
	br := bufio.NewReaderSize(r, 1<<16)
	head, _ := br.Peek(1 << 12)
	if m := npyShape.FindSubmatch(head); m != nil {
		rows, _ := strconv.ParseInt(string(m[1]), 10, 64)
		dim, _ := strconv.ParseInt(string(m[2]), 10, 64)
		if len(m[2]) == 0 {
			dim = 1
		}
		if err := lim.plan(rows, dim, rows*8, false); err != nil {
			return nil, err
		}
	}
	s, err := dataset.ReadNPY(br, name)
	if err != nil {
		return nil, err // dataset's error names the file
	}
	if len(s.Shape) > 1 {
		return nil, fmt.Errorf("embedding: %s: a %d-d array; want a 2-d array of vectors", name, len(s.Shape)+1)
	}
	t := &Table{Dim: s.D, Vectors: s.X}
	keysFile, labelsFile := path+".keys.txt", path+".labels.txt"
	if _, err := os.Stat(keysFile); err == nil {
		if t.Keys, err = readLines(keysFile, s.N, "keys"); err != nil {
			return nil, err
		}
		if dup, a, b := t.buildIndex(); a >= 0 {
			return nil, fmt.Errorf("embedding: %s line %d: duplicate key %s (first on line %d)", filepath.Base(keysFile), b+1, quote([]byte(dup)), a+1)
		}
	} else {
		t.Keys = rowNumbers(s.N)
		t.buildIndex()
	}
	if _, err := os.Stat(labelsFile); err == nil {
		if t.Labels, err = readLines(labelsFile, s.N, "labels"); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// readLines reads a side file with one entry per line for n rows.
func readLines(path string, n int, what string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("embedding: %w", err)
	}
	defer f.Close()
	name := filepath.Base(path)
	lr := newLineReader(f, name)
	out := make([]string, 0, n)
	for {
		line, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(out) == n {
			return nil, fmt.Errorf("embedding: %s line %d: more %s than the %d vectors", name, lr.n, what, n)
		}
		if what == "keys" && len(line) == 0 {
			return nil, fmt.Errorf("embedding: %s line %d: empty key", name, lr.n)
		}
		out = append(out, string(line))
	}
	if len(out) != n {
		return nil, fmt.Errorf("embedding: %s: %d %s for %d vectors", name, len(out), what, n)
	}
	return out, nil
}

// readCSV reads a CSV table as `latent encode` writes it.
func readCSV(r io.Reader, name string, opt Options) (*Table, error) {
	avail := dataset.Remaining(r)
	br := bufio.NewReaderSize(r, 1<<16)
	head, _ := br.Peek(1 << 16)
	first := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		first = head[:i]
	}
	cols := strings.Split(strings.TrimSpace(string(first)), ",")
	lim := newLimiter(name, opt)
	if lines := bytes.Count(head, []byte("\n")); avail > 0 && lines > 1 {
		// Estimate the rows from the lines seen so far.
		rows := avail * int64(lines) / int64(len(head))
		if err := lim.plan(rows, int64(len(cols)), rows*8, true); err != nil {
			return nil, err
		}
	}
	has := func(c string) bool {
		for _, h := range cols {
			if strings.Trim(strings.TrimSpace(h), `"`) == c {
				return true
			}
		}
		return false
	}
	dopt := dataset.Options{Format: "csv", KeyColumn: opt.KeyColumn, LabelColumn: opt.LabelColumn}
	if dopt.KeyColumn == "" && has("key") {
		dopt.KeyColumn = "key"
	}
	if dopt.LabelColumn == "" && has("label") {
		dopt.LabelColumn = "label"
	}
	s, err := dataset.ReadCSV(br, name, dopt)
	if err != nil {
		return nil, err // dataset's error names the file and line
	}
	t := &Table{Keys: s.Keys, Labels: s.Labels, Dim: s.D, Vectors: s.X}
	if t.Keys == nil {
		t.Keys = rowNumbers(s.N)
	}
	if dup, a, b := t.buildIndex(); a >= 0 {
		hdr := 1
		if s.Columns == nil {
			hdr = 0
		}
		return nil, fmt.Errorf("embedding: %s line %d: duplicate key %s (first on line %d)", name, b+1+hdr, quote([]byte(dup)), a+1+hdr)
	}
	for i, k := range t.Keys {
		if k == "" {
			return nil, fmt.Errorf("embedding: %s: row %d has an empty key", name, i+1)
		}
	}
	return t, nil
}

// checkWritable checks that t is consistent and its keys can be written in
// a format whose keys cannot hold any of the bytes in forbidden.
func checkWritable(t *Table, forbidden, format string) error {
	if err := t.Check(); err != nil {
		return err
	}
	for _, k := range t.Keys {
		if k == "" {
			return fmt.Errorf("embedding: empty key: %s keys cannot be empty", format)
		}
		if strings.ContainsAny(k, forbidden) {
			return fmt.Errorf("embedding: key %s: %s keys cannot hold white space", quote([]byte(k)), format)
		}
	}
	return nil
}

// Save writes t to path in opt.Format, or the format the name implies
// (.txt and .vec: word2vec text; .bin: word2vec binary; .tsv: projector
// vectors, with the metadata file beside it, named as Load looks for it;
// .npy: float32 NPY with PATH.keys.txt and, with labels, PATH.labels.txt;
// .csv: key, label and value columns). Files are written atomically: a
// reader sees the old file or the whole new one.
func Save(path string, t *Table, opt Options) error {
	format, gz, err := formatOf(path, opt.Format)
	if err != nil {
		return err
	}
	if gz {
		return fmt.Errorf("embedding: %s: writing gzipped files is not supported", path)
	}
	if format == "" {
		return fmt.Errorf("embedding: %s: cannot tell the format from the name; give it", path)
	}
	if err := t.Check(); err != nil {
		return err
	}
	write := func(p string, f func(w io.Writer) error) error { return atomicfile.Write(p, f) }
	switch format {
	case FormatWord2Vec:
		return write(path, func(w io.Writer) error { return WriteWord2VecText(w, t) })
	case FormatGloVe:
		return write(path, func(w io.Writer) error { return WriteGloVe(w, t) })
	case FormatWord2VecBinary:
		return write(path, func(w io.Writer) error { return WriteWord2VecBinary(w, t) })
	case FormatTSV:
		meta := opt.Metadata
		if meta == "" {
			meta = metadataPath(path)
		}
		if err := checkTSV(t); err != nil {
			return err
		}
		if err := write(meta, func(w io.Writer) error { return writeTSVMetadata(w, t) }); err != nil {
			return err
		}
		return write(path, func(w io.Writer) error { return writeTSVVectors(w, t) })
	case FormatNPY:
		if err := checkWritable(t, "\n\r", "NPY side-file"); err != nil {
			return err
		}
		side := func(p string, vals []string) error {
			return write(p, func(w io.Writer) error {
				for _, v := range vals {
					if _, err := io.WriteString(w, v+"\n"); err != nil {
						return err
					}
				}
				return nil
			})
		}
		if err := side(path+".keys.txt", t.Keys); err != nil {
			return err
		}
		if t.Labels != nil {
			if err := side(path+".labels.txt", t.Labels); err != nil {
				return err
			}
		}
		return write(path, func(w io.Writer) error { return dataset.WriteNPY(w, t.Len(), t.Dim, t.Vectors) })
	case FormatCSV:
		return write(path, func(w io.Writer) error {
			return dataset.WriteCSV(w, &dataset.Set{X: t.Vectors, N: t.Len(), D: t.Dim, Keys: t.Keys, Labels: t.Labels})
		})
	}
	return fmt.Errorf("embedding: %s: unknown format %q", path, format)
}
