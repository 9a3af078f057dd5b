//go:build race

package word2vec

// raceEnabled reports whether the race detector is on: Hogwild training
// with several workers races by design.
const raceEnabled = true
