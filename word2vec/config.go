package word2vec

import (
	"fmt"
	"math"
	"runtime"
	"time"

	"github.com/latent-go/latent/corpus"
)

// Model is the word2vec architecture.
type Model int

const (
	// SkipGram predicts each context word from the centre word's vector.
	SkipGram Model = iota
	// CBOW predicts the centre word from the mean of its context's vectors.
	CBOW
)

func (m Model) String() string {
	switch m {
	case SkipGram:
		return "skipgram"
	case CBOW:
		return "cbow"
	}
	return fmt.Sprintf("Model(%d)", int(m))
}

// Loss is how the output layer is trained.
type Loss int

const (
	// NegativeSampling contrasts the true word with Negative words drawn
	// from the unigram distribution raised to the power 3/4.
	NegativeSampling Loss = iota
	// HierarchicalSoftmax walks the word's path in a Huffman tree of the
	// vocabulary.
	HierarchicalSoftmax
)

func (l Loss) String() string {
	switch l {
	case NegativeSampling:
		return "ns"
	case HierarchicalSoftmax:
		return "hs"
	}
	return fmt.Sprintf("Loss(%d)", int(l))
}

// Config sets up training. Its zero value is the original word2vec's and
// gensim's defaults: skip-gram with 5 negative samples, 100 dimensions, a
// window of 5, 5 epochs, sample 1e-3, all cores.
type Config struct {
	Model Model
	Loss  Loss
	// Dim is the vector length (0 means 100).
	Dim int
	// Window is the largest distance between centre and context word (0
	// means 5); for each centre word the window actually used is drawn
	// uniformly from 1…Window, as in the original, so near words count
	// more.
	Window int
	// Negative is the number of negative samples per prediction with
	// NegativeSampling (0 means 5).
	Negative int
	// Epochs is the number of passes over the corpus (0 means 5).
	Epochs int
	// Sample is the frequent-word subsampling threshold (0 means 1e-3; a
	// negative value turns subsampling off). A word making up a fraction
	// f of the corpus is kept with probability (√(f/Sample) + 1)·Sample/f,
	// capped at 1, gensim's and the C tool's formula.
	Sample float64
	// Alpha is the starting learning rate (0 means 0.025 for skip-gram,
	// 0.05 for CBOW); it decays linearly to MinAlpha (0 means 1e-4) over
	// all epochs' words.
	Alpha, MinAlpha float64
	// Seed seeds the initial vectors and every worker's random stream.
	Seed uint64
	// Workers is the number of training goroutines (0 means GOMAXPROCS).
	Workers int
	// MaxMemory, when positive, makes Train refuse a model that needs
	// more bytes (see Memory) instead of allocating it.
	MaxMemory int64
	// Progress, when set, is called about every ProgressEvery (0 means one
	// second) from a goroutine of its own, and once at the end with Done set.
	Progress      func(Progress)
	ProgressEvery time.Duration
	// Log, when set, receives one-line notes (the memory estimate).
	Log func(string)
}

// Progress is a snapshot of a training run.
type Progress struct {
	// Epoch is the epoch the slowest worker is in (1-based).
	Epoch, Epochs int
	// Words counts the corpus words processed so far over all epochs
	// (before subsampling), of TotalWords.
	Words, TotalWords int64
	// Effective counts the words trained on (after subsampling) so far.
	Effective int64
	// WordsPerSec and EffectivePerSec are the rates since the start.
	WordsPerSec, EffectivePerSec float64
	// Alpha is the current learning rate (of worker 0).
	Alpha float64
	// Loss is the mean loss per prediction since the previous report:
	// with negative sampling, −log σ(v·u) − Σ log σ(−v·uₙ) over the true
	// word and its negatives; with hierarchical softmax, the negative
	// log-likelihood of the word's Huffman path. It falls as training
	// learns and is comparable between reports of one run.
	Loss    float64
	Elapsed time.Duration
	Done    bool
}

// Result is what Train returns besides the vectors.
type Result struct {
	// Words and Effective are the words processed (all epochs) before and
	// after subsampling.
	Words, Effective int64
	Elapsed          time.Duration
	// Loss is the mean loss per prediction over the last epoch.
	Loss float64
	// Memory is the estimate that was checked against MaxMemory.
	Memory int64
}

// withDefaults returns c with its zero fields set and checks it.
func (c Config) withDefaults() (Config, error) {
	if c.Dim == 0 {
		c.Dim = 100
	}
	if c.Window == 0 {
		c.Window = 5
	}
	if c.Negative == 0 {
		c.Negative = 5
	}
	if c.Epochs == 0 {
		c.Epochs = 5
	}
	if c.Sample == 0 {
		c.Sample = 1e-3
	}
	if c.Alpha == 0 {
		c.Alpha = 0.025
		if c.Model == CBOW {
			c.Alpha = 0.05
		}
	}
	if c.MinAlpha == 0 {
		c.MinAlpha = 1e-4
	}
	if c.Workers == 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.ProgressEvery == 0 {
		c.ProgressEvery = time.Second
	}
	switch {
	case c.Model != SkipGram && c.Model != CBOW:
		return c, fmt.Errorf("word2vec: unknown model %v", c.Model)
	case c.Loss != NegativeSampling && c.Loss != HierarchicalSoftmax:
		return c, fmt.Errorf("word2vec: unknown loss %v", c.Loss)
	case c.Dim < 1 || c.Dim > 1<<16:
		return c, fmt.Errorf("word2vec: dimension %d out of range [1, 65536]", c.Dim)
	case c.Window < 1 || c.Window > 1000:
		return c, fmt.Errorf("word2vec: window %d out of range [1, 1000]", c.Window)
	case c.Negative < 1 || c.Negative > 1000:
		return c, fmt.Errorf("word2vec: negative %d out of range [1, 1000]", c.Negative)
	case c.Epochs < 1 || c.Epochs > 1_000_000:
		return c, fmt.Errorf("word2vec: epochs %d out of range [1, 1000000]", c.Epochs)
	case math.IsNaN(c.Sample) || c.Sample >= 1:
		return c, fmt.Errorf("word2vec: sample %g: want a fraction below 1 (negative: no subsampling)", c.Sample)
	case !(c.Alpha > 0 && c.Alpha <= 10) || !(c.MinAlpha > 0 && c.MinAlpha <= c.Alpha):
		return c, fmt.Errorf("word2vec: learning rates alpha %g, min alpha %g: want 0 < min alpha ≤ alpha ≤ 10", c.Alpha, c.MinAlpha)
	case c.Workers < 1 || c.Workers > 4096:
		return c, fmt.Errorf("word2vec: workers %d out of range [1, 4096]", c.Workers)
	case c.MaxMemory < 0:
		return c, fmt.Errorf("word2vec: negative MaxMemory")
	}
	return c, nil
}

// Memory returns the bytes training a vocabulary of vocab words with c
// allocates: the input and output matrices (vocab × dim float32 each, dim
// rounded up to a multiple of 16), the
// returned table's keys, the subsampling and negative-sampling tables or
// the Huffman codes, and per-worker buffers.
func Memory(vocab int, c Config) int64 {
	c, _ = c.withDefaults()
	v, d := int64(vocab), int64((c.Dim+15)&^15) // rows padded to 16 floats
	n := 2 * v * d * 4                          // syn0, syn1neg or syn1
	n += v * 4                                  // keep probabilities
	if c.Loss == NegativeSampling {
		n += v * 8 // alias table
	} else {
		n += v * 2 * (40 + 40*4 + 8) // Huffman codes, points, offsets (generous: depth ≤ 40 typical)
	}
	n += v * 64                                          // the table's keys (headers and index)
	n += int64(c.Workers) * (d*8 + corpus.MaxSentence*4) // neu1, neu1e, sentence buffer
	return n
}
