package probe

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

type logregRef struct {
	X         [][]float64 `json:"x"`
	Y         []int       `json:"y"`
	C         float64     `json:"c"`
	Coef      [][]float64 `json:"coef"`
	Intercept []float64   `json:"intercept"`
	Accuracy  float64     `json:"accuracy"`
	F1        float64     `json:"f1"`
}

type reference struct {
	Binary      logregRef `json:"binary"`
	Multinomial logregRef `json:"multinomial"`
	TFIDF       struct {
		Train      [][]string  `json:"train"`
		Test       [][]string  `json:"test"`
		Vocabulary []string    `json:"vocabulary"`
		Matrix     [][]float64 `json:"matrix"`
	} `json:"tfidf"`
}

// loadRef reads the scikit-learn reference values (testdata/make_ref.py).
func loadRef(t *testing.T) *reference {
	t.Helper()
	b, err := os.ReadFile("testdata/ref.json")
	if err != nil {
		t.Fatal(err)
	}
	var r reference
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func dense(rows [][]float64) *Matrix {
	m := NewMatrix(len(rows[0]))
	for _, r := range rows {
		m.AppendDense(r)
	}
	return m
}

// TestLogisticRegressionMatchesScikitLearn compares coefficients,
// intercepts and training scores with LogisticRegression(solver="lbfgs").
func TestLogisticRegressionMatchesScikitLearn(t *testing.T) {
	r := loadRef(t)
	for _, tc := range []struct {
		name string
		ref  logregRef
	}{{"binary", r.Binary}, {"multinomial", r.Multinomial}} {
		t.Run(tc.name, func(t *testing.T) {
			ref := tc.ref
			classes := slices.Max(ref.Y) + 1
			x := dense(ref.X)
			m, err := LogisticRegression{C: ref.C}.Fit(x, ref.Y, classes)
			if err != nil {
				t.Fatal(err)
			}
			for c, row := range ref.Coef {
				for j, want := range row {
					if got := m.W[c*m.Dim+j]; math.Abs(got-want) > 1e-4*max(1, math.Abs(want)) {
						t.Errorf("coef[%d][%d] = %.6f, scikit-learn %.6f", c, j, got, want)
					}
				}
				if got, want := m.B[c], ref.Intercept[c]; math.Abs(got-want) > 1e-4*max(1, math.Abs(want)) {
					t.Errorf("intercept[%d] = %.6f, scikit-learn %.6f", c, got, want)
				}
			}
			pred := m.Predict(x, nil)
			s := Score(ref.Y, pred, classes, 1)
			if math.Abs(s.Accuracy-ref.Accuracy) > 1e-12 || math.Abs(s.F1-ref.F1) > 1e-12 {
				t.Errorf("scores %+v, scikit-learn accuracy %v F1 %v", s, ref.Accuracy, ref.F1)
			}
		})
	}
}

// TestTFIDFMatchesScikitLearn compares with TfidfVectorizer(min_df=2).
func TestTFIDFMatchesScikitLearn(t *testing.T) {
	r := loadRef(t).TFIDF
	docs := func(toks [][]string) []Document {
		d := make([]Document, len(toks))
		for i, tk := range toks {
			d[i] = Document{Tokens: tk}
		}
		return d
	}
	var f TFIDF
	f.Fit(docs(r.Train))
	if f.Dims() != len(r.Vocabulary) {
		t.Fatalf("%d columns, scikit-learn %d", f.Dims(), len(r.Vocabulary))
	}
	m := f.Transform(docs(r.Test))
	for i, want := range r.Matrix {
		got := make([]float64, m.Cols)
		idx, val := m.Row(i)
		for k, j := range idx {
			got[j] = val[k]
		}
		for j := range want {
			if math.Abs(got[j]-want[j]) > 1e-12 {
				t.Errorf("row %d column %q = %.15f, scikit-learn %.15f", i, r.Vocabulary[j], got[j], want[j])
			}
		}
	}
}

func TestScore(t *testing.T) {
	truth := []int{0, 0, 1, 1, 1, 2}
	pred := []int{0, 1, 1, 1, 0, 2}
	for _, tc := range []struct {
		classes, positive int
		want              Scores
	}{
		// Two labels: only 0 and 1 occur in the first five.
		{2, 1, Scores{Accuracy: 3.0 / 5, F1: 2 * 2.0 / (2*2 + 1 + 1)}},
		{2, 0, Scores{Accuracy: 3.0 / 5, F1: 2 * 1.0 / (2*1 + 1 + 1)}},
		// Three labels: macro F1 of 0.5, 2/3 and 1.
		{3, 0, Scores{Accuracy: 4.0 / 6, F1: (0.5 + 2.0/3 + 1) / 3}},
	} {
		n := len(truth)
		if tc.classes == 2 {
			n = 5
		}
		got := Score(truth[:n], pred[:n], tc.classes, tc.positive)
		if math.Abs(got.Accuracy-tc.want.Accuracy) > 1e-15 || math.Abs(got.F1-tc.want.F1) > 1e-15 {
			t.Errorf("classes %d positive %d: %+v, want %+v", tc.classes, tc.positive, got, tc.want)
		}
	}
}

func TestStratifiedFolds(t *testing.T) {
	y := make([]int, 103)
	for i := range y {
		y[i] = i % 3
		if i > 90 {
			y[i] = 2
		}
	}
	fold := StratifiedFolds(y, 3, 5, rand.New(rand.NewPCG(1, 2)))
	per := make([][3]int, 5)
	for i, f := range fold {
		per[f][y[i]]++
	}
	for c := range 3 {
		lo, hi := per[0][c], per[0][c]
		for f := range per {
			lo, hi = min(lo, per[f][c]), max(hi, per[f][c])
		}
		if hi-lo > 1 {
			t.Errorf("label %d spread over the folds as %v", c, per)
		}
	}
	again := StratifiedFolds(y, 3, 5, rand.New(rand.NewPCG(1, 2)))
	if !slices.Equal(fold, again) {
		t.Error("same seed, different folds")
	}
}

type mapVectors map[string][]float32

func (m mapVectors) Dim() int { return 2 }
func (m mapVectors) Vector(w string) ([]float32, bool) {
	v, ok := m[w]
	return v, ok
}

// TestCrossValidate probes a task the vectors make easy and the bag of
// words makes easy too: documents about animals against documents about
// vehicles.
func TestCrossValidate(t *testing.T) {
	vec := mapVectors{
		"cat": {1, 0}, "dog": {0.9, 0.1}, "cow": {0.8, 0},
		"car": {0, 1}, "bus": {0.1, 0.9}, "van": {0, 0.8},
	}
	rng := rand.New(rand.NewPCG(3, 4))
	animals := []string{"cat", "dog", "cow"}
	vehicles := []string{"car", "bus", "van"}
	var docs []Document
	for i := range 60 {
		label, words := "animal", animals
		if i%3 == 0 {
			label, words = "vehicle", vehicles
		}
		toks := []string{"the", words[rng.IntN(3)], "and", "a", words[rng.IntN(3)]}
		docs = append(docs, Document{Label: label, Tokens: toks})
	}
	for _, f := range []Features{MeanVectors{vec}, &TFIDF{}} {
		res, err := CrossValidate(docs, f, Config{Folds: 4, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		if res.Positive != "vehicle" || !slices.Equal(res.Counts, []int{40, 20}) || len(res.Folds) != 4 {
			t.Errorf("%T: positive %q counts %v folds %d", f, res.Positive, res.Counts, len(res.Folds))
		}
		if res.Mean.Accuracy != 1 || res.Mean.F1 != 1 {
			t.Errorf("%T: mean %+v, want perfect scores", f, res.Mean)
		}
	}
	known, total, empty := Coverage(docs, vec)
	if known != 120 || total != 300 || empty != 0 {
		t.Errorf("coverage %d/%d, %d empty", known, total, empty)
	}
}

func TestCrossValidateErrors(t *testing.T) {
	one := []Document{{Label: "a"}, {Label: "a"}}
	few := []Document{{Label: "a"}, {Label: "a"}, {Label: "b"}}
	for _, tc := range []struct {
		docs []Document
		cfg  Config
		want string
	}{
		{one, Config{}, "fewer than two distinct labels"},
		{few, Config{Folds: 2}, `label "b" has 1 documents`},
		{few, Config{Folds: 1}, "want at least 2"},
		{few, Config{C: -1}, "positive number"},
		{few, Config{Folds: 1, Positive: "c"}, "want at least 2"},
	} {
		_, err := CrossValidate(tc.docs, &TFIDF{}, tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.cfg, err, tc.want)
		}
	}
}
