package word2vec

import (
	"context"
	"testing"
)

// BenchmarkTrain trains one epoch of each model on the synthetic topic
// corpus with one worker and reports words per second, subsampling off
// since the corpus has only frequent words. The side-by-side figure
// against gensim, on real text, is bench/words'.
func BenchmarkTrain(b *testing.B) {
	enc, voc := prepare(b, topicCorpus(b, 20000), 1)
	for _, bc := range []struct {
		name string
		cfg  Config
	}{
		{"sg-ns", Config{Epochs: 1, Workers: 1, Sample: -1}},
		{"cbow-ns", Config{Epochs: 1, Workers: 1, Sample: -1, Model: CBOW}},
		{"sg-hs", Config{Epochs: 1, Workers: 1, Sample: -1, Loss: HierarchicalSoftmax}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var words int64
			for b.Loop() {
				_, res, err := Train(context.Background(), enc, voc, bc.cfg)
				if err != nil {
					b.Fatal(err)
				}
				words += res.Words
			}
			b.ReportMetric(float64(words)/b.Elapsed().Seconds(), "words/s")
		})
	}
}
