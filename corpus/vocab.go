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
	// Counts live behind pointers so that counting a known word looks the
	// map up without converting the token to a string (no allocation).
	counts := make(map[string]*int64)
	var tokens int64
	var pruned int64
	err := s.eachTokens(ctx, func(tok []byte) {
		tokens++
		if c, ok := counts[string(tok)]; ok {
			*c++
			return
		}
		c := int64(1)
		counts[string(tok)] = &c
		if len(counts) > pruneAt {
			// Drop ever more words until the table is back under its bound,
			// raising the floor like word2vec's ReduceVocab.
			for len(counts) > pruneAt*3/4 {
				pruned++
				for w, c := range counts {
					if *c < pruned {
						delete(counts, w)
					}
				}
			}
		}
	}, func() error { return nil })
	if err != nil {
		return nil, err
	}
	v := &Vocab{Tokens: tokens, Distinct: len(counts), Pruned: pruned, MinCount: minCount}
	for w, c := range counts {
		if *c >= int64(minCount) {
			v.Words = append(v.Words, w)
		}
	}
	slices.SortFunc(v.Words, func(a, b string) int {
		if c := cmp.Compare(*counts[b], *counts[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	if opt.MaxVocab > 0 && len(v.Words) > opt.MaxVocab {
		v.Words = v.Words[:opt.MaxVocab:opt.MaxVocab]
	}
	if len(v.Words) == 0 {
		return nil, fmt.Errorf("corpus: %w: none of the %d distinct words occurs %d times or more (lower the minimum count)", ErrEmptyVocab, len(counts), minCount)
	}
	v.Counts = make([]int64, len(v.Words))
	for i, w := range v.Words {
		v.Counts[i] = *counts[w]
		v.Total += *counts[w]
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
