package embedding

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"
)

// Options says how to read (and, for Save, write) a table. The zero value
// detects the format and sets no memory limit.
type Options struct {
	// Format is one of "word2vec" (text), "word2vec-binary", "glove",
	// "tsv", "npy", "csv", or "" to decide from the file name (.txt and
	// .vec: word2vec text or GloVe, whichever the first line says; .bin:
	// word2vec binary; .tsv, .npy, .csv; each optionally followed by .gz)
	// and, failing that, from the first bytes. ParseFormat lists the
	// aliases.
	Format string
	// MaxMemory, when positive, is the most memory in bytes a table may
	// need; a larger file is refused before it is read (or as soon as it
	// is found to be larger, when its size is not known in advance).
	MaxMemory int64
	// Log, when set, receives one line with the estimated memory before a
	// table of more than 1 MiB is allocated.
	Log io.Writer
	// Metadata is the projector metadata file read with a .tsv vectors
	// file. When empty, Load uses the file named like the vectors file
	// with "vectors" replaced by "metadata" (vectors.tsv → metadata.tsv),
	// if it exists.
	Metadata string
	// KeyColumn and LabelColumn name the CSV columns holding keys and
	// labels; by default the columns headed "key" and "label", when
	// present.
	KeyColumn, LabelColumn string
}

// The formats.
const (
	FormatWord2Vec       = "word2vec"
	FormatWord2VecBinary = "word2vec-binary"
	FormatGloVe          = "glove"
	FormatTSV            = "tsv"
	FormatNPY            = "npy"
	FormatCSV            = "csv"
)

// ParseFormat returns the canonical name of a format name or alias: w2v,
// txt, vec, text (word2vec); bin, binary, w2v-bin, word2vec-bin
// (word2vec-binary); glove; tsv, projector; npy; csv.
func ParseFormat(s string) (string, error) {
	switch s {
	case "word2vec", "w2v", "txt", "vec", "text", "word2vec-text":
		return FormatWord2Vec, nil
	case "word2vec-binary", "word2vec-bin", "w2v-bin", "bin", "binary":
		return FormatWord2VecBinary, nil
	case "glove":
		return FormatGloVe, nil
	case "tsv", "projector":
		return FormatTSV, nil
	case "npy":
		return FormatNPY, nil
	case "csv":
		return FormatCSV, nil
	}
	return "", fmt.Errorf("embedding: unknown format %q (want word2vec, word2vec-binary, glove, tsv, npy or csv)", s)
}

// Limits on what a file may declare; beyond them it is malformed or
// hostile, not large.
const (
	maxDim    = 1 << 20 // values per vector
	maxLine   = 1 << 26 // bytes per text line
	maxKeyLen = 1 << 16 // bytes per binary key
	keyCost   = 64      // bytes per key beyond its text: string header, index entry, slices
)

// logAtBytes is the estimate from which Options.Log hears of a table.
var logAtBytes int64 = 1 << 20

// quote quotes a key for an error message, shortened if long.
func quote(key []byte) string {
	if len(key) > 60 {
		return strconv.Quote(string(key[:40])) + fmt.Sprintf("… (%d bytes)", len(key))
	}
	return strconv.Quote(string(key))
}

// limiter estimates the memory of a table, reports it and enforces
// Options.MaxMemory.
type limiter struct {
	name   string
	max    int64
	log    io.Writer
	logged bool
}

func newLimiter(name string, opt Options) *limiter {
	return &limiter{name: name, max: opt.MaxMemory, log: opt.Log}
}

// need returns the estimated bytes of rows vectors of dim values with
// keyBytes bytes of key text.
func need(rows, dim, keyBytes int64) int64 {
	v := float64(rows)*float64(dim)*4 + float64(keyBytes) + float64(rows)*keyCost
	if v > math.MaxInt64/2 {
		return math.MaxInt64 / 2
	}
	return int64(v)
}

// plan reports and checks the estimate for a table about to be read;
// approx says the row count is an estimate.
func (l *limiter) plan(rows, dim, keyBytes int64, approx bool) error {
	n := need(rows, dim, keyBytes)
	about := ""
	if approx {
		about = "about "
	}
	if l.log != nil && !l.logged && n >= logAtBytes {
		l.logged = true
		fmt.Fprintf(l.log, "reading %s: %s%d vectors of dimension %d, about %s of memory\n", l.name, about, rows, dim, FormatSize(n))
	}
	if l.max > 0 && n > l.max {
		return fmt.Errorf("embedding: %s: %s%d vectors of dimension %d need about %s of memory, more than the limit of %s",
			l.name, about, rows, dim, FormatSize(n), FormatSize(l.max))
	}
	return nil
}

// grow checks the limit for rows read so far (the file turned out larger
// than planned, or its size was not known).
func (l *limiter) grow(rows, dim, keyBytes int64) error {
	if n := need(rows, dim, keyBytes); l.max > 0 && n > l.max {
		return fmt.Errorf("embedding: %s: more than %d vectors of dimension %d, which need more than the memory limit of %s",
			l.name, rows, dim, FormatSize(l.max))
	}
	return nil
}

// FormatSize formats a byte count with binary units: 512 B, 1.5 KiB,
// 340.2 MiB, 2 GiB.
func FormatSize(n int64) string {
	const units = "KMGTPE"
	if n < 1024 {
		return strconv.FormatInt(n, 10) + " B"
	}
	v := float64(n)
	i := -1
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		s = s[:len(s)-2]
	}
	return s + " " + units[i:i+1] + "iB"
}

// ParseSize reads a byte count such as 2GB, 512MiB, 1.5G, 300k or 4096:
// decimal units (kB, MB, GB, TB: powers of 1000), binary units (KiB, MiB,
// GiB, TiB, and K, M, G, T alone: powers of 1024), case-insensitive, an
// optional B and spaces allowed.
func ParseSize(s string) (int64, error) {
	t := bytes.ToLower(bytes.TrimSpace([]byte(s)))
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := string(t[:i]), string(bytes.TrimSpace(t[i:]))
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("embedding: size %q: want a number with an optional unit, like 512MB or 2GiB", s)
	}
	mult := map[string]float64{
		"": 1, "b": 1,
		"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
		"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40,
		"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
	}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("embedding: size %q: unknown unit %q (want B, kB, MB, GB, TB, KiB, MiB, GiB or TiB)", s, unit)
	}
	if v*mult >= math.MaxInt64 {
		return 0, fmt.Errorf("embedding: size %q is too large", s)
	}
	return int64(v * mult), nil
}

// builder accumulates a table row by row, checking keys and memory.
type builder struct {
	name     string
	unit     string // "line" or "record", for messages
	dim      int
	keys     []string
	vecs     []float32
	index    map[string]int
	pos      []int64 // line or record number of each row
	keyBytes int64
	lim      *limiter
}

func newBuilder(name, unit string, lim *limiter) *builder {
	return &builder{name: name, unit: unit, lim: lim, index: map[string]int{}}
}

// reserve sets the dimension and preallocates for about rows vectors, no
// more than bound rows if bound ≥ 0 (what the input can hold), and no more
// than 4 MiB of vectors when the size of the input is not known.
func (b *builder) reserve(dim int, rows, bound int64) {
	b.dim = dim
	if bound < 0 {
		// Unknown size: start small and grow with what is read.
		bound = max(1, (1<<20)/int64(dim))
	}
	rows = max(min(rows, bound), 0)
	b.vecs = make([]float32, 0, int(rows)*dim)
	b.keys = make([]string, 0, rows)
	b.pos = make([]int64, 0, rows)
}

// add appends a row for key found at pos and returns it to be filled.
func (b *builder) add(key []byte, pos int64) ([]float32, error) {
	where := func() string { return fmt.Sprintf("embedding: %s %s %d", b.name, b.unit, pos) }
	if len(key) == 0 {
		return nil, fmt.Errorf("%s: empty key", where())
	}
	if !utf8.Valid(key) {
		return nil, fmt.Errorf("%s: key %s is not valid UTF-8", where(), quote(key))
	}
	if j, ok := b.index[string(key)]; ok {
		return nil, fmt.Errorf("%s: duplicate key %s (first on %s %d)", where(), quote(key), b.unit, b.pos[j])
	}
	k := string(key)
	b.index[k] = len(b.keys)
	b.keys = append(b.keys, k)
	b.pos = append(b.pos, pos)
	b.keyBytes += int64(len(k))
	n := len(b.vecs)
	if n+b.dim > cap(b.vecs) {
		rows := int64(len(b.keys))
		if err := b.lim.grow(rows+rows/4, int64(b.dim), b.keyBytes+b.keyBytes/4); err != nil {
			return nil, err
		}
		b.vecs = append(b.vecs, make([]float32, b.dim)...)
	} else {
		b.vecs = b.vecs[:n+b.dim]
	}
	return b.vecs[n : n+b.dim], nil
}

func (b *builder) table() (*Table, error) {
	if len(b.keys) == 0 {
		return nil, fmt.Errorf("embedding: %s: no vectors", b.name)
	}
	return &Table{Keys: b.keys, Dim: b.dim, Vectors: b.vecs, index: b.index}, nil
}

// lineReader returns the lines of a text file, without the line end, with
// their 1-based numbers.
type lineReader struct {
	r    *bufio.Reader
	name string
	n    int64
	long []byte
}

func newLineReader(r io.Reader, name string) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 1<<16), name: name}
}

// avgLine estimates the mean line length from the next 64 KiB of input,
// or returns fallback when they hold no complete line.
func (l *lineReader) avgLine(fallback int) int {
	buf, _ := l.r.Peek(1 << 16)
	if n := bytes.Count(buf, []byte("\n")); n > 0 {
		return max(len(buf[:bytes.LastIndexByte(buf, '\n')+1])/n, 1)
	}
	return max(fallback, 1)
}

// next returns the next line (valid until the next call), or io.EOF.
func (l *lineReader) next() ([]byte, error) {
	line, err := l.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		l.long = append(l.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = l.r.ReadSlice('\n')
			l.long = append(l.long, line...)
			if len(l.long) > maxLine {
				return nil, fmt.Errorf("embedding: %s line %d: longer than %s", l.name, l.n+1, FormatSize(maxLine))
			}
		}
		line = l.long
	}
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("embedding: %s line %d: %w", l.name, l.n+1, err)
	}
	if len(line) == 0 && err == io.EOF {
		return nil, io.EOF
	}
	l.n++
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if l.n == 1 {
		line = bytes.TrimPrefix(line, []byte("\ufeff"))
	}
	return line, nil
}

// isSpace reports the separators of text formats.
func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// nextField returns the field of line starting at or after i and the index
// after it; field is empty at the end of the line.
func nextField(line []byte, i int) (field []byte, j int) {
	for i < len(line) && isSpace(line[i]) {
		i++
	}
	j = i
	for j < len(line) && !isSpace(line[j]) {
		j++
	}
	return line[i:j], j
}

// countFields returns the number of fields of line.
func countFields(line []byte) int {
	n := 0
	for i := 0; ; {
		f, j := nextField(line, i)
		if len(f) == 0 {
			return n
		}
		n++
		i = j
	}
}

var errNotNumber = errors.New("not a number")

// parseValue reads one float32 value of a text format; NaN and ±Inf are
// errors.
func parseValue(f []byte) (float32, error) {
	v, err := strconv.ParseFloat(string(f), 32)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, errors.New("out of float32 range")
	case err != nil:
		return 0, errNotNumber
	case math.IsNaN(v):
		return 0, errors.New("NaN")
	case math.IsInf(v, 0):
		return 0, errors.New("infinite")
	}
	return float32(v), nil
}
