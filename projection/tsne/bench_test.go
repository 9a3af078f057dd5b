package tsne

import (
	"context"
	"testing"

	"github.com/latent-go/latent/dataset/digits"
)

// BenchmarkEmbedDigits embeds all 1,797 digits with the defaults.
func BenchmarkEmbedDigits(b *testing.B) {
	s := digits.Load()
	for b.Loop() {
		if _, _, err := Embed(context.Background(), s.X, s.N, s.D, Config{}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGradient times one Barnes–Hut gradient of a spread-out map of
// 5,000 points, as in the second phase of an embedding.
func BenchmarkGradient(b *testing.B) {
	for _, bc := range []struct {
		name  string
		dims  int
		alpha float64
	}{{"2d", 2, 1}, {"3d", 3, 2}} {
		b.Run(bc.name, func(b *testing.B) {
			p, y := randomProblem(5000, bc.dims, 30, 1)
			for i := range y {
				y[i] *= 10
			}
			obj := newObjective(p, bc.dims, 0.5, bc.alpha, 0)
			grad := make([]float64, len(y))
			for b.Loop() {
				obj.gradient(y, grad, 1, false)
			}
		})
	}
}
