package knn_test

import (
	"math/rand/v2"
	"testing"

	"github.com/latent-go/latent/distance"
	"github.com/latent-go/latent/knn"
)

// BenchmarkSearchBatch times exact search of 2,000 queries among 60,000
// vectors of dimension 32 (the shape of the Fashion-MNIST benchmark in
// bench/knn), k=10, on every core; it reports queries per second.
func BenchmarkSearchBatch(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const n, nq, dim = 60000, 2000, 32
	x := randData(r, n, dim)
	q := randData(r, nq, dim)
	for _, m := range distance.All() {
		f := knn.NewFlat(x, dim, m)
		b.Run(m.String(), func(b *testing.B) {
			for b.Loop() {
				f.SearchBatch(q, 10, 0)
			}
			b.ReportMetric(float64(nq*b.N)/b.Elapsed().Seconds(), "queries/s")
		})
	}
}
