package glove_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/latent-go/latent/glove"
)

// ids is a corpus of vocabulary IDs held in memory; *corpus.Encoded is the
// usual one.
type ids [][]int32

func (s ids) Each(ctx context.Context, fn func([]int32) error) error {
	for _, sentence := range s {
		if err := fn(sentence); err != nil {
			return err
		}
	}
	return nil
}

func Example() {
	words := []string{"cat", "dog", "mouse", "car", "bus", "truck", "the"}
	// Sentences about animals (IDs 0–2) or vehicles (3–5), with "the".
	rng := rand.New(rand.NewPCG(1, 2))
	var text ids
	for range 2000 {
		topic := int32(3 * rng.IntN(2))
		var s []int32
		for range 8 {
			if rng.IntN(4) == 0 {
				s = append(s, 6)
			} else {
				s = append(s, topic+int32(rng.IntN(3)))
			}
		}
		text = append(text, s)
	}
	tab, err := glove.Train(context.Background(), text, words, glove.Config{
		Dim: 8, Window: 3, Epochs: 20, XMax: 10, Seed: 1, Workers: 1,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	cos := func(a, b string) float64 {
		i, _ := tab.Index(a)
		j, _ := tab.Index(b)
		var ab, aa, bb float64
		for k, x := range tab.Row(i) {
			y := tab.Row(j)[k]
			ab += float64(x * y)
			aa += float64(x * x)
			bb += float64(y * y)
		}
		return ab / math.Sqrt(aa*bb)
	}
	fmt.Println(tab.Len(), "vectors of dimension", tab.Dim)
	fmt.Println("cat nearer dog than car:", cos("cat", "dog") > cos("cat", "car"))
	fmt.Println("bus nearer truck than mouse:", cos("bus", "truck") > cos("bus", "mouse"))
	// Output:
	// 7 vectors of dimension 8
	// cat nearer dog than car: true
	// bus nearer truck than mouse: true
}
