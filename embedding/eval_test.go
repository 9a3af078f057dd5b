package embedding

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// The reference figures in testdata/wordsim/eval_ref.json come from gensim
// 4.2 (KeyedVectors.evaluate_word_pairs and evaluate_word_analogies, and
// the same loop with most_similar_cosmul for 3CosMul), made by
// testdata/wordsim/make_eval_ref.py; the vectors by make_small_vectors.py.

const wordsim = "testdata/wordsim"

type refSimilarity struct {
	Vectors         string  `json:"vectors"`
	Pairs           string  `json:"pairs"`
	Restrict        int     `json:"restrict"`
	CaseInsensitive bool    `json:"case_insensitive"`
	Dummy4Unknown   bool    `json:"dummy4unknown"`
	Pearson         float64 `json:"pearson"`
	Spearman        float64 `json:"spearman"`
	OOVRatio        float64 `json:"oov_ratio"`
}

type refAnalogy struct {
	Vectors         string `json:"vectors"`
	Method          string `json:"method"`
	Restrict        int    `json:"restrict"`
	CaseInsensitive bool   `json:"case_insensitive"`
	Dummy4Unknown   bool   `json:"dummy4unknown"`
	Sections        []struct {
		Section  string `json:"section"`
		Correct  int    `json:"correct"`
		Answered int    `json:"answered"`
	} `json:"sections"`
	Correct   int     `json:"correct"`
	Answered  int     `json:"answered"`
	Accuracy  float64 `json:"accuracy"`
	OOV       int     `json:"oov"`
	Questions int     `json:"questions"`
}

type evalRef struct {
	Similarity []refSimilarity `json:"similarity"`
	Analogies  []refAnalogy    `json:"analogies"`
}

func loadEvalRef(t *testing.T) *evalRef {
	b, err := os.ReadFile(filepath.Join(wordsim, "eval_ref.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r evalRef
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

var smallOnce struct {
	sync.Once
	t   *Table
	err error
}

// smallGloVe is testdata/wordsim/glove-small.txt.gz, read once.
func smallGloVe(t *testing.T) *Table {
	smallOnce.Do(func() {
		smallOnce.t, smallOnce.err = Load(filepath.Join(wordsim, "glove-small.txt.gz"), Options{})
	})
	if smallOnce.err != nil {
		t.Fatal(smallOnce.err)
	}
	return smallOnce.t
}

// mixedCase builds make_eval_ref.py's "mixed" table from the small one:
// rows i < 3000 with i%7 == 3 whose key starts with an ASCII lower-case
// letter are capitalised, and a negated copy under the lower-case key is
// appended.
func mixedCase(t *testing.T, small *Table) *Table {
	keys := append([]string(nil), small.Keys...)
	vecs := append([]float32(nil), small.Vectors...)
	for i := range min(3000, len(keys)) {
		k := keys[i]
		if i%7 == 3 && k[0] >= 'a' && k[0] <= 'z' {
			keys[i] = string(k[0]-'a'+'A') + k[1:]
			keys = append(keys, k)
			for _, v := range small.Row(i) {
				vecs = append(vecs, -v)
			}
		}
	}
	m, err := New(keys, small.Dim, vecs)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func refTable(t *testing.T, name string) *Table {
	switch name {
	case "small":
		return smallGloVe(t)
	case "mixed":
		return mixedCase(t, smallGloVe(t))
	case "full":
		p := fullGloVePath()
		if _, err := os.Stat(p); err != nil {
			t.Skipf("%s is missing (scripts/get-data.sh glove makes it)", p)
		}
		if testing.Short() {
			t.Skip("the full GloVe file takes a while; not in -short")
		}
		tab, err := Load(p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return tab
	}
	t.Fatalf("unknown vector set %q", name)
	return nil
}

func fullGloVePath() string {
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache", "latent", "glove", "glove.6B.100d.txt")
}

func optsOf(restrict int, caseInsensitive, dummy bool) EvalOptions {
	o := EvalOptions{Restrict: restrict, CaseSensitive: !caseInsensitive}
	if dummy {
		o.OOV = OOVZero
	}
	return o
}

// agreeTol is the target for agreement with gensim.
const agreeTol = 0.001

func TestEvalSimilarityMatchesGensim(t *testing.T) {
	ref := loadEvalRef(t)
	for _, vecs := range []string{"small", "mixed"} {
		tab := refTable(t, vecs)
		for _, r := range ref.Similarity {
			if r.Vectors != vecs {
				continue
			}
			name := fmt.Sprintf("%s/%s/restrict=%d/ci=%v/dummy=%v", r.Vectors, r.Pairs, r.Restrict, r.CaseInsensitive, r.Dummy4Unknown)
			t.Run(name, func(t *testing.T) {
				got, err := EvalSimilarity(tab, filepath.Join(wordsim, r.Pairs), optsOf(r.Restrict, r.CaseInsensitive, r.Dummy4Unknown))
				if err != nil {
					t.Fatal(err)
				}
				checkSimilarity(t, got, r)
			})
		}
	}
}

func checkSimilarity(t *testing.T, got *SimilarityResult, r refSimilarity) {
	t.Helper()
	t.Logf("Spearman %.6f (gensim %+.1e), Pearson %.6f (gensim %+.1e), OOV %d/%d", got.Spearman, got.Spearman-r.Spearman, got.Pearson, got.Pearson-r.Pearson, got.OOV, got.Pairs)
	if d := math.Abs(got.Spearman - r.Spearman); d > agreeTol {
		t.Errorf("Spearman %.6f, gensim %.6f", got.Spearman, r.Spearman)
	}
	if d := math.Abs(got.Pearson - r.Pearson); d > agreeTol {
		t.Errorf("Pearson %.6f, gensim %.6f", got.Pearson, r.Pearson)
	}
	if d := math.Abs(100*got.OOVFraction - r.OOVRatio); d > 1e-9 {
		t.Errorf("OOV %.4f%%, gensim %.4f%%", 100*got.OOVFraction, r.OOVRatio)
	}
}

func TestEvalAnalogiesMatchesGensim(t *testing.T) {
	ref := loadEvalRef(t)
	for _, vecs := range []string{"small", "mixed"} {
		tab := refTable(t, vecs)
		checkAnalogies(t, vecs, NewSpace(tab), ref)
	}
}

func checkAnalogies(t *testing.T, vecs string, s *Space, ref *evalRef) {
	secs, err := LoadAnalogies(filepath.Join(wordsim, "questions-words.txt"))
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		restrict  int
		ci, dummy bool
	}
	done := map[key]*AnalogyResult{}
	for _, r := range ref.Analogies {
		if r.Vectors != vecs {
			continue
		}
		name := fmt.Sprintf("%s/%s/restrict=%d/ci=%v/dummy=%v", r.Vectors, r.Method, r.Restrict, r.CaseInsensitive, r.Dummy4Unknown)
		t.Run(name, func(t *testing.T) {
			k := key{r.Restrict, r.CaseInsensitive, r.Dummy4Unknown}
			got := done[k]
			if got == nil {
				got = ScoreAnalogies(s, secs, "questions-words.txt", optsOf(r.Restrict, r.CaseInsensitive, r.Dummy4Unknown))
				done[k] = got
			}
			m, err := ParseMethod(r.Method)
			if err != nil {
				t.Fatal(err)
			}
			mr := got.Methods[m]
			if mr.Method != m {
				t.Fatalf("Methods[%d] is %v", m, mr.Method)
			}
			if got.OOV != r.OOV || got.Questions != r.Questions {
				t.Errorf("OOV %d of %d questions, gensim %d of %d", got.OOV, got.Questions, r.OOV, r.Questions)
			}
			t.Logf("accuracy %.5f (%d/%d), gensim %.5f (%d/%d)", mr.Overall.Accuracy, mr.Overall.Correct, mr.Overall.Scored, r.Accuracy, r.Correct, r.Answered)
			if mr.Overall.Scored != r.Answered {
				t.Errorf("%d questions scored, gensim %d", mr.Overall.Scored, r.Answered)
			}
			if d := math.Abs(mr.Overall.Accuracy - r.Accuracy); d > agreeTol {
				t.Errorf("accuracy %.5f (%d/%d), gensim %.5f (%d/%d)", mr.Overall.Accuracy, mr.Overall.Correct, mr.Overall.Scored, r.Accuracy, r.Correct, r.Answered)
			}
			if len(mr.Sections) != len(r.Sections) {
				t.Fatalf("%d sections, gensim %d", len(mr.Sections), len(r.Sections))
			}
			for i, sec := range r.Sections {
				g := mr.Sections[i]
				if g.Name != sec.Section || g.Scored != sec.Answered {
					t.Errorf("section %d: %q with %d scored, gensim %q with %d", i, g.Name, g.Scored, sec.Section, sec.Answered)
				}
				// Near-ties may fall either way in float32; allow one
				// answer in 500 per section, at least one.
				if d := abs(g.Correct - sec.Correct); d > max(1, sec.Answered/500) {
					t.Errorf("section %s: %d correct, gensim %d (of %d)", g.Name, g.Correct, sec.Correct, sec.Answered)
				}
			}
		})
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestEvalFullGloVe compares with gensim on GloVe 6B 100-d itself; it
// skips when the file is not in the cache.
func TestEvalFullGloVe(t *testing.T) {
	ref := loadEvalRef(t)
	var any bool
	for _, r := range ref.Similarity {
		any = any || r.Vectors == "full"
	}
	if !any {
		t.Skip("eval_ref.json has no figures for the full GloVe file (make_eval_ref.py --full)")
	}
	tab := refTable(t, "full")
	for _, r := range ref.Similarity {
		if r.Vectors != "full" {
			continue
		}
		got, err := EvalSimilarity(tab, filepath.Join(wordsim, r.Pairs), optsOf(r.Restrict, r.CaseInsensitive, r.Dummy4Unknown))
		if err != nil {
			t.Fatal(err)
		}
		checkSimilarity(t, got, r)
	}
	checkAnalogies(t, "full", NewSpace(tab), ref)
}
