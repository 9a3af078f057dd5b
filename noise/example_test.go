package noise_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/latent-go/latent/noise"
)

func Example() {
	c, err := noise.Parse("masking:0.5")
	if err != nil {
		fmt.Println(err)
		return
	}
	clean := []float32{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8}
	noisy := make([]float32, len(clean))
	c.Corrupt(noisy, clean, rand.New(rand.NewPCG(3, 4)))
	fmt.Println(c)
	fmt.Println(clean)
	fmt.Println(noisy)

	_, err = noise.Parse("gaussian:-1")
	fmt.Println(err)
	// Output:
	// masking:0.5
	// [0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8]
	// [0.1 0 0 0 0 0.6 0 0.8]
	// noise: "gaussian:-1": sigma must be >= 0
}
