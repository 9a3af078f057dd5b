package word2vec

import "math"

// The small loops of the trainer; the two that dominate (the dot products of
// a prediction and the update of each output row) are internal/f32's
// DotRows and RowUpdate. Re-slicing the second vector to len(dst) lets the
// compiler drop the bounds checks.

// add computes dst[i] += x[i].
func add(dst, x []float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] += x[i]
	}
}

// scale computes x[i] *= a.
func scale(x []float32, a float32) {
	for i := range x {
		x[i] *= a
	}
}

// The sigmoid and its log come from tables over (−maxExp, maxExp), as in
// the C tool and gensim (predictions outside the range update nothing; see
// predict). The tables are finer than their 1000 entries, and the loss
// outside the range is exact to within e^−maxExp.
const (
	maxExp    = 6
	tableSize = 4096
)

var sigTable, logSigTable = func() (s, l [tableSize]float32) {
	for i := range tableSize {
		x := (float64(i)+0.5)/tableSize*2*maxExp - maxExp
		s[i] = float32(1 / (1 + math.Exp(-x)))
		l[i] = float32(math.Log1p(math.Exp(-x))) // −log σ(x)
	}
	return
}()

// sigmoidLoss returns σ(f) and the loss of predicting label (1 or 0) with
// it: −log σ(f) for 1, −log σ(−f) = −log σ(f) + f for 0.
func sigmoidLoss(f, label float32) (s, loss float32) {
	switch {
	case f >= maxExp:
		return 1, (1 - label) * f
	case f <= -maxExp:
		return 0, -label * f
	}
	i := int((f + maxExp) * (tableSize / (2 * maxExp)))
	i = min(max(i, 0), tableSize-1)
	return sigTable[i], logSigTable[i] + (1-label)*f
}
