package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/latent-go/latent/corpus"
	"github.com/latent-go/latent/embedding"
	"github.com/latent-go/latent/glove"
	"github.com/latent-go/latent/word2vec"
)

// wordsTrainOpts are the flags of latent words train.
type wordsTrainOpts struct {
	method, out, format, model, loss, maxMemory, tempDir string
	negative, window, dim, epochs, minCount, maxVocab    int
	sample, alpha, xMax, gloveAlpha, phrases             float64
	keepCase, keepPunct                                  bool
	run                                                  runFlags
}

func wordsTrainCmd(e *env) *cobra.Command {
	var o wordsTrainOpts
	c := &cobra.Command{
		Use:   "train [flags] CORPUS...",
		Short: "Train word2vec or GloVe vectors on text",
		Long: `latent words train learns word vectors from text files (or standard input,
"-"), read line by line: a line is a sentence or a paragraph (cut every
10,000 words, as gensim does, so a file without line breaks works). Files may be
gzipped. The text is streamed, never held in memory: a first pass counts
the vocabulary, a second writes the corpus as word IDs to a temporary file
that the epochs re-read.

Tokens are lower-cased (Unicode-aware) and punctuation is dropped, keeping
apostrophes inside words (don't) and numbers (3.14); --keep-case and
--keep-punct change that. Words seen fewer than --min-count times are
dropped; --max-vocab keeps only the most frequent. --phrases joins pairs of
words that occur together far more often than chance (new york → new_york)
with word2phrase's score, at the cost of one more pass over the text.

word2vec (the default) trains skip-gram or CBOW with negative sampling or
hierarchical softmax, frequent-word subsampling (--sample), a window shrunk
at random for each word, and a learning rate falling linearly from --alpha
to 0.0001. GloVe counts distance-weighted co-occurrences in bounded memory
(spilling to disk) and fits them with AdaGrad, weighting each count x by
f(x) = min(1, (x/x_max)^α) (--x-max and --glove-alpha set x_max and α);
its output is W + W̃.

The memory the model needs is printed before it is allocated (for GloVe,
also the memory counting takes, before counting starts); --max-memory
refuses a larger model, and a budget too small for it is bad usage. The
vectors are written to --out, atomically, in the format its extension
implies (.txt/.vec: word2vec text, .bin: word2vec binary, .tsv: projector
TSV with metadata beside it) or --format (word2vec, word2vec-bin, glove,
tsv).

With --workers 1 the same --seed gives identical bytes; with several workers
updates race (as in the C tool and gensim) and results vary slightly.

Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input (binary
or non-UTF-8 text, an empty corpus, a vocabulary empty after --min-count,
a --max-memory too small for the model).`,
		Example: `  latent words train corpus.txt --out vectors.bin
  latent words train --model cbow --loss hs --dim 200 --epochs 10 a.txt b.txt.gz --out vec.txt
  zcat news.gz | latent words train - --min-count 10 --workers 4 --out news.vec
  latent words train --method glove --window 10 --epochs 25 corpus.txt --out glove.txt --format glove
  latent words train corpus.txt --out vec.txt --json --quiet`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runWordsTrain(cmd.Context(), e, o, args)
		},
	}
	fs := c.Flags()
	fs.StringVar(&o.method, "method", "word2vec", "word2vec or glove")
	fs.StringVar(&o.out, "out", "", "write the vectors to `FILE` (required)")
	fs.StringVar(&o.format, "format", "", "output format: word2vec, word2vec-bin, glove or tsv (default: from the --out extension)")
	fs.StringVar(&o.model, "model", "skipgram", "word2vec architecture: skipgram or cbow")
	fs.StringVar(&o.loss, "loss", "ns", "word2vec output layer: ns (negative sampling) or hs (hierarchical softmax)")
	fs.IntVar(&o.negative, "negative", 5, "word2vec negative samples per prediction")
	fs.IntVar(&o.window, "window", 0, "context window (default: 5 for word2vec, 10 for GloVe)")
	fs.IntVar(&o.dim, "dim", 100, "vector dimension")
	fs.IntVar(&o.epochs, "epochs", 0, "passes over the corpus (default: 5 for word2vec, 15 for GloVe)")
	fs.IntVar(&o.minCount, "min-count", 5, "drop words seen fewer times")
	fs.IntVar(&o.maxVocab, "max-vocab", 0, "keep only the most frequent words (0: no limit)")
	fs.Float64Var(&o.sample, "sample", 1e-3, "word2vec subsampling threshold for frequent words (0: off)")
	fs.Float64Var(&o.alpha, "alpha", 0, "starting learning rate (default: 0.025 skip-gram, 0.05 CBOW and GloVe)")
	fs.Float64Var(&o.xMax, "x-max", glove.DefaultXMax, "GloVe weighting cut-off x_max (the paper's 100 suits corpora of billions of words)")
	fs.Float64Var(&o.gloveAlpha, "glove-alpha", glove.DefaultAlpha, "GloVe weighting exponent α in f(x) = min(1, (x/x_max)^α), the paper's 0.75 (--alpha is the learning rate)")
	fs.StringVar(&o.maxMemory, "max-memory", "", "refuse a model that needs more than `SIZE` (e.g. 512MB, 2GiB)")
	fs.StringVar(&o.tempDir, "temp-dir", "", "where the encoded corpus and spill files go (default: the system's)")
	fs.Float64Var(&o.phrases, "phrases", 0, "join word pairs scoring above `THRESHOLD` into phrases (new_york), as word2phrase; 100 is its default (0: off)")
	fs.BoolVar(&o.keepCase, "keep-case", false, "do not lower-case words")
	fs.BoolVar(&o.keepPunct, "keep-punct", false, "keep punctuation characters as tokens")
	o.run.register(fs)
	fs.Lookup("workers").Usage = "training goroutines (default: all cores)"
	fs.Lookup("seed").Usage = "random seed; with --workers 1 the same seed gives identical bytes"
	return c
}

// wordsTrainSummary is the --json output.
type wordsTrainSummary struct {
	Method           string  `json:"method"`
	Out              string  `json:"out"`
	Vocab            int     `json:"vocab"`
	Dim              int     `json:"dim"`
	Tokens           int64   `json:"tokens"`
	TokensInVocab    int64   `json:"tokens_in_vocab"`
	Epochs           int     `json:"epochs"`
	Workers          int     `json:"workers"`
	Seconds          float64 `json:"seconds"`
	TrainSeconds     float64 `json:"train_seconds"`
	WordsPerSec      float64 `json:"words_per_sec,omitempty"`
	EffectivePerSec  float64 `json:"effective_words_per_sec,omitempty"`
	FinalLoss        float64 `json:"final_loss"`
	MemoryBytes      int64   `json:"memory_bytes,omitempty"`
	VocabPrunedBelow int64   `json:"vocab_pruned_below,omitempty"`
}

func (o *wordsTrainOpts) check() (maxMem int64, format string, err error) {
	switch {
	case o.method != "word2vec" && o.method != "glove":
		return 0, "", usagef("--method %q: want word2vec or glove", o.method)
	case o.model != "skipgram" && o.model != "cbow":
		return 0, "", usagef("--model %q: want skipgram or cbow", o.model)
	case o.loss != "ns" && o.loss != "hs":
		return 0, "", usagef("--loss %q: want ns or hs", o.loss)
	case o.dim < 1 || o.dim > 1<<16:
		return 0, "", usagef("--dim %d: want 1 to 65536", o.dim)
	case o.window < 0 || o.window > 1000:
		return 0, "", usagef("--window %d: want 1 to 1000", o.window)
	case o.negative < 1 || o.negative > 1000:
		return 0, "", usagef("--negative %d: want 1 to 1000", o.negative)
	case o.epochs < 0 || o.epochs > 1_000_000:
		return 0, "", usagef("--epochs %d: want 1 to 1000000", o.epochs)
	case o.minCount < 1:
		return 0, "", usagef("--min-count %d: want at least 1", o.minCount)
	case o.maxVocab < 0:
		return 0, "", usagef("--max-vocab %d: want 0 (no limit) or more", o.maxVocab)
	case !(o.sample >= 0 && o.sample < 1):
		return 0, "", usagef("--sample %g: want 0 (off) or a fraction below 1", o.sample)
	case !(o.alpha >= 0 && o.alpha <= 10):
		return 0, "", usagef("--alpha %g: want a learning rate in (0, 10]", o.alpha)
	case !(o.phrases >= 0) || math.IsInf(o.phrases, 0):
		return 0, "", usagef("--phrases %g: want a positive score threshold (0: off)", o.phrases)
	case !(o.xMax > 0) || o.xMax > 1e12:
		return 0, "", usagef("--x-max %g: want a positive count", o.xMax)
	case !(o.gloveAlpha > 0) || math.IsInf(o.gloveAlpha, 0):
		return 0, "", usagef("--glove-alpha %g: want a finite exponent > 0 (the paper's is 0.75)", o.gloveAlpha)
	}
	if o.maxMemory != "" {
		n, err := embedding.ParseSize(o.maxMemory)
		if err != nil || n <= 0 {
			return 0, "", usagef("--max-memory %q: want a size such as 512MB or 2GiB", o.maxMemory)
		}
		maxMem = n
	}
	if o.format != "" {
		f, err := embedding.ParseFormat(o.format)
		if err != nil || f == embedding.FormatNPY || f == embedding.FormatCSV {
			return 0, "", usagef("--format %q: want word2vec, word2vec-bin, glove or tsv", o.format)
		}
		format = f
	}
	if err := checkWritable(o.out); err != nil {
		return 0, "", err
	}
	return maxMem, format, nil
}

func runWordsTrain(ctx context.Context, e *env, o wordsTrainOpts, paths []string) error {
	maxMem, format, err := o.check()
	if err != nil {
		return err
	}
	if err := o.run.apply(); err != nil {
		return err
	}
	stdin := 0
	for _, p := range paths {
		if p == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return usagef(`"-" (standard input) given %d times`, stdin)
	}
	logf := func(format string, args ...any) {
		if !o.run.quiet {
			fmt.Fprintf(e.stderr, format+"\n", args...)
		}
	}
	start := time.Now()
	src := &corpus.Source{
		Paths:     paths,
		Stdin:     e.stdin,
		Tokenizer: corpus.Tokenizer{KeepCase: o.keepCase, KeepPunct: o.keepPunct},
		TempDir:   o.tempDir,
	}
	defer src.Close()
	if o.phrases > 0 {
		ph, err := corpus.LearnPhrases(ctx, src, corpus.PhraseOptions{Threshold: o.phrases, MinCount: o.minCount})
		if err != nil {
			return inputErr(ctx, err)
		}
		logf("phrases: %d word pairs score above %g and are joined", ph.Len(), o.phrases)
		src.Phrases = ph
	}
	voc, err := corpus.BuildVocab(ctx, src, corpus.VocabOptions{MinCount: o.minCount, MaxVocab: o.maxVocab})
	if err != nil {
		return inputErr(ctx, err)
	}
	logf("vocabulary: %d words (of %d distinct) seen at least %d times; %d of %d tokens kept", voc.Len(), voc.Distinct, voc.MinCount, voc.Total, voc.Tokens)
	if voc.Pruned > 0 {
		logf("vocabulary: the counting table outgrew its bound; words seen fewer than %d times were pruned while counting", voc.Pruned)
	}
	enc, err := corpus.Encode(ctx, src, voc, o.tempDir)
	if err != nil {
		return inputErr(ctx, err)
	}
	defer enc.Close()

	sum := wordsTrainSummary{
		Method: o.method, Out: o.out, Vocab: voc.Len(), Dim: o.dim,
		Tokens: voc.Tokens, TokensInVocab: enc.Tokens(), Workers: o.run.workers,
		VocabPrunedBelow: voc.Pruned,
	}
	bar := newWordsBar(e.stderr, o.run.quiet)
	trainStart := time.Now()
	var tab *embedding.Table
	if o.method == "word2vec" {
		cfg := word2vec.Config{
			Dim: o.dim, Window: o.window, Negative: o.negative, Epochs: o.epochs,
			Sample: o.sample, Alpha: o.alpha, Seed: o.run.seed, Workers: o.run.workers,
			MaxMemory: maxMem, Progress: bar.word2vec,
			Log: func(s string) { logf("%s", s) },
		}
		if o.sample == 0 {
			cfg.Sample = -1 // the flag's 0 means off; Config's 0 means the default
		}
		if o.model == "cbow" {
			cfg.Model = word2vec.CBOW
		}
		if o.loss == "hs" {
			cfg.Loss = word2vec.HierarchicalSoftmax
		}
		var res *word2vec.Result
		tab, res, err = word2vec.Train(ctx, enc, voc, cfg)
		bar.end()
		if err != nil {
			return trainErr(err, o.maxMemory)
		}
		sum.Epochs = o.epochs
		if sum.Epochs == 0 {
			sum.Epochs = 5 // word2vec's default
		}
		sum.WordsPerSec = float64(res.Words) / res.Elapsed.Seconds()
		sum.EffectivePerSec = float64(res.Effective) / res.Elapsed.Seconds()
		sum.FinalLoss = res.Loss
		sum.MemoryBytes = res.Memory
	} else {
		cfg := glove.Config{
			Dim: o.dim, Window: o.window, Epochs: o.epochs, XMax: o.xMax, Alpha: o.gloveAlpha,
			LearningRate: o.alpha, Seed: o.run.seed, Workers: o.run.workers,
			MaxMemory: maxMem, TempDir: o.tempDir,
			Progress: func(p glove.Progress) {
				bar.glove(p)
				if p.Phase == "train" {
					sum.FinalLoss = p.Cost
					sum.Epochs = p.Epochs
				}
				if p.Phase == "memory" {
					sum.MemoryBytes = p.Bytes
				}
			},
		}
		tab, err = glove.Train(ctx, enc, voc.Words, cfg)
		bar.end()
		if err != nil {
			return trainErr(err, o.maxMemory)
		}
	}
	sum.TrainSeconds = time.Since(trainStart).Seconds()
	opt := embedding.Options{Format: format}
	if err := embedding.Save(o.out, tab, opt); err != nil {
		return err
	}
	sum.Seconds = time.Since(start).Seconds()
	if o.run.json {
		return writeJSON(e.stdout, sum)
	}
	t := newTable(e.stdout)
	t.row("method", o.method)
	t.row("vocabulary", fmt.Sprintf("%d words × %d dimensions", sum.Vocab, sum.Dim))
	t.row("tokens", fmt.Sprintf("%d (%d in the vocabulary)", sum.Tokens, sum.TokensInVocab))
	t.row("training", fmt.Sprintf("%d epochs, %d workers, %.1fs", sum.Epochs, sum.Workers, sum.TrainSeconds))
	if o.method == "word2vec" {
		t.row("speed", fmt.Sprintf("%.0f words/s (%.0f after subsampling)", sum.WordsPerSec, sum.EffectivePerSec))
		t.row("final loss", fmt.Sprintf("%.4f (mean per prediction, last epoch)", sum.FinalLoss))
	} else {
		t.row("final cost", fmt.Sprintf("%.4f (mean weighted squared error, last epoch)", sum.FinalLoss))
	}
	t.row("output", o.out)
	return t.flush()
}

// inputErr marks corpus errors as bad input (exit 2), but not interruption.
func inputErr(ctx context.Context, err error) error {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return err
	}
	return badInput(err)
}

// trainErr marks a model refused by --max-memory (maxMemory, the flag's
// value; "" for the default) as bad usage (exit 2); anything else is a
// runtime failure.
func trainErr(err error, maxMemory string) error {
	if errors.Is(err, word2vec.ErrMemoryLimit) || errors.Is(err, glove.ErrMemoryLimit) {
		flag := "--max-memory " + maxMemory
		if maxMemory == "" {
			flag = "--max-memory (default " + embedding.FormatSize(glove.DefaultMaxMemory) + ")"
		}
		return badInput(fmt.Errorf("%s: %w (raise --max-memory, or lower --max-vocab or --dim)", flag, err))
	}
	return err
}

// wordsBar shows training progress on stderr: a line redrawn in place on
// a terminal, one line per epoch otherwise.
type wordsBar struct {
	w         io.Writer
	tty, off  bool
	lastEpoch int
	drawn     bool
}

func newWordsBar(w io.Writer, quiet bool) *wordsBar {
	tty := false
	if f, ok := w.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	return &wordsBar{w: w, tty: tty, off: quiet}
}

func (b *wordsBar) word2vec(p word2vec.Progress) {
	if b.off {
		return
	}
	frac := float64(p.Words) / float64(max(p.TotalWords, 1))
	eta := time.Duration(0)
	if frac > 0 {
		eta = time.Duration(float64(p.Elapsed) * (1 - frac) / frac)
	}
	line := fmt.Sprintf("epoch %d/%d %s %5.1f%% %.0f words/s loss %.4f alpha %.5f ETA %s",
		p.Epoch, p.Epochs, barOf(frac), 100*frac, p.WordsPerSec, p.Loss, p.Alpha, eta.Round(time.Second))
	if p.Done {
		line = fmt.Sprintf("trained %d words in %s: %.0f words/s (%.0f after subsampling), last-epoch loss %.4f",
			p.Words, p.Elapsed.Round(time.Millisecond), p.WordsPerSec, p.EffectivePerSec, p.Loss)
	}
	b.draw(line, p.Done || p.Epoch != b.lastEpoch)
	b.lastEpoch = p.Epoch
}

func (b *wordsBar) glove(p glove.Progress) {
	if b.off {
		return
	}
	switch p.Phase {
	case "count":
		if p.Tokens == 0 { // before counting allocates its tables
			b.draw(fmt.Sprintf("glove: counting co-occurrences needs about %s", embedding.FormatSize(p.Bytes)), true)
			return
		}
		b.draw(fmt.Sprintf("counting co-occurrences: %d tokens, %d pairs, %d spills", p.Tokens, p.Pairs, p.Spills), false)
	case "merge":
		b.draw(fmt.Sprintf("co-occurrences: %d entries (%d spilled runs merged, %s)", p.Entries, p.Spills, embedding.FormatSize(p.SpillBytes)), true)
	case "memory":
		b.draw(fmt.Sprintf("glove: parameters and in-memory entries need about %s", embedding.FormatSize(p.Bytes)), true)
	case "train":
		b.draw(fmt.Sprintf("epoch %d/%d %s cost %.5f %s", p.Epoch, p.Epochs, barOf(float64(p.Epoch)/float64(max(p.Epochs, 1))), p.Cost, p.Elapsed.Round(time.Millisecond)), true)
	}
}

func barOf(frac float64) string {
	const width = 24
	n := min(max(int(frac*width), 0), width)
	return strings.Repeat("█", n) + strings.Repeat("░", width-n)
}

// draw redraws the line on a terminal; elsewhere it writes it only when
// keep says the line is a milestone.
func (b *wordsBar) draw(line string, keep bool) {
	if b.tty {
		fmt.Fprint(b.w, "\r\033[K"+line)
		b.drawn = true
		if keep {
			fmt.Fprintln(b.w)
			b.drawn = false
		}
		return
	}
	if keep {
		fmt.Fprintln(b.w, line)
	}
}

// end finishes a line left open on a terminal.
func (b *wordsBar) end() {
	if b.tty && b.drawn {
		fmt.Fprintln(b.w)
		b.drawn = false
	}
}
