package probe

import (
	"math"
	"slices"

	"github.com/latent-go/latent/embedding"
)

// Vectors looks up word vectors: the row of a word and whether it has one.
// *embedding.Table's Index and Row fit it through [TableVectors].
type Vectors interface {
	Dim() int
	Vector(word string) ([]float32, bool)
}

// MeanVectors represents a document by the mean of the vectors of its
// tokens that have one; a document with none is the zero vector. Fit
// learns nothing.
type MeanVectors struct {
	Vectors Vectors
}

// Fit does nothing: the vectors are fixed.
func (MeanVectors) Fit([]Document) {}

// Transform returns one dense row per document.
func (f MeanVectors) Transform(docs []Document) *Matrix {
	d := f.Vectors.Dim()
	m := NewMatrix(d)
	row := make([]float64, d)
	for _, doc := range docs {
		clear(row)
		n := 0
		for _, t := range doc.Tokens {
			v, ok := f.Vectors.Vector(t)
			if !ok {
				continue
			}
			n++
			for j, x := range v {
				row[j] += float64(x)
			}
		}
		if n > 0 {
			for j := range row {
				row[j] /= float64(n)
			}
		}
		m.AppendDense(row)
	}
	return m
}

// Coverage counts the tokens of docs that have a vector, all tokens, and
// the documents without any token that has one.
func Coverage(docs []Document, v Vectors) (known, total, empty int) {
	for _, doc := range docs {
		k := 0
		for _, t := range doc.Tokens {
			if _, ok := v.Vector(t); ok {
				k++
			}
		}
		known += k
		total += len(doc.Tokens)
		if k == 0 {
			empty++
		}
	}
	return known, total, empty
}

// TFIDF is the bag-of-words baseline: a document is its term counts times
// the smoothed inverse document frequency ln((1+n)/(1+df)) + 1, scaled to
// unit Euclidean length — scikit-learn's TfidfVectorizer defaults — over a
// vocabulary of the terms in at least MinDF training documents, learned by
// Fit.
type TFIDF struct {
	// MinDF is the least number of training documents a term must occur
	// in to be a column; 0 means 2.
	MinDF int

	column map[string]int32
	idf    []float64
}

// Fit learns the vocabulary and the inverse document frequencies from docs.
func (f *TFIDF) Fit(docs []Document) {
	minDF := f.MinDF
	if minDF == 0 {
		minDF = 2
	}
	df := make(map[string]int)
	seen := make(map[string]bool)
	for _, doc := range docs {
		clear(seen)
		for _, t := range doc.Tokens {
			if !seen[t] {
				seen[t] = true
				df[t]++
			}
		}
	}
	terms := sortedKeys(df)
	f.column = make(map[string]int32)
	f.idf = f.idf[:0]
	n := float64(len(docs))
	for _, t := range terms {
		if df[t] < minDF {
			continue
		}
		f.column[t] = int32(len(f.idf))
		f.idf = append(f.idf, math.Log((1+n)/(1+float64(df[t])))+1)
	}
}

// Dims returns the vocabulary size learned by Fit.
func (f *TFIDF) Dims() int { return len(f.idf) }

// Transform returns one sparse row per document; terms outside the
// vocabulary are ignored.
func (f *TFIDF) Transform(docs []Document) *Matrix {
	m := NewMatrix(len(f.idf))
	counts := make(map[int32]float64)
	var idx []int32
	var val []float64
	for _, doc := range docs {
		clear(counts)
		for _, t := range doc.Tokens {
			if j, ok := f.column[t]; ok {
				counts[j]++
			}
		}
		idx = idx[:0]
		for j := range counts {
			idx = append(idx, j)
		}
		slices.Sort(idx)
		val = val[:0]
		norm := 0.0
		for _, j := range idx {
			v := counts[j] * f.idf[j]
			val = append(val, v)
			norm += v * v
		}
		if norm > 0 {
			norm = math.Sqrt(norm)
			for k := range val {
				val[k] /= norm
			}
		}
		m.AppendRow(idx, val)
	}
	return m
}

// TableVectors adapts an embedding table to [Vectors].
func TableVectors(t *embedding.Table) Vectors { return tableVectors{t} }

type tableVectors struct{ t *embedding.Table }

func (v tableVectors) Dim() int { return v.t.Dim }

func (v tableVectors) Vector(word string) ([]float32, bool) {
	i, ok := v.t.Index(word)
	if !ok {
		return nil, false
	}
	return v.t.Row(i), true
}
