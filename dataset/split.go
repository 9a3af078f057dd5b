package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Split shuffles the indices 0..n-1 with rng and splits them into a
// training part and a validation part of round(n*valFrac) indices, so the
// same seed always gives the same split. It panics unless 0 <= valFrac <= 1.
func Split(n int, valFrac float64, rng *rand.Rand) (train, val []int) {
	if !(valFrac >= 0 && valFrac <= 1) || n < 0 {
		panic(fmt.Sprintf("dataset: Split(%d, %v): want n >= 0 and 0 <= valFrac <= 1", n, valFrac))
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	Shuffle(idx, rng)
	nval := int(math.Round(float64(n) * valFrac))
	return idx[nval:len(idx):len(idx)], idx[:nval:nval]
}

// Shuffle permutes idx in place with rng (Fisher–Yates), so that the order
// depends only on the seed.
func Shuffle(idx []int, rng *rand.Rand) {
	if rng == nil {
		panic("dataset: Shuffle: nil rng")
	}
	rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
}
