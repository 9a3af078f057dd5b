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

// Source is a text corpus: files read line by line, each line one sentence
// or paragraph. Nothing is read until Each is called, and Each streams, so
// a corpus larger than memory is fine.
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
	// Phrases, when set, joins the phrases it knows in every line
	// ("new york" → "new_york"); see LearnPhrases.
	Phrases *Phrases

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

// Each calls fn with the tokens of every line of every file, in order; the
// slice is reused after fn returns. Lines without tokens are skipped. A
// line with invalid UTF-8 or a NUL byte (a binary file) stops the pass with
// an error naming the file and the line; so does an error from fn or the
// context. A corpus without a single token is an error wrapping ErrEmpty.
func (s *Source) Each(ctx context.Context, fn func(tokens []string) error) error {
	var toks, joined []string
	return s.eachBytes(ctx, func(line []byte, buf *[]byte) (int, error) {
		toks = toks[:0]
		s.Tokenizer.each(line, buf, func(tok []byte) { toks = append(toks, string(tok)) })
		if len(toks) == 0 {
			return 0, nil
		}
		if s.Phrases != nil {
			joined = s.Phrases.Apply(joined[:0], toks)
			return len(joined), fn(joined)
		}
		return len(toks), fn(toks)
	})
}

// eachTokens is Each without the strings: tok gets each token of the line
// as bytes valid until it returns, and end is called once the line is done.
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
	n := 0
	count := func(b []byte) { n++; tok(b) }
	return s.eachBytes(ctx, func(line []byte, buf *[]byte) (int, error) {
		n = 0
		s.Tokenizer.each(line, buf, count)
		return n, end()
	})
}

// name is how errors call a path.
func name(p string) string {
	if p == "-" {
		return "stdin"
	}
	return p
}

// eachBytes validates and passes every line, and the tokenizer's buffer.
func (s *Source) eachBytes(ctx context.Context, fn func(line []byte, buf *[]byte) (int, error)) error {
	if len(s.Paths) == 0 {
		return errors.New("corpus: no input files")
	}
	var buf []byte
	any := false
	for _, p := range s.Paths {
		r, closer, err := s.open(p)
		if err != nil {
			return err
		}
		err = scanLines(ctx, r, name(p), func(line []byte) error {
			n, err := fn(line, &buf)
			if n > 0 {
				any = true
			}
			return err
		})
		s.stdinDone = err == nil
		cerr := closer()
		if err != nil {
			return err
		}
		if cerr != nil {
			return fmt.Errorf("corpus: %s: %v", name(p), cerr)
		}
	}
	if !any {
		return fmt.Errorf("corpus: %s: %w", strings.Join(names(s.Paths), ", "), ErrEmpty)
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

// scanLines calls fn with each line of r, without its line ending, after
// checking it is text.
func scanLines(ctx context.Context, r io.Reader, name string, fn func(line []byte) error) error {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 1<<16)
	}
	var long []byte
	for n := 1; ; n++ {
		if n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("corpus: %s line %d: %v", name, n, err)
		}
		if len(line) == 0 && err == io.EOF {
			return nil
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if i := bytes.IndexByte(line, 0); i >= 0 {
			return fmt.Errorf("corpus: %s line %d: NUL byte at column %d: binary data, not text", name, n, i+1)
		}
		if !utf8.Valid(line) {
			col := 1
			for i := 0; i < len(line); {
				r, w := utf8.DecodeRune(line[i:])
				if r == utf8.RuneError && w == 1 {
					col = i + 1
					break
				}
				i += w
			}
			return fmt.Errorf("corpus: %s line %d: invalid UTF-8 at byte %d of the line", name, n, col)
		}
		if err := fn(line); err != nil {
			return err
		}
		if err == io.EOF {
			return nil
		}
	}
}
