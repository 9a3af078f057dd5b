package embedding

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// testdata/wordsim/query_ref.json holds gensim 4.2's most_similar,
// most_similar_cosmul and doesnt_match answers on glove-small.txt.gz and
// scipy 1.10's pearsonr/spearmanr on edge cases (make_query_ref.py).
type queryRef struct {
	Queries []struct {
		Method   string   `json:"method"`
		Positive []string `json:"positive"`
		Negative []string `json:"negative"`
		K        int      `json:"k"`
		Restrict int      `json:"restrict"`
		Answers  [][2]any `json:"answers"`
	} `json:"queries"`
	OddOne []struct {
		Words  []string `json:"words"`
		Answer string   `json:"answer"`
	} `json:"oddone"`
	Stats []struct {
		Name     string    `json:"name"`
		X        []float64 `json:"x"`
		Y        []float64 `json:"y"`
		Pearson  *float64  `json:"pearson"`
		Spearman *float64  `json:"spearman"`
	} `json:"stats"`
}

func loadQueryRef(t *testing.T) *queryRef {
	b, err := os.ReadFile(filepath.Join(wordsim, "query_ref.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r queryRef
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func TestQueriesMatchGensim(t *testing.T) {
	ref := loadQueryRef(t)
	s := NewSpace(smallGloVe(t))
	var batch []Query
	for _, r := range ref.Queries {
		m, err := ParseMethod(r.Method)
		if err != nil {
			t.Fatal(err)
		}
		q := Query{Positive: r.Positive, Negative: r.Negative, Method: m, K: r.K, Restrict: r.Restrict}
		batch = append(batch, q)
		got, err := s.Nearest(q)
		if err != nil {
			t.Fatal(err)
		}
		name := r.Method + " +" + strings.Join(r.Positive, "+") + " -" + strings.Join(r.Negative, "-")
		if len(got) != len(r.Answers) {
			t.Fatalf("%s: %d answers, gensim %d", name, len(got), len(r.Answers))
		}
		for i, a := range r.Answers {
			key, score := a[0].(string), a[1].(float64)
			if got[i].Key != key || math.Abs(got[i].Score-score) > 1e-5 {
				t.Errorf("%s: answer %d is %s %.6f, gensim %s %.6f", name, i, got[i].Key, got[i].Score, key, score)
			}
		}
	}
	// A batch (here a matrix product) gives the same answers as the
	// queries one by one (dot products), the scores to rounding.
	all, err := s.NearestBatch(batch)
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range batch {
		one, _ := s.Nearest(q)
		same := len(one) == len(all[i])
		for j := range one {
			same = same && one[j].Key == all[i][j].Key && one[j].Row == all[i][j].Row && math.Abs(one[j].Score-all[i][j].Score) < 1e-6
		}
		if !same {
			t.Errorf("query %d: batch %v, alone %v", i, all[i], one)
		}
	}
	for _, r := range ref.OddOne {
		got, err := s.OddOneOut(r.Words)
		if err != nil || got != r.Answer {
			t.Errorf("OddOneOut(%v) = %q, %v; gensim %q", r.Words, got, err, r.Answer)
		}
	}
}

func TestStatsMatchScipy(t *testing.T) {
	for _, r := range loadQueryRef(t).Stats {
		for _, c := range []struct {
			what string
			got  float64
			want *float64
		}{{"Pearson", Pearson(r.X, r.Y), r.Pearson}, {"Spearman", Spearman(r.X, r.Y), r.Spearman}} {
			switch {
			case c.want == nil && !math.IsNaN(c.got):
				t.Errorf("%s %s = %v, scipy nan", r.Name, c.what, c.got)
			case c.want != nil && !(math.Abs(c.got-*c.want) < 1e-12):
				t.Errorf("%s %s = %v, scipy %v", r.Name, c.what, c.got, *c.want)
			}
		}
	}
}

func TestRanks(t *testing.T) {
	for _, c := range []struct{ in, want []float64 }{
		{nil, []float64{}},
		{[]float64{5}, []float64{1}},
		{[]float64{10, 20, 20, 30}, []float64{1, 2.5, 2.5, 4}},
		{[]float64{3, 1, 2}, []float64{3, 1, 2}},
		{[]float64{7, 7, 7}, []float64{2, 2, 2}},
		{[]float64{2, math.NaN(), 1}, []float64{2, 3, 1}},
	} {
		if got := Ranks(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Ranks(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if !math.IsNaN(Pearson([]float64{1}, []float64{2})) || !math.IsNaN(Spearman(nil, nil)) {
		t.Error("correlation of fewer than two values is not NaN")
	}
}

// tiny is a hand-made table whose answers can be worked out on paper.
func tiny(t *testing.T) *Space {
	tab, err := New(
		[]string{"a", "b", "c", "d", "e", "zero"}, 2,
		[]float32{
			1, 0, // a
			0, 2, // b: unit (0,1)
			3, 3, // c: 45°
			1, 1, // d: 45°, same direction as c
			-1, 0, // e
			0, 0, // zero
		})
	if err != nil {
		t.Fatal(err)
	}
	return NewSpace(tab)
}

func keys(ns []Neighbor) string {
	var k []string
	for _, n := range ns {
		k = append(k, n.Key)
	}
	return strings.Join(k, " ")
}

func TestNearest(t *testing.T) {
	s := tiny(t)
	for _, c := range []struct {
		name string
		q    Query
		want string
	}{
		// c and d tie at cos 1/√2 with a, b and zero at 0: the earlier
		// row first.
		{"tie by row", Query{Positive: []string{"a"}, K: 3}, "c d b"},
		{"restrict", Query{Positive: []string{"a"}, K: 3, Restrict: 3}, "c b"},
		{"query word outside the cut-off", Query{Positive: []string{"e"}, K: 1, Restrict: 2}, "b"},
		{"all", Query{Positive: []string{"b"}}, "c d a e zero"},
		{"negative", Query{Positive: []string{"b"}, Negative: []string{"a"}, K: 2}, "e c"},
		{"vector", Query{Vector: []float32{0, -5}, K: 2}, "a e"},
		{"cosmul", Query{Positive: []string{"c"}, Method: CosMul, K: 2}, "d a"},
	} {
		got, err := s.Nearest(c.q)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if k := keys(got); k != c.want {
			t.Errorf("%s: %s, want %s", c.name, k, c.want)
		}
	}
	got, _ := s.Similar("c", 1)
	if got[0].Key != "d" || math.Abs(got[0].Score-1) > 1e-6 {
		t.Errorf("Similar(c) = %v, want d with cosine 1", got)
	}
}

func TestNearestErrors(t *testing.T) {
	s := tiny(t)
	for _, c := range []struct {
		q    Query
		want string
	}{
		{Query{Positive: []string{"a", "nope"}}, `embedding: unknown word "nope"`},
		{Query{}, "at least one word or vector"},
		{Query{Negative: []string{"a"}, Method: CosMul}, "3CosMul query needs at least one positive"},
		{Query{Vector: []float32{1}}, "length 1"},
		{Query{Positive: []string{"a"}, Method: 7}, "unknown method"},
	} {
		_, err := s.Nearest(c.q)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.q, err, c.want)
		}
	}
	_, err := s.Similar("nope", 1)
	var uw *UnknownWordError
	if !errors.As(err, &uw) || uw.Word != "nope" {
		t.Errorf("Similar(nope): %v, want an UnknownWordError", err)
	}
	if _, err := s.OddOneOut([]string{"a", "x"}); !errors.As(err, &uw) {
		t.Errorf("OddOneOut with an unknown word: %v", err)
	}
	if _, err := s.OddOneOut(nil); err == nil {
		t.Error("OddOneOut(nil): no error")
	}
}

func TestOddOneOut(t *testing.T) {
	s := tiny(t)
	for _, c := range []struct {
		words []string
		want  string
	}{
		{[]string{"c", "d", "a", "e"}, "e"},
		{[]string{"c", "d", "b"}, "b"},
		// a and b are equally far from their mean: the one that sorts
		// first goes, as in gensim.
		{[]string{"b", "a"}, "a"},
	} {
		got, err := s.OddOneOut(c.words)
		if err != nil || got != c.want {
			t.Errorf("OddOneOut(%v) = %q, %v; want %q", c.words, got, err, c.want)
		}
	}
}

func TestParseMethodAndPolicy(t *testing.T) {
	for in, want := range map[string]Method{"3cosadd": CosAdd, "3CosMul": CosMul, "add": CosAdd, "mul": CosMul} {
		if m, err := ParseMethod(in); err != nil || m != want {
			t.Errorf("ParseMethod(%q) = %v, %v", in, m, err)
		}
	}
	if _, err := ParseMethod("cos"); err == nil {
		t.Error("ParseMethod(cos): no error")
	}
	for in, want := range map[string]OOVPolicy{"skip": OOVSkip, "ZERO": OOVZero} {
		if p, err := ParseOOVPolicy(in); err != nil || p != want {
			t.Errorf("ParseOOVPolicy(%q) = %v, %v", in, p, err)
		}
	}
	if _, err := ParseOOVPolicy("drop"); err == nil {
		t.Error("ParseOOVPolicy(drop): no error")
	}
}
