package embedding

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// gensimRef is testdata/gensim_vectors.json, written by make_gensim.py.
type gensimRef struct {
	Tool    string
	Keys    []string
	Dim     int
	Vectors [][]float64
}

func loadGensimRef(t *testing.T) *Table {
	t.Helper()
	b, err := os.ReadFile("testdata/gensim_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref gensimRef
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	tab := &Table{Keys: ref.Keys, Dim: ref.Dim}
	for _, row := range ref.Vectors {
		for _, v := range row {
			tab.Vectors = append(tab.Vectors, float32(v))
		}
	}
	if err := tab.Check(); err != nil {
		t.Fatal(err)
	}
	return tab
}

// sameTable reports whether got has exactly want's keys and vectors, bit
// for bit (negative zero included).
func sameTable(t *testing.T, what string, got, want *Table) {
	t.Helper()
	if !slices.Equal(got.Keys, want.Keys) {
		t.Fatalf("%s: keys %q, want %q", what, got.Keys, want.Keys)
	}
	if got.Dim != want.Dim || len(got.Vectors) != len(want.Vectors) {
		t.Fatalf("%s: %d values of dimension %d, want %d of %d", what, len(got.Vectors), got.Dim, len(want.Vectors), want.Dim)
	}
	for i, v := range got.Vectors {
		if math.Float32bits(v) != math.Float32bits(want.Vectors[i]) {
			t.Fatalf("%s: key %q value %d is %v, want %v", what, got.Keys[i/got.Dim], i%got.Dim, v, want.Vectors[i])
		}
	}
	for i, k := range want.Keys {
		if j, ok := got.Index(k); !ok || j != i {
			t.Fatalf("%s: Index(%q) = %d, %v", what, k, j, ok)
		}
	}
}

// TestReadGensim reads every file gensim wrote (make_gensim.py) and checks
// the vectors are exactly gensim's.
func TestReadGensim(t *testing.T) {
	want := loadGensimRef(t)
	for _, tc := range []struct {
		file, format string
	}{
		{"gensim.txt", ""},
		{"gensim.txt", "word2vec"},
		{"gensim_noheader.txt", ""},
		{"gensim_noheader.txt", "glove"},
		{"gensim.bin", ""},
		{"gensim_noheader.bin", ""},
		{"gensim_noheader.bin", "bin"},
	} {
		got, err := Load(filepath.Join("testdata", tc.file), Options{Format: tc.format})
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		sameTable(t, tc.file, got, want)
	}
}

// TestWriteGolden writes the gensim vectors with latent's writers and
// compares with the golden files, which check_gensim_reads.py loads with
// gensim. Run with -update to rewrite them.
func TestWriteGolden(t *testing.T) {
	tab := loadGensimRef(t)
	for _, tc := range []struct {
		file  string
		write func(*bytes.Buffer) error
	}{
		{"latent.txt", func(b *bytes.Buffer) error { return WriteWord2VecText(b, tab) }},
		{"latent.bin", func(b *bytes.Buffer) error { return WriteWord2VecBinary(b, tab) }},
		{"latent_glove.txt", func(b *bytes.Buffer) error { return WriteGloVe(b, tab) }},
	} {
		var buf bytes.Buffer
		if err := tc.write(&buf); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", tc.file)
		if *update {
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		golden, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), golden) {
			t.Errorf("%s differs from the golden file (run with -update if the change is intended)", tc.file)
		}
		// And they read back exactly.
		got, err := Load(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		sameTable(t, tc.file, got, tab)
	}
}
