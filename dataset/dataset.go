// Package dataset loads tabular and image data into memory as one dense
// float32 matrix, and holds the small pieces of preprocessing that must be
// fitted on training data and replayed exactly at inference time (scalers)
// or be reproducible from a seed (shuffles and splits).
//
// Everything a model trains on passes through a [Set]: N samples of D
// features in one row-major slice, so that batches are plain copies of
// contiguous rows and every reader (CSV, NPY, IDX, PNG folders) produces the
// same thing. Readers check what they read — ragged rows, NaN and Inf,
// truncated files, hostile headers — and return errors that name the file
// and the place, because a bad value found here is cheap to fix and one found
// after an hour of training is not:
//
//	dataset: train.csv line 12: want 64 values, got 63
//
// Pixel and feature values are kept raw (for example 0..255 for IDX and PNG
// images); scaling is the job of a [Scaler], which is fitted on the training
// split only and stored with the model.
package dataset

import "fmt"

// Set is N samples of D float32 features, row-major, with optional keys and
// labels.
type Set struct {
	X    []float32 // len N*D, row-major: sample i is X[i*D : (i+1)*D]
	N, D int

	// Keys optionally names each sample: nil or len N. PNG folders set the
	// path of each image relative to the folder; other readers leave it nil
	// unless a key column is named.
	Keys []string
	// Labels optionally holds a class or tag per sample: nil or len N.
	Labels []string
	// Shape is the optional per-sample shape, for example [28 28] for IDX
	// images or [h w 3] for colour PNGs; when set, its product is D.
	Shape []int
	// Columns optionally names the D features (a CSV header): nil or len D.
	Columns []string
	// Source is the file or folder the set was read from.
	Source string
}

// Row returns sample i as a slice of X (not a copy). It panics if i is out
// of range.
func (s *Set) Row(i int) []float32 {
	if i < 0 || i >= s.N {
		panic(fmt.Sprintf("dataset: Row(%d) out of range [0, %d)", i, s.N))
	}
	return s.X[i*s.D : (i+1)*s.D : (i+1)*s.D]
}

// Subset returns a new Set holding copies of the rows idx (in that order),
// with their keys and labels. Shape, Columns and Source are shared. It
// panics if an index is out of range.
func (s *Set) Subset(idx []int) *Set {
	out := &Set{
		X:       make([]float32, len(idx)*s.D),
		N:       len(idx),
		D:       s.D,
		Shape:   s.Shape,
		Columns: s.Columns,
		Source:  s.Source,
	}
	s.Gather(out.X, idx)
	if s.Keys != nil {
		out.Keys = make([]string, len(idx))
		for k, i := range idx {
			out.Keys[k] = s.Keys[i]
		}
	}
	if s.Labels != nil {
		out.Labels = make([]string, len(idx))
		for k, i := range idx {
			out.Labels[k] = s.Labels[i]
		}
	}
	return out
}

// Permute reorders the rows of s in place so that row i becomes the old
// row order[i] (keys and labels move with them), with one row of extra
// memory: the way to split a large set without copying it. order must be a
// permutation of 0..N−1; Permute panics otherwise.
func (s *Set) Permute(order []int) {
	if len(order) != s.N {
		panic(fmt.Sprintf("dataset: Permute: %d indices for %d rows", len(order), s.N))
	}
	done := make([]bool, s.N)
	tmp := make([]float32, s.D)
	for start := range order {
		if done[start] {
			continue
		}
		// Follow the cycle start ← order[start] ← order[order[start]] ...
		copy(tmp, s.Row(start))
		var key, label string
		if s.Keys != nil {
			key = s.Keys[start]
		}
		if s.Labels != nil {
			label = s.Labels[start]
		}
		i := start
		for {
			done[i] = true
			j := order[i]
			if j < 0 || j >= s.N || (done[j] && j != start) {
				panic("dataset: Permute: order is not a permutation")
			}
			if j == start {
				copy(s.Row(i), tmp)
				if s.Keys != nil {
					s.Keys[i] = key
				}
				if s.Labels != nil {
					s.Labels[i] = label
				}
				break
			}
			copy(s.Row(i), s.Row(j))
			if s.Keys != nil {
				s.Keys[i] = s.Keys[j]
			}
			if s.Labels != nil {
				s.Labels[i] = s.Labels[j]
			}
			i = j
		}
	}
}

// Slice returns a view of rows [lo, hi) sharing s's storage.
func (s *Set) Slice(lo, hi int) *Set {
	out := *s
	out.X, out.N = s.X[lo*s.D:hi*s.D], hi-lo
	if s.Keys != nil {
		out.Keys = s.Keys[lo:hi]
	}
	if s.Labels != nil {
		out.Labels = s.Labels[lo:hi]
	}
	return &out
}

// Gather copies the rows idx, in that order, into dst, which must have
// length len(idx)*D; it is the way to fill a minibatch buffer without
// allocating. It panics on a length mismatch or an index out of range.
func (s *Set) Gather(dst []float32, idx []int) {
	if len(dst) != len(idx)*s.D {
		panic(fmt.Sprintf("dataset: Gather: len(dst) = %d, want %d*%d", len(dst), len(idx), s.D))
	}
	for k, i := range idx {
		copy(dst[k*s.D:(k+1)*s.D], s.Row(i))
	}
}

// Check reports whether the set is internally consistent: N, D > 0,
// len(X) == N*D, Keys/Labels nil or of length N, Columns nil or of length D,
// and the product of Shape equal to D. Readers only return sets that pass;
// it is for code that builds a Set by hand.
func (s *Set) Check() error {
	switch {
	case s.N <= 0 || s.D <= 0:
		return fmt.Errorf("dataset: %s: empty set (N=%d, D=%d)", s.Source, s.N, s.D)
	case len(s.X) != s.N*s.D:
		return fmt.Errorf("dataset: %s: len(X) = %d, want N*D = %d", s.Source, len(s.X), s.N*s.D)
	case s.Keys != nil && len(s.Keys) != s.N:
		return fmt.Errorf("dataset: %s: %d keys for %d samples", s.Source, len(s.Keys), s.N)
	case s.Labels != nil && len(s.Labels) != s.N:
		return fmt.Errorf("dataset: %s: %d labels for %d samples", s.Source, len(s.Labels), s.N)
	case s.Columns != nil && len(s.Columns) != s.D:
		return fmt.Errorf("dataset: %s: %d column names for %d features", s.Source, len(s.Columns), s.D)
	}
	if s.Shape != nil {
		p := 1
		for _, v := range s.Shape {
			if v <= 0 {
				return fmt.Errorf("dataset: %s: bad shape %v", s.Source, s.Shape)
			}
			p *= v
			if p > s.D {
				break
			}
		}
		if p != s.D {
			return fmt.Errorf("dataset: %s: shape %v does not match %d features", s.Source, s.Shape, s.D)
		}
	}
	return nil
}
