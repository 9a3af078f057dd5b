package word2vec

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/latent-go/latent/corpus"
	"github.com/latent-go/latent/embedding"
	"github.com/latent-go/latent/internal/f32"
)

// ErrMemoryLimit is returned (wrapped) when a model needs more memory than
// Config.MaxMemory allows.
var ErrMemoryLimit = errors.New("memory limit exceeded")

// Train learns vectors for the words of voc from the encoded corpus enc
// (made with the same vocabulary) and returns them as a table whose keys
// are voc.Words, in the vocabulary's order.
func Train(ctx context.Context, enc *corpus.Encoded, voc *corpus.Vocab, cfg Config) (*embedding.Table, *Result, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, nil, err
	}
	if voc == nil || voc.Len() == 0 {
		return nil, nil, errors.New("word2vec: empty vocabulary")
	}
	if enc == nil || enc.Tokens() == 0 {
		return nil, nil, errors.New("word2vec: empty corpus")
	}
	v, dim := voc.Len(), cfg.Dim
	mem := Memory(v, cfg)
	if cfg.Log != nil {
		cfg.Log(fmt.Sprintf("word2vec: %d words × %d dimensions: about %s of memory", v, dim, embedding.FormatSize(mem)))
	}
	if cfg.MaxMemory > 0 && mem > cfg.MaxMemory {
		return nil, nil, fmt.Errorf("word2vec: %d words × %d dimensions need about %s, more than the limit of %s: %w", v, dim, embedding.FormatSize(mem), embedding.FormatSize(cfg.MaxMemory), ErrMemoryLimit)
	}
	if int64(v)*int64(dim) > math.MaxInt32*4 {
		return nil, nil, fmt.Errorf("word2vec: %d words × %d dimensions is too large", v, dim)
	}

	// Initialisation as the C tool and gensim: input vectors uniform in
	// (−0.5, 0.5)/dim, output vectors zero.
	//
	// Rows are padded with zeros to a multiple of 16 floats, so that the
	// SIMD kernels cover whole rows without a scalar tail and rows start on
	// 64-byte boundaries (fewer cache lines per row). The padding stays
	// zero: every update of a padded entry adds a multiple of another
	// padded entry.
	stride := (dim + 15) &^ 15
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6c6174656e74))
	syn0 := make([]float32, v*stride)
	for i := range v {
		row := syn0[i*stride : i*stride+dim]
		for j := range row {
			row[j] = (rng.Float32() - 0.5) / float32(dim)
		}
	}
	syn1 := make([]float32, v*stride)
	m := &model{
		cfg:  cfg,
		dim:  stride,
		syn0: syn0,
		syn1: syn1,
		keep: keepProbs(voc.Counts, voc.Total, cfg.Sample),
	}
	if cfg.Loss == NegativeSampling {
		m.neg = newAlias(voc.Counts, 0.75)
	} else {
		m.hs = buildHuffman(voc.Counts)
	}

	workers := make([]*worker, cfg.Workers)
	for i := range workers {
		part := enc.Part(i, cfg.Workers)
		workers[i] = &worker{
			m:       m,
			part:    part,
			rng:     rng.Uint64(),
			neu1:    make([]float32, stride),
			neu1e:   make([]float32, stride),
			sent:    make([]int32, 0, corpus.MaxSentence),
			targets: make([]int32, 0, cfg.Negative+1),
			negs:    make([]int32, cfg.Negative),
			labels:  make([]uint8, 0, cfg.Negative+1),
			dots:    make([]float32, max(cfg.Negative+1, m.maxDepth())),
			total:   part.Tokens() * int64(cfg.Epochs),
			alpha0:  cfg.Alpha,
			alpha1:  cfg.MinAlpha,
		}
		workers[i].pub.alpha = cfg.Alpha
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	errs := make([]error, len(workers))
	var wg sync.WaitGroup
	for i, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = w.run(ctx)
			if errs[i] != nil {
				cancel()
			}
		}()
	}
	totalWords := enc.Tokens() * int64(cfg.Epochs)
	snapshot := func(done bool) Progress {
		p := Progress{Epochs: cfg.Epochs, TotalWords: totalWords, Elapsed: time.Since(start), Done: done, Epoch: cfg.Epochs}
		var loss float64
		var n int64
		for i, w := range workers {
			w.mu.Lock()
			p.Words += w.pub.words
			p.Effective += w.pub.effective
			loss += w.pub.loss
			n += w.pub.n
			w.pub.loss, w.pub.n = 0, 0
			p.Epoch = min(p.Epoch, w.pub.epoch+1)
			if i == 0 {
				p.Alpha = w.pub.alpha
			}
			w.mu.Unlock()
		}
		if n > 0 {
			p.Loss = loss / float64(n)
		}
		s := max(p.Elapsed.Seconds(), 1e-9)
		p.WordsPerSec, p.EffectivePerSec = float64(p.Words)/s, float64(p.Effective)/s
		return p
	}
	finished := make(chan struct{})
	var reporter sync.WaitGroup
	if cfg.Progress != nil {
		reporter.Add(1)
		go func() {
			defer reporter.Done()
			t := time.NewTicker(cfg.ProgressEvery)
			defer t.Stop()
			for {
				select {
				case <-finished:
					return
				case <-t.C:
					cfg.Progress(snapshot(false))
				}
			}
		}()
	}
	wg.Wait()
	close(finished)
	reporter.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	final := snapshot(true)
	res := &Result{Words: final.Words, Effective: final.Effective, Elapsed: final.Elapsed, Memory: mem}
	var loss float64
	var n int64
	for _, w := range workers {
		loss += w.lastEpochLoss
		n += w.lastEpochN
	}
	if n > 0 {
		res.Loss = loss / float64(n)
	}
	if cfg.Progress != nil {
		final.Loss = res.Loss
		cfg.Progress(final)
	}
	for _, x := range syn0 {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil, nil, errors.New("word2vec: training diverged (non-finite vectors): lower the learning rate")
		}
	}
	// Drop the padding, in place.
	for i := range v {
		copy(syn0[i*dim:(i+1)*dim], syn0[i*stride:i*stride+dim])
	}
	t, err := embedding.New(voc.Words, dim, syn0[:v*dim:v*dim])
	if err != nil {
		return nil, nil, err
	}
	return t, res, nil
}

// model is what the workers share: the weights, written without locks
// (Hogwild, as the C tool and gensim), and read-only tables.
type model struct {
	cfg        Config
	dim        int // the row stride: Config.Dim rounded up to a multiple of 16
	syn0, syn1 []float32
	keep       []uint32
	neg        *alias
	hs         *huffman
}

// maxDepth returns the longest Huffman path (0 without the tree).
func (m *model) maxDepth() int {
	d := 0
	if m.hs != nil {
		for i := 1; i < len(m.hs.off); i++ {
			d = max(d, int(m.hs.off[i]-m.hs.off[i-1]))
		}
	}
	return d
}

// worker trains on one part of the corpus.
type worker struct {
	m              *model
	part           *corpus.Part
	rng            uint64
	neu1, neu1e    []float32
	sent           []int32
	targets        []int32 // rows of one prediction
	negs           []int32 // the negatives of the next prediction
	primed         bool    // negs holds them
	labels         []uint8
	dots           []float32
	total, done    int64 // words of all epochs of the part, and done so far
	alpha0, alpha1 float64
	loss           float64 // since the last publication
	n              int64
	effective      int64

	lastEpochLoss float64
	lastEpochN    int64

	mu  sync.Mutex
	pub struct {
		words, effective int64
		loss             float64
		n                int64
		alpha            float64
		epoch            int
	}
}

// drawNegatives draws the negatives of the next prediction into w.negs.
func (w *worker) drawNegatives() {
	for i := range w.negs {
		w.negs[i] = w.m.neg.draw(w.next())
	}
}

// next returns 64 random bits (wyrand: one multiplication a draw; the
// stream is seeded from Config.Seed).
func (w *worker) next() uint64 {
	w.rng += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(w.rng, w.rng^0xe7037ed1a0b428db)
	return hi ^ lo
}

func (w *worker) run(ctx context.Context) error {
	m := w.m
	for epoch := range m.cfg.Epochs {
		w.mu.Lock()
		w.pub.epoch = epoch
		w.mu.Unlock()
		var epochLoss float64
		var epochN int64
		// Sentences hold at most corpus.MaxSentence IDs (gensim's limit):
		// the corpus cuts longer lines, so that a corpus without line breaks
		// trains in bounded buffers and splits between workers like any.
		err := w.part.Each(ctx, func(ids []int32) error {
			// The learning rate falls linearly with this worker's own
			// progress, so that one worker's run does not depend on
			// timing.
			frac := float64(w.done) / float64(w.total)
			alpha := w.alpha0 - (w.alpha0-w.alpha1)*frac
			sent := w.sent[:0]
			for _, id := range ids {
				if m.keep[id] >= uint32(w.next()) {
					sent = append(sent, id)
				}
			}
			w.sent = sent
			l0, n0 := w.loss, w.n
			w.sentence(sent, float32(alpha))
			epochLoss += w.loss - l0
			epochN += w.n - n0
			w.done += int64(len(ids))
			w.effective += int64(len(sent))
			w.mu.Lock()
			w.pub.words = w.done
			w.pub.effective = w.effective
			w.pub.loss += w.loss
			w.pub.n += w.n
			w.pub.alpha = alpha
			w.mu.Unlock()
			w.loss, w.n = 0, 0
			return nil
		})
		if err != nil {
			return err
		}
		w.lastEpochLoss, w.lastEpochN = epochLoss, epochN
	}
	return nil
}

// sentence trains on one subsampled sentence.
func (w *worker) sentence(sent []int32, alpha float32) {
	m := w.m
	win := m.cfg.Window
	dim := m.dim
	for i, word := range sent {
		// The window actually used is drawn from 1…Window.
		span := win - int(w.next()%uint64(win))
		lo, hi := max(0, i-span), min(len(sent)-1, i+span)
		if m.cfg.Model == SkipGram {
			for j := lo; j <= hi; j++ {
				if j == i {
					continue
				}
				c := int(sent[j]) * dim
				h := m.syn0[c : c+dim : c+dim]
				clear(w.neu1e)
				w.predict(h, word, alpha)
				add(h, w.neu1e)
			}
			continue
		}
		// CBOW: the mean of the context vectors predicts the word, and
		// every context vector gets the whole error (as the C tool and
		// gensim with cbow_mean).
		h := w.neu1
		clear(h)
		cw := 0
		for j := lo; j <= hi; j++ {
			if j == i {
				continue
			}
			c := int(sent[j]) * dim
			add(h, m.syn0[c:c+dim:c+dim])
			cw++
		}
		if cw == 0 {
			continue
		}
		scale(h, 1/float32(cw))
		clear(w.neu1e)
		w.predict(h, word, alpha)
		for j := lo; j <= hi; j++ {
			if j == i {
				continue
			}
			c := int(sent[j]) * dim
			add(m.syn0[c:c+dim:c+dim], w.neu1e)
		}
	}
}

// predict trains the output layer to predict word from the hidden vector
// h, adding the gradient for h (times alpha) to w.neu1e.
func (w *worker) predict(h []float32, word int32, alpha float32) {
	m := w.m
	dim := m.dim
	neu1e := w.neu1e
	// The rows to predict with, and whether each is the true word (1) or
	// not (0). All dot products are taken first, in one call, so that the
	// loads of the rows (cache misses, mostly) overlap; the rows are
	// distinct but for the rare negative drawn twice, which then sees the
	// other copy's value before its update.
	var rows []int32
	var labels []uint8
	if m.hs != nil {
		hs := m.hs
		a, b := hs.off[word], hs.off[word+1]
		rows, labels = hs.points[a:b], hs.labels[a:b]
	} else {
		// The negatives were drawn, and their rows prefetched, at the end
		// of the previous prediction, so that their cache misses overlapped
		// with its work; a negative equal to the word is skipped, as in the
		// C tool.
		if !w.primed {
			w.drawNegatives()
			w.primed = true
		}
		rows, labels = w.targets[:1], w.labels[:1]
		rows[0], labels[0] = word, 1
		for _, t := range w.negs {
			if t == word {
				continue
			}
			rows = append(rows, t)
			labels = append(labels, 0)
		}
		w.drawNegatives()
		f32.PrefetchRows(m.syn1, w.negs, dim)
	}
	dots := w.dots[:len(rows)]
	f32.DotRows(dots, h, m.syn1, rows)
	labels = labels[:len(rows)]
	var loss float32
	for k, t := range rows {
		r := int(t) * dim
		row := m.syn1[r : r+dim : r+dim]
		label := float32(labels[k])
		f := dots[k]
		s, l := sigmoidLoss(f, label)
		loss += l
		if f >= maxExp || f <= -maxExp {
			// Outside the sigmoid table the row is left alone, as
			// gensim does for both losses (and the C tool for
			// hierarchical softmax).
			continue
		}
		f32.RowUpdate((label-s)*alpha, row, h, neu1e)
	}
	w.loss += float64(loss)
	w.n++
}
