package glove

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

// sliceCorpus is a corpus held in memory.
type sliceCorpus [][]int32

func (s sliceCorpus) Each(ctx context.Context, fn func([]int32) error) error {
	for _, ids := range s {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(ids); err != nil {
			return err
		}
	}
	return nil
}

// zipfText returns n sentences over v words with Zipf-like frequencies,
// including some negative (dropped) IDs and empty sentences.
func zipfText(rng *rand.Rand, v, n, maxLen int) sliceCorpus {
	z := rand.NewZipf(rng, 1.1, 2, uint64(v-1))
	text := make(sliceCorpus, n)
	for i := range text {
		s := make([]int32, rng.IntN(maxLen+1))
		for k := range s {
			s[k] = int32(z.Uint64())
			// Scramble so that ID order is not frequency order.
			s[k] = int32((int(s[k])*7 + 3) % v)
			if rng.IntN(20) == 0 {
				s[k] = -1
			}
		}
		text[i] = s
	}
	return text
}

// bruteCounts is the definition: X[a][b] += 1/d and X[b][a] += 1/d for
// every pair of in-vocabulary words at distance d ≤ window in a sentence,
// distance measured after dropping negative IDs.
func bruteCounts(text sliceCorpus, v, window int) [][]float64 {
	x := make([][]float64, v)
	for i := range x {
		x[i] = make([]float64, v)
	}
	for _, s := range text {
		var kept []int32
		for _, id := range s {
			if id >= 0 {
				kept = append(kept, id)
			}
		}
		for t := range kept {
			for d := 1; d <= window && t-d >= 0; d++ {
				a, b := kept[t], kept[t-d]
				x[a][b] += 1 / float64(d)
				x[b][a] += 1 / float64(d)
			}
		}
	}
	return x
}

func frequencies(t *testing.T, text sliceCorpus, v int) []int64 {
	t.Helper()
	freq, _, err := countWords(context.Background(), text, v)
	if err != nil {
		t.Fatal(err)
	}
	return freq
}

// checkAgainstBrute compares drained pairs with the brute-force matrix.
func checkAgainstBrute(t *testing.T, got []rec, want [][]float64) {
	t.Helper()
	seen := map[[2]uint32]bool{}
	for _, r := range got {
		a, b := r.pair()
		k := [2]uint32{min(a, b), max(a, b)}
		if seen[k] {
			t.Fatalf("pair %v emitted twice", k)
		}
		seen[k] = true
		x := r.count()
		if w := want[a][b]; math.Abs(x-w) > 1e-9*(1+w) || want[a][b] != want[b][a] {
			t.Fatalf("X[%d][%d] = %v, brute force %v (transposed %v)", a, b, x, w, want[b][a])
		}
	}
	nz := 0
	for a := range want {
		for b := a; b < len(want); b++ {
			if want[a][b] != 0 {
				nz++
			}
		}
	}
	if nz != len(seen) {
		t.Fatalf("%d pairs emitted, brute force has %d non-zero", len(seen), nz)
	}
}

func TestCountsAgainstBruteForce(t *testing.T) {
	const v, window = 60, 5
	text := zipfText(rand.New(rand.NewPCG(1, 2)), v, 300, 25)
	want := bruteCounts(text, v, window)
	freq := frequencies(t, text, v)
	for _, tc := range []struct {
		name       string
		denseBytes int64
		bufRecs    int
		wantRuns   int // minimum number of runs
	}{
		{"memory, dense table", 1 << 20, 1 << 16, 0},
		{"memory, no dense table", 0, 1 << 16, 0},
		{"memory, partial dense table", 100 * 8, 1 << 16, 0},
		{"spills, no dense table", 0, 200, 3},
		{"spills, partial dense table", 100 * 8, 200, 3},
		{"hierarchical merge", 0, 16, maxFanIn + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			c := newCounter(freq, window, tc.denseBytes, tc.bufRecs, dir)
			if err := text.Each(context.Background(), c.sentence); err != nil {
				t.Fatal(err)
			}
			if err := c.finish(); err != nil {
				t.Fatal(err)
			}
			if len(c.runs) < tc.wantRuns || (tc.wantRuns == 0) != !c.spilled() {
				t.Fatalf("%d runs, want at least %d", len(c.runs), tc.wantRuns)
			}
			if cap(c.buf) > tc.bufRecs {
				t.Fatalf("buffer grew to %d records, budget %d", cap(c.buf), tc.bufRecs)
			}
			var got []rec
			if err := c.drain(context.Background(), 4096, func(r rec) error { got = append(got, r); return nil }); err != nil {
				t.Fatal(err)
			}
			checkAgainstBrute(t, got, want)
			if ub := c.upperBound(); ub < int64(len(got)) {
				t.Fatalf("upper bound %d < %d pairs", ub, len(got))
			}
			if !c.spilled() {
				recs := c.takeInMemory()
				if tc.bufRecs > 4000 && recs == nil {
					t.Fatal("takeInMemory refused with room to spare")
				}
				if recs != nil {
					checkAgainstBrute(t, recs, want)
				}
			}
		})
	}
}

func TestDenseTableHoldsFrequentPairs(t *testing.T) {
	freq := []int64{5, 50, 1, 20, 0, 7}
	c := newCounter(freq, 2, 6*8, 16, t.TempDir())
	// The six cells must be the pairs of the most frequent words: IDs 1, 3, 5
	// have ranks 0, 1, 2.
	if c.byRank[0] != 1 || c.byRank[1] != 3 || c.byRank[2] != 5 {
		t.Fatalf("ranks %v", c.byRank)
	}
	if len(c.dense) > 6 || len(c.dense) == 0 {
		t.Fatalf("dense table has %d cells, budget 6", len(c.dense))
	}
	for p := int64(1); p < 40; p++ {
		// The layout must match its cell count.
		var n int64
		for lo := int64(0); lo < 6; lo++ {
			for hi := lo; hi < 6; hi++ {
				if (lo+1)*(hi+1) <= p {
					n++
				}
			}
		}
		if got := denseCells(p, 6); got != n {
			t.Fatalf("denseCells(%d, 6) = %d, want %d", p, got, n)
		}
	}
}

// TestCountWithinBudget runs the counting phase as Train does, with
// budgets that force spills and bucket files, and checks the prepared
// entries against the brute-force counts.
func TestCountWithinBudget(t *testing.T) {
	const v, window = 800, 3
	text := zipfText(rand.New(rand.NewPCG(3, 4)), v, 8000, 20)
	want := bruteCounts(text, v, window)
	small := countOverhead(v) + minCountTables
	for _, tc := range []struct {
		name          string
		maxMemory     int64
		countMemory   int64
		spill, bucket bool
	}{
		{"default budget", 0, 0, false, false},
		{"spills", 0, small, true, false},
		{"spills and buckets", small, 0, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg, err := Config{Dim: 4, Window: window, XMax: 3, MaxMemory: tc.maxMemory, TempDir: dir, countMemory: tc.countMemory}.withDefaults()
			if err != nil {
				t.Fatal(err)
			}
			freq, tokens, err := countWords(context.Background(), text, v)
			if err != nil {
				t.Fatal(err)
			}
			var last Progress
			src, err := count(context.Background(), text, freq, tokens, cfg, dir, func(p Progress) {
				if budget := max(tc.maxMemory, tc.countMemory); p.Phase == "count" && budget > 0 && p.Bytes > budget {
					t.Errorf("counting holds %d bytes, budget %d", p.Bytes, budget)
				}
				last = p
			})
			if err != nil {
				t.Fatal(err)
			}
			if last.Phase != "merge" || (last.Spills > 0) != tc.spill || (len(src.buckets) > 0) != tc.bucket {
				t.Fatalf("%+v: want spills %v, buckets %v", last, tc.spill, tc.bucket)
			}
			recs := src.mem
			for _, b := range src.buckets {
				got, err := loadBucket(b, nil)
				if err != nil {
					t.Fatal(err)
				}
				recs = append(recs, got...)
			}
			if int64(len(recs)) != src.pairs {
				t.Fatalf("%d records, %d pairs", len(recs), src.pairs)
			}
			nz := 0
			for a := range want {
				for b := a; b < v; b++ {
					if want[a][b] != 0 {
						nz++
					}
				}
			}
			if len(recs) != nz {
				t.Fatalf("%d pairs, brute force %d", len(recs), nz)
			}
			for _, r := range recs {
				a, b := r.pair()
				x := want[a][b]
				logX, f := r.weights()
				wf := math.Min(1, math.Pow(x/cfg.XMax, cfg.Alpha))
				if x == 0 || math.Abs(float64(logX)-math.Log(x)) > 1e-6 || math.Abs(float64(f)-wf) > 1e-6 {
					t.Fatalf("pair (%d, %d): log X %v, f %v; brute force X %v, f %v", a, b, logX, f, x, wf)
				}
			}
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				if len(e.Name()) > 3 && e.Name()[:4] == "run-" {
					t.Errorf("run file %s left after the merge", e.Name())
				}
			}
		})
	}
}

// TestNoRoomForDenseCells covers a buffer too full to take the dense cells
// beside its records: the tables are then spilled and merged.
func TestNoRoomForDenseCells(t *testing.T) {
	// Many words and little text: the buffered pairs are nearly all
	// distinct, so compaction frees less room than the dense cells need.
	const v, window = 1000, 4
	text := zipfText(rand.New(rand.NewPCG(5, 6)), v, 40, 15)
	want := bruteCounts(text, v, window)
	freq := frequencies(t, text, v)
	// A first pass learns how many increments miss a 400-cell dense table.
	probe := newCounter(freq, window, 400*8, 1<<16, t.TempDir())
	if err := text.Each(context.Background(), probe.sentence); err != nil {
		t.Fatal(err)
	}
	c := newCounter(freq, window, 400*8, len(probe.buf), t.TempDir())
	if err := text.Each(context.Background(), c.sentence); err != nil {
		t.Fatal(err)
	}
	if err := c.finish(); err != nil {
		t.Fatal(err)
	}
	if room := cap(c.buf) - len(c.buf); c.spilled() || int64(room) >= c.denseNonZero() {
		t.Fatalf("spilled %v, room for %d records, %d dense cells: the case under test does not arise", c.spilled(), room, c.denseNonZero())
	}
	if recs := c.takeInMemory(); recs != nil {
		t.Fatal("takeInMemory without room")
	}
	if err := c.spillAll(); err != nil {
		t.Fatal(err)
	}
	var got []rec
	if err := c.drain(context.Background(), 4096, func(r rec) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	checkAgainstBrute(t, got, want)
}
