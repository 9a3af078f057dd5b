package tsne_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/latent-go/latent/projection/tsne"
)

// Two well separated clouds of 60 points in 10 dimensions stay apart in
// the 2-D map: every point's nearest neighbour in the map comes from its
// own cloud.
func ExampleEmbed() {
	const n, d = 120, 10
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, n*d)
	for i := range n {
		for j := range d {
			x[i*d+j] = float32(rng.NormFloat64() + 8*float64(i%2))
		}
	}
	y, kl, err := tsne.Embed(context.Background(), x, n, d, tsne.Config{Perplexity: 10}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	same := 0
	for i := range n {
		best, bestD := -1, math.Inf(1)
		for j := range n {
			if dd := math.Hypot(y[2*i]-y[2*j], y[2*i+1]-y[2*j+1]); j != i && dd < bestD {
				best, bestD = j, dd
			}
		}
		if best%2 == i%2 {
			same++
		}
	}
	fmt.Printf("%d of %d nearest neighbours from the same cloud; KL divergence below 1: %t\n", same, n, kl < 1)
	// Output: 120 of 120 nearest neighbours from the same cloud; KL divergence below 1: true
}
