package distance_test

import (
	"fmt"

	"github.com/latent-go/latent/distance"
)

// Cosine ignores length and Dot does not: the two rank these vectors
// differently.
func Example() {
	q := []float32{1, 0}
	short := []float32{1, 0.1}
	long := []float32{4, 2}
	for _, m := range []distance.Metric{distance.Euclidean, distance.Cosine, distance.Dot} {
		fmt.Printf("%-9v short %.4f  long %.4f\n", m, m.Distance(q, short), m.Distance(q, long))
	}
	// Output:
	// euclidean short 0.1000  long 3.6056
	// cosine    short 0.0050  long 0.1056
	// dot       short -1.0000  long -4.0000
}

func ExampleParse() {
	m, err := distance.Parse("l1")
	fmt.Println(m, err)
	_, err = distance.Parse("hamming")
	fmt.Println(err)
	// Output:
	// manhattan <nil>
	// distance: unknown metric "hamming" (want euclidean, sqeuclidean, cosine, manhattan or dot)
}
