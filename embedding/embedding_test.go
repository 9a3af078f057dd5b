package embedding

import (
	"bytes"
	"compress/gzip"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func small(t *testing.T) *Table {
	t.Helper()
	tab, err := New([]string{"a", "bé", "c"}, 2, []float32{1, 2, -0.5, 1e-7, 3e10, 0})
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestSaveLoadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		file, format string
		labels       bool // the format keeps labels
	}{
		{"v.txt", "", false},
		{"v.vec", "", false},
		{"v.glove", "glove", false},
		{"v.bin", "", false},
		{"vectors.tsv", "", true},
		{"emb.tsv", "", true},
		{"v.npy", "", true},
		{"v.csv", "", true},
	} {
		for _, withLabels := range []bool{false, true} {
			tab := small(t)
			if withLabels {
				tab.Labels = []string{"x", "y", "x"}
			}
			path := filepath.Join(dir, tc.file)
			if err := Save(path, tab, Options{Format: tc.format}); err != nil {
				t.Fatalf("%s: %v", tc.file, err)
			}
			got, err := Load(path, Options{Format: tc.format})
			if err != nil {
				t.Fatalf("%s: %v", tc.file, err)
			}
			sameTable(t, tc.file, got, tab)
			if want := tab.Labels; tc.labels && !slices.Equal(got.Labels, want) {
				t.Errorf("%s: labels %q, want %q", tc.file, got.Labels, want)
			}
		}
	}
	// The metadata file sits beside the vectors, named as Load looks for it.
	for _, f := range []string{"metadata.tsv", "emb.metadata.tsv", "v.npy.keys.txt", "v.npy.labels.txt"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
}

func TestLoadGzip(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	io.WriteString(zw, "2 3\nx 1 2 3\ny 4 5 6\n")
	zw.Close()
	for _, name := range []string{"v.txt.gz", "v.gz"} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, buf.Bytes(), 0o644)
		tab, err := Load(path, Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if tab.Len() != 2 || tab.Row(1)[2] != 6 {
			t.Fatalf("%s: %+v", name, tab)
		}
	}
}

func TestSniff(t *testing.T) {
	dir := t.TempDir()
	bin, _ := os.ReadFile("testdata/gensim.bin")
	for _, tc := range []struct {
		data   []byte
		want   string
		errMsg string
	}{
		{[]byte("2 2\na 1 2\nb 3 4\n"), "", ""},
		{[]byte("a 1 2\nb 3 4\n"), "", ""},
		{[]byte("1\t2\n3\t4\n"), "", ""},
		{[]byte("key,f0,f1\na,1,2\nb,3,4\n"), "", ""},
		{bin, "", ""},
		{[]byte("hello\n"), "", "cannot tell the format"},
	} {
		path := filepath.Join(dir, "data")
		os.WriteFile(path, tc.data, 0o644)
		tab, err := Load(path, Options{})
		if tc.errMsg != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errMsg) {
				t.Errorf("%q: err = %v, want %q", tc.data, err, tc.errMsg)
			}
			continue
		}
		if err != nil || tab.Len() < 2 {
			t.Errorf("%q: %v", tc.data[:min(20, len(tc.data))], err)
		}
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name   string
		read   func(r io.Reader) (*Table, error)
		input  string
		errMsg string
	}{
		{"short row", w2v, "3 4\nx 1 2 3 4\ny 1 2 3\nz 1 2 3 4\n", "v.txt line 3: want 4 values, got 3"},
		{"long row", w2v, "2 2\nx 1 2\ny 1 2 3\n", "v.txt line 3: want 2 values, got 3"},
		{"not a number", w2v, "1 2\nx 1 abc\n", `v.txt line 2 value 2 ("abc"): not a number`},
		{"nan", w2v, "1 2\nx 1 NaN\n", "v.txt line 2 value 2 (\"NaN\"): NaN"},
		{"inf", glove, "x 1 2\ny inf 2\n", "v.txt line 2 value 1 (\"inf\"): infinite"},
		{"overflow", glove, "x 1 1e39\n", "out of float32 range"},
		{"duplicate", w2v, "3 1\nthe 1\nof 2\nthe 3\n", `v.txt line 4: duplicate key "the" (first on line 2)`},
		{"duplicate glove", glove, "a 1\n\nb 2\na 3\n", `v.txt line 4: duplicate key "a" (first on line 1)`},
		{"bad utf8", glove, "a 1\n\xff\xfe 2\n", `v.txt line 2: key "\xff\xfe" is not valid UTF-8`},
		{"fewer than header", w2v, "3 1\na 1\nb 2\n", "header promises 3 vectors, the file has 2"},
		{"more than header", w2v, "1 1\na 1\nb 2\n", "v.txt line 3: more vectors than the 1 the header promises"},
		{"huge dim", w2v, "1 2000000000\na 1\n", "header gives dimension 2000000000"},
		{"header as glove", glove, "2 3\na 1 2 3\n", "line 1 looks like a word2vec header"},
		{"no values", glove, "lonely\n", "a key without values"},
		{"empty", glove, "\n\n", "no vectors"},
		{"empty w2v", w2v, "0 5\n", "no vectors"},
		{"binary truncated", bin, "2 3\na \x00\x00\x80\x3f\x00\x00\x00\x40\x00\x00\x40\x40b \x00\x00", `record 2 (key "b"): truncated: want 12 bytes of vector, got 2`},
		{"binary short", bin, "3 1\na \x00\x00\x80\x3f\n", "header promises 3 vectors, the file has 1"},
		{"binary extra", bin, "1 1\na \x00\x00\x80\x3f\nb \x00\x00\x80\x3f", "data after the 1 vectors the header promises"},
		{"binary nan", bin, "1 1\na \x00\x00\xc0\x7f", `record 1 (key "a") value 1: NaN`},
		{"binary dup", bin, "2 1\na \x00\x00\x80\x3f\na \x00\x00\x80\x3f", `record 2: duplicate key "a" (first on record 1)`},
		{"binary bad utf8", bin, "1 1\n\xc3\x28 \x00\x00\x80\x3f", "record 1: key \"\\xc3(\" is not valid UTF-8"},
		{"binary no space", bin, "1 1\n" + strings.Repeat("k", 70000), "no space ending the key"},
		{"binary key eof", bin, "1 1\nabc", `record 1: truncated in the key "abc"`},
		{"binary garbage", bin, "\x00\x01\x02\x03", "not a word2vec binary file"},
		{"tsv ragged", tsv, "1\t2\n3\n", "v.tsv line 2: want 2 values, got 1"},
		{"tsv word", tsv, "1\t2\n3\tx\n", `v.tsv line 2 value 2 ("x"): not a number`},
	}
	for _, tc := range tests {
		_, err := tc.read(strings.NewReader(tc.input))
		if err == nil || !strings.Contains(err.Error(), tc.errMsg) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.errMsg)
		}
		// The same through a reader of unknown length.
		_, err2 := tc.read(struct{ io.Reader }{strings.NewReader(tc.input)})
		if err2 == nil || err2.Error() != err.Error() {
			t.Errorf("%s: unknown length: err = %v, want %v", tc.name, err2, err)
		}
	}
}

func w2v(r io.Reader) (*Table, error)   { return ReadWord2VecText(r, "v.txt", Options{}) }
func glove(r io.Reader) (*Table, error) { return ReadGloVe(r, "v.txt", Options{}) }
func bin(r io.Reader) (*Table, error)   { return ReadWord2VecBinary(r, "v.bin", Options{}) }
func tsv(r io.Reader) (*Table, error)   { return ReadTSV(r, "v.tsv", nil, "", Options{}) }

func TestTextVariants(t *testing.T) {
	// Tabs, trailing spaces, CRLF, a byte order mark and blank lines.
	in := "\ufeff2 3\r\nx\t1 2  3 \r\n\r\ny -1\t-2 -3e-2\r\n"
	tab, err := ReadWord2VecText(strings.NewReader(in), "v.txt", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tab.Keys, []string{"x", "y"}) || !slices.Equal(tab.Vectors, []float32{1, 2, 3, -1, -2, -0.03}) {
		t.Fatalf("%q %v", tab.Keys, tab.Vectors)
	}
	// A file without a header read as word2vec is GloVe.
	tab, err = ReadWord2VecText(strings.NewReader("a 1 2\nb 3 4\n"), "v.txt", Options{})
	if err != nil || tab.Len() != 2 {
		t.Fatal(err)
	}
	// The binary format with the C tool's newline after each vector, and
	// a CRLF header.
	b := []byte("2 2\r\n")
	for _, k := range []string{"a", "b"} {
		b = append(b, k+" "...)
		b = append(b, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, '\n')
	}
	tab, err = ReadWord2VecBinary(bytes.NewReader(b), "v.bin", Options{})
	if err != nil || !slices.Equal(tab.Vectors, []float32{1, 2, 1, 2}) {
		t.Fatalf("%v %v", tab, err)
	}
}

func TestTSVMetadata(t *testing.T) {
	vec := "1\t2\n3\t4\n5\t6\n"
	for _, tc := range []struct {
		meta         string
		keys, labels []string
		errMsg       string
	}{
		{"", []string{"0", "1", "2"}, nil, ""},
		{"a\nb\nc\n", []string{"a", "b", "c"}, nil, ""},
		{"cat\ndog\ncat\n", []string{"0", "1", "2"}, []string{"cat", "dog", "cat"}, ""},
		{"word\tpos\nrun\tverb\ndog\tnoun\nred\tadj\n", []string{"run", "dog", "red"}, []string{"verb", "noun", "adj"}, ""},
		{"label\tkey\nx\ta\ny\tb\nx\tc\n", []string{"a", "b", "c"}, []string{"x", "y", "x"}, ""},
		{"class\tsize\n1\tbig\n2\tsmall\n1\tbig\n", []string{"0", "1", "2"}, []string{"1", "2", "1"}, ""},
		{"name\tlabel\na\tx\na\ty\nb\tz\n", nil, nil, `m.tsv line 3: duplicate key "a" (first on line 2)`},
		{"a\nb\n", nil, nil, "2 metadata rows for 3 vectors"},
		{"k\tl\na\tx\nb\nc\tz\n", nil, nil, "m.tsv line 3: want 2 columns, got 1"},
	} {
		var meta io.Reader
		if tc.meta != "" {
			meta = strings.NewReader(tc.meta)
		}
		tab, err := ReadTSV(strings.NewReader(vec), "v.tsv", meta, "m.tsv", Options{})
		if tc.errMsg != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errMsg) {
				t.Errorf("%q: err = %v, want %q", tc.meta, err, tc.errMsg)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.meta, err)
			continue
		}
		if !slices.Equal(tab.Keys, tc.keys) || !slices.Equal(tab.Labels, tc.labels) {
			t.Errorf("%q: keys %q labels %q, want %q %q", tc.meta, tab.Keys, tab.Labels, tc.keys, tc.labels)
		}
	}
}

func TestMaxMemory(t *testing.T) {
	dir := t.TempDir()
	// A real 2000×50 file: 400 kB of vectors.
	tab := &Table{Dim: 50}
	for i := range 2000 {
		tab.Keys = append(tab.Keys, "w"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+itoa(i))
		for j := range 50 {
			tab.Vectors = append(tab.Vectors, float32(i*j%17)/7)
		}
	}
	for _, f := range []string{"m.txt", "m.bin", "m_vectors.tsv", "m.npy", "m.csv", "m.glove"} {
		path := filepath.Join(dir, f)
		format := ""
		if f == "m.glove" {
			format = "glove"
		}
		if err := Save(path, tab, Options{Format: format}); err != nil {
			t.Fatal(err)
		}
		var log bytes.Buffer
		_, err := Load(path, Options{Format: format, MaxMemory: 100 << 10, Log: &log})
		if err == nil || !strings.Contains(err.Error(), f) || !strings.Contains(err.Error(), "more than the limit of 100 KiB") && !strings.Contains(err.Error(), "memory limit of 100 KiB") {
			t.Errorf("%s: err = %v, want a refusal naming the file and the limit", f, err)
		}
		if _, err := Load(path, Options{Format: format, MaxMemory: 2 << 20}); err != nil {
			t.Errorf("%s: with room: %v", f, err)
		}
	}
	// A header that lies: 10¹² rows of 100 values in a tiny file. Without a
	// limit it is read as what it is (too short); with one it is refused
	// without allocating.
	lie := "1000000000000 100\nx" + strings.Repeat(" 1", 100) + "\n"
	_, err := ReadWord2VecText(strings.NewReader(lie), "lie.txt", Options{})
	if err == nil || !strings.Contains(err.Error(), "header promises 1000000000000 vectors, the file has 1") {
		t.Errorf("lying header: %v", err)
	}
	_, err = ReadWord2VecText(struct{ io.Reader }{strings.NewReader(lie)}, "lie.txt", Options{MaxMemory: 1 << 30})
	if err == nil || !strings.Contains(err.Error(), "lie.txt: 1000000000000 vectors of dimension 100 need about 429.3 TiB of memory, more than the limit of 1 GiB") {
		t.Errorf("lying header with a limit: %v", err)
	}
	defer func(v int64) { logAtBytes = v }(logAtBytes)
	logAtBytes = 1 << 10
	var log bytes.Buffer
	if _, err := Load(filepath.Join(dir, "m.bin"), Options{Log: &log}); err != nil || !strings.Contains(log.String(), "reading m.bin: 2000 vectors of dimension 50, about") {
		t.Errorf("log = %q, %v", log.String(), err)
	}
}

func itoa(i int) string {
	return strings.TrimSpace(strings.Repeat(" ", 0) + string(rune('0'+i/1000%10)) + string(rune('0'+i/100%10)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10)))
}

func TestSizes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"512MB", 512e6, true},
		{"2GiB", 2 << 30, true},
		{"2gib", 2 << 30, true},
		{"1.5G", 3 << 29, true},
		{"300k", 300 << 10, true},
		{"4096", 4096, true},
		{"10 kB", 10000, true},
		{"7B", 7, true},
		{"", 0, false},
		{"lots", 0, false},
		{"5 parsecs", 0, false},
		{"-1MB", 0, false},
		{"1e30TB", 0, false},
	} {
		got, err := ParseSize(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseSize(%q) = %d, %v", tc.in, got, err)
		}
	}
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1 KiB", 1536: "1.5 KiB", 2 << 30: "2 GiB", 364 << 40: "364 TiB"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestWriteErrors(t *testing.T) {
	for _, tc := range []struct {
		keys   []string
		write  func(io.Writer, *Table) error
		errMsg string
	}{
		{[]string{"a b"}, WriteWord2VecText, `key "a b": word2vec and GloVe keys cannot hold white space`},
		{[]string{"a\tb"}, WriteWord2VecBinary, "word2vec binary keys cannot hold white space"},
		{[]string{""}, WriteGloVe, "empty key"},
		{[]string{"a\nb"}, func(w io.Writer, t *Table) error { return WriteTSV(w, w, t) }, "TSV keys"},
		{[]string{"a", "a"}, WriteGloVe, `duplicate key "a"`},
	} {
		tab := &Table{Keys: tc.keys, Dim: 1, Vectors: make([]float32, len(tc.keys))}
		if err := tc.write(io.Discard, tab); err == nil || !strings.Contains(err.Error(), tc.errMsg) {
			t.Errorf("%q: err = %v, want %q", tc.keys, err, tc.errMsg)
		}
	}
}

func TestTable(t *testing.T) {
	tab := small(t)
	if i, ok := tab.Index("bé"); !ok || i != 1 {
		t.Fatalf("Index = %d, %v", i, ok)
	}
	if _, ok := tab.Index("zz"); ok {
		t.Fatal("found a missing key")
	}
	tab.Normalize()
	for i := range tab.Len() {
		var s float64
		for _, v := range tab.Row(i) {
			s += float64(v) * float64(v)
		}
		if math.Abs(s-1) > 1e-6 {
			t.Errorf("row %d has squared norm %v", i, s)
		}
	}
	z := &Table{Keys: []string{"z"}, Dim: 2, Vectors: []float32{0, 0}}
	z.Normalize()
	if z.Vectors[0] != 0 || z.Vectors[1] != 0 {
		t.Fatal("Normalize changed a zero vector")
	}
	// A table built by hand gets its index on first use.
	h := &Table{Keys: []string{"p", "q"}, Dim: 1, Vectors: []float32{1, 2}}
	if i, ok := h.Index("q"); !ok || i != 1 {
		t.Fatal("hand-built index")
	}
	h.Keys = append(h.Keys, "r")
	h.Vectors = append(h.Vectors, 3)
	if i, ok := h.Index("r"); !ok || i != 2 {
		t.Fatal("index not rebuilt after adding a key")
	}
	for _, bad := range []*Table{
		{Keys: []string{"a"}, Dim: 0},
		{Keys: []string{"a"}, Dim: 2, Vectors: []float32{1}},
		{Keys: []string{"a"}, Labels: []string{}, Dim: 1, Vectors: []float32{1}},
		{Keys: []string{"a"}, Dim: 1, Vectors: []float32{float32(math.NaN())}},
	} {
		if err := bad.Check(); err == nil {
			t.Errorf("Check(%+v) passed", bad)
		}
	}
	defer func() {
		if r, _ := recover().(string); !strings.HasPrefix(r, "embedding: Row(3)") {
			t.Errorf("recovered %q", r)
		}
	}()
	tab.Row(3)
}

func TestFormats(t *testing.T) {
	for in, want := range map[string]string{"w2v": FormatWord2Vec, "bin": FormatWord2VecBinary, "glove": FormatGloVe, "projector": FormatTSV, "npy": FormatNPY, "csv": FormatCSV} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("parquet"); err == nil {
		t.Error("ParseFormat(parquet) succeeded")
	}
	if _, err := Load("testdata/gensim.txt", Options{Format: "parquet"}); err == nil {
		t.Error("Load with an unknown format succeeded")
	}
	if _, err := Load("testdata/missing.txt", Options{}); err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("missing file: %v", err)
	}
}
