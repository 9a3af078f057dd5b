// Package glove trains GloVe word vectors (Pennington, Socher & Manning,
// "GloVe: Global Vectors for Word Representation", EMNLP 2014) from a
// corpus given as vocabulary IDs, in bounded memory.
//
// # Algorithm
//
// Training has two phases, as in the Stanford tool (cooccur, shuffle, glove).
//
// Count: every pair of words at distance d ≤ Window inside one sentence
// adds 1/d to X[a][b] and to X[b][a] (a symmetric window with the Stanford
// tool's distance weighting; a word paired with itself adds 2/d to the
// diagonal). Windows never cross sentence boundaries. Negative IDs are
// dropped as the Stanford tool drops out-of-vocabulary words: the window
// closes over them.
//
// Fit: the weighted least-squares cost
//
//	J = Σ_{X_ij>0} ½ f(X_ij) (w_i·w̃_j + b_i + b̃_j − log X_ij)²
//	f(x) = min(1, (x/XMax)^Alpha)
//
// is minimised by AdaGrad over the non-zero entries, shuffled every epoch.
// The result is W + W̃ (word plus context vectors, the paper's
// recommendation and the Stanford tool's -model 2); biases are dropped.
//
// The update is the Stanford tool's arithmetic, not textbook AdaGrad: with
// g the gradient of the entry's term of J and η the learning rate, each
// parameter θ with accumulator G (initially 1) does
//
//	θ ← θ − η·g/√G;  G ← G + (η·g)²
//
// so the step uses the accumulator from before this gradient and the
// accumulator sums squared steps rather than squared gradients. The default
// LearningRate 0.05 is tuned for exactly this rule. Parameters start uniform
// in (−0.5, 0.5)/Dim, biases included, as in the Stanford tool. Unlike newer
// Stanford releases, gradient components are not clipped; a cost that stops
// being finite ends training with [ErrDiverged].
//
// # Memory
//
// Config.MaxMemory bounds both phases. Counting keeps a dense triangular
// table of float64 counts for pairs of frequent words — ranks r, s (0 = most
// frequent) with (r+1)(s+1) ≤ P, P chosen so the table takes at most a
// quarter of the budget, the Stanford tool's "max product" layout — and
// appends every other pair to a fixed buffer of (pair, count) records. When
// the buffer is full it is sorted and equal pairs are summed in place; if
// that frees less than half of it, the buffer is written to a temporary
// file as a sorted run. At the end the runs (and the dense table, written as
// one more run) are merged k-way, at most 64 at a time, summing equal
// pairs. Each pair is stored once (a ≤ b); the fit visits it in both
// orientations. Without spills the buffer itself becomes the training
// entries, so small corpora never touch the disk. The memory of the
// counting tables is reported through Config.Progress (a first phase
// "count" event, with Tokens 0) before they are allocated.
//
// The memory the parameters need — 2·V·(Dim+1) float32 parameters, as many
// AdaGrad accumulators, and the V·Dim output — is checked against MaxMemory
// before counting starts, and reported through Config.Progress (phase
// "memory") before the parameters are allocated. A budget too small for
// the parameters, or for counting the vocabulary's co-occurrences, is
// refused with an error wrapping [ErrMemoryLimit] that names both sizes.
// The co-occurrence entries (16 bytes each) are
// trained from memory when they fit in what remains; otherwise they are
// dealt at random into bucket files, each small enough to fit, and every
// epoch visits the buckets in a random order and shuffles each one — an
// approximate global shuffle in the spirit of the Stanford shuffle tool.
// The phases do not overlap: the counting tables are released, and the
// garbage collector run, before the parameters are allocated, so the heap
// stays near MaxMemory at its peak. Temporary files live in one directory
// under Config.TempDir that is removed on return, whether training
// succeeds, fails or is cancelled.
//
// Parameters are float32: GloVe needs no more precision, and half the bytes
// per row matters because the fit is a stream of random row accesses
// (memory-bound, especially with several workers). Counts are accumulated in
// float64, because the counts of frequent pairs reach 10⁵–10⁶ where float32
// could no longer add 1/d; the cost is summed in float64.
//
// # Reproducibility
//
// The random initialisation, the bucket assignment and every epoch's shuffle
// come from PCG generators seeded with Config.Seed (math/rand/v2), one
// stream per use. With Workers = 1 the same seed, corpus and configuration
// give identical bytes from run to run of one build, and identical bytes
// on every amd64 machine when built for the default GOAMD64=v1.
// Bit-identity across machines rests on each float32 multiply and add
// being rounded separately: the Go compiler may fuse x*y + z into one
// multiply-add that rounds once, and does so on arm64, loong64, ppc64,
// ppc64le, riscv64 and s390x and on amd64 with GOAMD64=v3 or later, so
// vectors trained there are not bit-identical to amd64 v1's: they differ
// by rounding, which the epochs carry forward, as with several workers
// below. With several workers, each epoch's shuffled entries are split into
// contiguous chunks that workers update concurrently without locks
// (Hogwild, as the Stanford tool does; Recht et al. 2011): the counts, the
// initial parameters and the entry order are still identical, but the
// interleaving of updates to shared rows is not, so the vectors differ from
// run to run in their low digits while the cost per epoch and the quality
// of the vectors agree to within noise. These unsynchronised updates are
// data races by design; the race detector reports them, so tests run
// several workers only without -race.
package glove
