package pca_test

import (
	"fmt"
	"log"

	"github.com/latent-go/latent/projection/pca"
)

func Example() {
	// Five points in 2-D that lie close to the line y = 2x. (scikit-learn's
	// PCA(n_components=1) gives the same numbers.)
	x := []float32{
		1, 2.1,
		2, 3.9,
		3, 6.2,
		4, 7.8,
		5, 10,
	}
	p, err := pca.Fit(x, 5, 2, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("mean %.2f\n", p.Mean)
	fmt.Printf("component %.4f\n", p.Components)
	fmt.Printf("explained variance %.4f (ratio %.5f)\n", p.ExplainedVariance, p.ExplainedVarianceRatio)

	code := make([]float32, 5)
	p.Transform(code, x, 5)
	fmt.Printf("codes %.3f\n", code)

	rec := make([]float32, 2)
	p.Inverse(rec, code[2:3], 1)
	fmt.Printf("third point rebuilt from its code: %.2f\n", rec)
	// Output:
	// mean [3.00 6.00]
	// component [0.4520 0.8920]
	// explained variance [12.2203] (ratio [0.99962])
	// codes [-4.383 -2.325 0.178 2.058 4.472]
	// third point rebuilt from its code: [3.08 6.16]
}
