package corpus

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// MaxSentence is the most tokens a sentence holds: a line with more tokens
// is cut into sentences of MaxSentence tokens, the last one shorter. The cut
// keeps a corpus without line breaks (text8 is one line of 17 million words)
// in bounded buffers and lets Encoded split it between workers. 10,000 is
// gensim's MAX_WORDS_IN_BATCH, the default max_sentence_length of its
// LineSentence, which cuts raw tokens the same way; the C tool's
// MAX_SENTENCE_LENGTH is 1000.
const MaxSentence = 10000

// maxPiece is the most bytes of a line handed to the tokenizer at once.
const maxPiece = 1 << 16

// Source is a text corpus: files read line by line, each line one sentence
// or paragraph (cut at MaxSentence tokens). Nothing is read until Each is
// called, and Each streams, so a corpus larger than memory is fine, and so
// is a corpus that is one long line.
type Source struct {
	// Paths are the files to read, in order. "-" stands for Stdin. A file
	// whose name ends in .gz, or that starts with the gzip magic bytes, is
	// decompressed.
	Paths []string
	// Stdin is read for "-". It can be read only once, so the first pass
	// copies it to a spool file in TempDir and later passes read the spool;
	// call Close to remove it.
	Stdin io.Reader
	// Tokenizer splits lines into tokens.
	Tokenizer Tokenizer
	// TempDir is where the stdin spool goes ("" means os.TempDir()).
	TempDir string
	// Phrases, when set, joins the phrases it knows in every sentence
	// ("new york" → "new_york"); see LearnPhrases.
	Phrases *Phrases

	piece     int    // bytes of a line tokenised at once (0 means maxPiece); tests lower it
	spool     string // path of the stdin copy, once complete
	spooling  bool
	stdinDone bool // the pass read stdin to its end
}

// Close removes the spool file of Stdin, if one was made.
func (s *Source) Close() error {
	if s.spool == "" {
		return nil
	}
	err := os.Remove(s.spool)
	s.spool = ""
	return err
}

// ErrEmpty is returned (wrapped, with the corpus named) when a corpus holds
// no tokens at all.
var ErrEmpty = errors.New("no words")

// Each calls fn with the tokens of every sentence of every file, in
// order; the slice is reused after fn returns. A sentence is a line, or,
// in a line of more than MaxSentence tokens, each run of MaxSentence tokens
// and the rest. Lines without tokens are skipped. A line with invalid UTF-8
// or a NUL byte (a binary file) stops the pass with an error naming the
// file and the line; so does an error from fn or the context. A corpus
// without a single token is an error wrapping ErrEmpty.
//
// Memory stays bounded whatever the length of the lines: a long line is
// read and tokenised in pieces of at most 64 KiB, cut after a character
// that ends a token whatever surrounds it (white space, most punctuation),
// so that the pieces give exactly the tokens of the whole line. Only a run
// of more than 64 KiB without such a character is cut inside, at a
// character boundary.
func (s *Source) Each(ctx context.Context, fn func(tokens []string) error) error {
	var toks, joined []string
	return s.eachRaw(ctx, func(tok []byte) {
		toks = append(toks, string(tok))
	}, func() error {
		t := toks
		toks = toks[:0]
		if s.Phrases != nil {
			joined = s.Phrases.Apply(joined[:0], t)
			return fn(joined)
		}
		return fn(t)
	})
}

// eachTokens is Each without the strings: tok gets each token as bytes
// valid until it returns, and end is called after the last token of each
// sentence.
func (s *Source) eachTokens(ctx context.Context, tok func([]byte), end func() error) error {
	if s.Phrases != nil {
		var b []byte
		return s.Each(ctx, func(toks []string) error {
			for _, t := range toks {
				b = append(b[:0], t...)
				tok(b)
			}
			return end()
		})
	}
	return s.eachRaw(ctx, tok, end)
}

// eachRaw is eachTokens without phrases.
func (s *Source) eachRaw(ctx context.Context, tok func([]byte), end func() error) error {
	var buf []byte
	var total int64
	n := 0 // tokens of the sentence so far
	var err error
	count := func(b []byte) {
		if err != nil {
			return
		}
		tok(b)
		total++
		if n++; n == MaxSentence {
			n = 0
			err = end()
		}
	}
	if e := s.eachBytes(ctx, func(piece []byte, last bool) error {
		s.Tokenizer.each(piece, &buf, count)
		if last && n > 0 && err == nil {
			n = 0
			err = end()
		}
		return err
	}); e != nil {
		return e
	}
	if total == 0 {
		return fmt.Errorf("corpus: %s: %w", strings.Join(names(s.Paths), ", "), ErrEmpty)
	}
	return nil
}

// name is how errors call a path.
func name(p string) string {
	if p == "-" {
		return "stdin"
	}
	return p
}

// eachBytes validates and passes every line, in pieces (see scanLines).
func (s *Source) eachBytes(ctx context.Context, fn func(piece []byte, last bool) error) error {
	if len(s.Paths) == 0 {
		return errors.New("corpus: no input files")
	}
	size := s.piece
	if size == 0 {
		size = maxPiece
	}
	for _, p := range s.Paths {
		r, closer, err := s.open(p)
		if err != nil {
			return err
		}
		err = scanLines(ctx, r, name(p), size, fn)
		s.stdinDone = err == nil
		cerr := closer()
		if err != nil {
			return err
		}
		if cerr != nil {
			return fmt.Errorf("corpus: %s: %v", name(p), cerr)
		}
	}
	return nil
}

func names(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = name(p)
	}
	return out
}

// open returns a reader of p's text (decompressed) and a function that
// closes it (for stdin, finishing the spool).
func (s *Source) open(p string) (io.Reader, func() error, error) {
	var r io.Reader
	var closers []func() error
	switch {
	case p == "-" && s.spool != "":
		f, err := os.Open(s.spool)
		if err != nil {
			return nil, nil, fmt.Errorf("corpus: stdin spool: %v", err)
		}
		r, closers = f, append(closers, f.Close)
	case p == "-":
		if s.Stdin == nil {
			return nil, nil, errors.New(`corpus: "-" given but no standard input`)
		}
		if s.spooling {
			return nil, nil, errors.New(`corpus: "-" given twice`)
		}
		f, err := os.CreateTemp(s.TempDir, "latent-stdin-*.txt")
		if err != nil {
			return nil, nil, fmt.Errorf("corpus: spooling stdin: %v", err)
		}
		s.spooling = true
		// The spool holds exactly what was read; it becomes usable only
		// once stdin was read to the end.
		r = io.TeeReader(s.Stdin, f)
		closers = append(closers, func() error {
			s.spooling = false
			if err := f.Close(); err != nil || !s.stdinDone {
				os.Remove(f.Name())
				return err
			}
			s.spool = f.Name()
			return nil
		})
	default:
		f, err := os.Open(p)
		if err != nil {
			return nil, nil, fmt.Errorf("corpus: %v", err)
		}
		r, closers = f, append(closers, f.Close)
	}
	br := bufio.NewReaderSize(r, 1<<16)
	head, _ := br.Peek(2)
	if strings.HasSuffix(p, ".gz") || bytes.Equal(head, []byte{0x1f, 0x8b}) {
		z, err := gzip.NewReader(br)
		if err != nil {
			for _, c := range closers {
				c()
			}
			return nil, nil, fmt.Errorf("corpus: %s: %v", name(p), err)
		}
		closers = append([]func() error{z.Close}, closers...)
		return z, func() error { return runAll(closers) }, nil
	}
	return br, func() error { return runAll(closers) }, nil
}

func runAll(fs []func() error) error {
	var first error
	for _, f := range fs {
		if err := f(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// scanLines calls fn with the text of each line of r, without its line
// ending, after checking that it is text. A line longer than size bytes
// (size ≥ utf8.UTFMax) comes in pieces of at most size bytes, cut where cut
// says; last is true for the final piece of a line. Errors name the
// physical line and the byte of it.
func scanLines(ctx context.Context, r io.Reader, name string, size int, fn func(piece []byte, last bool) error) error {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 1<<16)
	}
	var pend []byte // the start of a long line, not yet passed on
	line := 1       // the line number
	col := 0        // bytes of the line already passed on
	pass := func(piece []byte, last bool) error {
		// The first fault of the piece, as the first of the line: a piece
		// ends where its last character does.
		text := piece
		nul := bytes.IndexByte(piece, 0)
		if nul >= 0 {
			text = piece[:nul]
		}
		if !utf8.Valid(text) {
			at := 0
			for i := 0; i < len(text); {
				r, w := utf8.DecodeRune(text[i:])
				if r == utf8.RuneError && w == 1 {
					at = i
					break
				}
				i += w
			}
			return fmt.Errorf("corpus: %s line %d: invalid UTF-8 at byte %d of the line", name, line, col+at+1)
		}
		if nul >= 0 {
			return fmt.Errorf("corpus: %s line %d: NUL byte at column %d: binary data, not text", name, line, col+nul+1)
		}
		col += len(piece)
		return fn(piece, last)
	}
	for k := 1; ; k++ {
		if k&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		chunk, err := br.ReadSlice('\n')
		if err != nil && err != bufio.ErrBufferFull && err != io.EOF {
			return fmt.Errorf("corpus: %s line %d: %v", name, line, err)
		}
		eol := err != bufio.ErrBufferFull // chunk ends the line
		if err == io.EOF && len(chunk) == 0 && len(pend) == 0 && col == 0 {
			return nil
		}
		if eol {
			chunk = bytes.TrimSuffix(chunk, []byte("\n"))
		}
		text := chunk
		if len(pend) > 0 {
			pend = append(pend, chunk...)
			text = pend
		}
		if eol {
			text = bytes.TrimSuffix(text, []byte("\r"))
		}
		for len(text) > size {
			c := cut(text, size)
			if err := pass(text[:c], false); err != nil {
				return err
			}
			text = text[c:]
		}
		if !eol {
			pend = append(pend[:0], text...)
			continue
		}
		if err := pass(text, true); err != nil {
			return err
		}
		if err == io.EOF {
			return nil
		}
		pend, line, col = pend[:0], line+1, 0
	}
}

// cut returns where to end a piece of text, len(text) > size ≥ utf8.UTFMax:
// after the last character of text[:size] that separates tokens whatever
// surrounds it, so that tokenising the pieces gives the tokens of the
// whole; failing that (a run of size bytes without one), at the last
// character boundary.
func cut(text []byte, size int) int {
	for i := size; i > 0; {
		r, w := utf8.DecodeLastRune(text[:i])
		if separates(r) {
			return i
		}
		i -= w
	}
	for i := size; i > size-utf8.UTFMax; i-- {
		if utf8.RuneStart(text[i]) {
			return i
		}
	}
	return size
}

// separates reports whether r ends the token before it and starts none,
// whatever its neighbours, for every Tokenizer: it is neither part of a
// word nor one of the characters that may join two words (apostrophes) or
// two digits ('.' and ',').
func separates(r rune) bool {
	return r != utf8.RuneError && !isWord(r) && r != '\'' && r != '’' && r != '.' && r != ','
}
