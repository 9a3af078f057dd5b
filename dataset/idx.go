package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
)

// maxDeflateRatio is the most deflate can expand its input (about 1032:1),
// rounded up: a gzipped IDX file that declares more data than this many
// times its compressed size is lying.
const maxDeflateRatio = 1100

// ReadIDX reads an IDX file (the MNIST format: two zero bytes, a type byte,
// the number of dimensions, then big-endian uint32 dimensions and
// big-endian data), gzipped or not — gzip is detected by its magic bytes.
// Types ubyte (0x08), byte (0x09), int16 (0x0B), int32 (0x0C), float32
// (0x0D) and float64 (0x0E) are read. The first dimension is N; images
// (N×rows×cols) become N×(rows*cols) with Shape [rows cols]. Values are kept
// raw (0..255 for ubyte images); scale them with a [Scaler]. name is used in
// errors and as Source.
func ReadIDX(r io.Reader, name string) (*Set, error) {
	a, err := readIDXArray(r, name)
	if err != nil {
		return nil, err
	}
	return a.set()
}

func readIDXArray(r io.Reader, name string) (*array, error) {
	avail := Remaining(r)
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:2]); err != nil {
		return nil, fmt.Errorf("dataset: %s: not an IDX file (too short)", name)
	}
	maxData := int64(-1) // data bytes the input can hold, when known
	if magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(io.MultiReader(bytes.NewReader(magic[:2]), r))
		if err != nil {
			return nil, fmt.Errorf("dataset: %s: %v", name, err)
		}
		defer zr.Close()
		r = zr
		if avail >= 0 {
			maxData = avail * maxDeflateRatio
		}
		avail = -1
		if _, err := io.ReadFull(r, magic[:2]); err != nil {
			return nil, fmt.Errorf("dataset: %s: not an IDX file (too short)", name)
		}
	}
	if _, err := io.ReadFull(r, magic[2:]); err != nil {
		return nil, fmt.Errorf("dataset: %s: not an IDX file (too short)", name)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("dataset: %s: not an IDX file (bad magic % x)", name, magic)
	}
	a := &array{name: name, order: binary.BigEndian}
	switch magic[2] {
	case 0x08:
		a.kind, a.size = 'u', 1
	case 0x09:
		a.kind, a.size = 'i', 1
	case 0x0B:
		a.kind, a.size = 'i', 2
	case 0x0C:
		a.kind, a.size = 'i', 4
	case 0x0D:
		a.kind, a.size = 'f', 4
	case 0x0E:
		a.kind, a.size = 'f', 8
	default:
		return nil, fmt.Errorf("dataset: %s: unknown IDX data type 0x%02x", name, magic[2])
	}
	ndim := int(magic[3])
	if ndim == 0 {
		return nil, fmt.Errorf("dataset: %s: IDX file with 0 dimensions", name)
	}
	dims := make([]byte, 4*ndim)
	if _, err := io.ReadFull(r, dims); err != nil {
		return nil, fmt.Errorf("dataset: %s: truncated IDX header", name)
	}
	a.shape = make([]int, ndim)
	for i := range a.shape {
		a.shape[i] = int(binary.BigEndian.Uint32(dims[4*i:]))
	}
	count, err := elems(a.shape, a.size)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %v", name, err)
	}
	n := count * a.size
	if maxData >= 0 && int64(n) > maxData {
		return nil, fmt.Errorf("dataset: %s: IDX header promises %d bytes of data, more than the compressed file can hold", name, n)
	}
	if avail >= 0 {
		avail -= int64(4 + len(dims))
	}
	a.data, err = readData(r, name, n, avail)
	if err != nil {
		return nil, err
	}
	if zr, ok := r.(*gzip.Reader); ok {
		// Read one byte past the data so that gzip checks the stream's CRC.
		if _, err := io.ReadFull(zr, make([]byte, 1)); err != nil && err != io.EOF {
			return nil, fmt.Errorf("dataset: %s: %v", name, err)
		}
	}
	return a, nil
}
