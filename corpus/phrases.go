package corpus

import (
	"context"
	"fmt"
	"strings"
)

// PhraseOptions configures LearnPhrases. The zero value is word2phrase's
// defaults.
type PhraseOptions struct {
	// Threshold is the score a pair of words needs to become a phrase (0
	// means 100); higher means fewer phrases.
	Threshold float64
	// MinCount is the count below which words and pairs are ignored (0
	// means 5); it is also the discount of the score.
	MinCount int
	// PruneAt bounds the counting table as VocabOptions.PruneAt does (0
	// means 20 million entries).
	PruneAt int
}

// Phrases joins pairs of words that occur together much more often than
// chance ("new york" → "new_york"), as the original word2phrase tool does,
// so that a trainer learns one vector for the phrase.
type Phrases struct {
	pairs map[string]struct{} // "a b"
	// Pruned, when not zero, says that counting was bounded as in Vocab.
	Pruned int64
}

// Len returns the number of phrases.
func (p *Phrases) Len() int { return len(p.pairs) }

// Has reports whether a followed by b is a phrase.
func (p *Phrases) Has(a, b string) bool {
	_, ok := p.pairs[a+" "+b]
	return ok
}

// LearnPhrases counts the words and adjacent pairs of s and keeps the pairs
// whose word2phrase score
//
//	(count(a b) − MinCount) / (count(a) · count(b)) · tokens
//
// exceeds Threshold, where a and b each occur at least MinCount times.
func LearnPhrases(ctx context.Context, s *Source, opt PhraseOptions) (*Phrases, error) {
	if opt.Threshold < 0 || opt.MinCount < 0 || opt.PruneAt < 0 {
		return nil, fmt.Errorf("corpus: negative phrase option %+v", opt)
	}
	thr := opt.Threshold
	if thr == 0 {
		thr = 100
	}
	minCount := int64(opt.MinCount)
	if minCount == 0 {
		minCount = 5
	}
	pruneAt := opt.PruneAt
	if pruneAt == 0 {
		pruneAt = 20_000_000
	}
	// One table counts words ("a") and pairs ("a b"); a space cannot occur
	// inside a token.
	counts := newCounter(pruneAt)
	var tokens int64
	var prev, key []byte
	err := s.eachTokens(ctx, func(tok []byte) {
		tokens++
		counts.add(tok)
		if len(prev) > 0 {
			key = append(append(append(key[:0], prev...), ' '), tok...)
			counts.add(key)
		}
		prev = append(prev[:0], tok...)
	}, func() error {
		prev = prev[:0]
		return nil
	})
	if err != nil {
		return nil, err
	}
	p := &Phrases{pairs: make(map[string]struct{}), Pruned: counts.pruned}
	for k, c := range counts.n {
		a, b, ok := strings.Cut(k, " ")
		if !ok || *c < minCount {
			continue
		}
		ca, cb := counts.n[a], counts.n[b]
		if ca == nil || cb == nil || *ca < minCount || *cb < minCount {
			continue
		}
		score := float64(*c-minCount) / float64(*ca) / float64(*cb) * float64(tokens)
		if score > thr {
			p.pairs[k] = struct{}{}
		}
	}
	return p, nil
}

// Apply appends tokens to dst with phrases joined by "_", left to right: a
// word joined with its left neighbour is not joined again with its right
// one (one pass of word2phrase makes two-word phrases).
func (p *Phrases) Apply(dst, tokens []string) []string {
	for i := 0; i < len(tokens); i++ {
		if i+1 < len(tokens) && p.Has(tokens[i], tokens[i+1]) {
			dst = append(dst, tokens[i]+"_"+tokens[i+1])
			i++
			continue
		}
		dst = append(dst, tokens[i])
	}
	return dst
}
