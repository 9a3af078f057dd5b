package knn_test

import (
	"fmt"

	"github.com/latent-go/latent/distance"
	"github.com/latent-go/latent/knn"
)

func ExampleFlat() {
	// Five 2-d points; the two copies of (1, 1) tie and come in ID order.
	x := []float32{
		0, 0,
		1, 1,
		3, 4,
		1, 1,
		-1, 0,
	}
	idx := knn.NewFlat(x, 2, distance.Euclidean)
	for _, nb := range idx.Search([]float32{1, 0.9}, 3) {
		fmt.Printf("id %d at %.3f\n", nb.ID, nb.Dist)
	}
	// Output:
	// id 1 at 0.100
	// id 3 at 0.100
	// id 0 at 1.345
}

func ExampleFlat_SearchBatch() {
	x := []float32{1, 0, 0, 1, -1, 0, 0.7, 0.7}
	idx := knn.NewFlat(x, 2, distance.Cosine)
	queries := []float32{2, 2, 0, -5}
	for i, res := range idx.SearchBatch(queries, 2, 0) {
		fmt.Printf("query %d:", i)
		for _, nb := range res {
			fmt.Printf(" id %d at %.4f", nb.ID, nb.Dist)
		}
		fmt.Println()
	}
	// Output:
	// query 0: id 3 at 0.0000 id 0 at 0.2929
	// query 1: id 0 at 1.0000 id 2 at 1.0000
}
