package corpus

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
)

// VocabOptions says which words a vocabulary keeps. The zero value keeps
// every word seen at least 5 times.
type VocabOptions struct {
	// MinCount drops words seen fewer times (0 means 5).
	MinCount int
	// MaxVocab keeps only the most frequent words (0 means no limit).
	MaxVocab int
	// PruneAt bounds the counting table: when it holds more distinct words
	// than this, the rarest are dropped (0 means 20 million, about 1.5 GB
	// of table for typical words).
	PruneAt int
}

// Vocab is the vocabulary of a corpus: its words by decreasing count, ties
// broken by the words' byte order, so that the same corpus always gives the
// same IDs.
type Vocab struct {
	// Words are the kept words; a word's ID is its index.
	Words []string
	// Counts are the words' occurrence counts.
	Counts []int64
	// Total is the number of tokens of kept words in the corpus.
	Total int64
	// Tokens is the number of tokens in the corpus, kept or not.
	Tokens int64
	// Distinct is the number of distinct words seen (after any pruning).
	Distinct int
	// Pruned, when not zero, says that the counting table outgrew PruneAt
	// and words seen fewer than Pruned times so far were dropped while
	// counting, as the original word2vec does: the counts of rare words
	// may then be too low, and some words that reach MinCount only late in
	// the corpus may be missing.
	Pruned int64
	// MinCount is the minimum count used.
	MinCount int

	index map[string]int32
}

// ErrEmptyVocab is returned (wrapped) when no word reaches MinCount.
var ErrEmptyVocab = errors.New("empty vocabulary")

// BuildVocab counts the words of s and returns those kept by opt.
func BuildVocab(ctx context.Context, s *Source, opt VocabOptions) (*Vocab, error) {
	if opt.MinCount < 0 || opt.MaxVocab < 0 || opt.PruneAt < 0 {
		return nil, fmt.Errorf("corpus: negative vocabulary option %+v", opt)
	}
	minCount := opt.MinCount
	if minCount == 0 {
		minCount = 5
	}
	pruneAt := opt.PruneAt
	if pruneAt == 0 {
		pruneAt = 20_000_000
	}
	counts := newCounter(pruneAt)
	var tokens int64
	err := s.eachTokens(ctx, func(tok []byte) {
		tokens++
		counts.add(tok)
	}, func() error { return nil })
	if err != nil {
		return nil, err
	}
	v := &Vocab{Tokens: tokens, Distinct: len(counts.n), Pruned: counts.pruned, MinCount: minCount}
	for w, c := range counts.n {
		if *c >= int64(minCount) {
			v.Words = append(v.Words, w)
		}
	}
	slices.SortFunc(v.Words, func(a, b string) int {
		if c := cmp.Compare(*counts.n[b], *counts.n[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	if opt.MaxVocab > 0 && len(v.Words) > opt.MaxVocab {
		v.Words = v.Words[:opt.MaxVocab:opt.MaxVocab]
	}
	if len(v.Words) == 0 {
		return nil, fmt.Errorf("corpus: %w: none of the %d distinct words occurs %d times or more (lower the minimum count)", ErrEmptyVocab, len(counts.n), minCount)
	}
	v.Counts = make([]int64, len(v.Words))
	for i, w := range v.Words {
		v.Counts[i] = *counts.n[w]
		v.Total += *counts.n[w]
	}
	v.buildIndex()
	return v, nil
}

// NewVocab returns a vocabulary of the given words and counts (kept, not
// copied), for vocabularies made elsewhere. Words must be distinct.
func NewVocab(words []string, counts []int64) (*Vocab, error) {
	if len(words) != len(counts) {
		return nil, fmt.Errorf("corpus: %d words but %d counts", len(words), len(counts))
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("corpus: %w", ErrEmptyVocab)
	}
	v := &Vocab{Words: words, Counts: counts, Distinct: len(words)}
	for _, c := range counts {
		v.Total += c
	}
	v.Tokens = v.Total
	v.buildIndex()
	if len(v.index) != len(words) {
		return nil, errors.New("corpus: repeated word in vocabulary")
	}
	return v, nil
}

func (v *Vocab) buildIndex() {
	v.index = make(map[string]int32, len(v.Words))
	for i, w := range v.Words {
		v.index[w] = int32(i)
	}
}

// Len returns the number of words.
func (v *Vocab) Len() int { return len(v.Words) }

// ID returns the ID of word.
func (v *Vocab) ID(word string) (int32, bool) {
	id, ok := v.index[word]
	return id, ok
}

// Encode appends the IDs of tokens to dst, dropping words not in the
// vocabulary.
func (v *Vocab) Encode(dst []int32, tokens []string) []int32 {
	for _, t := range tokens {
		if id, ok := v.index[t]; ok {
			dst = append(dst, id)
		}
	}
	return dst
}

// counter counts tokens (or any keys) in a table of at most max entries:
// past that, the rarest are dropped with an ever higher floor until a
// quarter of the table is free, as word2vec's ReduceVocab does, so that
// counting a corpus with endless distinct strings stays in bounded memory.
type counter struct {
	// n holds the counts behind pointers, so that counting a known key
	// looks the map up without converting it to a string (no allocation).
	n   map[string]*int64
	max int
	// pruned is the floor: keys seen fewer times were dropped, and every
	// count may be short by up to pruned.
	pruned int64
}

func newCounter(max int) *counter {
	return &counter{n: make(map[string]*int64), max: max}
}

func (c *counter) add(key []byte) {
	if p, ok := c.n[string(key)]; ok {
		*p++
		return
	}
	one := int64(1)
	c.n[string(key)] = &one
	if len(c.n) > c.max {
		for len(c.n) > c.max*3/4 {
			c.pruned++
			for k, p := range c.n {
				if *p < c.pruned {
					delete(c.n, k)
				}
			}
		}
	}
}
