package embedding

import (
	"bytes"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkFuzzed checks what every reader promises: an error with the package
// prefix and no table, or a consistent table of finite values that costs
// no more memory than the input justifies.
func checkFuzzed(t *testing.T, in []byte, tab *Table, err error, bytesPerValue int) {
	t.Helper()
	if err != nil {
		if tab != nil {
			t.Fatal("both a table and an error")
		}
		if !strings.HasPrefix(err.Error(), "embedding: ") {
			t.Fatalf("error without the embedding: prefix: %v", err)
		}
		if len(err.Error()) > 1000 {
			t.Fatalf("error of %d bytes", len(err.Error()))
		}
		return
	}
	if err := tab.Check(); err != nil {
		t.Fatal(err)
	}
	if tab.Len() == 0 {
		t.Fatal("an empty table without an error")
	}
	for _, v := range tab.Vectors {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("value %v", v)
		}
	}
	if len(tab.Vectors)*bytesPerValue > len(in)+4 {
		t.Fatalf("%d values from %d bytes", len(tab.Vectors), len(in))
	}
	if cap(tab.Vectors) > max(len(in), 1<<20) {
		t.Fatalf("capacity %d for %d bytes of input", cap(tab.Vectors), len(in))
	}
}

// addFiles seeds f with the testdata files matching pattern.
func addFiles(f *testing.F, pattern string) {
	names, _ := filepath.Glob(filepath.Join("testdata", pattern))
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// readers run a reader on b with a known and an unknown length.
func fuzzBoth(t *testing.T, b []byte, read func(io.Reader) (*Table, error), bytesPerValue int) {
	tab, err := read(bytes.NewReader(b))
	checkFuzzed(t, b, tab, err, bytesPerValue)
	tab2, err2 := read(struct{ io.Reader }{bytes.NewReader(b)})
	checkFuzzed(t, b, tab2, err2, bytesPerValue)
	if (err == nil) != (err2 == nil) {
		t.Fatalf("known length: %v; unknown length: %v", err, err2)
	}
}

func FuzzReadWord2VecText(f *testing.F) {
	addFiles(f, "*.txt")
	for _, s := range []string{
		"2 3\na 1 2 3\nb 4 5 6\n",
		"1000000000000 100\nx 1\n",
		"3 2\nthe 1 2\nthe 3 4\n",
		"1 2\n\xff 1 2\n",
		"1 2\nx 1\n",
		"1 1\nx NaN\n",
		"0 0\n",
		"\ufeff1 1\r\nx 1\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzBoth(t, b, func(r io.Reader) (*Table, error) { return ReadWord2VecText(r, "f.txt", Options{MaxMemory: 1 << 30}) }, 2)
	})
}

func FuzzReadGloVe(f *testing.F) {
	addFiles(f, "*noheader.txt")
	addFiles(f, "latent_glove.txt")
	for _, s := range []string{
		"a 1 2\nb 3 4\n",
		"a 1\na 2\n",
		"a 1 2\nb 3\n",
		"a\tinf\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzBoth(t, b, func(r io.Reader) (*Table, error) { return ReadGloVe(r, "f.txt", Options{}) }, 2)
	})
}

func FuzzReadWord2VecBinary(f *testing.F) {
	addFiles(f, "*.bin")
	for _, s := range []string{
		"1 1\na \x00\x00\x80\x3f",
		"2 1\na \x00\x00\x80\x3f\nb \x00\x00",
		"1000000000000 300\nx \x00\x00\x80\x3f",
		"1 1048576\nx ",
		"a \x00\x00\x80\x3fb \x00\x00\x00\x40",
		"\xff \x00\x00\x80\x3f",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzBoth(t, b, func(r io.Reader) (*Table, error) { return ReadWord2VecBinary(r, "f.bin", Options{}) }, 4)
	})
}

func FuzzReadTSV(f *testing.F) {
	f.Add([]byte("1\t2\n3\t4\n"), []byte("a\nb\n"))
	f.Add([]byte("1\t2\n3\t4\n"), []byte("word\tpos\nx\tn\ny\tv\n"))
	f.Add([]byte("1\t2\n3\n"), []byte(""))
	f.Add([]byte("1\n1\n"), []byte("a\na\n"))
	f.Add([]byte("0.5\n"), []byte("k\tl\n\xff\tx\n"))
	f.Fuzz(func(t *testing.T, vec, meta []byte) {
		for _, m := range [][]byte{nil, meta} {
			read := func(r io.Reader) (*Table, error) {
				var mr io.Reader
				if m != nil {
					mr = bytes.NewReader(m)
				}
				return ReadTSV(r, "v.tsv", mr, "m.tsv", Options{})
			}
			fuzzBoth(t, vec, read, 2)
		}
	})
}
