package corpus

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"sort"
)

// Encoded is a corpus turned into vocabulary IDs, kept in a temporary file
// so that training epochs never tokenise the text again and the corpus is
// never wholly in memory. Its sentences are those of Source.Each: lines,
// with long ones cut every MaxSentence tokens. Out-of-vocabulary words are
// dropped, and sentences left without words are skipped.
//
// The file holds, per sentence, its length as a little-endian uint32 and
// then its IDs as little-endian int32s. An index of sentence starts, one
// every 16 KiB or so, lets Part split the corpus between workers without
// reading it; as no sentence is longer than MaxSentence, a corpus of one
// long line splits as well as any.
type Encoded struct {
	f         *os.File
	size      int64
	tokens    int64
	sentences int64
	marks     []mark // sentence starts, increasing; marks[0] is the start
}

// mark is a sentence start: its byte offset and the tokens before it.
type mark struct {
	off, tokens int64
}

const markEvery = 1 << 14

// Encode tokenises s, maps its words to the IDs of v and writes them to a
// temporary file in dir ("" means os.TempDir()). Call Close to remove it.
func Encode(ctx context.Context, s *Source, v *Vocab, dir string) (*Encoded, error) {
	f, err := os.CreateTemp(dir, "latent-corpus-*.ids")
	if err != nil {
		return nil, fmt.Errorf("corpus: %v", err)
	}
	e := &Encoded{f: f, marks: []mark{{0, 0}}}
	w := bufio.NewWriterSize(f, 1<<20)
	ids := make([]int32, 0, MaxSentence)
	var b4 [4]byte
	var lastMark int64
	err = s.eachTokens(ctx, func(tok []byte) {
		if id, ok := v.index[string(tok)]; ok {
			ids = append(ids, id)
		}
	}, func() error {
		// eachTokens ends a sentence at least every MaxSentence tokens, so
		// ids never grows past it.
		if len(ids) == 0 {
			return nil
		}
		if e.size-lastMark >= markEvery {
			e.marks = append(e.marks, mark{e.size, e.tokens})
			lastMark = e.size
		}
		binary.LittleEndian.PutUint32(b4[:], uint32(len(ids)))
		w.Write(b4[:])
		for _, id := range ids {
			binary.LittleEndian.PutUint32(b4[:], uint32(id))
			w.Write(b4[:])
		}
		e.size += 4 * int64(len(ids)+1)
		e.tokens += int64(len(ids))
		e.sentences++
		ids = ids[:0]
		return nil
	})
	if err == nil {
		err = w.Flush()
	}
	if err == nil && e.tokens == 0 {
		err = fmt.Errorf("corpus: no word of the corpus is in the vocabulary")
	}
	if err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// Tokens returns the number of IDs in the corpus.
func (e *Encoded) Tokens() int64 { return e.tokens }

// Sentences returns the number of sentences: non-empty lines, a line of
// more than MaxSentence tokens counting once per MaxSentence tokens or part.
func (e *Encoded) Sentences() int64 { return e.sentences }

// Close removes the file.
func (e *Encoded) Close() error {
	if e.f == nil {
		return nil
	}
	err := e.f.Close()
	if rerr := os.Remove(e.f.Name()); err == nil {
		err = rerr
	}
	e.f = nil
	return err
}

// Each calls fn with every sentence in order; ids is reused after fn
// returns.
func (e *Encoded) Each(ctx context.Context, fn func(ids []int32) error) error {
	return e.Part(0, 1).Each(ctx, fn)
}

// Part is a contiguous run of sentences of an Encoded corpus.
type Part struct {
	e            *Encoded
	start, end   int64 // byte offsets
	tokens       int64
	tokensBefore int64
}

// Part returns the i-th of n contiguous parts of the corpus, split at
// sentence boundaries near multiples of Tokens()/n: the marks they are cut
// at lie at most 4096 + MaxSentence tokens apart, so a cut is at most about
// 7,000 tokens off (a part may be empty on a tiny corpus). Parts may be
// read concurrently. It panics unless 0 ≤ i < n.
func (e *Encoded) Part(i, n int) *Part {
	if n < 1 || i < 0 || i >= n {
		panic(fmt.Sprintf("corpus: Part(%d, %d)", i, n))
	}
	end := mark{e.size, e.tokens}
	at := func(k int) mark {
		if k == 0 {
			return e.marks[0]
		}
		if k == n {
			return end
		}
		// The nearest of the marks and the end.
		target := e.tokens * int64(k) / int64(n)
		j := sort.Search(len(e.marks), func(j int) bool { return e.marks[j].tokens >= target })
		next := end
		if j < len(e.marks) {
			next = e.marks[j]
		}
		if j > 0 && target-e.marks[j-1].tokens < next.tokens-target {
			return e.marks[j-1]
		}
		return next
	}
	a, b := at(i), at(i+1)
	if b.off < a.off {
		b = a
	}
	return &Part{e: e, start: a.off, end: b.off, tokens: b.tokens - a.tokens, tokensBefore: a.tokens}
}

// Tokens returns the number of IDs in the part.
func (p *Part) Tokens() int64 { return p.tokens }

// Each calls fn with every sentence of the part in order; ids is reused
// after fn returns and holds at most MaxSentence IDs.
func (p *Part) Each(ctx context.Context, fn func(ids []int32) error) error {
	if p.e.f == nil {
		return fmt.Errorf("corpus: encoded corpus used after Close")
	}
	r := bufio.NewReaderSize(io.NewSectionReader(p.e.f, p.start, p.end-p.start), 1<<18)
	var b4 [4]byte
	var raw []byte
	var ids []int32
	for off, n := p.start, 0; off < p.end; n++ {
		if n&255 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if _, err := io.ReadFull(r, b4[:]); err != nil {
			return fmt.Errorf("corpus: reading encoded corpus: %v", err)
		}
		k := int(binary.LittleEndian.Uint32(b4[:]))
		if k > MaxSentence {
			return fmt.Errorf("corpus: encoded corpus corrupt: a sentence of %d IDs", k)
		}
		if cap(raw) < 4*k {
			raw = make([]byte, 4*k)
			ids = make([]int32, k)
		}
		raw, ids = raw[:4*k], ids[:k]
		if _, err := io.ReadFull(r, raw); err != nil {
			return fmt.Errorf("corpus: reading encoded corpus: %v", err)
		}
		for j := range ids {
			ids[j] = int32(binary.LittleEndian.Uint32(raw[4*j:]))
		}
		off += 4 * int64(k+1)
		if err := fn(ids); err != nil {
			return err
		}
	}
	return nil
}
