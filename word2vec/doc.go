// Package word2vec trains word vectors with word2vec (Mikolov et al.,
// 2013): skip-gram or CBOW, with negative sampling or hierarchical softmax.
//
// It is written here, not wrapped, because latent is pure Go with no cgo,
// and no pure-Go word2vec is both faithful to the original and fast: this
// one follows the C tool's and gensim's algorithm (the window shrunk at
// random for each centre word, frequent-word subsampling with gensim's
// formula, a learning rate falling linearly from Alpha to MinAlpha over all
// epochs' words, input vectors initialised uniform in (−0.5, 0.5)/dim and
// output vectors zero) with inner loops that allocate nothing, take the dot
// products of a prediction's rows in one SIMD call so that their cache
// misses overlap, and fuse the two scaled additions of each output row into
// one pass.
//
// Two details differ from the C tool, deliberately: negatives are drawn
// from an exact alias table rather than a 10⁸-entry table, and the loss
// reported (Progress.Loss, Result.Loss) is computed exactly (from a fine
// table of log σ) for every prediction, so that it can be trusted to fall.
// As in gensim, a prediction whose dot product lies beyond ±6 (where the
// sigmoid table ends) updates nothing; the C tool does the same for
// hierarchical softmax but saturates σ for negative sampling.
//
// Training reads a corpus.Encoded: the corpus as vocabulary IDs in a
// temporary file, split into one contiguous part per worker. Workers update
// the shared weights without locks ("Hogwild", as the C tool and gensim
// do): the occasional lost update costs nothing measurable and locks would
// cost most of the speed.
//
// # Reproducibility
//
// With one worker, the same corpus, vocabulary, Config and Seed give the
// same bytes on every run and, on amd64 built for the default GOAMD64=v1,
// on every machine (AVX-512, AVX2 or -tags purego alike): the dot products and row updates are internal/f32's
// DotRows and RowUpdate, whose AVX-512 and AVX2 kernels give the bits of
// their plain Go loops (no fused multiply-adds; internal/f32's TestDistRows
// and TestRowUpdate compare every kernel with its loop bit for bit), and
// the rest is plain Go. With GOAMD64=v3 or later, and on other
// architectures (arm64, ppc64le, s390x), the compiler may fuse multiply-adds
// in plain Go loops and have their own math.Exp for the
// sigmoid tables, so their vectors can differ, first in the low bits.
//
// Each worker's random stream (window sizes, subsampling, negative
// samples) is seeded from Seed, and its learning rate follows its own
// progress through its part of the corpus rather than a shared counter, so
// nothing depends on timing. With several workers the parts, the streams
// and the learning-rate schedules are still fixed by Seed, but the order in
// which the workers' updates to shared rows interleave depends on
// scheduling, and an update can be lost to a race, so the vectors differ
// from run to run in their low bits and, through training, somewhat more;
// evaluation scores vary within noise.
package word2vec
