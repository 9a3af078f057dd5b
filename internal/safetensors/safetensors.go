// Package safetensors reads and writes the safetensors container format
// (https://github.com/huggingface/safetensors), the weight file that
// PyTorch, JAX and the Hugging Face tools load without executing code.
//
// A file is an 8-byte little-endian unsigned length N, then N bytes of
// UTF-8 JSON header, then a byte buffer. The header maps each tensor name to
// its dtype, shape and the [begin, end) byte range of its data within the
// buffer, and may hold a "__metadata__" object of string→string pairs. The
// tensors are stored little-endian in C (row-major) order and their ranges
// tile the buffer exactly, with no gaps and no overlap.
//
// The package is written by hand rather than imported because the format is
// small (a length, a JSON header and a byte buffer) and no maintained pure-Go
// implementation is among latent's dependencies; owning it lets the reader be
// strict about hostile input (it is fuzzed) and the writer be byte-for-byte
// deterministic.
//
// Write produces deterministic bytes: the header is compact JSON with
// "__metadata__" first (when there is any) and its keys sorted, then the
// tensors sorted by name, laid out in the buffer in that same order, and the
// header is padded with spaces to a multiple of 8 bytes so that every tensor
// whose size is a multiple of 8 starts 8-byte aligned.
package safetensors

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/latent-go/latent/internal/atomicfile"
)

// MaxHeaderSize is the largest header, in bytes, that Read accepts. It is
// the limit of the reference implementation (100 MB); a larger length
// prefix is taken as a corrupt or hostile file rather than allocated.
const MaxHeaderSize = 100_000_000

// metadataKey is the reserved header key that holds the free-form metadata.
const metadataKey = "__metadata__"

// dtypeBits gives the size in bits of one element of each dtype the format
// defines. Sub-byte dtypes (F4, F6_*) are packed; a tensor of them must
// occupy a whole number of bytes.
var dtypeBits = map[string]uint64{
	"BOOL": 8, "U8": 8, "I8": 8,
	"F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8, "F8_E4M3FNUZ": 8, "F8_E5M2FNUZ": 8,
	"I16": 16, "U16": 16, "F16": 16, "BF16": 16,
	"I32": 32, "U32": 32, "F32": 32,
	"I64": 64, "U64": 64, "F64": 64, "C64": 64,
	"F4": 4, "F6_E2M3": 6, "F6_E3M2": 6,
}

// Tensor is one named array of a File.
type Tensor struct {
	// Name is the tensor's key in the header; names are unique within a
	// file and must be valid UTF-8 other than "__metadata__".
	Name string
	// DType is the element type as the format spells it: "F32", "F64",
	// "I64", "U8", "BF16", ...
	DType string
	// Shape is the size of each dimension; an empty shape is a scalar.
	Shape []int
	// Data holds the elements, little-endian, in C order. Its length is
	// the product of Shape times the element size.
	Data []byte
}

// File is the decoded content of a safetensors file.
type File struct {
	// Metadata holds the header's "__metadata__" pairs; nil or empty
	// writes no "__metadata__" entry. Keys and values must be valid
	// UTF-8; any such string round-trips exactly.
	Metadata map[string]string
	// Tensors are the arrays of the file. Read returns them in the order
	// of their data in the file; Write stores them sorted by name whatever
	// their order here.
	Tensors []Tensor
}

// Add appends t to f. It panics if t's name is already in f or if its
// dtype, shape and data length disagree: those are programming mistakes.
func (f *File) Add(t Tensor) {
	if _, ok := f.Tensor(t.Name); ok {
		panic(fmt.Sprintf("safetensors: Add: duplicate tensor name %q", t.Name))
	}
	if err := checkTensor(&t); err != nil {
		panic(err.Error())
	}
	f.Tensors = append(f.Tensors, t)
}

// AddF32 appends a float32 tensor of the given shape, copying data into
// little-endian bytes. It panics if name is already in f or if data does
// not have exactly the number of elements that shape implies.
func (f *File) AddF32(name string, shape []int, data []float32) {
	b := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	f.Add(Tensor{Name: name, DType: "F32", Shape: slices.Clone(shape), Data: b})
}

// Tensor returns the tensor called name, and whether there is one.
func (f *File) Tensor(name string) (*Tensor, bool) {
	for i := range f.Tensors {
		if f.Tensors[i].Name == name {
			return &f.Tensors[i], true
		}
	}
	return nil, false
}

// F32 returns a copy of the float32 tensor called name and its shape. It
// returns an error if there is no such tensor or if its dtype is not F32.
func (f *File) F32(name string) ([]float32, []int, error) {
	t, ok := f.Tensor(name)
	if !ok {
		return nil, nil, fmt.Errorf("safetensors: no tensor %q", name)
	}
	if t.DType != "F32" {
		return nil, nil, fmt.Errorf("safetensors: tensor %q: dtype %s, want F32", name, t.DType)
	}
	if len(t.Data)%4 != 0 {
		return nil, nil, fmt.Errorf("safetensors: tensor %q: %d data bytes is not a whole number of F32 values", name, len(t.Data))
	}
	v := make([]float32, len(t.Data)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:]))
	}
	return v, slices.Clone(t.Shape), nil
}

// AddF64 appends a float64 tensor of the given shape, as AddF32 does.
func (f *File) AddF64(name string, shape []int, data []float64) {
	b := make([]byte, 8*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
	}
	f.Add(Tensor{Name: name, DType: "F64", Shape: slices.Clone(shape), Data: b})
}

// F64 returns a copy of the float64 tensor called name and its shape, as F32
// does for float32.
func (f *File) F64(name string) ([]float64, []int, error) {
	t, ok := f.Tensor(name)
	if !ok {
		return nil, nil, fmt.Errorf("safetensors: no tensor %q", name)
	}
	if t.DType != "F64" {
		return nil, nil, fmt.Errorf("safetensors: tensor %q: dtype %s, want F64", name, t.DType)
	}
	if len(t.Data)%8 != 0 {
		return nil, nil, fmt.Errorf("safetensors: tensor %q: %d data bytes is not a whole number of F64 values", name, len(t.Data))
	}
	v := make([]float64, len(t.Data)/8)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(t.Data[8*i:]))
	}
	return v, slices.Clone(t.Shape), nil
}

// byteSize returns the number of data bytes a tensor of this dtype and
// shape occupies, or an error naming what is wrong (unknown dtype,
// negative dimension, overflow, packed dtype not filling whole bytes).
func byteSize(dtype string, shape []uint64) (uint64, error) {
	b, ok := dtypeBits[dtype]
	if !ok {
		return 0, fmt.Errorf("unknown dtype %q", dtype)
	}
	n := uint64(1)
	for _, s := range shape {
		hi, lo := bits.Mul64(n, s)
		if hi != 0 {
			return 0, fmt.Errorf("shape %v: element count overflows", shape)
		}
		n = lo
	}
	hi, nb := bits.Mul64(n, b)
	if hi != 0 {
		return 0, fmt.Errorf("shape %v: byte size overflows", shape)
	}
	if nb%8 != 0 {
		return 0, fmt.Errorf("shape %v of %s: %d bits is not a whole number of bytes", shape, dtype, nb)
	}
	return nb / 8, nil
}

// checkTensor reports whether t can be written: a valid name, a known
// dtype and a data length that matches the shape.
func checkTensor(t *Tensor) error {
	if t.Name == metadataKey {
		return fmt.Errorf("safetensors: tensor name %q is reserved", t.Name)
	}
	if !utf8.ValidString(t.Name) {
		return fmt.Errorf("safetensors: tensor name %q is not valid UTF-8", t.Name)
	}
	shape := make([]uint64, len(t.Shape))
	for i, s := range t.Shape {
		if s < 0 {
			return fmt.Errorf("safetensors: tensor %q: negative dimension in shape %v", t.Name, t.Shape)
		}
		shape[i] = uint64(s)
	}
	n, err := byteSize(t.DType, shape)
	if err != nil {
		return fmt.Errorf("safetensors: tensor %q: %v", t.Name, err)
	}
	if n != uint64(len(t.Data)) {
		return fmt.Errorf("safetensors: tensor %q: %s shape %v needs %d bytes, data has %d", t.Name, t.DType, t.Shape, n, len(t.Data))
	}
	return nil
}

// appendString appends s as a JSON string. Only '"', '\\' and control
// characters are escaped (\b \f \n \r \t by name, the rest as \u00XX);
// everything else, HTML characters and U+2028/U+2029 included, is copied
// as UTF-8. This is the compact form serde_json and Python's
// json.dumps(ensure_ascii=False) produce.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// Write writes f to w in the safetensors format. The bytes depend only on
// the content of f, not on map iteration or the order of f.Tensors (see
// the package documentation). It returns an error, before writing anything,
// if a tensor is inconsistent or misnamed, if two tensors share a name, or
// if a metadata string is not valid UTF-8.
func Write(w io.Writer, f *File) error {
	ts := make([]*Tensor, len(f.Tensors))
	for i := range f.Tensors {
		ts[i] = &f.Tensors[i]
		if err := checkTensor(ts[i]); err != nil {
			return err
		}
	}
	slices.SortFunc(ts, func(a, b *Tensor) int { return cmp.Compare(a.Name, b.Name) })
	for i := 1; i < len(ts); i++ {
		if ts[i].Name == ts[i-1].Name {
			return fmt.Errorf("safetensors: duplicate tensor name %q", ts[i].Name)
		}
	}
	keys := make([]string, 0, len(f.Metadata))
	for k, v := range f.Metadata {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return fmt.Errorf("safetensors: metadata key %q: key or value is not valid UTF-8", k)
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)

	h := make([]byte, 8, 256)
	h = append(h, '{')
	if len(keys) > 0 {
		h = appendString(h, metadataKey)
		h = append(h, ":{"...)
		for i, k := range keys {
			if i > 0 {
				h = append(h, ',')
			}
			h = appendString(h, k)
			h = append(h, ':')
			h = appendString(h, f.Metadata[k])
		}
		h = append(h, '}')
	}
	var off uint64
	for i, t := range ts {
		if i > 0 || len(keys) > 0 {
			h = append(h, ',')
		}
		h = appendString(h, t.Name)
		h = append(h, `:{"dtype":`...)
		h = appendString(h, t.DType)
		h = append(h, `,"shape":[`...)
		for j, s := range t.Shape {
			if j > 0 {
				h = append(h, ',')
			}
			h = strconv.AppendInt(h, int64(s), 10)
		}
		h = append(h, `],"data_offsets":[`...)
		h = strconv.AppendUint(h, off, 10)
		h = append(h, ',')
		off += uint64(len(t.Data))
		h = strconv.AppendUint(h, off, 10)
		h = append(h, "]}"...)
	}
	h = append(h, '}')
	for (len(h)-8)%8 != 0 {
		h = append(h, ' ')
	}
	binary.LittleEndian.PutUint64(h, uint64(len(h)-8))
	if _, err := w.Write(h); err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	for _, t := range ts {
		if _, err := w.Write(t.Data); err != nil {
			return fmt.Errorf("safetensors: tensor %q: %w", t.Name, err)
		}
	}
	return nil
}

// WriteFile writes f to the named file atomically (see internal/atomicfile):
// a reader never sees a half-written file.
func WriteFile(name string, f *File) error {
	return atomicfile.Write(name, func(w io.Writer) error { return Write(w, f) })
}

// ReadFile reads the named safetensors file.
func ReadFile(name string) (*File, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	f, err := Read(fh, st.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return f, nil
}

// readN reads exactly n bytes. It does not trust n for the allocation: the
// buffer starts at 1 MiB and doubles only as data actually arrives, so a
// size that lies costs at most about twice the real input.
func readN(r io.Reader, n uint64) ([]byte, error) {
	const chunk = 1 << 20
	if n > math.MaxInt {
		return nil, fmt.Errorf("%d bytes do not fit in memory", n)
	}
	b := make([]byte, 0, min(n, chunk))
	for uint64(len(b)) < n {
		if len(b) == cap(b) {
			b = slices.Grow(b, int(min(n-uint64(len(b)), uint64(cap(b)))))
		}
		m := int(min(n-uint64(len(b)), uint64(cap(b)-len(b))))
		k, err := io.ReadFull(r, b[len(b):len(b)+m])
		b = b[:len(b)+k]
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return b, err
		}
	}
	return b, nil
}

// entry is one tensor as the header describes it.
type entry struct {
	name       string
	dtype      string
	shape      []uint64
	begin, end uint64
}

// Read reads a safetensors file of size bytes from r. It validates the
// whole file before returning it: the header length against size and
// MaxHeaderSize, the header as UTF-8 JSON object with no duplicate keys,
// each tensor's dtype, shape and offsets (the byte count must equal the
// shape's element count times the element size, and the ranges must tile
// the data buffer exactly). Errors start with "safetensors:" and name the
// offending tensor. The returned tensors share one buffer and are in the
// order of their data in the file.
func Read(r io.Reader, size int64) (*File, error) {
	if size < 8 {
		return nil, fmt.Errorf("safetensors: file is %d bytes, too short for the 8-byte header length", size)
	}
	var lb [8]byte
	if _, err := io.ReadFull(r, lb[:]); err != nil {
		return nil, fmt.Errorf("safetensors: reading header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(lb[:])
	if n > MaxHeaderSize {
		return nil, fmt.Errorf("safetensors: header length %d exceeds the limit of %d bytes", n, MaxHeaderSize)
	}
	if n > uint64(size)-8 {
		return nil, fmt.Errorf("safetensors: header length %d exceeds the %d bytes after the length", n, uint64(size)-8)
	}
	hdr, err := readN(r, n)
	if err != nil {
		return nil, fmt.Errorf("safetensors: reading header: %w", err)
	}
	meta, entries, err := parseHeader(hdr)
	if err != nil {
		return nil, err
	}
	bufLen := uint64(size) - 8 - n
	// Order by data position; ties (empty tensors) by name for determinism.
	slices.SortFunc(entries, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.begin, b.begin), cmp.Compare(a.end, b.end), cmp.Compare(a.name, b.name))
	})
	var pos uint64
	for _, e := range entries {
		if e.end < e.begin {
			return nil, fmt.Errorf("safetensors: tensor %q: data_offsets [%d, %d] end before they begin", e.name, e.begin, e.end)
		}
		if e.begin != pos {
			if e.begin < pos {
				return nil, fmt.Errorf("safetensors: tensor %q: data_offsets [%d, %d] overlap the previous tensor, which ends at %d", e.name, e.begin, e.end, pos)
			}
			return nil, fmt.Errorf("safetensors: tensor %q: data_offsets [%d, %d] leave a gap after byte %d", e.name, e.begin, e.end, pos)
		}
		if e.end > bufLen {
			return nil, fmt.Errorf("safetensors: tensor %q: data_offsets [%d, %d] run past the %d-byte data buffer", e.name, e.begin, e.end, bufLen)
		}
		nb, err := byteSize(e.dtype, e.shape)
		if err != nil {
			return nil, fmt.Errorf("safetensors: tensor %q: %v", e.name, err)
		}
		if nb != e.end-e.begin {
			return nil, fmt.Errorf("safetensors: tensor %q: %s shape %v needs %d bytes, data_offsets [%d, %d] hold %d", e.name, e.dtype, e.shape, nb, e.begin, e.end, e.end-e.begin)
		}
		for _, s := range e.shape {
			if s > math.MaxInt {
				return nil, fmt.Errorf("safetensors: tensor %q: dimension %d too large", e.name, s)
			}
		}
		pos = e.end
	}
	if pos != bufLen {
		return nil, fmt.Errorf("safetensors: tensors cover %d bytes of the %d-byte data buffer", pos, bufLen)
	}
	buf, err := readN(r, bufLen)
	if err != nil {
		return nil, fmt.Errorf("safetensors: reading data: %w", err)
	}
	f := &File{Metadata: meta, Tensors: make([]Tensor, len(entries))}
	for i, e := range entries {
		shape := make([]int, len(e.shape))
		for j, s := range e.shape {
			shape[j] = int(s)
		}
		f.Tensors[i] = Tensor{Name: e.name, DType: e.dtype, Shape: shape, Data: buf[e.begin:e.end:e.end]}
	}
	return f, nil
}

// parseHeader decodes the JSON header. It walks the tokens itself rather
// than unmarshalling into a map so that duplicate keys, which a map would
// silently merge, are reported.
func parseHeader(hdr []byte) (map[string]string, []entry, error) {
	if !utf8.Valid(hdr) {
		return nil, nil, errors.New("safetensors: header is not valid UTF-8")
	}
	if len(hdr) == 0 || hdr[0] != '{' {
		return nil, nil, errors.New("safetensors: header does not start with '{'")
	}
	dec := json.NewDecoder(bytes.NewReader(hdr))
	dec.UseNumber()
	var meta map[string]string
	var entries []entry
	err := object(dec, func(key string) error {
		if key == metadataKey {
			m, err := parseMetadata(dec)
			if err != nil {
				return fmt.Errorf("__metadata__: %w", err)
			}
			meta = m
			return nil
		}
		e, err := parseEntry(dec, key)
		if err != nil {
			return fmt.Errorf("tensor %q: %w", key, err)
		}
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: header: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, errors.New("safetensors: header: data after the JSON object")
	}
	return meta, entries, nil
}

// object reads a JSON object from dec, calling field for each key with the
// decoder positioned at the value. Duplicate keys are an error.
func object(dec *json.Decoder, field func(key string) error) error {
	tok, err := dec.Token()
	if err != nil {
		return jsonErr(err)
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("want a JSON object, got %v", tokString(tok))
	}
	return objectBody(dec, field)
}

// objectBody is object after the opening '{' has been read.
func objectBody(dec *json.Decoder, field func(key string) error) error {
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return jsonErr(err)
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("object key is %s", tokString(tok))
		}
		if seen[key] {
			return fmt.Errorf("duplicate key %q", key)
		}
		seen[key] = true
		if err := field(key); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return jsonErr(err)
	}
	return nil
}

// parseMetadata reads the "__metadata__" value: an object of strings, or
// null, which the reference implementation also accepts and which means no
// metadata.
func parseMetadata(dec *json.Decoder) (map[string]string, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonErr(err)
	}
	if tok == nil {
		return nil, nil
	}
	if tok != json.Delim('{') {
		return nil, fmt.Errorf("want a JSON object, got %v", tokString(tok))
	}
	m := make(map[string]string)
	err = objectBody(dec, func(key string) error {
		tok, err := dec.Token()
		if err != nil {
			return jsonErr(err)
		}
		s, ok := tok.(string)
		if !ok {
			return fmt.Errorf("value of %q is %s, want a string", key, tokString(tok))
		}
		m[key] = s
		return nil
	})
	return m, err
}

func parseEntry(dec *json.Decoder, name string) (entry, error) {
	e := entry{name: name}
	var haveDType, haveShape, haveOffsets bool
	err := object(dec, func(key string) error {
		switch key {
		case "dtype":
			haveDType = true
			tok, err := dec.Token()
			if err != nil {
				return jsonErr(err)
			}
			s, ok := tok.(string)
			if !ok {
				return fmt.Errorf("dtype is %s, want a string", tokString(tok))
			}
			e.dtype = s
		case "shape":
			haveShape = true
			v, err := uintArray(dec, "shape")
			if err != nil {
				return err
			}
			e.shape = v
		case "data_offsets":
			haveOffsets = true
			v, err := uintArray(dec, "data_offsets")
			if err != nil {
				return err
			}
			if len(v) != 2 {
				return fmt.Errorf("data_offsets has %d values, want 2", len(v))
			}
			e.begin, e.end = v[0], v[1]
		default:
			// Unknown fields are skipped, as the reference reader does.
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return jsonErr(err)
			}
		}
		return nil
	})
	if err != nil {
		return e, err
	}
	switch {
	case !haveDType:
		return e, errors.New("missing dtype")
	case !haveShape:
		return e, errors.New("missing shape")
	case !haveOffsets:
		return e, errors.New("missing data_offsets")
	}
	if _, ok := dtypeBits[e.dtype]; !ok {
		return e, fmt.Errorf("unknown dtype %q", e.dtype)
	}
	return e, nil
}

// uintArray reads a JSON array of non-negative integers.
func uintArray(dec *json.Decoder, what string) ([]uint64, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonErr(err)
	}
	if tok != json.Delim('[') {
		return nil, fmt.Errorf("%s is %s, want an array", what, tokString(tok))
	}
	v := []uint64{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonErr(err)
		}
		num, ok := tok.(json.Number)
		if !ok {
			return nil, fmt.Errorf("%s holds %s, want an integer", what, tokString(tok))
		}
		u, err := strconv.ParseUint(string(num), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s holds %s, want an integer in [0, 2^64)", what, num)
		}
		v = append(v, u)
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return nil, jsonErr(err)
	}
	return v, nil
}

func jsonErr(err error) error {
	if err == io.EOF {
		return errors.New("unexpected end of JSON")
	}
	return fmt.Errorf("invalid JSON: %v", err)
}

func tokString(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return "an object"
		case '[':
			return "an array"
		}
		return strconv.Quote(t.String())
	case string:
		return "a string"
	case json.Number:
		return "the number " + t.String()
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", tok)
}
