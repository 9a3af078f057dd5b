package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/canonical_*.safetensors from Write")

// golden is testdata/golden.json, written by testdata/make_golden.py.
type golden struct {
	Metadata map[string]string `json:"metadata"`
	Tensors  []struct {
		Name  string `json:"name"`
		DType string `json:"dtype"`
		Shape []int  `json:"shape"`
		Hex   string `json:"hex"`
	} `json:"tensors"`
}

func readTestFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func loadGolden(t *testing.T) golden {
	t.Helper()
	var g golden
	if err := json.Unmarshal(readTestFile(t, "golden.json"), &g); err != nil {
		t.Fatal(err)
	}
	return g
}

func decode(t *testing.T, b []byte) *File {
	t.Helper()
	f, err := Read(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func encode(t *testing.T, f *File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// checkGolden compares f with the content make_golden.py says it wrote.
func checkGolden(t *testing.T, f *File, g golden) {
	t.Helper()
	if !reflect.DeepEqual(f.Metadata, g.Metadata) {
		t.Errorf("metadata:\n got %q\nwant %q", f.Metadata, g.Metadata)
	}
	if len(f.Tensors) != len(g.Tensors) {
		t.Fatalf("got %d tensors, want %d", len(f.Tensors), len(g.Tensors))
	}
	for _, w := range g.Tensors {
		got, ok := f.Tensor(w.Name)
		if !ok {
			t.Errorf("tensor %q missing", w.Name)
			continue
		}
		if got.DType != w.DType || !slices.Equal(got.Shape, w.Shape) || hex.EncodeToString(got.Data) != w.Hex {
			t.Errorf("tensor %q: got %s %v %x, want %s %v %s", w.Name, got.DType, got.Shape, got.Data, w.DType, w.Shape, w.Hex)
		}
	}
}

// TestGolden reads a file written by hand in Python following the
// specification, checks every value, and checks that Write reproduces the
// file byte for byte.
func TestGolden(t *testing.T) {
	b := readTestFile(t, "golden.safetensors")
	f := decode(t, b)
	checkGolden(t, f, loadGolden(t))
	if got := encode(t, f); !bytes.Equal(got, b) {
		t.Errorf("Write does not reproduce golden.safetensors:\n got %q\nwant %q", got, b)
	}
	w, shape, err := f.F32("encoder.weight")
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{0.5, -1.25, 3.0, 1e-8, float32(math.Copysign(0, -1)), 65504}
	if !slices.Equal(shape, []int{2, 3}) || !slices.Equal(w, want) || !math.Signbit(float64(w[4])) {
		t.Errorf("F32(encoder.weight) = %v %v, want %v [2 3]", w, shape, want)
	}
	// Tensors come back in the order of their data, which for this
	// file is name order.
	var names []string
	for _, tt := range f.Tensors {
		names = append(names, tt.Name)
	}
	if !slices.IsSorted(names) {
		t.Errorf("tensor order %q, want sorted", names)
	}
}

// TestGoldenLoose reads a valid but non-canonical file (indented header, no
// padding, header and buffer in different orders, an unknown field) and
// checks that Write turns it into the canonical golden bytes.
func TestGoldenLoose(t *testing.T) {
	f := decode(t, readTestFile(t, "golden_loose.safetensors"))
	g := loadGolden(t)
	checkGolden(t, f, g)
	// make_golden.py laid the buffer out as names[3:] + names[:3].
	var want, got []string
	for _, tt := range g.Tensors {
		want = append(want, tt.Name)
	}
	want = append(want[3:], want[:3]...)
	for _, tt := range f.Tensors {
		got = append(got, tt.Name)
	}
	if !slices.Equal(got, want) {
		t.Errorf("tensor order %q, want buffer order %q", got, want)
	}
	if got, want := encode(t, f), readTestFile(t, "golden.safetensors"); !bytes.Equal(got, want) {
		t.Errorf("Write(loose) is not the canonical file:\n got %q\nwant %q", got, want)
	}
}

// TestCanonical pins the exact bytes Write produces for small files, kept
// in testdata/canonical_*.safetensors (regenerate with -update and review
// the diff). The empty file matches the reference implementation's own
// test vector: length 8, "{}" and six spaces.
func TestCanonical(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    *File
	}{
		{"empty", &File{}},
		{"f32", func() *File {
			f := &File{Metadata: map[string]string{"latent": `{"k":1}`}}
			f.AddF32("w", []int{2, 2}, []float32{1, 2, 3, 4})
			f.AddF32("b", []int{2}, []float32{-1, 0.5})
			return f
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := encode(t, tc.f)
			path := filepath.Join("testdata", "canonical_"+tc.name+".safetensors")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("got %q\nwant %q", got, want)
			}
			if (len(got)-8)%8 != 0 {
				t.Errorf("header of %d bytes is not padded to 8", len(got)-8)
			}
		})
	}
	if got, want := encode(t, &File{}), []byte("\x08\x00\x00\x00\x00\x00\x00\x00{}      "); !bytes.Equal(got, want) {
		t.Errorf("empty file: got %q, want %q", got, want)
	}
}

func TestRoundTrip(t *testing.T) {
	f := &File{Metadata: map[string]string{}}
	for i := range 40 {
		f.Metadata[fmt.Sprintf("key%02d", i)] = strings.Repeat("\"é\n", i)
	}
	f.AddF32("z", []int{3, 1, 2}, []float32{1, 2, 3, 4, 5, float32(math.Inf(-1))})
	f.AddF32("a", []int{}, []float32{7})
	f.AddF32("m", []int{0}, nil)
	f.Add(Tensor{Name: "i", DType: "I32", Shape: []int{2}, Data: []byte{1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}})
	b1 := encode(t, f)
	b2 := encode(t, f)
	if !bytes.Equal(b1, b2) {
		t.Fatal("Write is not deterministic")
	}
	g := decode(t, b1)
	if !reflect.DeepEqual(g.Metadata, f.Metadata) {
		t.Errorf("metadata did not round-trip")
	}
	for _, want := range f.Tensors {
		got, ok := g.Tensor(want.Name)
		if !ok {
			t.Fatalf("tensor %q lost", want.Name)
		}
		if got.DType != want.DType || !slices.Equal(got.Shape, want.Shape) || !bytes.Equal(got.Data, want.Data) {
			t.Errorf("tensor %q: got %+v, want %+v", want.Name, *got, want)
		}
	}
	v, shape, err := g.F32("z")
	if err != nil || !slices.Equal(shape, []int{3, 1, 2}) || v[5] != float32(math.Inf(-1)) {
		t.Errorf("F32(z) = %v, %v, %v", v, shape, err)
	}
	if !bytes.Equal(encode(t, g), b1) {
		t.Error("Write(Read(b)) != b")
	}
	if n := binary.LittleEndian.Uint64(b1); (8+n)%8 != 0 {
		t.Errorf("data buffer starts at byte %d, not 8-byte aligned", 8+n)
	}
}

func TestF32Errors(t *testing.T) {
	f := &File{}
	f.Add(Tensor{Name: "i", DType: "I32", Shape: []int{1}, Data: make([]byte, 4)})
	if _, _, err := f.F32("nope"); err == nil || !strings.Contains(err.Error(), `no tensor "nope"`) {
		t.Errorf("missing tensor: err = %v", err)
	}
	if _, _, err := f.F32("i"); err == nil || !strings.Contains(err.Error(), `tensor "i": dtype I32, want F32`) {
		t.Errorf("wrong dtype: err = %v", err)
	}
}

func TestAddPanics(t *testing.T) {
	for _, tc := range []struct {
		name string
		add  func(f *File)
		want string
	}{
		{"short data", func(f *File) { f.AddF32("x", []int{2, 2}, make([]float32, 3)) }, `"x": F32 shape [2 2] needs 16 bytes, data has 12`},
		{"duplicate", func(f *File) { f.AddF32("x", []int{1}, []float32{1}); f.AddF32("x", []int{1}, []float32{1}) }, `duplicate tensor name "x"`},
		{"negative", func(f *File) { f.AddF32("x", []int{-1}, nil) }, "negative dimension"},
		{"reserved", func(f *File) { f.AddF32("__metadata__", []int{1}, []float32{1}) }, "reserved"},
		{"dtype", func(f *File) { f.Add(Tensor{Name: "x", DType: "F128"}) }, `unknown dtype "F128"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				s, _ := r.(string)
				if !strings.HasPrefix(s, "safetensors: ") || !strings.Contains(s, tc.want) {
					t.Errorf("panic %v, want one containing %q", r, tc.want)
				}
			}()
			tc.add(&File{})
		})
	}
}

func TestWriteErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    *File
		want string
	}{
		{"duplicate", &File{Tensors: []Tensor{{Name: "a", DType: "U8", Shape: []int{0}}, {Name: "a", DType: "U8", Shape: []int{0}}}}, `duplicate tensor name "a"`},
		{"size", &File{Tensors: []Tensor{{Name: "a", DType: "F64", Shape: []int{2}, Data: make([]byte, 8)}}}, `"a": F64 shape [2] needs 16 bytes, data has 8`},
		{"packed", &File{Tensors: []Tensor{{Name: "p", DType: "F4", Shape: []int{3}, Data: make([]byte, 1)}}}, "12 bits is not a whole number of bytes"},
		{"name utf8", &File{Tensors: []Tensor{{Name: "\xff", DType: "U8"}}}, "not valid UTF-8"},
		{"metadata utf8", &File{Metadata: map[string]string{"k": "\xfe"}}, `metadata key "k"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Write(&buf, tc.f)
			if err == nil || !strings.HasPrefix(err.Error(), "safetensors: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes before failing", buf.Len())
			}
		})
	}
}

// raw builds a file from a header string and a data buffer.
func raw(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(b, header...)
	return append(b, data...)
}

// corrupt are malformed files with a substring of the error Read must
// return. They also seed FuzzRead.
var corrupt = []struct {
	name string
	file []byte
	want string
}{
	{"empty", nil, "too short"},
	{"short", []byte{1, 0, 0}, "too short"},
	{"huge header length", binary.LittleEndian.AppendUint64(nil, 1<<60), "exceeds the limit"},
	{"header length max", binary.LittleEndian.AppendUint64(nil, math.MaxUint64), "exceeds the limit"},
	{"header past end", append(binary.LittleEndian.AppendUint64(nil, 100), "{}"...), "header length 100 exceeds the 2 bytes"},
	{"not utf8", raw("{\"\xff\":1}", nil), "not valid UTF-8"},
	{"not object", raw("[]", nil), "does not start with '{'"},
	{"empty header", raw("", nil), "does not start with '{'"},
	{"bad json", raw(`{"a":`, nil), "unexpected end of JSON"},
	{"bad json 2", raw(`{"a" 1}`, nil), "invalid JSON"},
	{"truncated object", raw(`{"a":{"dtype":"F32"`, nil), "unexpected end"},
	{"trailing", raw(`{} x`, nil), "data after the JSON object"},
	{"trailing object", raw(`{}{}`, nil), "data after the JSON object"},
	{"duplicate tensor", raw(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`, []byte{1, 2}), `duplicate key "a"`},
	{"duplicate field", raw(`{"a":{"dtype":"U8","dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, []byte{1}), `tensor "a": duplicate key "dtype"`},
	{"duplicate metadata", raw(`{"__metadata__":{"k":"1","k":"2"}}`, nil), `__metadata__: duplicate key "k"`},
	{"metadata number", raw(`{"__metadata__":{"k":1}}`, nil), `value of "k" is the number 1, want a string`},
	{"metadata array", raw(`{"__metadata__":[]}`, nil), "__metadata__: want a JSON object"},
	{"tensor not object", raw(`{"a":3}`, nil), `tensor "a": want a JSON object`},
	{"unknown dtype", raw(`{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}`, make([]byte, 16)), `tensor "a": unknown dtype "F128"`},
	{"dtype number", raw(`{"a":{"dtype":4,"shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), `tensor "a": dtype is the number 4`},
	{"missing dtype", raw(`{"a":{"shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), `tensor "a": missing dtype`},
	{"missing shape", raw(`{"a":{"dtype":"F32","data_offsets":[0,4]}}`, make([]byte, 4)), `tensor "a": missing shape`},
	{"missing offsets", raw(`{"a":{"dtype":"F32","shape":[1]}}`, make([]byte, 4)), `tensor "a": missing data_offsets`},
	{"negative dim", raw(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, make([]byte, 4)), `tensor "a": shape holds -1`},
	{"fractional dim", raw(`{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}`, make([]byte, 4)), `tensor "a": shape holds 1.5`},
	{"exponent dim", raw(`{"a":{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}}`, make([]byte, 4)), `tensor "a": shape holds 1e0`},
	{"dim too big for u64", raw(`{"a":{"dtype":"F32","shape":[18446744073709551616],"data_offsets":[0,4]}}`, make([]byte, 4)), `shape holds 18446744073709551616`},
	{"string dim", raw(`{"a":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}}`, make([]byte, 4)), `shape holds a string`},
	{"shape not array", raw(`{"a":{"dtype":"F32","shape":1,"data_offsets":[0,4]}}`, make([]byte, 4)), `shape is the number 1, want an array`},
	{"three offsets", raw(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}`, make([]byte, 4)), "data_offsets has 3 values, want 2"},
	{"end before begin", raw(`{"a":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}`, make([]byte, 4)), `tensor "a": data_offsets [4, 0] end before they begin`},
	{"gap at start", raw(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}`, make([]byte, 4)), `tensor "a": data_offsets [2, 4] leave a gap after byte 0`},
	{"gap between", raw(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"b":{"dtype":"U8","shape":[1],"data_offsets":[2,3]}}`, make([]byte, 3)), `tensor "b": data_offsets [2, 3] leave a gap after byte 1`},
	{"overlap", raw(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}`, make([]byte, 3)), `data_offsets [1, 3] overlap the previous tensor, which ends at 2`},
	{"same range", raw(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}`, make([]byte, 2)), `tensor "b": data_offsets [0, 2] overlap`},
	{"past buffer", raw(`{"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}}`, make([]byte, 4)), `tensor "a": data_offsets [0, 8] run past the 4-byte data buffer`},
	{"huge offsets", raw(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,18446744073709551615]}}`, make([]byte, 4)), `run past the 4-byte data buffer`},
	{"size mismatch", raw(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, make([]byte, 4)), `tensor "a": F32 shape [2] needs 8 bytes, data_offsets [0, 4] hold 4`},
	{"count overflow", raw(`{"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,4]}}`, make([]byte, 4)), `tensor "a": shape [4294967296 4294967296 16]: element count overflows`},
	{"bytes overflow", raw(`{"a":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,4]}}`, make([]byte, 4)), `byte size overflows`},
	{"zero dim hides huge dim", raw(`{"a":{"dtype":"F32","shape":[0,9223372036854775808],"data_offsets":[0,0]}}`, nil), `dimension 9223372036854775808 too large`},
	{"packed odd", raw(`{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,1]}}`, make([]byte, 1)), "12 bits is not a whole number of bytes"},
	{"uncovered tail", raw(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}`, make([]byte, 5)), "tensors cover 2 bytes of the 5-byte data buffer"},
	{"no tensors but data", raw(`{}`, make([]byte, 1)), "tensors cover 0 bytes of the 1-byte data buffer"},
}

func TestReadCorrupt(t *testing.T) {
	for _, tc := range corrupt {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Read(bytes.NewReader(tc.file), int64(len(tc.file)))
			if err == nil {
				t.Fatalf("Read succeeded: %+v", f)
			}
			if !strings.HasPrefix(err.Error(), "safetensors: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestReadValidEdges checks files the format allows that are easy to get
// wrong: null metadata, empty and scalar tensors, and several empty
// tensors at the same offset.
func TestReadValidEdges(t *testing.T) {
	b := raw(`{"__metadata__":null,"s":{"dtype":"F64","shape":[],"data_offsets":[0,8]},"e2":{"dtype":"U8","shape":[0],"data_offsets":[8,8]},"e1":{"dtype":"F4","shape":[2,0],"data_offsets":[8,8]}}    `, make([]byte, 8))
	f := decode(t, b)
	if f.Metadata != nil {
		t.Errorf("metadata = %v, want nil", f.Metadata)
	}
	var names []string
	for _, tt := range f.Tensors {
		names = append(names, tt.Name)
	}
	if want := []string{"s", "e1", "e2"}; !slices.Equal(names, want) {
		t.Errorf("order %q, want %q", names, want)
	}
}

func TestReadShortInput(t *testing.T) {
	b := readTestFile(t, "golden.safetensors")
	// The caller claims more bytes than the reader has.
	_, err := Read(bytes.NewReader(b), int64(len(b))+1)
	if err == nil || !strings.Contains(err.Error(), "safetensors: ") {
		t.Errorf("err = %v", err)
	}
	_, err = Read(bytes.NewReader(b[:len(b)-1]), int64(len(b)))
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("err = %v, want unexpected EOF", err)
	}
	_, err = Read(bytes.NewReader(b[:20]), int64(len(b)))
	if err == nil || !strings.Contains(err.Error(), "reading header") {
		t.Errorf("err = %v, want a header read error", err)
	}
}

// TestReadLyingSize checks that a size far beyond the real input does not
// make Read allocate it.
func TestReadLyingSize(t *testing.T) {
	b := raw(`{"a":{"dtype":"U8","shape":[1099511627776],"data_offsets":[0,1099511627776]}}`, make([]byte, 10))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Read(bytes.NewReader(b), int64(len(b))-10+1<<40)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "reading data") {
		t.Errorf("err = %v, want a data read error", err)
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 16<<20 {
		t.Errorf("Read allocated %d bytes for a 10-byte buffer", d)
	}
}

func TestFiles(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "m.safetensors")
	f := &File{Metadata: map[string]string{"latent": "{}"}}
	f.AddF32("w", []int{2}, []float32{1, 2})
	if err := WriteFile(name, f); err != nil {
		t.Fatal(err)
	}
	g, err := ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if v, _, err := g.F32("w"); err != nil || !slices.Equal(v, []float32{1, 2}) || g.Metadata["latent"] != "{}" {
		t.Errorf("ReadFile: %v %v %v", v, err, g.Metadata)
	}
	// A failed write leaves neither the file nor a temporary behind.
	bad := &File{Tensors: []Tensor{{Name: "x", DType: "??"}}}
	if err := WriteFile(filepath.Join(dir, "bad.safetensors"), bad); err == nil {
		t.Error("WriteFile of an invalid file succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only m.safetensors", len(entries))
	}
	if _, err := ReadFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("ReadFile of a missing file succeeded")
	}
	if err := os.WriteFile(filepath.Join(dir, "junk"), []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(filepath.Join(dir, "junk")); err == nil || !strings.Contains(err.Error(), "junk: safetensors:") {
		t.Errorf("ReadFile(junk) err = %v, want it to name the file", err)
	}
}

// FuzzRead checks that Read never panics, and that whatever it accepts
// Write can write and Read reads back to the same content, in canonical
// bytes that are a fixed point of Read+Write.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"golden.safetensors", "golden_loose.safetensors", "canonical_f32.safetensors", "canonical_empty.safetensors"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, tc := range corrupt {
		f.Add(tc.file)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Read(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "safetensors: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, file); err != nil {
			t.Fatalf("Write of a file Read accepted: %v", err)
		}
		c1 := buf.Bytes()
		again, err := Read(bytes.NewReader(c1), int64(len(c1)))
		if err != nil {
			t.Fatalf("Read of written file: %v", err)
		}
		if len(again.Tensors) != len(file.Tensors) || len(again.Metadata) != len(file.Metadata) {
			t.Fatalf("content changed in the round trip")
		}
		for k, v := range file.Metadata {
			if again.Metadata[k] != v {
				t.Fatalf("metadata %q changed", k)
			}
		}
		for _, want := range file.Tensors {
			got, ok := again.Tensor(want.Name)
			if !ok || got.DType != want.DType || !slices.Equal(got.Shape, want.Shape) || !bytes.Equal(got.Data, want.Data) {
				t.Fatalf("tensor %q changed", want.Name)
			}
		}
		var buf2 bytes.Buffer
		if err := Write(&buf2, again); err != nil || !bytes.Equal(buf2.Bytes(), c1) {
			t.Fatalf("canonical bytes are not a fixed point (err %v)", err)
		}
	})
}
