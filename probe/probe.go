// Package probe measures word vectors extrinsically: how well a simple
// downstream classifier does when documents are represented by their
// vectors. It is the other half of judging embeddings — similarity and
// analogy scores (package embedding) say whether the geometry looks right;
// a probe says whether it helps with a task.
//
// A probe trains an L2-regularised logistic regression (binary, or
// multinomial for more than two labels) on features of labelled documents
// and reports stratified k-fold cross-validated accuracy and F1. Two
// feature sets are provided:
//
//   - [MeanVectors]: the average of a document's word vectors (tokens
//     without a vector are skipped; a document with none is the zero
//     vector), the classic "averaged embeddings" baseline;
//   - [TFIDF]: a bag-of-words baseline, term counts weighted by smoothed
//     inverse document frequency and scaled to unit length — the defaults
//     of scikit-learn's TfidfVectorizer with min_df = 2 — fitted on the
//     training folds only.
//
// The logistic regression minimises the objective scikit-learn's
// LogisticRegression(C, solver="lbfgs") does,
//
//	½‖W‖² + C Σᵢ loss(xᵢ, yᵢ)        (intercepts not penalised)
//
// with gonum's L-BFGS, to a tighter gradient tolerance, so that the
// coefficients agree with scikit-learn's (testdata/make_ref.py). Features
// are sparse rows ([Matrix]): a bag of words of a few thousand documents
// has tens of thousands of columns but few entries per row.
//
// Everything is deterministic: the folds come from the seeded generator the
// caller passes, and the solver is sequential.
package probe

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Document is one labelled text, already split into tokens.
type Document struct {
	Label  string
	Tokens []string
}

// Labels returns the sorted distinct labels of docs and each document's
// label index into them.
func Labels(docs []Document) (names []string, y []int) {
	seen := make(map[string]bool)
	for _, d := range docs {
		if !seen[d.Label] {
			seen[d.Label] = true
			names = append(names, d.Label)
		}
	}
	slices.Sort(names)
	idx := make(map[string]int, len(names))
	for i, n := range names {
		idx[n] = i
	}
	y = make([]int, len(docs))
	for i, d := range docs {
		y[i] = idx[d.Label]
	}
	return names, y
}

// StratifiedFolds assigns each of the samples labelled y (label indices in
// [0, classes)) to one of k folds so that every fold holds nearly the same
// share of each label: the samples of each label are shuffled by rng and
// dealt to the folds in turn, the next label continuing where the previous
// one stopped. It returns the fold of each sample. It panics if k < 2.
func StratifiedFolds(y []int, classes, k int, rng *rand.Rand) []int {
	if k < 2 {
		panic(fmt.Sprintf("probe: %d folds, want at least 2", k))
	}
	byClass := make([][]int, classes)
	for i, c := range y {
		byClass[c] = append(byClass[c], i)
	}
	fold := make([]int, len(y))
	next := 0
	for _, idx := range byClass {
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		for _, i := range idx {
			fold[i] = next
			next = (next + 1) % k
		}
	}
	return fold
}

// Scores are the quality measures of one set of predictions.
type Scores struct {
	// Accuracy is the fraction of correct predictions.
	Accuracy float64 `json:"accuracy"`
	// F1 is the F1 score of the positive label for two labels, and the
	// unweighted mean of the per-label F1 scores (macro F1) for more.
	F1 float64 `json:"f1"`
}

// Score compares predictions with the truth. positive is the label index
// whose F1 is reported when there are two labels; with more it is ignored
// and the macro F1 is reported. A label that is never predicted nor true
// has F1 0, as scikit-learn's f1_score with zero_division=0.
func Score(truth, pred []int, classes, positive int) Scores {
	if len(truth) != len(pred) {
		panic(fmt.Sprintf("probe: %d truths, %d predictions", len(truth), len(pred)))
	}
	tp := make([]float64, classes)
	fp := make([]float64, classes)
	fn := make([]float64, classes)
	correct := 0
	for i, t := range truth {
		p := pred[i]
		if p == t {
			correct++
			tp[t]++
		} else {
			fp[p]++
			fn[t]++
		}
	}
	f1 := func(c int) float64 {
		d := 2*tp[c] + fp[c] + fn[c]
		if d == 0 {
			return 0
		}
		return 2 * tp[c] / d
	}
	s := Scores{Accuracy: float64(correct) / float64(len(truth))}
	if classes == 2 {
		s.F1 = f1(positive)
	} else {
		for c := range classes {
			s.F1 += f1(c)
		}
		s.F1 /= float64(classes)
	}
	return s
}

// Features turns documents into a feature matrix. Fit sees the training
// documents of a fold (a bag of words learns its vocabulary there);
// Transform then encodes any documents with what Fit learned.
type Features interface {
	Fit(docs []Document)
	Transform(docs []Document) *Matrix
}

// Config sets up a cross-validated probe. The zero value means 5 folds,
// C = 1 and the first label (in sorted order) of the minority as positive.
type Config struct {
	// Folds is the number of cross-validation folds; 0 means 5.
	Folds int
	// C is the inverse regularisation strength; 0 means 1.
	C float64
	// Positive is the label whose F1 is reported for two labels; "" means
	// the rarer label (the first in sorted order on a tie).
	Positive string
	// Seed seeds the fold assignment.
	Seed uint64
}

// Result is the outcome of a cross-validated probe.
type Result struct {
	Labels   []string `json:"labels"`
	Counts   []int    `json:"counts"`
	Positive string   `json:"positive,omitempty"`
	Folds    []Scores `json:"folds"`
	// Mean and Std are over the folds (Std is the population standard
	// deviation, numpy's default).
	Mean Scores `json:"mean"`
	Std  Scores `json:"std"`
	// Dims is the number of feature columns of the last fold.
	Dims int `json:"dims"`
}

// CrossValidate fits features and a logistic regression on all folds but
// one and scores the held-out fold, for each fold in turn. Every fold gets
// the same seeded assignment for a given Config.Seed, so that two feature
// sets probed with one seed see identical splits.
func CrossValidate(docs []Document, f Features, cfg Config) (*Result, error) {
	k := cfg.Folds
	if k == 0 {
		k = 5
	}
	c := cfg.C
	if c == 0 {
		c = 1
	}
	switch {
	case k < 2:
		return nil, fmt.Errorf("probe: %d folds, want at least 2", k)
	case !(c > 0) || math.IsInf(c, 0):
		return nil, fmt.Errorf("probe: C = %g, want a positive number", c)
	}
	names, y := Labels(docs)
	if len(names) < 2 {
		return nil, errors.New("probe: the documents carry fewer than two distinct labels")
	}
	counts := make([]int, len(names))
	for _, l := range y {
		counts[l]++
	}
	for i, n := range counts {
		if n < k {
			return nil, fmt.Errorf("probe: label %q has %d documents, fewer than the %d folds", names[i], n, k)
		}
	}
	positive := -1
	if len(names) == 2 {
		if cfg.Positive != "" {
			positive = slices.Index(names, cfg.Positive)
			if positive < 0 {
				return nil, fmt.Errorf("probe: positive label %q is not among the labels %q", cfg.Positive, names)
			}
		} else {
			positive = 0
			if counts[1] < counts[0] {
				positive = 1
			}
		}
	}
	folds := StratifiedFolds(y, len(names), k, rand.New(rand.NewPCG(cfg.Seed, 0x70726f6265)))
	res := &Result{Labels: names, Counts: counts}
	if positive >= 0 {
		res.Positive = names[positive]
	}
	for fold := range k {
		var train, test []Document
		var ytrain, ytest []int
		for i, d := range docs {
			if folds[i] == fold {
				test = append(test, d)
				ytest = append(ytest, y[i])
			} else {
				train = append(train, d)
				ytrain = append(ytrain, y[i])
			}
		}
		f.Fit(train)
		xtrain := f.Transform(train)
		m, err := LogisticRegression{C: c}.Fit(xtrain, ytrain, len(names))
		if err != nil {
			return nil, fmt.Errorf("probe: fold %d: %w", fold+1, err)
		}
		pred := m.Predict(f.Transform(test), nil)
		res.Folds = append(res.Folds, Score(ytest, pred, len(names), max(positive, 0)))
		res.Dims = xtrain.Cols
	}
	res.Mean, res.Std = meanStd(res.Folds)
	return res, nil
}

// meanStd returns the mean and the population standard deviation of the
// fold scores.
func meanStd(s []Scores) (mean, std Scores) {
	n := float64(len(s))
	for _, x := range s {
		mean.Accuracy += x.Accuracy / n
		mean.F1 += x.F1 / n
	}
	for _, x := range s {
		std.Accuracy += (x.Accuracy - mean.Accuracy) * (x.Accuracy - mean.Accuracy) / n
		std.F1 += (x.F1 - mean.F1) * (x.F1 - mean.F1) / n
	}
	std.Accuracy = math.Sqrt(std.Accuracy)
	std.F1 = math.Sqrt(std.F1)
	return mean, std
}

// sortedKeys returns the keys of m in increasing order.
func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
