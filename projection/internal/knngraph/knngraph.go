// Package knngraph turns directed k-nearest-neighbour lists into the
// symmetric sparse graphs that t-SNE and UMAP lay out: t-SNE adds the two
// directions' conditional probabilities, UMAP joins the two fuzzy
// memberships with the probabilistic t-conorm a + b − ab. Both need the
// union of the lists and their transpose, row by row in column order.
package knngraph

// CSR is a sparse N×N matrix in compressed-row form: row i's entries are
// Col[RowPtr[i]:RowPtr[i+1]] (increasing) and the Val entries beside them.
type CSR[T float32 | float64] struct {
	N      int
	RowPtr []int
	Col    []int32
	Val    []T
}

// Symmetrize returns the matrix whose entry (i, j) is combine(w_ij, w_ji)
// for every pair that either list holds, where w_ij is the weight w[i*k+t]
// of j = ids[i*k+t] in row i's list (n×k, no column twice in a row) and 0
// when j is not listed. combine(x, 0) must equal x. Entries that come out
// 0 are dropped.
func Symmetrize[T float32 | float64](ids []int32, w []T, n, k int, combine func(wij, wji T) T) *CSR[T] {
	// Reverse lists: for each j, the rows i that list j, in increasing i.
	revPtr := make([]int, n+1)
	for _, j := range ids {
		revPtr[j+1]++
	}
	for j := range n {
		revPtr[j+1] += revPtr[j]
	}
	revRow := make([]int32, len(ids))
	revVal := make([]T, len(ids))
	fill := append([]int(nil), revPtr[:n]...)
	for i := range n {
		for t := range k {
			j := ids[i*k+t]
			revRow[fill[j]] = int32(i)
			revVal[fill[j]] = w[i*k+t]
			fill[j]++
		}
	}
	g := &CSR[T]{N: n, RowPtr: make([]int, n+1), Col: make([]int32, 0, 2*len(ids)), Val: make([]T, 0, 2*len(ids))}
	type entry struct {
		j int32
		w T
	}
	own := make([]entry, k)
	for i := range n {
		for t := range k {
			own[t] = entry{ids[i*k+t], w[i*k+t]}
		}
		// Insertion sort by column: k is small and the lists come nearest
		// first, not in column order.
		for a := 1; a < k; a++ {
			e := own[a]
			b := a
			for b > 0 && own[b-1].j > e.j {
				own[b] = own[b-1]
				b--
			}
			own[b] = e
		}
		// Merge with row i of the reverse lists (already in order).
		rr, rv := revRow[revPtr[i]:revPtr[i+1]], revVal[revPtr[i]:revPtr[i+1]]
		a, b := 0, 0
		for a < k || b < len(rr) {
			var j int32
			var v T
			switch {
			case b == len(rr) || (a < k && own[a].j < rr[b]):
				j, v = own[a].j, combine(own[a].w, 0)
				a++
			case a == k || rr[b] < own[a].j:
				j, v = rr[b], combine(rv[b], 0)
				b++
			default:
				j, v = own[a].j, combine(own[a].w, rv[b])
				a++
				b++
			}
			if v != 0 {
				g.Col = append(g.Col, j)
				g.Val = append(g.Val, v)
			}
		}
		g.RowPtr[i+1] = len(g.Col)
	}
	return g
}
