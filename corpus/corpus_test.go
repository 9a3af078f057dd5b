package corpus

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestTokenizer(t *testing.T) {
	tests := []struct {
		tok  Tokenizer
		in   string
		want []string
	}{
		{Tokenizer{}, "The cat sat.", []string{"the", "cat", "sat"}},
		{Tokenizer{}, "Ünïcode and naïve CAFÉ", []string{"ünïcode", "and", "naïve", "café"}},
		{Tokenizer{}, "“Quoted,” she said—then left…", []string{"quoted", "she", "said", "then", "left"}},
		{Tokenizer{}, "don't won’t 'tis 'quoted' rock'n'roll", []string{"don't", "won't", "tis", "quoted", "rock'n'roll"}},
		{Tokenizer{}, "In 1999 it cost $3.14, or 1,000 yen.", []string{"in", "1999", "it", "cost", "3.14", "or", "1,000", "yen"}},
		{Tokenizer{}, "well-known e-mail", []string{"well", "known", "e", "mail"}},
		{Tokenizer{}, "ΣΊΣΥΦΟΣ Москва 東京", []string{"σίσυφοσ", "москва", "東京"}},
		{Tokenizer{}, "  \t ", nil},
		{Tokenizer{}, "!?", nil},
		{Tokenizer{}, "a\u0301b", []string{"a\u0301b"}}, // combining mark stays in the word
		{Tokenizer{}, "x.", []string{"x"}},
		{Tokenizer{}, "3.", []string{"3"}},
		{Tokenizer{KeepCase: true}, "The Cat", []string{"The", "Cat"}},
		{Tokenizer{KeepPunct: true}, "Hi, you—there!", []string{"hi", ",", "you", "—", "there", "!"}},
		{Tokenizer{KeepPunct: true}, "don't", []string{"don't"}},
		{Tokenizer{KeepCase: true, KeepPunct: true}, "$5 A+", []string{"$", "5", "A", "+"}},
	}
	for _, tt := range tests {
		got := tt.tok.Append(nil, tt.in)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%+v.Append(%q) = %q, want %q", tt.tok, tt.in, got, tt.want)
		}
	}
	// Append appends.
	if got := (Tokenizer{}).Append([]string{"x"}, "y"); !slices.Equal(got, []string{"x", "y"}) {
		t.Errorf("Append to non-empty = %q", got)
	}
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// randomText makes lines of words drawn from a skewed distribution.
func randomText(r *rand.Rand, lines int) string {
	var sb strings.Builder
	for range lines {
		n := r.IntN(12)
		for j := range n {
			if j > 0 {
				sb.WriteString(" ")
			}
			k := int(r.ExpFloat64() * 8)
			fmt.Fprintf(&sb, "w%d", k)
			if r.IntN(10) == 0 {
				sb.WriteString(",")
			}
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

func TestVocabAgainstBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	text := randomText(r, 2000)
	p := writeFile(t, "c.txt", text)
	brute := map[string]int64{}
	var total int64
	for _, line := range strings.Split(text, "\n") {
		for _, f := range strings.Fields(line) {
			brute[strings.TrimSuffix(f, ",")]++
			total++
		}
	}
	tests := []struct {
		opt      VocabOptions
		minCount int64
		max      int
	}{
		{VocabOptions{}, 5, 0},
		{VocabOptions{MinCount: 1}, 1, 0},
		{VocabOptions{MinCount: 50}, 50, 0},
		{VocabOptions{MinCount: 1, MaxVocab: 7}, 1, 7},
	}
	for _, tt := range tests {
		v, err := BuildVocab(context.Background(), &Source{Paths: []string{p}}, tt.opt)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for w, c := range brute {
			if c >= tt.minCount {
				want = append(want, w)
			}
		}
		slices.SortFunc(want, func(a, b string) int {
			if brute[a] != brute[b] {
				return int(brute[b] - brute[a])
			}
			return strings.Compare(a, b)
		})
		if tt.max > 0 {
			want = want[:tt.max]
		}
		if !slices.Equal(v.Words, want) {
			t.Errorf("%+v: words %q, want %q", tt.opt, v.Words, want)
			continue
		}
		var kept int64
		for i, w := range v.Words {
			if v.Counts[i] != brute[w] {
				t.Errorf("%+v: count(%q) = %d, want %d", tt.opt, w, v.Counts[i], brute[w])
			}
			if id, ok := v.ID(w); !ok || int(id) != i {
				t.Errorf("ID(%q) = %d, %v", w, id, ok)
			}
			kept += brute[w]
		}
		if v.Total != kept || v.Tokens != total || v.Distinct != len(brute) || v.Pruned != 0 {
			t.Errorf("%+v: Total %d Tokens %d Distinct %d Pruned %d, want %d %d %d 0", tt.opt, v.Total, v.Tokens, v.Distinct, v.Pruned, kept, total, len(brute))
		}
	}
}

func TestVocabPrune(t *testing.T) {
	// 1000 words once each, then "a" and "b" many times: with the table
	// bounded at 100 entries the singletons are pruned, the frequent words
	// survive, and Pruned says so.
	var sb strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&sb, "a b u%d\n", i)
	}
	p := writeFile(t, "c.txt", sb.String())
	v, err := BuildVocab(context.Background(), &Source{Paths: []string{p}}, VocabOptions{MinCount: 2, PruneAt: 100})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(v.Words, []string{"a", "b"}) || v.Pruned == 0 || v.Distinct > 100 {
		t.Errorf("words %q pruned %d distinct %d", v.Words, v.Pruned, v.Distinct)
	}
	if v.Counts[0] != 1000 {
		t.Errorf("count(a) = %d, want 1000", v.Counts[0])
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, text string
		opt        VocabOptions
		want       string
		is         error
	}{
		{"bin.txt", "hello world\nok\x00\x01\x02\n", VocabOptions{}, "bin.txt line 2: NUL byte", nil},
		{"latin1.txt", "fine\nfine\ncaf\xe9\n", VocabOptions{}, "latin1.txt line 3: invalid UTF-8", nil},
		{"empty.txt", "", VocabOptions{}, "empty.txt: no words", ErrEmpty},
		{"punct.txt", "... !!\n\n  --\n", VocabOptions{}, "no words", ErrEmpty},
		{"rare.txt", "a b c\n", VocabOptions{MinCount: 2}, "none of the 3 distinct words occurs 2 times", ErrEmptyVocab},
		{"neg.txt", "a\n", VocabOptions{MinCount: -1}, "negative", nil},
	}
	for _, tt := range tests {
		p := writeFile(t, tt.name, tt.text)
		_, err := BuildVocab(ctx, &Source{Paths: []string{p}}, tt.opt)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want %q", tt.name, err, tt.want)
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("%s: err %v is not %v", tt.name, err, tt.is)
		}
	}
	if _, err := BuildVocab(ctx, &Source{Paths: []string{filepath.Join(t.TempDir(), "missing.txt")}}, VocabOptions{}); err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := BuildVocab(ctx, &Source{}, VocabOptions{}); err == nil {
		t.Error("no paths: no error")
	}
	if _, err := BuildVocab(ctx, &Source{Paths: []string{"-"}}, VocabOptions{}); err == nil {
		t.Error("- without Stdin: no error")
	}
}

func gz(t *testing.T, text string) []byte {
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	z.Write([]byte(text))
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSources reads the same text from a file, a .gz file and stdin, twice
// each, and checks that every pass sees the same lines.
func TestSources(t *testing.T) {
	text := "The cat sat\non the mat.\n\nthe end\r\nno newline"
	want := [][]string{{"the", "cat", "sat"}, {"on", "the", "mat"}, {"the", "end"}, {"no", "newline"}}
	plain := writeFile(t, "c.txt", text)
	zipped := filepath.Join(t.TempDir(), "c.txt.gz")
	os.WriteFile(zipped, gz(t, text), 0o644)
	noSuffix := filepath.Join(t.TempDir(), "zipped")
	os.WriteFile(noSuffix, gz(t, text), 0o644)
	for _, src := range []*Source{
		{Paths: []string{plain}},
		{Paths: []string{zipped}},
		{Paths: []string{noSuffix}},
		{Paths: []string{"-"}, Stdin: strings.NewReader(text), TempDir: t.TempDir()},
		{Paths: []string{"-"}, Stdin: bytes.NewReader(gz(t, text)), TempDir: t.TempDir()},
	} {
		for pass := range 2 {
			var got [][]string
			err := src.Each(context.Background(), func(toks []string) error {
				got = append(got, slices.Clone(toks))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("%v pass %d: %q, want %q", src.Paths, pass, got, want)
			}
		}
		if err := src.Close(); err != nil {
			t.Error(err)
		}
		if src.TempDir != "" {
			if left, _ := os.ReadDir(src.TempDir); len(left) != 0 {
				t.Errorf("spool left behind: %v", left)
			}
		}
	}
}

func TestEncodedParts(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(3, 4))
	p := writeFile(t, "c.txt", randomText(r, 30000))
	src := &Source{Paths: []string{p}}
	v, err := BuildVocab(ctx, src, VocabOptions{MinCount: 3})
	if err != nil {
		t.Fatal(err)
	}
	e, err := Encode(ctx, src, v, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	// The reference: encode line by line in memory.
	var want []int32
	var sentences int64
	src.Each(ctx, func(toks []string) error {
		n := len(want)
		want = v.Encode(want, toks)
		if len(want) > n {
			sentences++
		}
		return nil
	})
	if e.Tokens() != int64(len(want)) || e.Sentences() != sentences {
		t.Fatalf("Tokens %d Sentences %d, want %d %d", e.Tokens(), e.Sentences(), len(want), sentences)
	}
	for _, n := range []int{1, 2, 3, 7} {
		var got []int32
		var sum int64
		for i := range n {
			part := e.Part(i, n)
			before := len(got)
			if err := part.Each(ctx, func(ids []int32) error {
				if len(ids) == 0 {
					t.Error("empty sentence")
				}
				got = append(got, ids...)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if int64(len(got)-before) != part.Tokens() {
				t.Errorf("part %d/%d: read %d tokens, Tokens() = %d", i, n, len(got)-before, part.Tokens())
			}
			sum += part.Tokens()
		}
		if !slices.Equal(got, want) || sum != e.Tokens() {
			t.Errorf("%d parts: the parts do not make up the corpus", n)
		}
	}
	name := e.f.Name()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		t.Errorf("Close left %s: %v", name, err)
	}
}

func FuzzSource(f *testing.F) {
	for _, s := range []string{"", "a b c\n", "Ünïcode don't 3.14\n", "x\x00y", "caf\xe9", "’'’ -- 1,2,3,"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f.txt")
		os.WriteFile(p, data, 0o644)
		src := &Source{Paths: []string{p}}
		err := src.Each(context.Background(), func(toks []string) error {
			for _, tok := range toks {
				if tok == "" || strings.ContainsAny(tok, " \t\n\r") {
					t.Fatalf("bad token %q", tok)
				}
				// Tokenising a token again gives the token: tokens are
				// fixed points of the tokeniser.
				if again := (Tokenizer{}).Append(nil, tok); len(again) != 1 || again[0] != tok {
					t.Fatalf("token %q re-tokenises to %q", tok, again)
				}
			}
			return nil
		})
		if err != nil && !strings.Contains(err.Error(), "f.txt") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}

func TestPhrases(t *testing.T) {
	// "new york" always together and never apart: it scores
	// (400−5)/(400·400)·3200 ≈ 7.9 > 5. "the" is everywhere, so "the
	// city" and "york the", though frequent, score below 5 (≈ 3.9).
	var sb strings.Builder
	r := rand.New(rand.NewPCG(9, 9))
	fill := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	for range 400 {
		fmt.Fprintf(&sb, "the %s new york the %s city %s\n", fill[r.IntN(10)], fill[r.IntN(10)], fill[r.IntN(10)])
	}
	p := writeFile(t, "c.txt", sb.String())
	src := &Source{Paths: []string{p}}
	ph, err := LearnPhrases(context.Background(), src, PhraseOptions{Threshold: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !ph.Has("new", "york") || ph.Has("the", "city") || ph.Has("york", "the") {
		t.Errorf("phrases: new york %v, the city %v, york the %v", ph.Has("new", "york"), ph.Has("the", "city"), ph.Has("york", "the"))
	}
	got := ph.Apply(nil, []string{"in", "new", "york", "new", "york"})
	if want := []string{"in", "new_york", "new_york"}; !slices.Equal(got, want) {
		t.Errorf("Apply = %q, want %q", got, want)
	}
	src.Phrases = ph
	v, err := BuildVocab(context.Background(), src, VocabOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if id, ok := v.ID("new_york"); !ok || v.Counts[id] != 400 {
		t.Errorf("new_york not counted 400 times in the vocabulary: %v", ok)
	}
	if _, ok := v.ID("york"); ok {
		t.Error("york still a word of its own")
	}
	if _, err := LearnPhrases(context.Background(), src, PhraseOptions{Threshold: -1}); err == nil {
		t.Error("negative threshold: no error")
	}
}
