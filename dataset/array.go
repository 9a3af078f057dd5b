package dataset

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
)

// maxArrayBytes bounds the data size a binary header (NPY, IDX) may declare.
// Beyond it the file is either hostile or too large to hold in memory as
// float32 anyway.
const maxArrayBytes = 1 << 36

// array is a dense n-d array as stored in a binary file, before conversion:
// NPY and IDX readers produce one, and it becomes either a Set (features) or
// a label list.
type array struct {
	name  string
	kind  byte // 'f' float, 'i' signed int, 'u' unsigned int
	size  int  // bytes per element: 1, 2, 4 or 8
	order binary.ByteOrder
	shape []int
	data  []byte // len = count * size
}

// elems returns the element count of shape, or an error if it overflows or
// the data would exceed maxArrayBytes.
func elems(shape []int, size int) (int, error) {
	n := 1
	for _, v := range shape {
		if v < 0 {
			return 0, fmt.Errorf("negative dimension in shape %v", shape)
		}
		if v != 0 && n > maxArrayBytes/size/v {
			return 0, fmt.Errorf("shape %v is too large", shape)
		}
		n *= v
	}
	return n, nil
}

// Remaining returns how many bytes are left to read from r when that is
// cheap to know (files, bytes.Reader, strings.Reader), or -1. Readers of
// binary formats use it to refuse a header that claims more data than the
// input holds before allocating for it.
func Remaining(r io.Reader) int64 {
	switch r := r.(type) {
	case interface{ Len() int }:
		return int64(r.Len())
	case *os.File:
		fi, err := r.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return -1
		}
		off, err := r.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		return fi.Size() - off
	}
	return -1
}

// readData reads exactly n bytes of array data. Memory grows with what is
// actually read, so a header that lies about its size costs no more than
// the input; avail (or -1) lets a lie be caught before reading at all.
func readData(r io.Reader, name string, n int, avail int64) ([]byte, error) {
	if avail >= 0 && int64(n) > avail {
		return nil, fmt.Errorf("dataset: %s: truncated: header promises %d bytes of data, file has %d", name, n, avail)
	}
	var buf []byte
	if avail >= 0 {
		buf = make([]byte, n)
		k, err := io.ReadFull(r, buf)
		if err != nil {
			return nil, truncated(name, n, k, err)
		}
		return buf, nil
	}
	buf, err := io.ReadAll(io.LimitReader(r, int64(n)))
	if err != nil || len(buf) < n {
		return nil, truncated(name, n, len(buf), err)
	}
	return buf, nil
}

func truncated(name string, want, got int, err error) error {
	if err == nil || err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("dataset: %s: truncated: want %d bytes of data, got %d", name, want, got)
	}
	return fmt.Errorf("dataset: %s: %w", name, err)
}

// at returns element i as a float64.
func (a *array) at(i int) float64 {
	b := a.data[i*a.size:]
	switch a.kind {
	case 'f':
		if a.size == 4 {
			return float64(math.Float32frombits(a.order.Uint32(b)))
		}
		return math.Float64frombits(a.order.Uint64(b))
	case 'u':
		return float64(a.uint(b))
	default:
		return float64(a.int(b))
	}
}

func (a *array) uint(b []byte) uint64 {
	switch a.size {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(a.order.Uint16(b))
	case 4:
		return uint64(a.order.Uint32(b))
	}
	return a.order.Uint64(b)
}

func (a *array) int(b []byte) int64 {
	switch a.size {
	case 1:
		return int64(int8(b[0]))
	case 2:
		return int64(int16(a.order.Uint16(b)))
	case 4:
		return int64(int32(a.order.Uint32(b)))
	}
	return int64(a.order.Uint64(b))
}

// set converts the array to a Set: the first dimension is N, the rest are
// flattened into D (a 1-d array is N×1). NaN, Inf and float64 values beyond
// the float32 range are rejected with their index.
func (a *array) set() (*Set, error) {
	if len(a.shape) == 0 {
		return nil, fmt.Errorf("dataset: %s: a scalar is not a data set; want at least 1 dimension", a.name)
	}
	n := a.shape[0]
	d := 1
	for _, v := range a.shape[1:] {
		d *= v
	}
	if n == 0 || d == 0 {
		return nil, fmt.Errorf("dataset: %s: no data (shape %v)", a.name, a.shape)
	}
	s := &Set{X: make([]float32, n*d), N: n, D: d, Source: a.name}
	if len(a.shape) > 2 {
		s.Shape = append([]int(nil), a.shape[1:]...)
	}
	if a.kind == 'u' && a.size == 1 {
		// Bytes (images) cannot be NaN: a plain conversion loop.
		for i, b := range a.data[:len(s.X)] {
			s.X[i] = float32(b)
		}
		return s, nil
	}
	if a.kind == 'f' && a.size == 4 {
		for i := range s.X {
			v := math.Float32frombits(a.order.Uint32(a.data[4*i:]))
			if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, a.badValue(i, d, f)
			}
			s.X[i] = v
		}
		return s, nil
	}
	for i := range s.X {
		f := a.at(i)
		if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > math.MaxFloat32 {
			return nil, a.badValue(i, d, f)
		}
		s.X[i] = float32(f)
	}
	return s, nil
}

func (a *array) badValue(i, d int, f float64) error {
	what := strconv.FormatFloat(f, 'g', -1, 64)
	if !math.IsNaN(f) && !math.IsInf(f, 0) {
		what += " is out of float32 range"
	}
	return fmt.Errorf("dataset: %s: element %d (row %d, column %d): %s", a.name, i, i/d, i%d, what)
}

// labels converts a 1-d array (or N×1) to label strings: integers in
// decimal, floats in the shortest form that round-trips.
func (a *array) labels() ([]string, error) {
	if len(a.shape) == 0 || len(a.shape) > 2 || len(a.shape) == 2 && a.shape[1] != 1 {
		return nil, fmt.Errorf("dataset: %s: labels must be a 1-d array, got shape %v", a.name, a.shape)
	}
	out := make([]string, a.shape[0])
	for i := range out {
		b := a.data[i*a.size:]
		switch a.kind {
		case 'u':
			out[i] = strconv.FormatUint(a.uint(b), 10)
		case 'i':
			out[i] = strconv.FormatInt(a.int(b), 10)
		default:
			f := a.at(i)
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, fmt.Errorf("dataset: %s: label %d: %v", a.name, i, f)
			}
			out[i] = strconv.FormatFloat(f, 'g', -1, 8*a.size)
		}
	}
	return out, nil
}
