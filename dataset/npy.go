package dataset

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// The NPY format (numpy.lib.format): the magic string, a version, a header
// length, then a Python dict literal such as
//
//	{'descr': '<f4', 'fortran_order': False, 'shape': (100, 64), }
//
// padded with spaces and ended by a newline, then the raw data.
const npyMagic = "\x93NUMPY"

// maxNPYHeader bounds the header length we are willing to read; numpy itself
// refuses headers over 10,000 bytes by default.
const maxNPYHeader = 1 << 16

// ReadNPY reads a NumPy .npy array (format versions 1.0, 2.0 and 3.0) of
// dtype float32, float64, int8/16/32/64 or uint8/16/32/64, in either byte
// order, in C order. The first dimension is N; a 1-d array is N×1; further
// dimensions are flattened into D and kept in Shape when there are more
// than one. name is used in errors and as Source. NaN and Inf are rejected
// with their index.
func ReadNPY(r io.Reader, name string) (*Set, error) {
	a, err := readNPYArray(r, name)
	if err != nil {
		return nil, err
	}
	return a.set()
}

func readNPYArray(r io.Reader, name string) (*array, error) {
	avail := Remaining(r)
	var pre [10]byte
	if _, err := io.ReadFull(r, pre[:8]); err != nil {
		return nil, fmt.Errorf("dataset: %s: not an NPY file (too short)", name)
	}
	if string(pre[:6]) != npyMagic {
		return nil, fmt.Errorf("dataset: %s: not an NPY file (bad magic)", name)
	}
	major, minor := pre[6], pre[7]
	var hlen, used int
	switch major {
	case 1:
		if _, err := io.ReadFull(r, pre[8:10]); err != nil {
			return nil, fmt.Errorf("dataset: %s: truncated NPY header", name)
		}
		hlen, used = int(binary.LittleEndian.Uint16(pre[8:10])), 10
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("dataset: %s: truncated NPY header", name)
		}
		h := binary.LittleEndian.Uint32(b[:])
		if h > maxNPYHeader {
			return nil, fmt.Errorf("dataset: %s: NPY header of %d bytes is too long", name, h)
		}
		hlen, used = int(h), 12
	default:
		return nil, fmt.Errorf("dataset: %s: unsupported NPY format version %d.%d", name, major, minor)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, fmt.Errorf("dataset: %s: truncated NPY header", name)
	}
	used += hlen
	descr, fortran, shape, err := parseNPYHeader(string(hdr))
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: bad NPY header: %v", name, err)
	}
	if fortran {
		return nil, fmt.Errorf("dataset: %s: Fortran-order arrays are not supported; save a C-order copy (numpy.ascontiguousarray)", name)
	}
	a := &array{name: name, shape: shape}
	if err := a.setDescr(descr); err != nil {
		return nil, fmt.Errorf("dataset: %s: %v", name, err)
	}
	count, err := elems(shape, a.size)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %v", name, err)
	}
	if avail >= 0 {
		avail -= int64(used)
	}
	a.data, err = readData(r, name, count*a.size, avail)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// setDescr decodes a dtype string such as "<f4" or "|u1".
func (a *array) setDescr(descr string) error {
	if len(descr) != 3 {
		return fmt.Errorf("unsupported dtype %q (want float32, float64 or an integer type)", descr)
	}
	switch descr[0] {
	case '<', '|', '=': // '=' is native order; numpy writes '<' on the little-endian machines Go runs on
		a.order = binary.LittleEndian
	case '>':
		a.order = binary.BigEndian
	default:
		return fmt.Errorf("unsupported dtype %q", descr)
	}
	a.kind = descr[1]
	switch descr[1:] {
	case "f4", "i4", "u4":
		a.size = 4
	case "f8", "i8", "u8":
		a.size = 8
	case "i2", "u2":
		a.size = 2
	case "i1", "u1", "b1":
		a.size = 1
		if a.kind == 'b' {
			a.kind = 'u'
		}
	default:
		return fmt.Errorf("unsupported dtype %q (want float32, float64 or an integer type)", descr)
	}
	return nil
}

// parseNPYHeader parses the dict literal of an NPY header: exactly the keys
// descr (a string), fortran_order (a bool) and shape (a tuple of ints).
func parseNPYHeader(h string) (descr string, fortran bool, shape []int, err error) {
	p := &pyParser{s: strings.TrimRight(h, " \t\r\n\x00")}
	if !p.eat('{') {
		return "", false, nil, errors.New("want '{'")
	}
	seen := map[string]bool{}
	for !p.eat('}') {
		key, err := p.str()
		if err != nil {
			return "", false, nil, err
		}
		if seen[key] {
			return "", false, nil, fmt.Errorf("key %q twice", key)
		}
		seen[key] = true
		if !p.eat(':') {
			return "", false, nil, fmt.Errorf("want ':' after %q", key)
		}
		switch key {
		case "descr":
			if p.peek() == '[' {
				return "", false, nil, errors.New("structured dtypes are not supported")
			}
			descr, err = p.str()
		case "fortran_order":
			fortran, err = p.boolean()
		case "shape":
			shape, err = p.tuple()
		default:
			return "", false, nil, fmt.Errorf("unknown key %q", key)
		}
		if err != nil {
			return "", false, nil, fmt.Errorf("%s: %v", key, err)
		}
		if !p.eat(',') {
			if !p.eat('}') {
				return "", false, nil, errors.New("want ',' or '}'")
			}
			break
		}
	}
	if p.skip(); p.i != len(p.s) {
		return "", false, nil, errors.New("trailing text after '}'")
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return "", false, nil, fmt.Errorf("missing key %q", k)
		}
	}
	return descr, fortran, shape, nil
}

// pyParser reads the small subset of Python literals an NPY header uses.
type pyParser struct {
	s string
	i int
}

func (p *pyParser) skip() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *pyParser) peek() byte {
	p.skip()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *pyParser) eat(c byte) bool {
	if p.peek() == c {
		p.i++
		return true
	}
	return false
}

func (p *pyParser) str() (string, error) {
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", errors.New("want a quoted string")
	}
	j := strings.IndexByte(p.s[p.i+1:], q)
	if j < 0 {
		return "", errors.New("unterminated string")
	}
	v := p.s[p.i+1 : p.i+1+j]
	p.i += j + 2
	return v, nil
}

func (p *pyParser) boolean() (bool, error) {
	p.skip()
	for _, w := range []string{"True", "False"} {
		if strings.HasPrefix(p.s[p.i:], w) {
			p.i += len(w)
			return w == "True", nil
		}
	}
	return false, errors.New("want True or False")
}

func (p *pyParser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, errors.New("want '('")
	}
	shape := []int{}
	for !p.eat(')') {
		if len(shape) >= 32 {
			return nil, errors.New("more than 32 dimensions")
		}
		p.skip()
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		v, err := strconv.ParseInt(p.s[p.i:j], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad dimension %q", p.s[p.i:j])
		}
		p.i = j
		if p.i < len(p.s) && p.s[p.i] == 'L' { // Python 2 long
			p.i++
		}
		shape = append(shape, int(v))
		if !p.eat(',') {
			if !p.eat(')') {
				return nil, errors.New("want ',' or ')'")
			}
			break
		}
	}
	return shape, nil
}

// WriteNPY writes an n×d float32 matrix as a version 1.0 NPY file in C
// order, readable by numpy.load. It panics if len(x) != n*d.
func WriteNPY(w io.Writer, n, d int, x []float32) error {
	if n < 0 || d < 0 || len(x) != n*d {
		panic(fmt.Sprintf("dataset: WriteNPY: len(x) = %d, want %d*%d", len(x), n, d))
	}
	h := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", n, d)
	// Pad so that magic+version+length+header is a multiple of 64, ending in '\n'.
	total := (10 + len(h) + 1 + 63) / 64 * 64
	h += strings.Repeat(" ", total-10-len(h)-1) + "\n"
	if len(h) > math.MaxUint16 {
		panic("dataset: WriteNPY: header too long") // cannot happen for two ints
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(npyMagic)
	bw.Write([]byte{1, 0, byte(len(h)), byte(len(h) >> 8)})
	bw.WriteString(h)
	var b [4]byte
	for _, v := range x {
		binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
		bw.Write(b[:])
	}
	return bw.Flush()
}
