// Package embedding holds tables of named vectors — word vectors, the codes
// of an autoencoder, any embedding — and reads and writes them in the
// formats other tools use, so that vectors made anywhere can be searched,
// clustered and compared in latent, and latent's can be used anywhere.
//
// A [Table] is keys, optional labels and one dense float32 matrix. Keys
// name rows and are unique, so that "the neighbours of king" means one row.
//
// # Formats
//
//   - word2vec text: a "count dim" header line, then one "key v1 … vdim"
//     line per vector (gensim's save_word2vec_format(binary=False); .txt,
//     .vec).
//   - word2vec binary: the same header, then per vector the key, a space
//     and dim little-endian float32 values, optionally followed by a
//     newline (the original C tool writes one, gensim does not; .bin).
//     Files without the header line are read too: the dimension is
//     inferred from where the second key starts.
//   - GloVe text: word2vec text without the header line.
//   - TensorFlow projector TSV: vectors.tsv, tab-separated values without
//     keys, and an optional metadata.tsv beside it (see [ReadTSV]).
//   - NPY: a 2-d float array; keys from FILE.keys.txt and labels from
//     FILE.labels.txt beside it when present (as `latent encode` writes
//     them), else row numbers.
//   - CSV: a header row, optional "key" and "label" columns, the other
//     columns numbers (as `latent encode` writes).
//
// Files may be gzipped (the name then ends in .gz).
//
// # Reading safely
//
// Readers stream: they never read a whole file into memory, and memory
// grows with what is actually read, so a header that claims 10¹² vectors
// costs nothing. Before a large allocation the memory a table will need is
// estimated — vectors × dimension × 4 bytes plus about 64 bytes per key
// beyond its text — and reported through Options.Log; with
// Options.MaxMemory set, a file that needs more is refused with an error
// that names both sizes instead of the process being killed. Every problem
// is an error naming the file and the line (or, in binary files, the
// record):
//
//	embedding: vec.txt line 7: want 100 values, got 99
//	embedding: vec.txt line 9: duplicate key "the" (first on line 3)
//
// Keys in text formats must be valid UTF-8; values must be finite.
//
// # Queries
//
// A [Space] holds a unit-length copy of a table's vectors, made once, and
// answers [Space.Similar], [Space.Analogy] (3CosAdd or 3CosMul, any number
// of positive and negative words), [Space.OddOneOut] and batches of such
// queries ([Space.NearestBatch]) with one pass of matrix products over the
// vectors: a query on 341k words of dimension 100 takes milliseconds. The
// query words are never answers, ties go to the earlier row, and
// Query.Restrict limits the answers to the first rows (the frequent words,
// in a frequency-sorted file), as gensim's most_similar does.
//
// # Evaluation
//
// [EvalSimilarity] correlates cosines with human similarity judgements
// (WordSim-353, SimLex-999; see [ReadPairs]) and [EvalAnalogies] measures
// analogy accuracy per section and overall with 3CosAdd and 3CosMul (the
// Google questions; see [ReadAnalogies]). They follow gensim's
// KeyedVectors.evaluate_word_pairs and evaluate_word_analogies rule for
// rule, and agree with them (to 0.001 or better; the tests compare with
// reference figures gensim computed) when given the same options:
//
//   - Vocabulary cut-off (EvalOptions.Restrict, default 300,000 as in
//     gensim): only the first Restrict keys are known words, and only they
//     can be answers. A word beyond the cut-off is out of vocabulary (OOV).
//   - OOV policy (EvalOptions.OOV): [OOVSkip] leaves OOV pairs and
//     questions out of the score (gensim's default); [OOVZero] scores an
//     OOV pair as similarity 0 and an OOV question as wrong (gensim's
//     dummy4unknown). The OOV count and fraction are always in the result:
//     under OOVSkip two tables with different vocabularies are scored on
//     different items.
//   - Case: words and keys are compared upper-cased, and of several keys
//     that differ only in case the first stands for all, unless
//     EvalOptions.CaseSensitive.
//   - An analogy "a b c d" asks for b − a + c with a, b and c excluded; of
//     the five best answers the first that is not a case variant of a, b or
//     c is the prediction. gensim evaluates 3CosAdd only; 3CosMul here uses
//     the same rules (with the cut-off, which gensim's most_similar_cosmul
//     ignores).
//
// Where gensim skips a malformed line of an evaluation file, the readers
// here return an error naming the file and the line.
package embedding

import (
	"fmt"
	"math"
)

// Table is a set of named vectors: row i of the len(Keys)×Dim row-major
// matrix Vectors is the vector of Keys[i].
type Table struct {
	// Keys names each row; keys are unique.
	Keys []string
	// Labels optionally tags each row (a class, a part of speech): nil or
	// one per key.
	Labels []string
	// Dim is the length of each vector.
	Dim int
	// Vectors holds len(Keys)·Dim values, row-major.
	Vectors []float32

	index map[string]int
}

// New returns a table over keys and the row-major vectors (both kept, not
// copied), with its key index built. It returns an error if dim < 1, the
// lengths disagree or a key is repeated.
func New(keys []string, dim int, vectors []float32) (*Table, error) {
	t := &Table{Keys: keys, Dim: dim, Vectors: vectors}
	if err := t.Check(); err != nil {
		return nil, err
	}
	return t, nil
}

// Len returns the number of vectors.
func (t *Table) Len() int { return len(t.Keys) }

// Row returns vector i (a slice of Vectors, not a copy). It panics if i is
// out of range.
func (t *Table) Row(i int) []float32 {
	if i < 0 || i >= len(t.Keys) {
		panic(fmt.Sprintf("embedding: Row(%d) out of range [0, %d)", i, len(t.Keys)))
	}
	return t.Vectors[i*t.Dim : (i+1)*t.Dim : (i+1)*t.Dim]
}

// Index returns the row of key. Tables from New, Check and the readers have
// their index built; for a table assembled by hand the first call builds
// it (so call Index or Check once before using a table from several
// goroutines), and it is rebuilt if the number of keys changed.
func (t *Table) Index(key string) (int, bool) {
	if t.index == nil || len(t.index) != len(t.Keys) {
		t.buildIndex()
	}
	i, ok := t.index[key]
	return i, ok
}

// buildIndex maps keys to rows; with repeated keys the first row wins. It
// reports the first repeated key's rows.
func (t *Table) buildIndex() (dup string, first, second int) {
	t.index = make(map[string]int, len(t.Keys))
	first = -1
	for i, k := range t.Keys {
		if j, ok := t.index[k]; ok {
			if first < 0 {
				dup, first, second = k, j, i
			}
			continue
		}
		t.index[k] = i
	}
	return dup, first, second
}

// Check reports whether the table is consistent — Dim ≥ 1, len(Vectors) =
// len(Keys)·Dim, Labels nil or one per key, keys unique, values finite —
// and builds its key index.
func (t *Table) Check() error {
	switch {
	case t.Dim < 1:
		return fmt.Errorf("embedding: dimension %d, want at least 1", t.Dim)
	case len(t.Vectors) != len(t.Keys)*t.Dim:
		return fmt.Errorf("embedding: %d values for %d keys of dimension %d", len(t.Vectors), len(t.Keys), t.Dim)
	case t.Labels != nil && len(t.Labels) != len(t.Keys):
		return fmt.Errorf("embedding: %d labels for %d keys", len(t.Labels), len(t.Keys))
	}
	if dup, a, b := t.buildIndex(); a >= 0 {
		return fmt.Errorf("embedding: duplicate key %s (rows %d and %d)", quote([]byte(dup)), a, b)
	}
	for i, v := range t.Vectors {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("embedding: key %s value %d is %v", quote([]byte(t.Keys[i/t.Dim])), i%t.Dim, v)
		}
	}
	return nil
}

// Normalize scales every vector to unit Euclidean length, so that dot
// products are cosines. Zero vectors stay zero.
func (t *Table) Normalize() {
	for i := range t.Keys {
		row := t.Row(i)
		var s float64
		for _, v := range row {
			s += float64(v) * float64(v)
		}
		if s == 0 {
			continue
		}
		inv := 1 / math.Sqrt(s)
		for j, v := range row {
			row[j] = float32(float64(v) * inv)
		}
	}
}
