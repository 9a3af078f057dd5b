// Command words is the side-by-side benchmark of latent's word2vec against
// gensim's (Debian python3-gensim), on the same corpus in one run.
//
// The corpus is ~/.cache/latent/text/corpus.txt (scripts/get-data.sh text:
// State of the Union addresses and the Brown corpus, about 3M words). The
// driver tokenises it once with corpus.Tokenizer{} (lower-cased,
// punctuation dropped) and writes the tokens, one line per input line,
// to a temporary file; both sides train on that file, gensim reading it
// with LineSentence and latent with corpus.Source (whose tokeniser leaves
// such tokens as they are), so their vocabularies are the same words with
// the same counts. Settings: skip-gram, negative sampling 5, window 5,
// dim 100, min-count 5, sample 1e-3, 5 epochs, -workers workers on both
// sides; run r uses seed r+1 on both sides, and the two sides alternate
// which goes first.
//
//	go run ./bench/words [-runs 3] [-workers 2] [-epochs 5] [-json]
//
// Speed is effective words per second, the figure gensim logs: words
// trained on (in the vocabulary and kept by subsampling), summed over the
// epochs, divided by the seconds of training alone (gensim's train(),
// latent's word2vec.Train; neither counts the vocabulary scan). Raw words
// per second (corpus words times epochs over the same seconds) is given
// too, and so are effective words per CPU-second (user + system time of
// the process during training, Getrusage here and time.process_time()
// in the peer), a figure that a busy shared machine disturbs less than
// wall time.
//
// Quality: both sides' vectors are scored here by package embedding's
// evaluation (gensim's evaluate_word_pairs and evaluate_word_analogies
// rules, OOV pairs and questions skipped, case-insensitive, vocabulary
// cut-off 30,000): Spearman correlation with WordSim-353 and SimLex-999,
// and 3CosAdd accuracy on the Google analogy questions; the table gives
// the mean over the runs (seeds).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/latent-go/latent/bench/peer"
	"github.com/latent-go/latent/corpus"
	"github.com/latent-go/latent/embedding"
	"github.com/latent-go/latent/internal/f32"
	"github.com/latent-go/latent/word2vec"
)

type side struct {
	Seconds       []float64 `json:"seconds"`
	CPUSeconds    []float64 `json:"cpu_seconds"`
	EffectiveWPS  []float64 `json:"effective_words_per_sec"`
	RawWPS        []float64 `json:"raw_words_per_sec"`
	WordSim       []float64 `json:"wordsim353_spearman"`
	SimLex        []float64 `json:"simlex999_spearman"`
	Analogy       []float64 `json:"analogy_accuracy"`
	Vocab         int       `json:"vocab"`
	MedianEffWPS  float64   `json:"median_effective_words_per_sec"`
	MedianSeconds float64   `json:"median_seconds"`
	MedianEffCPU  float64   `json:"median_effective_words_per_cpu_sec"`
	MeanWordSim   float64   `json:"mean_wordsim353_spearman"`
	MeanSimLex    float64   `json:"mean_simlex999_spearman"`
	MeanAnalogy   float64   `json:"mean_analogy_accuracy"`
}

type result struct {
	Corpus  string  `json:"corpus"`
	Tokens  int64   `json:"tokens"`
	Workers int     `json:"workers"`
	Epochs  int     `json:"epochs"`
	Runs    int     `json:"runs"`
	Gensim  string  `json:"gensim_version"`
	Latent  side    `json:"latent"`
	Peer    side    `json:"gensim"`
	Speedup float64 `json:"speedup_effective_words_per_sec"`
}

type peerResult struct {
	Gensim       string  `json:"gensim"`
	Vocab        int     `json:"vocab"`
	Seconds      float64 `json:"seconds"`
	CPUSeconds   float64 `json:"cpu_seconds"`
	Effective    int64   `json:"effective_words"`
	Raw          int64   `json:"raw_words"`
	EffectiveWPS float64 `json:"effective_words_per_sec"`
	RawWPS       float64 `json:"raw_words_per_sec"`
}

func main() {
	home, _ := os.UserHomeDir()
	corpusPath := flag.String("corpus", filepath.Join(home, ".cache/latent/text/corpus.txt"), "text corpus (scripts/get-data.sh text)")
	evalDir := flag.String("eval", "../shared/data/wordsim", "folder with wordsim353.tsv, simlex999.txt and questions-words.txt")
	runs := flag.Int("runs", 3, "runs of each side (seeds 1…runs)")
	workers := flag.Int("workers", 2, "training threads on both sides")
	epochs := flag.Int("epochs", 5, "epochs")
	restrict := flag.Int("restrict", 30000, "vocabulary cut-off of the evaluation")
	python := flag.String("python", "/usr/bin/python3", "Python with gensim")
	asJSON := flag.Bool("json", false, "print JSON instead of a table")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("bench/words: ")
	script := filepath.Join("bench", "peers", "gensim_w2v.py")
	if _, err := os.Stat(script); err != nil {
		log.Fatalf("run from the repository root: %v", err)
	}
	runtime.GOMAXPROCS(max(*workers, runtime.GOMAXPROCS(0)))
	f32.SetWorkers(*workers)
	ctx := context.Background()

	tmp, err := os.MkdirTemp("", "latent-bench-words")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	tokens := filepath.Join(tmp, "tokens.txt")
	n, err := writeTokens(ctx, *corpusPath, tokens)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("%s: %d tokens after tokenisation", *corpusPath, n)

	src := &corpus.Source{Paths: []string{tokens}}
	voc, err := corpus.BuildVocab(ctx, src, corpus.VocabOptions{MinCount: 5})
	if err != nil {
		log.Fatal(err)
	}
	enc, err := corpus.Encode(ctx, src, voc, tmp)
	if err != nil {
		log.Fatal(err)
	}
	defer enc.Close()

	r := result{Corpus: *corpusPath, Tokens: n, Workers: *workers, Epochs: *epochs, Runs: *runs}
	r.Latent.Vocab = voc.Len()
	opt := embedding.EvalOptions{Restrict: *restrict}
	evaluate := func(s *side, t *embedding.Table) {
		ws, err := embedding.EvalSimilarity(t, filepath.Join(*evalDir, "wordsim353.tsv"), opt)
		if err != nil {
			log.Fatal(err)
		}
		sl, err := embedding.EvalSimilarity(t, filepath.Join(*evalDir, "simlex999.txt"), opt)
		if err != nil {
			log.Fatal(err)
		}
		an, err := embedding.EvalAnalogies(t, filepath.Join(*evalDir, "questions-words.txt"), opt)
		if err != nil {
			log.Fatal(err)
		}
		s.WordSim = append(s.WordSim, ws.Spearman)
		s.SimLex = append(s.SimLex, sl.Spearman)
		s.Analogy = append(s.Analogy, an.Methods[0].Overall.Accuracy)
	}
	for run := range *runs {
		seed := run + 1
		latent := func() {
			c0 := cpuSeconds()
			tab, res, err := word2vec.Train(ctx, enc, voc, word2vec.Config{
				Epochs: *epochs, Workers: *workers, Seed: uint64(seed),
			})
			if err != nil {
				log.Fatal(err)
			}
			s := res.Elapsed.Seconds()
			r.Latent.Seconds = append(r.Latent.Seconds, s)
			r.Latent.CPUSeconds = append(r.Latent.CPUSeconds, cpuSeconds()-c0)
			r.Latent.EffectiveWPS = append(r.Latent.EffectiveWPS, float64(res.Effective)/s)
			r.Latent.RawWPS = append(r.Latent.RawWPS, float64(n)*float64(*epochs)/s)
			evaluate(&r.Latent, tab)
		}
		gensim := func() {
			out := filepath.Join(tmp, "gensim.bin")
			var p peerResult
			if err := peer.Run(&p, peer.Env(*workers), *python, script, tokens, out, strconv.Itoa(seed), strconv.Itoa(*workers),
				"epochs="+strconv.Itoa(*epochs)); err != nil {
				log.Fatal(err)
			}
			r.Gensim, r.Peer.Vocab = p.Gensim, p.Vocab
			r.Peer.Seconds = append(r.Peer.Seconds, p.Seconds)
			r.Peer.CPUSeconds = append(r.Peer.CPUSeconds, p.CPUSeconds)
			r.Peer.EffectiveWPS = append(r.Peer.EffectiveWPS, p.EffectiveWPS)
			r.Peer.RawWPS = append(r.Peer.RawWPS, float64(p.Raw)/p.Seconds)
			tab, err := embedding.Load(out, embedding.Options{})
			if err != nil {
				log.Fatal(err)
			}
			evaluate(&r.Peer, tab)
		}
		peer.Alternate(run, latent, gensim)
		log.Printf("run %d (seed %d): latent %.1fs %.0f eff. words/s WS %.3f SL %.3f an %.3f; gensim %.1fs %.0f eff. words/s WS %.3f SL %.3f an %.3f",
			run+1, seed,
			r.Latent.Seconds[run], r.Latent.EffectiveWPS[run], r.Latent.WordSim[run], r.Latent.SimLex[run], r.Latent.Analogy[run],
			r.Peer.Seconds[run], r.Peer.EffectiveWPS[run], r.Peer.WordSim[run], r.Peer.SimLex[run], r.Peer.Analogy[run])
	}
	for _, s := range []*side{&r.Latent, &r.Peer} {
		s.MedianEffWPS = peer.Median(s.EffectiveWPS)
		s.MedianSeconds = peer.Median(s.Seconds)
		perCPU := make([]float64, len(s.CPUSeconds))
		for i, c := range s.CPUSeconds {
			perCPU[i] = s.EffectiveWPS[i] * s.Seconds[i] / c
		}
		s.MedianEffCPU = peer.Median(perCPU)
		s.MeanWordSim, s.MeanSimLex, s.MeanAnalogy = mean(s.WordSim), mean(s.SimLex), mean(s.Analogy)
	}
	r.Speedup = r.Latent.MedianEffWPS / r.Peer.MedianEffWPS

	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(r)
		return
	}
	fmt.Printf("%s (%d tokens), skip-gram, negative 5, window 5, dim 100, min-count 5, sample 1e-3, %d epochs, %d workers; %d runs (seeds 1–%d)\n\n",
		filepath.Base(*corpusPath), n, *epochs, *workers, *runs, *runs)
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tvocab\ttrain s (median)\teffective words/s (median)\tper CPU-second\tWordSim-353 ρ\tSimLex-999 ρ\tanalogy acc.\t")
	row := func(name string, s *side) {
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.0f\t%.0f\t%.4f\t%.4f\t%.2f%%\t\n", name, s.Vocab, s.MedianSeconds, s.MedianEffWPS, s.MedianEffCPU, s.MeanWordSim, s.MeanSimLex, 100*s.MeanAnalogy)
	}
	row("latent", &r.Latent)
	row("gensim "+r.Gensim, &r.Peer)
	tw.Flush()
	fmt.Printf("\nlatent / gensim effective words/s: %.2f×; quality latent − gensim: WordSim %+.4f, SimLex %+.4f, analogies %+.2f points (means over seeds)\n",
		r.Speedup, r.Latent.MeanWordSim-r.Peer.MeanWordSim, r.Latent.MeanSimLex-r.Peer.MeanSimLex, 100*(r.Latent.MeanAnalogy-r.Peer.MeanAnalogy))
}

// writeTokens writes the tokens of each line of in to out, space-separated,
// one line per non-empty input line, and returns the number of tokens.
func writeTokens(ctx context.Context, in, out string) (int64, error) {
	f, err := os.Create(out)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var n int64
	src := &corpus.Source{Paths: []string{in}}
	err = src.Each(ctx, func(toks []string) error {
		n += int64(len(toks))
		_, err := w.WriteString(strings.Join(toks, " ") + "\n")
		return err
	})
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// cpuSeconds returns the user and system CPU time of this process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		log.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
