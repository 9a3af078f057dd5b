package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadIDXReference(t *testing.T) {
	refs := readReferences(t)
	for _, name := range []string{"images.idx", "images.idx.gz", "labels.idx", "f4_2d.idx"} {
		t.Run(name, func(t *testing.T) {
			ref := refs[name]
			b, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			s, err := ReadIDX(bytes.NewReader(b), name)
			if err != nil {
				t.Fatal(err)
			}
			checkReference(t, s, ref)
			s, err = ReadIDX(struct{ io.Reader }{bytes.NewReader(b)}, name)
			if err != nil {
				t.Fatal(err)
			}
			checkReference(t, s, ref)
		})
	}
}

// idx builds an IDX file.
func idx(typ byte, dims []uint32, data []byte) []byte {
	b := []byte{0, 0, typ, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return append(b, data...)
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func TestReadIDXTypes(t *testing.T) {
	be := binary.BigEndian
	tests := []struct {
		name string
		in   []byte
		x    []float32
	}{
		{"ubyte", idx(0x08, []uint32{2}, []byte{0, 255}), []float32{0, 255}},
		{"sbyte", idx(0x09, []uint32{2}, []byte{0x80, 1}), []float32{-128, 1}},
		{"int16", idx(0x0B, []uint32{1}, be.AppendUint16(nil, 0xfffe)), []float32{-2}},
		{"int32", idx(0x0C, []uint32{1}, be.AppendUint32(nil, 70000)), []float32{70000}},
		{"float32", idx(0x0D, []uint32{1}, be.AppendUint32(nil, math.Float32bits(-1.5))), []float32{-1.5}},
		{"float64", idx(0x0E, []uint32{1}, be.AppendUint64(nil, math.Float64bits(0.25))), []float32{0.25}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ReadIDX(bytes.NewReader(tt.in), "t.idx")
			if err != nil {
				t.Fatal(err)
			}
			if len(s.X) != len(tt.x) {
				t.Fatalf("X = %v, want %v", s.X, tt.x)
			}
			for i := range tt.x {
				if s.X[i] != tt.x[i] {
					t.Errorf("X = %v, want %v", s.X, tt.x)
				}
			}
		})
	}
}

func TestReadIDXErrors(t *testing.T) {
	good := idx(0x08, []uint32{2, 2, 2}, make([]byte, 8))
	badCRC := gz(good)
	badCRC[len(badCRC)-8] ^= 1
	tests := []struct {
		name string
		in   []byte
		err  string
	}{
		{"empty", nil, "dataset: x.idx: not an IDX file (too short)"},
		{"short", []byte{0, 0, 8}, "dataset: x.idx: not an IDX file (too short)"},
		{"magic", []byte{1, 0, 8, 1, 0, 0, 0, 1, 0}, "dataset: x.idx: not an IDX file (bad magic 01 00 08 01)"},
		{"type", []byte{0, 0, 7, 1, 0, 0, 0, 1, 0}, "dataset: x.idx: unknown IDX data type 0x07"},
		{"ndim0", []byte{0, 0, 8, 0}, "dataset: x.idx: IDX file with 0 dimensions"},
		{"dims", []byte{0, 0, 8, 3, 0, 0, 0, 1}, "dataset: x.idx: truncated IDX header"},
		{"truncated", good[:len(good)-1], "dataset: x.idx: truncated: header promises 8 bytes of data, file has 7"},
		{"truncated-gz", gz(good[:len(good)-1]), "dataset: x.idx: truncated: want 8 bytes of data, got 7"},
		{"cut-gz", gz(good)[:20], "dataset: x.idx: truncated"},
		{"crc", badCRC, "dataset: x.idx: gzip: invalid checksum"},
		{"zero", idx(0x08, []uint32{0, 28, 28}, nil), "dataset: x.idx: no data (shape [0 28 28])"},
		{"overflow", idx(0x0E, []uint32{0xffffffff, 0xffffffff, 0xffffffff}, nil), "dataset: x.idx: shape [4294967295 4294967295 4294967295] is too large"},
		{"lie", idx(0x08, []uint32{60000, 28, 28}, make([]byte, 100)), "dataset: x.idx: truncated: header promises 47040000 bytes of data, file has 100"},
		{"gz-lie", gz(idx(0x08, []uint32{60000, 28, 28}, make([]byte, 100))), "more than the compressed file can hold"},
		{"nan", idx(0x0D, []uint32{1, 2}, binary.BigEndian.AppendUint32(make([]byte, 4), math.Float32bits(float32(math.NaN())))), "dataset: x.idx: element 1 (row 0, column 1): NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ReadIDX(bytes.NewReader(tt.in), "x.idx")
			if err == nil {
				t.Fatalf("no error; got %+v", s)
			}
			if !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error %q\nwant   %q", err, tt.err)
			}
		})
	}
}
