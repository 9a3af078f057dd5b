package parallel

import (
	"sync/atomic"
	"testing"
)

func TestChunksCoverEveryItemOnce(t *testing.T) {
	for _, tc := range []struct{ n, chunk, workers int }{
		{0, 1, 4}, {1, 1, 4}, {10, 3, 1}, {10, 3, 0}, {1000, 7, 3}, {64, 64, 8}, {5, 100, 2},
	} {
		seen := make([]atomic.Int32, tc.n)
		Chunks(tc.n, tc.chunk, tc.workers, func(lo, hi int) {
			if lo%tc.chunk != 0 || hi-lo > tc.chunk || hi > tc.n || lo >= hi {
				t.Errorf("%+v: chunk [%d, %d)", tc, lo, hi)
			}
			for i := lo; i < hi; i++ {
				seen[i].Add(1)
			}
		})
		for i := range seen {
			if c := seen[i].Load(); c != 1 {
				t.Errorf("%+v: item %d visited %d times", tc, i, c)
			}
		}
	}
}

func TestFor(t *testing.T) {
	var sum atomic.Int64
	For(100, 3, func(i int) { sum.Add(int64(i)) })
	if sum.Load() != 4950 {
		t.Errorf("sum %d, want 4950", sum.Load())
	}
}
