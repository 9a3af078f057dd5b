package peer

import (
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"path/filepath"
	"time"

	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/embedding"
	"github.com/latent-go/latent/internal/atomicfile"
	"github.com/latent-go/latent/projection/pca"
)

// FashionPCA returns the data most suites share: the Fashion-MNIST images
// in dir (scripts/get-data.sh fashion-mnist), pixels scaled to [0, 1],
// reduced to dims dimensions by a PCA fitted on the 60,000 training images.
// It returns the training codes and, when withTest is set, the 10,000 test
// codes (else nil). It logs how long the PCA took.
func FashionPCA(dir string, dims int, withTest bool) (train, test []float32, err error) {
	load := func(name string) (*dataset.Set, error) {
		s, err := dataset.Load(filepath.Join(dir, name), dataset.Options{})
		if err != nil {
			return nil, fmt.Errorf("%w (fetch the data with scripts/get-data.sh fashion-mnist)", err)
		}
		for i := range s.X {
			s.X[i] /= 255
		}
		return s, nil
	}
	tr, err := load("train-images-idx3-ubyte.gz")
	if err != nil {
		return nil, nil, err
	}
	t0 := time.Now()
	p, err := pca.Fit(tr.X, tr.N, tr.D, dims)
	if err != nil {
		return nil, nil, err
	}
	train = make([]float32, tr.N*dims)
	p.Transform(train, tr.X, tr.N)
	if withTest {
		te, err := load("t10k-images-idx3-ubyte.gz")
		if err != nil {
			return nil, nil, err
		}
		test = make([]float32, te.N*dims)
		p.Transform(test, te.X, te.N)
	}
	log.Printf("PCA-%d of Fashion-MNIST in %.1fs", dims, time.Since(t0).Seconds())
	return train, test, nil
}

// WriteNPY writes the n×d matrix x to path as NPY, atomically, for a peer
// script to read.
func WriteNPY(path string, x []float32, n, d int) error {
	return atomicfile.Write(path, func(w io.Writer) error { return dataset.WriteNPY(w, n, d, x) })
}

// ReadInts reads an integer NPY matrix of width k that a peer wrote (its
// neighbour IDs or labels), one slice per row.
func ReadInts(path string, k int) ([][]int, error) {
	s, err := dataset.Load(path, dataset.Options{})
	if err != nil {
		return nil, err
	}
	if s.D != k {
		return nil, fmt.Errorf("%s: %d columns, want %d", path, s.D, k)
	}
	out := make([][]int, s.N)
	for i := range out {
		out[i] = make([]int, k)
		for j := range k {
			out[i][j] = int(s.X[i*k+j])
		}
	}
	return out, nil
}

// GloVeHeldOut reads the GloVe text file at path (scripts/get-data.sh
// glove) and holds out nq words, drawn with a fixed seed, as the queries:
// the base is every other word, so that no query finds itself. It logs how
// long reading took.
func GloVeHeldOut(path string, nq int) (base, queries []float32, dim int, err error) {
	t0 := time.Now()
	t, err := embedding.Load(path, embedding.Options{Format: embedding.FormatGloVe})
	if err != nil {
		return nil, nil, 0, fmt.Errorf("%w (fetch the data with scripts/get-data.sh glove)", err)
	}
	if nq >= t.Len() {
		return nil, nil, 0, fmt.Errorf("%d queries: %s has only %d words", nq, path, t.Len())
	}
	held := make([]bool, t.Len())
	for _, i := range rand.New(rand.NewPCG(1, 2)).Perm(t.Len())[:nq] {
		held[i] = true
	}
	for i := range t.Len() {
		if held[i] {
			queries = append(queries, t.Row(i)...)
		} else {
			base = append(base, t.Row(i)...)
		}
	}
	log.Printf("glove: %d words of dimension %d read in %.1fs; %d held out as queries", t.Len(), t.Dim, time.Since(t0).Seconds(), nq)
	return base, queries, t.Dim, nil
}
