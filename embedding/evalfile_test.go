package embedding

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadPairs(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     []Pair
	}{
		{"gensim", "# comment\n# Word 1\tWord 2\tHuman (mean)\nlove\tsex\t6.77\n\ntiger\tcat\t7.35\r\n",
			[]Pair{{"love", "sex", 6.77, 3}, {"tiger", "cat", 7.35, 5}}},
		{"spaces", "old new 1.58\n", []Pair{{"old", "new", 1.58, 1}}},
		{"wordsim353 header", "Word 1\tWord 2\tHuman (mean)\nlove\tsex\t6.77\n", []Pair{{"love", "sex", 6.77, 2}}},
		{"named columns in another order", "score word2 word1\n6.77 sex love\n", []Pair{{"love", "sex", 6.77, 2}}},
		{"simlex999 header",
			"word1\tword2\tPOS\tSimLex999\tconc(w1)\tconc(w2)\tconcQ\tAssoc(USF)\tSimAssoc333\tSD(SimLex)\n" +
				"old\tnew\tA\t1.58\t2.72\t2.81\t2\t7.25\t1\t0.41\n",
			[]Pair{{"old", "new", 1.58, 2}}},
	} {
		got, err := ReadPairs(strings.NewReader(c.in), "p.txt")
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: pair %d is %v, want %v", c.name, i, got[i], c.want[i])
			}
		}
	}
}

func TestReadPairsErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a\tb\t1\nc\td\n", "p.txt line 2: want 3 fields (word, word, score), got 2"},
		{"a\tb\t1\nc\td\tx\n", `p.txt line 2: score "x" is not a number`},
		{"a\tb\t1\nc\td\tNaN\n", `p.txt line 2: score "NaN" is not a number`},
		{"a\tb\t1\tq\n", "p.txt line 1: want 3 fields"},
		// A malformed first judgement is not a header: without the
		// column names of WordSim-353 or SimLex-999 it is data.
		{"a\tb\thigh\nb\tc\t5\na\tc\t3\n", `p.txt line 1: score "high" is not a number`},
		{"a b high\nb c 5\n", `p.txt line 1: score "high" is not a number`},
		{"Word 1\tWord 2\tfoo\nb\tc\t5\n", `p.txt line 1: score "foo" is not a number`},
		{"love\tsex\tmean\nb\tc\t5\n", `p.txt line 1: score "mean" is not a number`},
		{"# nothing\n\n", "p.txt: no word pairs"},
		{"x\ty\tPOS\tfoo\n", "p.txt line 1: header \"x y POS foo\" has no word1 and word2 columns"},
		{"word1\tword2\tPOS\tfoo\n", "has no score column"},
		{"word1\tword2\tPOS\tSimLex999\na\tb\tN\n", "p.txt line 2: want 4 fields as in the header, got 3"},
		{"a\t\t1\n", "p.txt line 1: empty word"},
		{"a\tb\t1\n\xff\tb\t2\n", "p.txt line 2: not valid UTF-8"},
	} {
		_, err := ReadPairs(strings.NewReader(c.in), "p.txt")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.in, err, c.want)
		}
	}
}

func TestReadAnalogies(t *testing.T) {
	secs, err := ReadAnalogies(strings.NewReader(": capital-common-countries\nAthens Greece Baghdad Iraq\n\n: empty\n:  family  \nboy girl brother sister\n"), "q.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) != 3 || secs[0].Name != "capital-common-countries" || secs[1].Name != "empty" || secs[2].Name != "family" ||
		len(secs[1].Questions) != 0 || secs[2].Questions[0] != (Question{"boy", "girl", "brother", "sister", 6}) {
		t.Errorf("got %+v", secs)
	}
	for _, c := range []struct{ in, want string }{
		{"a b c d\n", `q.txt line 1: question before the first ": section" line`},
		{": s\na b c\n", "q.txt line 2: want 4 words (a b c d: a is to b as c is to d), got 3"},
		{": s\n", "q.txt: no analogy questions"},
	} {
		_, err := ReadAnalogies(strings.NewReader(c.in), "q.txt")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.in, err, c.want)
		}
	}
	if _, err := LoadAnalogies(filepath.Join(wordsim, "missing.txt")); err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("missing file: %v", err)
	}
}

func TestScorePairsOOV(t *testing.T) {
	tab, err := New([]string{"Cat", "dog", "cat", "car"}, 2, []float32{1, 0, 1, 0.2, 0, 1, 0, -1})
	if err != nil {
		t.Fatal(err)
	}
	pairs := []Pair{{"cat", "dog", 9, 1}, {"cat", "car", 2, 2}, {"dog", "car", 1, 3}, {"cat", "bird", 5, 4}}
	for _, c := range []struct {
		name         string
		opt          EvalOptions
		used, oov    int
		spearmanNaN  bool
		wantSpearman float64
	}{
		// Case-insensitive: CAT is row 0 (1,0); cos(cat,dog) 0.98, (cat,car) 0,
		// (dog,car) −0.196: ranks agree with the gold scores.
		{"skip", EvalOptions{}, 3, 1, false, 1},
		// Case-sensitive: cat is row 2 (0,1): cos 0.196, −1, −0.196, ranks
		// 3 1 2 against gold 3 2 1.
		{"case", EvalOptions{CaseSensitive: true}, 3, 1, false, 0.5},
		// The bird pair scores 0 with gold 5: ranks gold 4 2 1 3, model
		// 4 2.5 1 2.5, correlation √0.9.
		{"zero", EvalOptions{OOV: OOVZero}, 4, 1, false, math.Sqrt(0.9)},
		// Only the first two keys: cat→Cat, dog; car is OOV.
		{"restrict", EvalOptions{Restrict: 2}, 1, 3, true, 0},
	} {
		r, err := ScorePairs(tab, pairs, "p", c.opt)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if r.Used != c.used || r.OOV != c.oov || r.Pairs != 4 || r.OOVFraction != float64(c.oov)/4 {
			t.Errorf("%s: used %d, OOV %d (%v) of %d; want %d, %d", c.name, r.Used, r.OOV, r.OOVFraction, r.Pairs, c.used, c.oov)
		}
		if c.spearmanNaN != math.IsNaN(r.Spearman) || !c.spearmanNaN && math.Abs(r.Spearman-c.wantSpearman) > 1e-12 {
			t.Errorf("%s: Spearman %v, want %v", c.name, r.Spearman, c.wantSpearman)
		}
		if _, err := json.Marshal(r); err != nil {
			t.Errorf("%s: JSON: %v", c.name, err)
		}
	}
	if _, err := ScorePairs(tab, pairs[3:], "p.txt", EvalOptions{}); err == nil || !strings.Contains(err.Error(), "p.txt: none of its 1 pairs") {
		t.Errorf("all OOV: %v", err)
	}
}

// FuzzReadPairs checks that any input gives pairs or an error naming the
// file, never a panic, and that what is returned is well formed.
func FuzzReadPairs(f *testing.F) {
	for _, s := range []string{
		"# c\nlove\tsex\t6.77\ntiger\tcat\t7.35\n",
		"word1\tword2\tPOS\tSimLex999\nold\tnew\tA\t1.58\n",
		"Word 1\tWord 2\tHuman (mean)\nlove\tsex\t6.77\n",
		"a b 1\n",
		"a\tb\tx\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		pairs, err := ReadPairs(strings.NewReader(in), "f.tsv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "embedding: f.tsv") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if len(pairs) == 0 {
			t.Fatal("no pairs and no error")
		}
		for _, p := range pairs {
			if p.A == "" || p.B == "" || p.Line < 1 || math.IsNaN(p.Score) || math.IsInf(p.Score, 0) {
				t.Fatalf("bad pair %+v", p)
			}
		}
	})
}

// FuzzReadAnalogies is FuzzReadPairs for analogy files.
func FuzzReadAnalogies(f *testing.F) {
	for _, s := range []string{
		": capital-common-countries\nAthens Greece Baghdad Iraq\n",
		": a\n: b\nx y z w\n",
		"x y z w\n",
		": s\nx y z\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		secs, err := ReadAnalogies(strings.NewReader(in), "q.txt")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "embedding: q.txt") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		n := 0
		for _, s := range secs {
			for _, q := range s.Questions {
				if q.A == "" || q.B == "" || q.C == "" || q.D == "" || q.Line <= s.Line {
					t.Fatalf("bad question %+v in section %+v", q, s.Name)
				}
				n++
			}
		}
		if n == 0 {
			t.Fatal("no questions and no error")
		}
	})
}
