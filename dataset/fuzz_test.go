package dataset

import (
	"bytes"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkFuzzed checks what every reader promises of a Set it returns.
func checkFuzzed(t *testing.T, s *Set, err error) {
	if err != nil {
		if s != nil {
			t.Fatal("both a Set and an error")
		}
		if !strings.HasPrefix(err.Error(), "dataset: ") {
			t.Fatalf("error without the dataset: prefix: %v", err)
		}
		return
	}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	for i, v := range s.X {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("X[%d] = %v", i, v)
		}
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

func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"1,2,3\n4,5,6\n",
		"a,b,label\n1,2,x\n3,4,y\n",
		"\"q\",\"r\"\r\n1.5,-2e-3\r\n\r\n",
		"1\t2\n3\t4\n",
		"1,2\n3\n",
		"1,NaN\n",
		"x,y\n1,\"2\n",
	} {
		f.Add([]byte(s))
	}
	f.Add(gz([]byte("a,b\n1,2\n")))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, opt := range []Options{{}, {LabelColumn: "0"}, {LabelColumn: "label", Header: "yes"}, {Header: "no", Format: "tsv"}} {
			s, err := ReadCSV(bytes.NewReader(b), "f.csv", opt)
			checkFuzzed(t, s, err)
			if err == nil && opt.LabelColumn != "" && len(s.Labels) != s.N {
				t.Fatalf("%d labels for %d rows", len(s.Labels), s.N)
			}
		}
	})
}

func FuzzReadNPY(f *testing.F) {
	addFiles(f, "*.npy")
	f.Add(npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (4000000000, 4000000000), }", nil))
	f.Add(npy(2, "{'descr': '>f8', 'fortran_order': False, 'shape': (2, 1, 1), }", make([]byte, 16)))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ReadNPY(bytes.NewReader(b), "f.npy")
		checkFuzzed(t, s, err)
		// Unknown length: the reader must still not allocate what a
		// lying header promises (the fuzzer's memory limit would catch it).
		s, err = ReadNPY(struct{ io.Reader }{bytes.NewReader(b)}, "f.npy")
		checkFuzzed(t, s, err)
		if err == nil && s.N*s.D > len(b) {
			t.Fatalf("%d×%d elements from %d bytes", s.N, s.D, len(b))
		}
	})
}

func FuzzReadIDX(f *testing.F) {
	addFiles(f, "*.idx")
	addFiles(f, "*.idx.gz")
	f.Add(idx(0x08, []uint32{0xffffffff, 0xffffffff}, nil))
	f.Add(gz(idx(0x0E, []uint32{2, 1}, make([]byte, 16))))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ReadIDX(bytes.NewReader(b), "f.idx")
		checkFuzzed(t, s, err)
		s, err = ReadIDX(struct{ io.Reader }{bytes.NewReader(b)}, "f.idx")
		checkFuzzed(t, s, err)
	})
}
