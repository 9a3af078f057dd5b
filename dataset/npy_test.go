package dataset

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// reference is one entry of testdata/expected.json, written by
// testdata/make_npy.py with numpy 1.24.2 (Debian python3-numpy).
type reference struct {
	Dtype  string    `json:"dtype"`
	Shape  []int     `json:"shape"`
	Values []float64 `json:"values"`
}

func readReferences(t *testing.T) map[string]reference {
	t.Helper()
	b, err := os.ReadFile("testdata/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var refs map[string]reference
	if err := json.Unmarshal(b, &refs); err != nil {
		t.Fatal(err)
	}
	return refs
}

// checkReference compares a Set read from testdata with what numpy wrote.
func checkReference(t *testing.T, s *Set, ref reference) {
	t.Helper()
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	n, d := ref.Shape[0], 1
	for _, v := range ref.Shape[1:] {
		d *= v
	}
	if s.N != n || s.D != d {
		t.Fatalf("N, D = %d, %d; want %d, %d", s.N, s.D, n, d)
	}
	wantShape := "[]"
	if len(ref.Shape) > 2 {
		wantShape = fmt.Sprint(ref.Shape[1:])
	}
	if fmt.Sprint(s.Shape) != wantShape {
		t.Errorf("Shape = %v, want %s", s.Shape, wantShape)
	}
	for i, v := range ref.Values {
		if s.X[i] != float32(v) {
			t.Errorf("X[%d] = %v, want %v", i, s.X[i], float32(v))
		}
	}
}

func TestReadNPYReference(t *testing.T) {
	refs := readReferences(t)
	for _, name := range []string{"f4_2d.npy", "f8_2d.npy", "f8_2d_be.npy", "u1_2d.npy", "f4_3d.npy", "f4_1d.npy", "f4_2d_v2.npy", "f4_2d_v3.npy", "i8_labels.npy", "i4_labels.npy"} {
		t.Run(name, func(t *testing.T) {
			ref, ok := refs[name]
			if !ok {
				t.Fatalf("%s missing from expected.json", name)
			}
			f, err := os.Open(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			s, err := ReadNPY(f, name)
			if err != nil {
				t.Fatal(err)
			}
			checkReference(t, s, ref)
			// The same through an io.Reader whose length is unknown.
			b, _ := os.ReadFile(filepath.Join("testdata", name))
			s2, err := ReadNPY(struct{ io.Reader }{bytes.NewReader(b)}, name)
			if err != nil {
				t.Fatal(err)
			}
			checkReference(t, s2, ref)
		})
	}
}

// npy builds an NPY file with the given header dict and data.
func npy(major byte, dict string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString(npyMagic)
	b.WriteByte(major)
	b.WriteByte(0)
	h := dict + "\n"
	if major == 1 {
		binary.Write(&b, binary.LittleEndian, uint16(len(h)))
	} else {
		binary.Write(&b, binary.LittleEndian, uint32(len(h)))
	}
	b.WriteString(h)
	b.Write(data)
	return b.Bytes()
}

func f4bytes(v ...float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

func TestReadNPYHeaders(t *testing.T) {
	tests := []struct {
		name, dict string
		x          string
	}{
		{"spaces", "{ 'descr' : '<f4' , 'fortran_order' : False , 'shape' : ( 2 , 1 ) }", "[1 2]"},
		{"order", "{'shape': (2,), 'fortran_order': False, 'descr': '<f4'}", "[1 2]"},
		{"double-quotes", `{"descr": "<f4", "fortran_order": False, "shape": (1, 2)}`, "[1 2]"},
		{"py2-long", "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 1L), }", "[1 2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ReadNPY(bytes.NewReader(npy(1, tt.dict, f4bytes(1, 2))), "h.npy")
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(s.X) != tt.x {
				t.Errorf("X = %v, want %s", s.X, tt.x)
			}
		})
	}
}

func TestReadNPYErrors(t *testing.T) {
	hdr := func(descr, shape string) string {
		return fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape)
	}
	fortran, err := os.ReadFile("testdata/f4_fortran.npy")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   []byte
		err  string
	}{
		{"empty", nil, "dataset: x.npy: not an NPY file (too short)"},
		{"magic", []byte("\x93NUMPX\x01\x00\x00\x00"), "dataset: x.npy: not an NPY file (bad magic)"},
		{"version", []byte("\x93NUMPY\x04\x00\x00\x00"), "dataset: x.npy: unsupported NPY format version 4.0"},
		{"short-header", []byte("\x93NUMPY\x01\x00\x50\x00{'descr'"), "dataset: x.npy: truncated NPY header"},
		{"huge-header", []byte("\x93NUMPY\x02\x00\xff\xff\xff\x7f"), "NPY header of 2147483647 bytes is too long"},
		{"fortran", fortran, "dataset: x.npy: Fortran-order arrays are not supported"},
		{"dtype", npy(1, hdr("<c8", "(1,)"), make([]byte, 8)), `dataset: x.npy: unsupported dtype "<c8"`},
		{"object", npy(1, hdr("|O", "(1,)"), nil), `unsupported dtype "|O"`},
		{"structured", npy(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", nil), "structured dtypes are not supported"},
		{"missing-key", npy(1, "{'descr': '<f4', 'shape': (1,)}", f4bytes(1)), `missing key "fortran_order"`},
		{"unknown-key", npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", f4bytes(1)), `unknown key "x"`},
		{"dup-key", npy(1, "{'descr': '<f4', 'descr': '<f4'}", nil), `key "descr" twice`},
		{"bad-bool", npy(1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", nil), "fortran_order: want True or False"},
		{"bad-dim", npy(1, hdr("<f4", "(-1,)"), nil), `shape: bad dimension ""`},
		{"trailing", npy(1, hdr("<f4", "(1,)")+" x", f4bytes(1)), "trailing text"},
		{"scalar", npy(1, hdr("<f4", "()"), f4bytes(1)), "dataset: x.npy: a scalar is not a data set"},
		{"zero-rows", npy(1, hdr("<f4", "(0, 3)"), nil), "dataset: x.npy: no data (shape [0 3])"},
		{"zero-cols", npy(1, hdr("<f4", "(3, 0)"), nil), "dataset: x.npy: no data (shape [3 0])"},
		{"truncated", npy(1, hdr("<f4", "(2, 2)"), f4bytes(1, 2, 3)), "dataset: x.npy: truncated: header promises 16 bytes of data, file has 12"},
		{"overflow", npy(1, hdr("<f4", "(4294967296, 4294967296)"), nil), "dataset: x.npy: shape [4294967296 4294967296] is too large"},
		{"overflow-int64", npy(1, hdr("<f4", "(99999999999999999999,)"), nil), "bad dimension"},
		{"huge", npy(1, hdr("<f8", "(100000000, 1000)"), f4bytes(1)), "dataset: x.npy: shape [100000000 1000] is too large"},
		{"lie", npy(3, hdr("|u1", "(1000000, 1000)"), make([]byte, 10)), "dataset: x.npy: truncated: header promises 1000000000 bytes of data, file has 10"},
		{"nan", npy(1, hdr("<f4", "(2, 3)"), f4bytes(1, 2, 3, 4, float32(math.NaN()), 6)), "dataset: x.npy: element 4 (row 1, column 1): NaN"},
		{"inf", npy(1, hdr("<f4", "(2,)"), f4bytes(float32(math.Inf(-1)), 0)), "dataset: x.npy: element 0 (row 0, column 0): -Inf"},
		{"f8-range", npy(1, hdr("<f8", "(1,)"), binary.LittleEndian.AppendUint64(nil, math.Float64bits(1e300))), "element 0 (row 0, column 0): 1e+300 is out of float32 range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ReadNPY(bytes.NewReader(tt.in), "x.npy")
			if err == nil {
				t.Fatalf("no error; got %+v", s)
			}
			if !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error %q\nwant   %q", err, tt.err)
			}
		})
	}
	// A lying header on a stream of unknown length fails without
	// allocating what it promises.
	in := npy(1, hdr("|u1", "(1000000, 10000)"), make([]byte, 10))
	_, err = ReadNPY(struct{ io.Reader }{bytes.NewReader(in)}, "x.npy")
	if err == nil || !strings.Contains(err.Error(), "dataset: x.npy: truncated: want 10000000000 bytes of data, got 10") {
		t.Errorf("stream: error %v", err)
	}
}

func TestWriteNPY(t *testing.T) {
	x := []float32{1, -2, 3.5, 1e-45, 3.4028235e38, 0}
	var buf bytes.Buffer
	if err := WriteNPY(&buf, 2, 3, x); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	hlen := int(binary.LittleEndian.Uint16(b[8:10]))
	if (10+hlen)%64 != 0 || b[10+hlen-1] != '\n' {
		t.Errorf("header of %d bytes is not padded to 64 with a final newline", hlen)
	}
	if want := "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"; !strings.HasPrefix(string(b[10:]), want) {
		t.Errorf("header %q", b[10:10+hlen])
	}
	s, err := ReadNPY(&buf, "w.npy")
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 2 || s.D != 3 || fmt.Sprint(s.X) != fmt.Sprint(x) {
		t.Errorf("round trip: %d×%d %v", s.N, s.D, s.X)
	}
	// The header numpy wrote for the same shape and dtype is the same.
	ref, err := os.ReadFile("testdata/f4_2d.npy")
	if err != nil {
		t.Fatal(err)
	}
	s, err = ReadNPY(bytes.NewReader(ref), "f4_2d.npy")
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	WriteNPY(&buf, s.N, s.D, s.X)
	if !bytes.Equal(buf.Bytes(), ref) {
		t.Errorf("WriteNPY output differs from numpy's for the same array:\n%q\n%q", buf.Bytes()[:80], ref[:80])
	}
}
