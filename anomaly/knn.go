package anomaly

import (
	"fmt"
	"runtime"

	"github.com/latent-go/latent/distance"
	"github.com/latent-go/latent/knn"
	"github.com/latent-go/latent/tensor"
)

// KNNMethod is the k-nearest-neighbour baseline: a record's score is its
// Euclidean distance to the k-th nearest of the normal training records
// (scaled), found by exact search.
func KNNMethod(train *tensor.Dense, k int) Method {
	idx := knn.NewFlat(train.Data, train.C, distance.Euclidean)
	return Method{
		Name: fmt.Sprintf("kNN-%d distance", k),
		Score: func(x *tensor.Dense) []float64 {
			res := idx.SearchBatch(x.Data, k, runtime.GOMAXPROCS(0))
			out := make([]float64, x.R)
			for i, r := range res {
				out[i] = float64(r[len(r)-1].Dist)
			}
			return out
		},
	}
}
