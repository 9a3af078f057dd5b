package quality_test

import (
	"fmt"

	"github.com/latent-go/latent/projection/quality"
)

// Twelve points on a slanted line, in two labelled halves. Keeping their
// first coordinate keeps every neighbourhood; folding the line onto itself
// (i mod 4) keeps almost none and mixes the labels.
func ExampleEvaluate() {
	var x, good, bad []float32
	labels := []string{}
	for i := range 12 {
		x = append(x, float32(i), float32(i)/2)
		good = append(good, float32(i))
		bad = append(bad, float32(i%4)+float32(i)/100)
		labels = append(labels, fmt.Sprint(i/6))
	}
	for _, m := range []struct {
		name string
		y    []float32
	}{{"line", good}, {"folded", bad}} {
		r, err := quality.Evaluate(x, 2, m.y, 1, labels, quality.Options{K: 2})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: trustworthiness %.3f, continuity %.3f, kNN kept %.3f, silhouette %.3f\n",
			m.name, r.Trustworthiness, r.Continuity, r.KNNPreservation, *r.Silhouette)
	}
	// Output:
	// line: trustworthiness 1.000, continuity 1.000, kNN kept 1.000, silhouette 0.567
	// folded: trustworthiness 0.353, continuity 0.549, kNN kept 0.000, silhouette -0.005
}
