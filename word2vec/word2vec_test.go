package word2vec

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/latent-go/latent/corpus"
	"github.com/latent-go/latent/embedding"
)

// TestHuffman checks the tree of counts 4, 3, 2, 1, worked out by hand with
// the C tool's rules: merge 1+2 → n4 (1 gets code 0, 2 code 1); then n4 (3)
// and the leaf 3 tie and the inner node goes first → n5 = 6 with n4 code 0,
// word 1 code 1; then 4 < 6 → root n6 = 10 with word 0 code 0, n5 code 1.
// Points are inner nodes minus the vocabulary size: n4 → 0, n5 → 1, n6 → 2.
func TestHuffman(t *testing.T) {
	h := buildHuffman([]int64{4, 3, 2, 1})
	want := []struct {
		codes  []uint8
		points []int32
	}{
		{[]uint8{0}, []int32{2}},
		{[]uint8{1, 1}, []int32{2, 1}},
		{[]uint8{1, 0, 1}, []int32{2, 1, 0}},
		{[]uint8{1, 0, 0}, []int32{2, 1, 0}},
	}
	for w, tt := range want {
		a, b := h.off[w], h.off[w+1]
		if !slices.Equal(h.codes[a:b], tt.codes) || !slices.Equal(h.points[a:b], tt.points) {
			t.Errorf("word %d: codes %v points %v, want %v %v", w, h.codes[a:b], h.points[a:b], tt.codes, tt.points)
		}
		for i := a; i < b; i++ {
			if h.labels[i] != 1-h.codes[i] {
				t.Errorf("word %d: label %d for code %d", w, h.labels[i], h.codes[i])
			}
		}
	}
	// A lone word has an empty path.
	if h := buildHuffman([]int64{7}); h.off[1] != 0 {
		t.Errorf("one word: path length %d", h.off[1])
	}
}

// TestHuffmanPrefixFree checks, on a larger vocabulary, that no code is a
// prefix of another and that frequent words get codes no longer than rare
// ones: the properties a Huffman code must have.
func TestHuffmanPrefixFree(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	counts := make([]int64, 300)
	for i := range counts {
		counts[i] = int64(r.ExpFloat64()*1000) + 1
	}
	slices.Sort(counts)
	slices.Reverse(counts)
	h := buildHuffman(counts)
	seen := map[string]bool{}
	var codes []string
	for w := range counts {
		var sb strings.Builder
		for _, c := range h.codes[h.off[w]:h.off[w+1]] {
			sb.WriteByte('0' + c)
		}
		codes = append(codes, sb.String())
		seen[sb.String()] = true
		if w > 0 && len(codes[w]) < len(codes[w-1]) && counts[w] < counts[w-1] {
			t.Errorf("word %d (count %d) has a shorter code than word %d (count %d)", w, counts[w], w-1, counts[w-1])
		}
	}
	for _, a := range codes {
		for _, b := range codes {
			if a != b && strings.HasPrefix(b, a) {
				t.Fatalf("code %s is a prefix of %s", a, b)
			}
		}
	}
	// Kraft's equality holds for a full binary tree.
	var kraft float64
	for _, c := range codes {
		kraft += math.Pow(2, -float64(len(c)))
	}
	if math.Abs(kraft-1) > 1e-9 {
		t.Errorf("Kraft sum %v, want 1", kraft)
	}
}

// TestAlias checks the alias table two ways: the exact probability each
// word gets from the table, and the frequencies of a million draws,
// against count^0.75 normalised.
func TestAlias(t *testing.T) {
	counts := []int64{1000, 500, 250, 100, 10, 3, 1, 1}
	a := newAlias(counts, 0.75)
	want := make([]float64, len(counts))
	var sum float64
	for i, c := range counts {
		want[i] = math.Pow(float64(c), 0.75)
		sum += want[i]
	}
	for i := range want {
		want[i] /= sum
	}
	n := float64(len(counts))
	exact := make([]float64, len(counts))
	for col := range a.prob {
		p := float64(a.prob[col]) / (1 << 32)
		exact[col] += p / n
		exact[a.other[col]] += (1 - p) / n
	}
	for i := range want {
		if math.Abs(exact[i]-want[i]) > 1e-8 {
			t.Errorf("word %d: table gives %v, want %v", i, exact[i], want[i])
		}
	}
	w := &worker{rng: 42}
	got := make([]float64, len(counts))
	const draws = 1_000_000
	for range draws {
		got[a.draw(w.next())]++
	}
	for i := range got {
		got[i] /= draws
		// Five standard deviations of a binomial proportion.
		if sd := math.Sqrt(want[i] * (1 - want[i]) / draws); math.Abs(got[i]-want[i]) > 5*sd+1e-6 {
			t.Errorf("word %d: drawn %.5f of the time, want %.5f", i, got[i], want[i])
		}
	}
}

// TestKeepProbsGensim compares the subsampling keep values with gensim's
// sample_int for the same counts (testdata/gensim_sample.py made the file).
func TestKeepProbsGensim(t *testing.T) {
	b, err := os.ReadFile("testdata/gensim_sample.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Counts []int64
		Cases  []struct {
			Sample    float64
			SampleInt []uint32 `json:"sample_int"`
		}
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, c := range ref.Counts {
		total += c
	}
	for _, c := range ref.Cases {
		got := keepProbs(ref.Counts, total, c.Sample)
		if !slices.Equal(got, c.SampleInt) {
			t.Errorf("sample %g: keep %v, gensim %v", c.Sample, got, c.SampleInt)
		}
	}
	for _, k := range keepProbs(ref.Counts, total, -1) {
		if k != math.MaxUint32 {
			t.Errorf("no subsampling: keep %d", k)
		}
	}
}

// topicCorpus writes sentences about animals or vehicles, never mixed,
// so that words of one topic share contexts and words of different topics
// never do.
func topicCorpus(t testing.TB, sentences int) string {
	animals := []string{"cat", "dog", "horse", "cow", "sheep", "goat"}
	vehicles := []string{"car", "bus", "truck", "train", "plane", "boat"}
	animalCtx := []string{"eats", "grass", "barn", "milk", "fur", "farm"}
	vehicleCtx := []string{"drives", "road", "engine", "fuel", "wheels", "station"}
	r := rand.New(rand.NewPCG(7, 8))
	var sb strings.Builder
	for range sentences {
		words, ctx := animals, animalCtx
		if r.IntN(2) == 0 {
			words, ctx = vehicles, vehicleCtx
		}
		for j := range 8 {
			if j > 0 {
				sb.WriteByte(' ')
			}
			if j%2 == 0 {
				sb.WriteString(words[r.IntN(len(words))])
			} else {
				sb.WriteString(ctx[r.IntN(len(ctx))])
			}
		}
		sb.WriteByte('\n')
	}
	p := filepath.Join(t.TempDir(), "topics.txt")
	if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func prepare(t testing.TB, path string, minCount int) (*corpus.Encoded, *corpus.Vocab) {
	ctx := context.Background()
	src := &corpus.Source{Paths: []string{path}}
	voc, err := corpus.BuildVocab(ctx, src, corpus.VocabOptions{MinCount: minCount})
	if err != nil {
		t.Fatal(err)
	}
	enc, err := corpus.Encode(ctx, src, voc, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { enc.Close() })
	return enc, voc
}

func cosine(tab *embedding.Table, a, b string) float64 {
	i, _ := tab.Index(a)
	j, _ := tab.Index(b)
	x, y := tab.Row(i), tab.Row(j)
	var d, nx, ny float64
	for k := range x {
		d += float64(x[k]) * float64(y[k])
		nx += float64(x[k]) * float64(x[k])
		ny += float64(y[k]) * float64(y[k])
	}
	return d / math.Sqrt(nx*ny)
}

// TestLearnsTopics trains every model and loss on the topic corpus and
// checks that words of a topic end up nearer each other than words of
// different topics, and that the loss fell.
func TestLearnsTopics(t *testing.T) {
	enc, voc := prepare(t, topicCorpus(t, 3000), 1)
	animals := []string{"cat", "dog", "horse", "cow"}
	vehicles := []string{"car", "bus", "truck", "train"}
	for _, model := range []Model{SkipGram, CBOW} {
		for _, loss := range []Loss{NegativeSampling, HierarchicalSoftmax} {
			var first, last float64
			cfg := Config{Model: model, Loss: loss, Dim: 20, Epochs: 5, Workers: 1, Seed: 1, Sample: -1,
				ProgressEvery: 1 << 62, // only the final report
				Progress: func(p Progress) {
					if p.Done {
						last = p.Loss
					}
				}}
			// The loss of an untrained model: one epoch at a tiny rate.
			cfg0 := cfg
			cfg0.Epochs, cfg0.Alpha, cfg0.MinAlpha, cfg0.Progress = 1, 1e-6, 1e-6, nil
			_, res0, err := Train(context.Background(), enc, voc, cfg0)
			if err != nil {
				t.Fatal(err)
			}
			first = res0.Loss
			tab, _, err := Train(context.Background(), enc, voc, cfg)
			if err != nil {
				t.Fatal(err)
			}
			var within, across float64
			var nw, na int
			for _, g := range [][]string{animals, vehicles} {
				for i, a := range g {
					for _, b := range g[i+1:] {
						within += cosine(tab, a, b)
						nw++
					}
				}
			}
			for _, a := range animals {
				for _, b := range vehicles {
					across += cosine(tab, a, b)
					na++
				}
			}
			within, across = within/float64(nw), across/float64(na)
			if within < across+0.3 {
				t.Errorf("%v/%v: mean cosine within topics %.3f, across %.3f", model, loss, within, across)
			}
			if !(last < 0.9*first) {
				t.Errorf("%v/%v: loss %.4f after training, %.4f untrained", model, loss, last, first)
			}
		}
	}
}

func vectorBytes(t *testing.T, tab *embedding.Table) []byte {
	var b bytes.Buffer
	if err := embedding.WriteWord2VecBinary(&b, tab); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDeterministicOneWorker(t *testing.T) {
	enc, voc := prepare(t, topicCorpus(t, 500), 1)
	for _, cfg := range []Config{
		{Dim: 16, Epochs: 2, Workers: 1, Seed: 3},
		{Dim: 16, Epochs: 2, Workers: 1, Seed: 3, Model: CBOW, Loss: HierarchicalSoftmax},
	} {
		a, _, err := Train(context.Background(), enc, voc, cfg)
		if err != nil {
			t.Fatal(err)
		}
		b, _, err := Train(context.Background(), enc, voc, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(vectorBytes(t, a), vectorBytes(t, b)) {
			t.Errorf("%+v: two runs differ", cfg)
		}
		cfg.Seed++
		c, _, err := Train(context.Background(), enc, voc, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(vectorBytes(t, a), vectorBytes(t, c)) {
			t.Errorf("%+v: another seed gives the same vectors", cfg)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	enc, voc := prepare(t, topicCorpus(t, 50), 1)
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{Dim: -1}, "dimension -1"},
		{Config{Window: -2}, "window -2"},
		{Config{Negative: -1}, "negative -1"},
		{Config{Epochs: -1}, "epochs -1"},
		{Config{Sample: 2}, "sample 2"},
		{Config{Sample: math.NaN()}, "sample NaN"},
		{Config{Alpha: -0.1}, "learning rates"},
		{Config{Alpha: 0.01, MinAlpha: 0.1}, "learning rates"},
		{Config{Alpha: math.Inf(1)}, "learning rates"},
		{Config{Workers: -3}, "workers -3"},
		{Config{Model: 7}, "unknown model"},
		{Config{Loss: 9}, "unknown loss"},
		{Config{Dim: 1000, MaxMemory: 1000}, "more than the limit"},
	}
	for _, tt := range tests {
		_, _, err := Train(context.Background(), enc, voc, tt.cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: err %v, want %q", tt.cfg, err, tt.want)
		}
	}
	if _, _, err := Train(context.Background(), nil, voc, Config{}); err == nil {
		t.Error("nil corpus: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Train(ctx, enc, voc, Config{}); err == nil {
		t.Error("cancelled context: no error")
	}
}

func TestMemory(t *testing.T) {
	// Two 1000×100 float32 matrices are 800,000 bytes; the estimate
	// includes them and grows with the dimension.
	m := Memory(1000, Config{Dim: 100})
	if m < 800_000 || m > 2_000_000 || Memory(1000, Config{Dim: 200}) <= m {
		t.Errorf("Memory(1000, dim 100) = %d", m)
	}
}

func Example() {
	ctx := context.Background()
	text := strings.Repeat("the cat sat on the mat\nthe dog sat on the log\n", 200)
	src := &corpus.Source{Paths: []string{"-"}, Stdin: strings.NewReader(text)}
	defer src.Close()
	voc, err := corpus.BuildVocab(ctx, src, corpus.VocabOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	enc, err := corpus.Encode(ctx, src, voc, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer enc.Close()
	vectors, res, err := Train(ctx, enc, voc, Config{Dim: 10, Workers: 1, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(vectors.Len(), "words,", vectors.Dim, "dimensions,", res.Words, "words trained")
	// Output: 7 words, 10 dimensions, 12000 words trained
}

// TestOneLineCorpus trains two workers on the topic corpus written as one
// line: the corpus is cut into sentences of corpus.MaxSentence tokens, so
// both workers get half of it, and the topics are still learnt.
func TestOneLineCorpus(t *testing.T) {
	text, err := os.ReadFile(topicCorpus(t, 6000))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "one.txt")
	if err := os.WriteFile(p, bytes.ReplaceAll(text, []byte("\n"), []byte(" ")), 0o644); err != nil {
		t.Fatal(err)
	}
	enc, voc := prepare(t, p, 1)
	if want := (enc.Tokens() + corpus.MaxSentence - 1) / corpus.MaxSentence; enc.Sentences() != want {
		t.Fatalf("%d sentences of %d tokens, want %d", enc.Sentences(), enc.Tokens(), want)
	}
	for i := range 2 {
		if n := enc.Part(i, 2).Tokens(); n < enc.Tokens()/2-corpus.MaxSentence {
			t.Errorf("worker %d gets %d of %d tokens", i, n, enc.Tokens())
		}
	}
	if raceEnabled {
		t.Skip("Hogwild updates race by design")
	}
	var done Progress
	tab, _, err := Train(context.Background(), enc, voc, Config{Dim: 20, Epochs: 3, Workers: 2, Seed: 1, Sample: -1,
		Progress: func(p Progress) { done = p }})
	if err != nil {
		t.Fatal(err)
	}
	if !done.Done || done.Words != done.TotalWords {
		t.Errorf("final progress %+v", done)
	}
	within := (cosine(tab, "cat", "dog") + cosine(tab, "car", "bus")) / 2
	across := (cosine(tab, "cat", "car") + cosine(tab, "dog", "bus")) / 2
	if within < across+0.3 {
		t.Errorf("mean cosine within topics %.3f, across %.3f", within, across)
	}
}
