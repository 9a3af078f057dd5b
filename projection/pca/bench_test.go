package pca

import (
	"compress/gzip"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"os"
	"testing"
)

// readIDXImages reads a gzipped IDX3 image file (MNIST's format) as n×784
// float32 in [0, 1].
func readIDXImages(path string) ([]float32, int, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, 0, 0, err
	}
	var h [4]uint32
	if err := binary.Read(z, binary.BigEndian, &h); err != nil {
		return nil, 0, 0, err
	}
	n, d := int(h[1]), int(h[2]*h[3])
	b := make([]byte, n*d)
	if _, err := io.ReadFull(z, b); err != nil {
		return nil, 0, 0, err
	}
	x := make([]float32, len(b))
	for i, v := range b {
		x[i] = float32(v) / 255
	}
	return x, n, d, nil
}

// BenchmarkFit fits 32 components. The "idx" case reads the gzipped IDX
// image file named by $LATENT_IDX_IMAGES (e.g. MNIST's
// train-images-idx3-ubyte.gz: 60000×784) and is skipped without it.
func BenchmarkFit(b *testing.B) {
	b.Run("idx", func(b *testing.B) {
		path := os.Getenv("LATENT_IDX_IMAGES")
		if path == "" {
			b.Skip("set LATENT_IDX_IMAGES to a gzipped IDX3 image file")
		}
		x, n, d, err := readIDXImages(path)
		if err != nil {
			b.Fatal(err)
		}
		benchFit(b, x, n, d, 32)
	})
	r := rand.New(rand.NewPCG(1, 1))
	b.Run("dense-10000x784", func(b *testing.B) {
		benchFit(b, randData(r, 10000, 784, 0), 10000, 784, 32)
	})
}

func benchFit(b *testing.B, x []float32, n, d, k int) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Fit(x, n, d, k); err != nil {
			b.Fatal(err)
		}
	}
}
