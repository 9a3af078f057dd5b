package umap_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/latent-go/latent/projection/umap"
)

// Two well separated clouds of 100 points in 10 dimensions stay apart in
// the 2-D map, and a new point from the first cloud is placed among its
// points by Transform.
func Example() {
	const n, d = 200, 10
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, n*d)
	for i := range n {
		for j := range d {
			x[i*d+j] = float32(rng.NormFloat64() + 8*float64(i%2))
		}
	}
	m, err := umap.Fit(context.Background(), x, n, d, umap.Config{Seed: 1}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	nearestCloud := func(p []float32) int {
		best, bestD := -1, math.Inf(1)
		for j := range n {
			dd := math.Hypot(float64(p[0]-m.Embedding[2*j]), float64(p[1]-m.Embedding[2*j+1]))
			if dd > 0 && dd < bestD {
				best, bestD = j, dd
			}
		}
		return best % 2
	}
	same := 0
	for i := range n {
		if nearestCloud(m.Embedding[2*i:2*i+2]) == i%2 {
			same++
		}
	}
	q := make([]float32, d) // the centre of the first cloud
	y, err := m.Transform(context.Background(), q, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d of %d nearest neighbours from the same cloud; the new point joins cloud %d\n", same, n, nearestCloud(y))
	// Output: 200 of 200 nearest neighbours from the same cloud; the new point joins cloud 0
}
