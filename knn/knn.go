// Package knn finds the k nearest neighbours of query vectors among a set
// of base vectors, under any metric of package distance.
//
// Every index implements [Index]: [Flat] searches exactly, by brute force
// batched through matrix products; approximate indexes (HNSW) trade a
// little recall for speed. They share one contract, which the conformance
// suite in package knntest checks for any implementation:
//
//   - Search returns at most k neighbours (fewer only when the index holds
//     fewer vectors), sorted by distance, nearest first.
//   - IDs are row numbers of the vectors the index was built from, in
//     [0, Len()).
//   - Dist is the metric's distance (distance.Metric.Distance), so Cosine
//     is 1 − cos and Dot is −a·b: smaller is always nearer.
//   - Equal distances are broken by the smaller ID first, so that results
//     are deterministic.
//
// Vectors and queries must be finite; a query of the wrong length is a
// programmer error and panics.
package knn

import (
	"cmp"
	"fmt"

	"github.com/latent-go/latent/distance"
)

// Neighbor is one search result: the row number of a base vector and its
// distance to the query.
type Neighbor struct {
	ID   int
	Dist float32
}

// Index is a searchable set of Len vectors of Dim float32 values each,
// compared with Metric. Implementations are safe for concurrent Search
// calls.
type Index interface {
	// Search returns the k nearest neighbours of q (len(q) == Dim()),
	// nearest first, ties broken by smaller ID; fewer than k only if the
	// index holds fewer than k vectors. k ≤ 0 returns none. It panics if
	// len(q) != Dim().
	Search(q []float32, k int) []Neighbor
	// Len returns the number of vectors searched.
	Len() int
	// Dim returns the length of each vector.
	Dim() int
	// Metric returns the distance the index ranks by.
	Metric() distance.Metric
}

// Compare orders neighbours nearest first, ties by smaller ID: the order
// every Index returns. It is a total order (NaN sorts first, as in
// cmp.Compare) and can be passed to slices.SortFunc.
func Compare(a, b Neighbor) int {
	if c := cmp.Compare(a.Dist, b.Dist); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

func checkQuery(op string, q []float32, dim int) {
	if len(q) != dim {
		panic(fmt.Sprintf("knn: %s: query has %d values, the index has dimension %d", op, len(q), dim))
	}
}
