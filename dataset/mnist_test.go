package dataset

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// dataDir returns the cache folder scripts/get-data.sh fills, or skips the
// test when the set is not there: these tests never download anything.
func dataDir(t *testing.T, set string) string {
	t.Helper()
	root := os.Getenv("LATENT_DATA")
	if root == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			t.Skip("no LATENT_DATA and no home folder")
		}
		root = filepath.Join(home, ".cache", "latent")
	}
	dir := filepath.Join(root, set)
	if _, err := os.Stat(filepath.Join(dir, "train-images-idx3-ubyte.gz")); err != nil {
		t.Skipf("%s not in %s; run scripts/get-data.sh", set, root)
	}
	return dir
}

// The label counts of the training sets come from numpy 1.24.2:
//
//	numpy.bincount(numpy.frombuffer(gzip.open(labels).read()[8:], numpy.uint8))
func TestMNISTFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 100 MB")
	}
	for _, tt := range []struct{ set, counts string }{
		{"mnist", "[5923 6742 5958 6131 5842 5421 5918 6265 5851 5949]"},
		{"fashion-mnist", "[6000 6000 6000 6000 6000 6000 6000 6000 6000 6000]"},
	} {
		t.Run(tt.set, func(t *testing.T) {
			dir := dataDir(t, tt.set)
			s, err := Load(filepath.Join(dir, "train-images-idx3-ubyte.gz"), Options{Labels: filepath.Join(dir, "train-labels-idx1-ubyte.gz")})
			if err != nil {
				t.Fatal(err)
			}
			if s.N != 60000 || s.D != 784 || fmt.Sprint(s.Shape) != "[28 28]" {
				t.Fatalf("N=%d D=%d Shape=%v", s.N, s.D, s.Shape)
			}
			counts := make([]int, 10)
			for _, l := range s.Labels {
				var d int
				fmt.Sscan(l, &d)
				counts[d]++
			}
			if fmt.Sprint(counts) != tt.counts {
				t.Errorf("label counts %v, want %s", counts, tt.counts)
			}
			lo, hi := s.X[0], s.X[0]
			for _, v := range s.X {
				lo, hi = min(lo, v), max(hi, v)
			}
			if lo != 0 || hi != 255 {
				t.Errorf("pixel range [%v, %v], want [0, 255]", lo, hi)
			}
		})
	}
}
