package word2vec

import (
	"math"
)

// huffman is the binary tree hierarchical softmax walks: word w's path from
// the root visits inner nodes points[off[w]:off[w+1]] (numbered 0…V−2, the
// rows of syn1) and turns the way codes[off[w]:off[w+1]] say.
type huffman struct {
	codes  []uint8
	labels []uint8 // 1 − codes: the C tool's "positive" branch is code 0
	points []int32
	off    []int32
}

// buildHuffman builds the Huffman tree of counts, which must be sorted in
// decreasing order (a Vocab's are), in linear time with the two-queue
// method of the original word2vec: the leaves in increasing count order are
// one queue, the inner nodes in order of creation the other, and each step
// merges the two smallest heads. The smaller of the pair gets code 0, the
// other code 1; on equal counts the inner node is taken first, as there.
func buildHuffman(counts []int64) *huffman {
	v := len(counts)
	h := &huffman{off: make([]int32, v+1)}
	if v == 1 {
		// A lone word has an empty path: nothing to predict.
		return h
	}
	// Nodes 0…v−1 are leaves (word i is node i), v…2v−2 inner nodes.
	count := make([]int64, 2*v-1)
	copy(count, counts)
	parent := make([]int32, 2*v-1)
	bit := make([]uint8, 2*v-1)
	leaf, inner, made := v-1, v, v // next leaf (walking down), next inner node, nodes made
	pick := func() int {
		if leaf >= 0 && (inner >= made || count[leaf] < count[inner]) {
			leaf--
			return leaf + 1
		}
		inner++
		return inner - 1
	}
	for made < 2*v-1 {
		a := pick()
		b := pick()
		count[made] = count[a] + count[b]
		parent[a], parent[b] = int32(made), int32(made)
		bit[a], bit[b] = 0, 1
		made++
	}
	root := int32(2*v - 2)
	var path []int32
	for w := range v {
		path = path[:0]
		for n := int32(w); n != root; n = parent[n] {
			path = append(path, n)
		}
		// path runs leaf → just below root; the codes read root → leaf.
		for i := len(path) - 1; i >= 0; i-- {
			n := path[i]
			h.codes = append(h.codes, bit[n])
			h.labels = append(h.labels, 1-bit[n])
			h.points = append(h.points, parent[n]-int32(v))
		}
		h.off[w+1] = int32(len(h.codes))
	}
	return h
}

// alias samples word IDs from the unigram distribution raised to the power
// 3/4 in constant time (Walker's alias method, built with Vose's
// algorithm). The original word2vec fills a 10⁸-entry table instead and
// gensim bisects a cumulative table; the alias table is exact, takes 8
// bytes a word and costs one multiplication and one comparison a draw.
type alias struct {
	prob  []uint32 // keep column i with probability prob[i]/2³²
	other []int32
}

// newAlias builds the table for weights count^power.
func newAlias(counts []int64, power float64) *alias {
	n := len(counts)
	w := make([]float64, n)
	var sum float64
	for i, c := range counts {
		w[i] = math.Pow(float64(c), power)
		sum += w[i]
	}
	a := &alias{prob: make([]uint32, n), other: make([]int32, n)}
	var small, large []int32
	for i := range w {
		w[i] *= float64(n) / sum
		a.other[i] = int32(i)
		if w[i] < 1 {
			small = append(small, int32(i))
		} else {
			large = append(large, int32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		a.prob[s] = uint32(w[s] * (1 << 32))
		a.other[s] = l
		w[l] -= 1 - w[s]
		if w[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	// What remains has weight 1 up to rounding: always kept.
	for _, i := range append(small, large...) {
		a.prob[i] = math.MaxUint32
	}
	return a
}

// draw maps 64 random bits to a word: the high 32 pick a column, the low 32
// decide between it and its alias.
func (a *alias) draw(r uint64) int32 {
	col := (r >> 32) * uint64(len(a.prob)) >> 32
	if uint32(r) < a.prob[col] {
		return int32(col)
	}
	return a.other[col]
}

// keepProbs returns, for each word, the probability of keeping an
// occurrence under subsampling, scaled to 2³²−1 and truncated, exactly as
// gensim stores it (sample_int): threshold t = sample·total, p = (√(c/t) +
// 1)·t/c, capped at 1. An occurrence is kept when a uniform 32-bit draw is
// at most the value. A sample ≤ 0 keeps everything.
func keepProbs(counts []int64, total int64, sample float64) []uint32 {
	keep := make([]uint32, len(counts))
	t := sample * float64(total)
	for i, c := range counts {
		p := 1.0
		if sample > 0 {
			p = (math.Sqrt(float64(c)/t) + 1) * (t / float64(c))
		}
		keep[i] = uint32(min(p, 1) * (1<<32 - 1))
	}
	return keep
}
