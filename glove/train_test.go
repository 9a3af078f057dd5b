package glove

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/latent-go/latent/embedding"
)

// topics is a corpus whose sentences each draw content words from one
// group, mixed with function words: words of one group must end up
// nearest each other.
var topicGroups = [][]string{
	{"cat", "dog", "horse", "cow", "sheep"},
	{"car", "bus", "truck", "train", "bike"},
	{"bread", "cheese", "apple", "rice", "soup"},
}

var functionWords = []string{"the", "a", "and", "of"}

func topicCorpus(seed uint64, sentences int) (sliceCorpus, []string) {
	var words []string
	for _, g := range topicGroups {
		words = append(words, g...)
	}
	fn0 := len(words)
	words = append(words, functionWords...)
	rng := rand.New(rand.NewPCG(seed, 99))
	text := make(sliceCorpus, sentences)
	for i := range text {
		g := rng.IntN(len(topicGroups))
		s := make([]int32, 6+rng.IntN(6))
		for k := range s {
			if rng.IntN(10) < 7 {
				s[k] = int32(g*5 + rng.IntN(5))
			} else {
				s[k] = int32(fn0 + rng.IntN(len(functionWords)))
			}
		}
		text[i] = s
	}
	return text, words
}

func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / math.Sqrt(aa*bb)
}

// nearestContent returns the content word nearest to word (by cosine).
func nearestContent(t *testing.T, tab *embedding.Table, word string) string {
	t.Helper()
	i, ok := tab.Index(word)
	if !ok {
		t.Fatalf("no %q", word)
	}
	best, bestCos := "", -2.0
	for _, g := range topicGroups {
		for _, w := range g {
			if w == word {
				continue
			}
			j, _ := tab.Index(w)
			if c := cosine(tab.Row(i), tab.Row(j)); c > bestCos {
				best, bestCos = w, c
			}
		}
	}
	return best
}

func group(word string) int {
	for gi, g := range topicGroups {
		for _, w := range g {
			if w == word {
				return gi
			}
		}
	}
	return -1
}

func TestLearnsTopics(t *testing.T) {
	text, words := topicCorpus(1, 3000)
	for _, tc := range []struct {
		name        string
		workers     int
		entryMemory int64
		buckets     bool
	}{
		{"one worker", 1, 0, false},
		{"two workers", 2, 0, false},
		{"buckets", 1, 400, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.workers > 1 && raceEnabled {
				t.Skip("Hogwild updates race by design")
			}
			var costs []float64
			var buckets int
			dir := t.TempDir()
			tab, err := Train(context.Background(), text, words, Config{
				Dim: 10, Window: 4, Epochs: 30, XMax: 10, Seed: 5, Workers: tc.workers,
				TempDir: dir, entryMemory: tc.entryMemory,
				Progress: func(p Progress) {
					if p.Phase == "train" {
						costs = append(costs, p.Cost)
						buckets = p.Buckets
					}
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if (buckets > 0) != tc.buckets {
				t.Fatalf("%d buckets, want buckets %v", buckets, tc.buckets)
			}
			if len(costs) != 30 {
				t.Fatalf("%d epochs reported", len(costs))
			}
			if !(costs[29] < costs[0]/4) {
				t.Fatalf("cost %v after 30 epochs, %v after the first", costs[29], costs[0])
			}
			for k := 1; k < len(costs); k++ {
				if costs[k] > costs[k-1]*1.05 {
					t.Errorf("cost rose from %v to %v in epoch %d", costs[k-1], costs[k], k+1)
				}
			}
			for _, g := range topicGroups {
				for _, w := range g {
					if n := nearestContent(t, tab, w); group(n) != group(w) {
						t.Errorf("nearest to %q is %q", w, n)
					}
				}
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("%d temporary files left", len(ents))
			}
		})
	}
}

func vectorBytes(tab *embedding.Table) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, tab.Vectors)
	return b.Bytes()
}

func TestDeterministic(t *testing.T) {
	text, words := topicCorpus(2, 500)
	for _, tc := range []struct {
		name        string
		entryMemory int64
	}{
		{"memory", 0},
		{"buckets", 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := func(seed uint64) []byte {
				tab, err := Train(context.Background(), text, words, Config{
					Dim: 8, Window: 3, Epochs: 5, Seed: seed, Workers: 1, entryMemory: tc.entryMemory, TempDir: t.TempDir()})
				if err != nil {
					t.Fatal(err)
				}
				return vectorBytes(tab)
			}
			a, b, c := run(7), run(7), run(8)
			if !bytes.Equal(a, b) {
				t.Fatal("same seed and one worker gave different vectors")
			}
			if bytes.Equal(a, c) {
				t.Fatal("different seeds gave identical vectors")
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	text, words := topicCorpus(3, 50)
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Dim: -1}, "Dim"},
		{Config{Window: -3}, "Window"},
		{Config{Epochs: -1}, "Epochs"},
		{Config{XMax: -1}, "XMax"},
		{Config{XMax: math.NaN()}, "XMax"},
		{Config{XMax: math.Inf(1)}, "XMax"},
		{Config{Alpha: -0.5}, "Alpha"},
		{Config{Alpha: math.NaN()}, "Alpha"},
		{Config{LearningRate: -0.1}, "LearningRate"},
		{Config{Workers: -2}, "Workers"},
		{Config{MaxMemory: -1}, "MaxMemory"},
		{Config{Window: 1 << 20}, "Window"},
		{Config{MaxMemory: 1000}, "memory limit too small for counting co-occurrences of"},
		{Config{MaxMemory: 1 << 20, Dim: 100000}, "memory limit too small for the parameters: they need"},
		{Config{TempDir: "/nonexistent/glove/dir"}, "spill directory"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			_, err := Train(context.Background(), text, words, tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "glove: ") {
				t.Fatalf("error %v, want one naming %q", err, tc.want)
			}
		})
	}
}

// TestMemoryLimit checks that every refusal of MaxMemory wraps
// ErrMemoryLimit, names both sizes, leaves no temporary files, and comes
// before any counting.
func TestMemoryLimit(t *testing.T) {
	text, words := topicCorpus(3, 300)
	v := len(words)
	// A Dim whose parameters fill all but 1000 bytes of a budget that
	// counting accepts: no room for a bucket of entries beside them.
	dim := 1
	for paramBytes(v, dim) < countOverhead(v)+minCountTables {
		dim++
	}
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"counting", Config{MaxMemory: 100 << 10}, fmt.Sprintf("for counting co-occurrences of %d words: at least %s is needed, the limit is 100 KiB", v,
			embedding.FormatSize(countOverhead(v)+minCountTables))},
		{"parameters", Config{MaxMemory: 1 << 20, Dim: 100000}, "the limit is 1 MiB"},
		{"bucket", Config{MaxMemory: paramBytes(v, dim) + 1000, Dim: dim}, "for the parameters (" + embedding.FormatSize(paramBytes(v, dim)) + ") and a bucket of entries"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.cfg.TempDir = dir
			counted := false
			tc.cfg.Progress = func(p Progress) {
				if p.Tokens > 0 && tc.name != "bucket" {
					counted = true
				}
			}
			_, err := Train(context.Background(), text, words, tc.cfg)
			if !errors.Is(err, ErrMemoryLimit) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want ErrMemoryLimit and %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "MaxMemory") {
				t.Errorf("error %q names the field, not the limit", err)
			}
			if counted {
				t.Error("counted before refusing")
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("%d temporary files left", len(ents))
			}
		})
	}
}

// TestCountMemoryFirst checks that the counting memory is reported before
// counting starts, and is what counting then holds.
func TestCountMemoryFirst(t *testing.T) {
	text, words := topicCorpus(3, 300)
	for _, budget := range []int64{0, countOverhead(len(words)) + minCountTables} {
		var events []Progress
		_, err := Train(context.Background(), text, words, Config{Dim: 4, Epochs: 1, Workers: 1, TempDir: t.TempDir(),
			countMemory: budget, Progress: func(p Progress) { events = append(events, p) }})
		if err != nil {
			t.Fatal(err)
		}
		first, last := events[0], Progress{}
		for _, p := range events {
			if p.Phase == "count" {
				last = p
			}
		}
		if first.Phase != "count" || first.Tokens != 0 || first.Bytes <= 0 {
			t.Fatalf("budget %d: first event %+v, want phase count with Bytes and no tokens", budget, first)
		}
		if last.Tokens == 0 || last.Bytes != first.Bytes {
			t.Errorf("budget %d: counting held %d bytes, %d announced", budget, last.Bytes, first.Bytes)
		}
		if budget > 0 && first.Bytes > budget {
			t.Errorf("announced %d bytes, budget %d", first.Bytes, budget)
		}
	}
}

func TestBadInput(t *testing.T) {
	words := []string{"a", "b", "c"}
	for _, tc := range []struct {
		name  string
		text  sliceCorpus
		words []string
		want  string
	}{
		{"empty vocabulary", sliceCorpus{{0, 1}}, nil, "empty vocabulary"},
		{"repeated word", sliceCorpus{{0, 1}}, []string{"a", "b", "a"}, `word "a" repeated`},
		{"ID out of range", sliceCorpus{{0, 1}, {2, 3}}, words, "sentence 2: ID 3 out of range"},
		{"empty corpus", sliceCorpus{}, words, "empty corpus"},
		{"only dropped words", sliceCorpus{{-1, -1}, {}}, words, "empty corpus"},
		{"no co-occurrences", sliceCorpus{{0}, {1}, {2, -1}}, words, "no co-occurrences"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := Train(context.Background(), tc.text, tc.words, Config{Dim: 2, TempDir: dir})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("%d temporary files left", len(ents))
			}
		})
	}
}

func TestCancel(t *testing.T) {
	text, words := topicCorpus(4, 2000)
	for _, phase := range []string{"count", "merge", "memory", "train"} {
		t.Run(phase, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			dir := t.TempDir()
			_, err := Train(ctx, text, words, Config{Dim: 4, Epochs: 3, Workers: 1, TempDir: dir,
				countMemory: countOverhead(len(words)) + minCountTables, entryMemory: 500,
				Progress: func(p Progress) {
					if p.Phase == phase {
						cancel()
					}
				}})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error %v, want context.Canceled", err)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("%d temporary files left", len(ents))
			}
		})
	}
}

func TestDiverges(t *testing.T) {
	text, words := topicCorpus(5, 300)
	_, err := Train(context.Background(), text, words, Config{Dim: 4, Epochs: 3, Workers: 1, LearningRate: 1e30})
	if !errors.Is(err, ErrDiverged) {
		t.Fatalf("error %v, want ErrDiverged", err)
	}
}

// TestGradient checks the step against central differences of the cost:
// with accumulators at 1 and η = 1 the first AdaGrad step is exactly −g.
func TestGradient(t *testing.T) {
	const v, dim = 4, 5
	for _, tc := range []struct {
		name    string
		i, j    uint32
		x, xmax float64
	}{
		{"f < 1", 0, 2, 3.7, 10},
		{"f = 1", 1, 3, 20, 10},
		{"same word", 2, 2, 0.4, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newModel(v, dim, 1, rand.New(rand.NewPCG(11, 12)))
			wi, gi := m.row(m.w, int(tc.i))
			cj, gj := m.row(m.c, int(tc.j))
			for k := range wi {
				// Larger than the initial scale, so the terms are far from 0.
				wi[k] *= 8
				cj[k] *= 8
			}
			r := rec{pack(tc.i, tc.j), prepared(tc.x, tc.xmax, 0.75)}
			logX, f := r.weights()
			// cost is the entry's term as a function of row i of W and row
			// j of W̃ (vector, then bias).
			cost := func(w, c []float64) float64 {
				var s float64
				for k := range dim {
					s += w[k] * c[k]
				}
				d := s + w[dim] + c[dim] - float64(logX)
				return 0.5 * float64(f) * d * d
			}
			w0, c0 := widen(wi), widen(cj)
			got := m.update(tc.i, tc.j, logX, f)
			if want := cost(w0, c0); math.Abs(got-want) > 1e-6*(1+want) {
				t.Errorf("update returned cost %v, want %v", got, want)
			}
			const h = 1e-4
			for _, p := range []struct {
				name       string
				before     []float64
				after, acc []float32
			}{{"w", w0, wi, gi}, {"w̃", c0, cj, gj}} {
				for k := range p.before {
					plus := append([]float64(nil), p.before...)
					minus := append([]float64(nil), p.before...)
					plus[k] += h
					minus[k] -= h
					var num float64
					if p.name == "w" {
						num = (cost(plus, c0) - cost(minus, c0)) / (2 * h)
					} else {
						num = (cost(w0, plus) - cost(w0, minus)) / (2 * h)
					}
					g := p.before[k] - float64(p.after[k]) // η = 1, √G = 1
					if math.Abs(g-num) > 2e-5*(1+math.Abs(num)) {
						t.Errorf("∂J/∂%s[%d]: step %v, finite difference %v", p.name, k, g, num)
					}
					if wantAcc := 1 + num*num; math.Abs(float64(p.acc[k])-wantAcc) > 1e-4*wantAcc {
						t.Errorf("accumulator %s[%d] = %v, want %v", p.name, k, p.acc[k], wantAcc)
					}
				}
			}
		})
	}
}

func widen(x []float32) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}
