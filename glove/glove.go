package glove

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"time"

	"github.com/latent-go/latent/embedding"
)

// Sentences yields the corpus as vocabulary IDs, one sentence (a line, cut
// every corpus.MaxSentence tokens) at a time, in order; *corpus.Encoded
// satisfies it. Train calls Each twice (a
// frequency pass, then the counting pass), so both calls must yield the same
// sentences. The slice passed to fn may be reused after fn returns.
type Sentences interface {
	Each(ctx context.Context, fn func(ids []int32) error) error
}

// Defaults for the zero values of Config.
const (
	DefaultDim          = 100
	DefaultWindow       = 10
	DefaultEpochs       = 15 // the Stanford demo's (its tool's own default is 25)
	DefaultXMax         = 10 // the Stanford demo's (the paper's is 100)
	DefaultAlpha        = 0.75
	DefaultLearningRate = 0.05
	DefaultMaxMemory    = 1 << 30
)

// Config holds the training settings; the zero value of every field means
// its default.
type Config struct {
	Dim    int // vector length; 0 → 100
	Window int // symmetric context window, weights 1/d; 0 → 10
	Epochs int // passes over the co-occurrence entries; 0 → 15
	// XMax caps the weighting f(x) = min(1, (x/XMax)^Alpha); 0 → 10, the
	// Stanford demo's value. The paper's 100 suits corpora of billions of
	// tokens: on the 2.8M-token SOTU + Brown corpus 10 (15 epochs) scored
	// WordSim-353 0.35 against 0.25 for 100 (25 epochs).
	XMax         float64
	Alpha        float64 // exponent of the weighting f; 0 → 0.75
	LearningRate float64 // AdaGrad initial step; 0 → 0.05
	Seed         uint64  // seeds initialisation, bucket assignment and shuffles
	Workers      int     // concurrent updaters (Hogwild); 0 → GOMAXPROCS
	// MaxMemory bounds the bytes used for co-occurrence counting and,
	// separately, for the parameters plus the entries trained from memory;
	// beyond it counts spill to disk. 0 → 1 GiB.
	MaxMemory int64
	TempDir   string         // where spill files go; "" → os.TempDir()
	Progress  func(Progress) // optional; called from the goroutine running Train

	// countMemory, when set, is the counting budget instead of MaxMemory
	// (tests use it to spill while the entries still fit in memory).
	countMemory int64
	// entryMemory, when set, is the memory for entries instead of what
	// MaxMemory leaves beside the parameters (tests use it to force
	// bucket files on tiny vocabularies).
	entryMemory int64
}

// Progress reports what training is doing.
type Progress struct {
	// Phase is "count" (once before the counting tables are allocated,
	// with Tokens 0 and Bytes the memory they will take; then after each
	// 1<<20 tokens and when counting ends), "merge" (the spilled runs were
	// merged), "memory" (before the parameters are allocated) or "train"
	// (after each epoch).
	Phase  string
	Epoch  int // 1-based, in phase "train"
	Epochs int
	// Cost is the mean of ½ f(X_ij)(w_i·w̃_j + b_i + b̃_j − log X_ij)² over
	// the epoch's updates, as the Stanford tool prints it.
	Cost float64
	// Tokens counted so far (IDs ≥ 0).
	Tokens int64
	// Entries is the number of non-zero X_ij (both orientations), known
	// from phase "merge" on. Pairs is the number of stored pairs (a ≤ b):
	// exact from "merge" on, an upper bound while counting (the buffer and
	// the runs may hold a pair more than once).
	Entries, Pairs int64
	// Spills is the number of sorted runs written to disk, SpillBytes their
	// total size.
	Spills     int
	SpillBytes int64
	// Bytes is the memory planned for the phase: the counting tables in
	// "count", parameters plus in-memory entries in "memory" and "train".
	Bytes int64
	// Buckets is the number of bucket files the entries are trained from
	// (0: trained from memory).
	Buckets int
	Elapsed time.Duration
}

// ErrMemoryLimit is returned (wrapped) when Config.MaxMemory is too small:
// for counting the co-occurrences of the vocabulary, for the parameters of
// the fit, or for the parameters beside one bucket of entries. A larger
// MaxMemory, a smaller vocabulary or (for the parameters) a smaller Dim
// helps.
var ErrMemoryLimit = errors.New("glove: memory limit too small")

// ErrDiverged is returned (wrapped) when the cost stops being finite; a
// smaller LearningRate or XMax usually helps.
var ErrDiverged = errors.New("glove: training diverged")

// withDefaults returns cfg with zero values replaced by the defaults, or an
// error naming the first bad setting.
func (cfg Config) withDefaults() (Config, error) {
	bad := func(name string, v any, want string) error {
		return fmt.Errorf("glove: %s = %v, want %s", name, v, want)
	}
	switch {
	case cfg.Dim < 0:
		return cfg, bad("Dim", cfg.Dim, "≥ 1 (0 for the default 100)")
	case cfg.Window < 0:
		return cfg, bad("Window", cfg.Window, "≥ 1 (0 for the default 10)")
	case cfg.Epochs < 0:
		return cfg, bad("Epochs", cfg.Epochs, "≥ 1 (0 for the default 15)")
	case cfg.XMax < 0 || math.IsNaN(cfg.XMax) || math.IsInf(cfg.XMax, 0):
		return cfg, bad("XMax", cfg.XMax, "finite and > 0 (0 for the default 10)")
	case cfg.Alpha < 0 || math.IsNaN(cfg.Alpha) || math.IsInf(cfg.Alpha, 0):
		return cfg, bad("Alpha", cfg.Alpha, "finite and > 0 (0 for the default 0.75)")
	case cfg.LearningRate < 0 || math.IsNaN(cfg.LearningRate) || math.IsInf(cfg.LearningRate, 0):
		return cfg, bad("LearningRate", cfg.LearningRate, "finite and > 0 (0 for the default 0.05)")
	case cfg.Workers < 0:
		return cfg, bad("Workers", cfg.Workers, "≥ 1 (0 for GOMAXPROCS)")
	case cfg.MaxMemory < 0:
		return cfg, bad("MaxMemory", cfg.MaxMemory, "> 0 bytes (0 for the default 1 GiB)")
	case cfg.Window > 1<<16:
		return cfg, bad("Window", cfg.Window, "at most 65536")
	case cfg.Dim > 1<<20:
		return cfg, bad("Dim", cfg.Dim, "at most 1048576")
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	deff := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&cfg.Dim, DefaultDim)
	def(&cfg.Window, DefaultWindow)
	def(&cfg.Epochs, DefaultEpochs)
	def(&cfg.Workers, runtime.GOMAXPROCS(0))
	deff(&cfg.XMax, DefaultXMax)
	deff(&cfg.Alpha, DefaultAlpha)
	deff(&cfg.LearningRate, DefaultLearningRate)
	if cfg.MaxMemory == 0 {
		cfg.MaxMemory = DefaultMaxMemory
	}
	if cfg.TempDir == "" {
		cfg.TempDir = os.TempDir()
	}
	return cfg, nil
}

// Train counts co-occurrences in corpus, whose IDs index words, and fits
// GloVe vectors; the table's keys are words and its vectors W + W̃. Words
// that never occur keep their random initial vectors. It returns an error
// for a bad Config, duplicate words, an ID ≥ len(words), an empty corpus or
// one without co-occurrences, a MaxMemory too small for counting or for the
// parameters ([ErrMemoryLimit]), a diverging fit ([ErrDiverged]),
// file-system failures and ctx's error when it is cancelled; temporary
// files are removed on every path.
func Train(ctx context.Context, corpus Sentences, words []string, cfg Config) (*embedding.Table, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if len(words) == 0 {
		return nil, errors.New("glove: empty vocabulary")
	}
	if len(words) > math.MaxInt32 {
		return nil, fmt.Errorf("glove: %d words, at most %d", len(words), math.MaxInt32)
	}
	seen := make(map[string]int, len(words))
	for i, w := range words {
		if j, ok := seen[w]; ok {
			return nil, fmt.Errorf("glove: word %q repeated (IDs %d and %d)", w, j, i)
		}
		seen[w] = i
	}
	seen = nil
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	dir, err := os.MkdirTemp(cfg.TempDir, "latent-glove-")
	if err != nil {
		return nil, fmt.Errorf("glove: spill directory: %w", err)
	}
	defer os.RemoveAll(dir)

	start := time.Now()
	report := func(p Progress) {
		if cfg.Progress != nil {
			p.Elapsed = time.Since(start)
			cfg.Progress(p)
		}
	}

	freq, tokens, err := countWords(ctx, corpus, len(words))
	if err != nil {
		return nil, err
	}
	if tokens == 0 {
		return nil, errors.New("glove: empty corpus: no tokens")
	}
	src, err := count(ctx, corpus, freq, tokens, cfg, dir, report)
	if err != nil {
		return nil, err
	}
	defer src.close()
	if src.pairs == 0 {
		return nil, errors.New("glove: no co-occurrences: no sentence has two in-vocabulary words within the window")
	}

	m, err := fit(ctx, src, len(words), cfg, report)
	if err != nil {
		return nil, err
	}
	return embedding.New(words, cfg.Dim, m.sum())
}
