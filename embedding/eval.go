package embedding

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/latent-go/latent/internal/f32"
)

// DefaultRestrict is the vocabulary cut-off of an evaluation whose
// EvalOptions.Restrict is 0: gensim's restrict_vocab default.
const DefaultRestrict = 300000

// OOVPolicy says what an evaluation does with a pair or question that has a
// word outside the vocabulary.
type OOVPolicy int

const (
	// OOVSkip leaves it out of the score (gensim's dummy4unknown=False).
	// Scores of vectors with different vocabularies then rest on different
	// items: compare them together with the OOV fraction.
	OOVSkip OOVPolicy = iota
	// OOVZero keeps it: similarity 0 for a pair, a wrong answer for a
	// question (gensim's dummy4unknown=True). Missing words then cost.
	OOVZero
)

// String returns "skip" or "zero".
func (p OOVPolicy) String() string {
	switch p {
	case OOVSkip:
		return "skip"
	case OOVZero:
		return "zero"
	}
	return fmt.Sprintf("OOVPolicy(%d)", int(p))
}

// ParseOOVPolicy reads "skip" or "zero".
func ParseOOVPolicy(s string) (OOVPolicy, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "skip":
		return OOVSkip, nil
	case "zero":
		return OOVZero, nil
	}
	return 0, fmt.Errorf("embedding: unknown OOV policy %q (want skip or zero)", s)
}

// MarshalText writes the policy's name.
func (p OOVPolicy) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads "skip" or "zero".
func (p *OOVPolicy) UnmarshalText(b []byte) error {
	v, err := ParseOOVPolicy(string(b))
	if err == nil {
		*p = v
	}
	return err
}

// EvalOptions configures EvalSimilarity and EvalAnalogies. The zero value
// is gensim's defaults: cut-off 300,000, OOV items skipped,
// case-insensitive.
type EvalOptions struct {
	// Restrict is the vocabulary cut-off: only the first Restrict keys of
	// the table are known words (and, for analogies, possible answers).
	// 0 means DefaultRestrict; a negative value means the whole table.
	Restrict int
	// OOV is the out-of-vocabulary policy.
	OOV OOVPolicy
	// CaseSensitive matches words exactly. By default words and keys are
	// compared upper-cased, and of several keys that differ only in case
	// the first (the most frequent, in a frequency-sorted file) stands for
	// all. Upper-casing is Go's (Unicode simple case mapping), which
	// differs from Python's str.upper for a few non-ASCII letters (ß).
	CaseSensitive bool
}

// vocab is the evaluation vocabulary: the first restrict keys, folded.
type vocab struct {
	rows     map[string]int
	restrict int
	fold     func(string) string
}

func newVocab(t *Table, opt EvalOptions) *vocab {
	r := opt.Restrict
	if r == 0 {
		r = DefaultRestrict
	}
	if r < 0 || r > len(t.Keys) {
		r = len(t.Keys)
	}
	v := &vocab{rows: make(map[string]int, r), restrict: r, fold: strings.ToUpper}
	if opt.CaseSensitive {
		v.fold = func(s string) string { return s }
	}
	for i, k := range t.Keys[:r] {
		k = v.fold(k)
		if _, ok := v.rows[k]; !ok {
			v.rows[k] = i
		}
	}
	return v
}

func (v *vocab) row(w string) (int, bool) {
	i, ok := v.rows[v.fold(w)]
	return i, ok
}

// SimilarityResult is the agreement of a table's cosines with human
// similarity judgements.
type SimilarityResult struct {
	// File is the base name of the pairs file (or the name given).
	File string `json:"file"`
	// Pearson and Spearman correlate the human scores with the cosines of
	// the pairs used; NaN when fewer than two pairs are used or either
	// side is constant (null in JSON).
	Pearson  float64 `json:"pearson"`
	Spearman float64 `json:"spearman"`
	// Pairs is the number of pairs in the file, OOV how many have a word
	// outside the vocabulary, Used how many enter the correlations:
	// Pairs − OOV with OOVSkip, Pairs with OOVZero.
	Pairs int `json:"pairs"`
	OOV   int `json:"oov"`
	Used  int `json:"used"`
	// OOVFraction is OOV / Pairs (gensim reports it in percent).
	OOVFraction float64 `json:"oov_fraction"`
	// The settings the figures were made with, Restrict as applied (at
	// most the table's size).
	Policy        OOVPolicy `json:"oov_policy"`
	Restrict      int       `json:"restrict"`
	CaseSensitive bool      `json:"case_sensitive"`
}

// MarshalJSON writes NaN correlations as null, which JSON can hold.
func (r SimilarityResult) MarshalJSON() ([]byte, error) {
	type plain SimilarityResult
	nullable := func(v float64) *float64 {
		if math.IsNaN(v) {
			return nil
		}
		return &v
	}
	return json.Marshal(struct {
		plain
		Pearson  *float64 `json:"pearson"`
		Spearman *float64 `json:"spearman"`
	}{plain(r), nullable(r.Pearson), nullable(r.Spearman)})
}

// EvalSimilarity scores t against the word-similarity file at path (see
// ReadPairs): the Pearson and Spearman correlations of the cosines of the
// pairs with their human scores, as gensim's
// KeyedVectors.evaluate_word_pairs computes them, with the OOV count
// always reported.
func EvalSimilarity(t *Table, path string, opt EvalOptions) (*SimilarityResult, error) {
	pairs, err := LoadPairs(path)
	if err != nil {
		return nil, err
	}
	return ScorePairs(t, pairs, filepath.Base(path), opt)
}

// ScorePairs is EvalSimilarity on pairs already read; name labels the
// result. It returns an error when no pair can be scored (all OOV under
// OOVSkip).
func ScorePairs(t *Table, pairs []Pair, name string, opt EvalOptions) (*SimilarityResult, error) {
	v := newVocab(t, opt)
	r := &SimilarityResult{File: name, Pairs: len(pairs), Policy: opt.OOV, Restrict: v.restrict, CaseSensitive: opt.CaseSensitive}
	gold := make([]float64, 0, len(pairs))
	model := make([]float64, 0, len(pairs))
	ua, ub := make([]float32, t.Dim), make([]float32, t.Dim)
	for _, p := range pairs {
		i, okA := v.row(p.A)
		j, okB := v.row(p.B)
		if !okA || !okB {
			r.OOV++
			if opt.OOV == OOVZero {
				gold = append(gold, p.Score)
				model = append(model, 0)
			}
			continue
		}
		// The cosine in float32 from unit vectors, as gensim's similarity.
		copy(ua, t.Row(i))
		copy(ub, t.Row(j))
		normalize(ua)
		normalize(ub)
		gold = append(gold, p.Score)
		model = append(model, float64(f32.Dot(ua, ub)))
	}
	if len(pairs) > 0 {
		r.OOVFraction = float64(r.OOV) / float64(len(pairs))
	}
	r.Used = len(gold)
	if r.Used == 0 {
		return nil, fmt.Errorf("embedding: %s: none of its %d pairs has both words among the first %d keys", name, len(pairs), v.restrict)
	}
	r.Pearson = Pearson(gold, model)
	r.Spearman = Spearman(gold, model)
	return r, nil
}

// AnalogyResult is a table's accuracy on analogy questions, per section
// and overall, for each method.
type AnalogyResult struct {
	File string `json:"file"`
	// Questions is the number of questions in the file, OOV how many have
	// a word outside the vocabulary.
	Questions   int     `json:"questions"`
	OOV         int     `json:"oov"`
	OOVFraction float64 `json:"oov_fraction"`
	// Settings as applied.
	Policy        OOVPolicy `json:"oov_policy"`
	Restrict      int       `json:"restrict"`
	CaseSensitive bool      `json:"case_sensitive"`
	// Methods holds the scores of CosAdd, then CosMul.
	Methods []MethodResult `json:"methods"`
}

// MethodResult is the accuracy of one method.
type MethodResult struct {
	Method   Method          `json:"method"`
	Sections []SectionResult `json:"sections"`
	// Overall sums the sections (gensim's "Total accuracy").
	Overall SectionResult `json:"overall"`
}

// SectionResult counts the answers in one section.
type SectionResult struct {
	Name string `json:"name"`
	// Questions in the section, and how many of them are OOV.
	Questions int `json:"questions"`
	OOV       int `json:"oov"`
	// Scored is the number of questions that count: those answered, plus
	// the OOV ones under OOVZero. Accuracy is Correct / Scored, 0 when
	// nothing is scored (as gensim).
	Scored   int     `json:"scored"`
	Correct  int     `json:"correct"`
	Accuracy float64 `json:"accuracy"`
}

func (s *SectionResult) add(o SectionResult) {
	s.Questions += o.Questions
	s.OOV += o.OOV
	s.Scored += o.Scored
	s.Correct += o.Correct
}

func (s *SectionResult) finish() {
	s.Accuracy = 0
	if s.Scored > 0 {
		s.Accuracy = float64(s.Correct) / float64(s.Scored)
	}
}

// analogyTopN is how many answers gensim's evaluate_word_analogies asks
// most_similar for; the first that is not a case variant of a question
// word is the prediction.
const analogyTopN = 5

// EvalAnalogies scores t on the analogy file at path (see ReadAnalogies)
// with 3CosAdd and 3CosMul. For each question "a b c d" it asks for
// b − a + c among the first Restrict keys, the rows of a, b and c
// excluded, and counts it correct when the best answer is d — exactly the
// rules of gensim's KeyedVectors.evaluate_word_analogies, which this
// follows for 3CosMul too (gensim has no 3CosMul evaluation, and its
// most_similar_cosmul ignores the cut-off; here the cut-off holds for both
// methods). Sections are the file's; Overall sums them.
func EvalAnalogies(t *Table, path string, opt EvalOptions) (*AnalogyResult, error) {
	secs, err := LoadAnalogies(path)
	if err != nil {
		return nil, err
	}
	return ScoreAnalogies(NewSpace(t), secs, filepath.Base(path), opt), nil
}

// ScoreAnalogies is EvalAnalogies on questions already read, with a Space
// that may be reused; name labels the result.
func ScoreAnalogies(s *Space, secs []Section, name string, opt EvalOptions) *AnalogyResult {
	v := newVocab(s.t, opt)
	res := &AnalogyResult{File: name, Policy: opt.OOV, Restrict: v.restrict, CaseSensitive: opt.CaseSensitive}
	methods := []Method{CosAdd, CosMul}

	type asked struct {
		sec int
		q   Question // folded words
	}
	var b batch
	b.rows = map[int]int{}
	var qs []asked
	base := make([]SectionResult, len(secs))
	for si, sec := range secs {
		sr := &base[si]
		sr.Name = sec.Name
		for _, q := range sec.Questions {
			sr.Questions++
			ra, okA := v.row(q.A)
			rb, okB := v.row(q.B)
			rc, okC := v.row(q.C)
			_, okD := v.row(q.D)
			if !okA || !okB || !okC || !okD {
				sr.OOV++
				if opt.OOV == OOVZero {
					sr.Scored++
				}
				continue
			}
			sr.Scored++
			f := Question{A: v.fold(q.A), B: v.fold(q.B), C: v.fold(q.C), D: v.fold(q.D)}
			qs = append(qs, asked{si, f})
			for _, m := range methods {
				b.qs = append(b.qs, planned{
					method: m, k: analogyTopN, restrict: v.restrict,
					terms:   []int{b.wordTerm(rb), b.wordTerm(rc), b.wordTerm(ra)},
					neg:     []bool{false, false, true},
					exclude: []int{rb, rc, ra},
				})
			}
		}
	}
	var answers [][]Neighbor
	if len(b.qs) > 0 {
		answers = s.run(&b)
	}
	for _, sr := range base {
		res.Questions += sr.Questions
		res.OOV += sr.OOV
	}
	if res.Questions > 0 {
		res.OOVFraction = float64(res.OOV) / float64(res.Questions)
	}
	for mi, m := range methods {
		mr := MethodResult{Method: m, Sections: slices.Clone(base), Overall: SectionResult{Name: "Total accuracy"}}
		for qi, a := range qs {
			// gensim: the first answer that is not (a case variant of) a
			// question word is the prediction; if all are, the last.
			predicted := ""
			for _, n := range answers[qi*len(methods)+mi] {
				predicted = v.fold(n.Key)
				if predicted != a.q.A && predicted != a.q.B && predicted != a.q.C {
					break
				}
			}
			if predicted == a.q.D {
				mr.Sections[a.sec].Correct++
			}
		}
		for i := range mr.Sections {
			mr.Sections[i].finish()
			mr.Overall.add(mr.Sections[i])
		}
		mr.Overall.finish()
		res.Methods = append(res.Methods, mr)
	}
	return res
}
