package glove

import (
	"context"
	"math/rand/v2"
	"testing"
)

// BenchmarkEpoch measures one worker's updates over random pairs of a
// 20k-word vocabulary at dimension 100 (the setting), so that row
// accesses miss the cache as they do on a real corpus.
func BenchmarkEpoch(b *testing.B) {
	const v, dim, n = 20000, 100, 1 << 16
	rng := rand.New(rand.NewPCG(1, 2))
	m := newModel(v, dim, 0.05, rng)
	recs := make([]rec, n)
	for i := range recs {
		recs[i] = rec{pack(uint32(rng.IntN(v)), uint32(rng.IntN(v))), prepared(1+rng.Float64()*50, 100, 0.75)}
	}
	b.ResetTimer()
	for range b.N {
		if _, _, err := m.trainRecs(context.Background(), recs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n*2), "ns/update")
}
