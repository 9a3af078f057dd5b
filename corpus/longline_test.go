package corpus

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// longWords are tokens, several of them multi-byte or holding the
// characters that join words ('’.,), that long-line tests draw from.
var longWords = []string{
	"the", "of", "and", "don't", "won’t", "3.14", "1,000", "naïve", "東京",
	"ΣΊΣΥΦΟΣ", "a\u0301b", "rock'n'roll", "x", "Москва", "café", "42",
}

// longSeps are what longText puts between words.
var longSeps = []string{" ", " ", " ", ", ", "—", "! ", "\t", " “", "” ", ". ", "…", " ("}

// longText returns the same n words twice: as many short lines, and as one
// line.
func longText(r *rand.Rand, n int) (lines, oneLine string) {
	var sb strings.Builder
	for i := range n {
		if i > 0 {
			if r.IntN(20) == 0 {
				sb.WriteString("\n")
			} else {
				sb.WriteString(longSeps[r.IntN(len(longSeps))])
			}
		}
		k := min(int(r.ExpFloat64()*4), len(longWords)-1)
		if r.IntN(3) == 0 {
			k = r.IntN(len(longWords))
		}
		sb.WriteString(longWords[k])
		if r.IntN(50) == 0 {
			fmt.Fprintf(&sb, " w%d", r.IntN(1000)) // rare words
		}
	}
	sb.WriteString("\n")
	lines = sb.String()
	return lines, strings.ReplaceAll(lines[:len(lines)-1], "\n", " ") + "\n"
}

// TestOneLineCorpus checks that a corpus without line breaks gives the
// vocabulary of the same text with line breaks, comes in sentences of
// MaxSentence tokens, and splits into parts of nearly equal size.
func TestOneLineCorpus(t *testing.T) {
	ctx := context.Background()
	lines, one := longText(rand.New(rand.NewPCG(11, 12)), 300_000)
	multi := &Source{Paths: []string{writeFile(t, "lines.txt", lines)}}
	src := &Source{Paths: []string{writeFile(t, "one.txt", one)}}
	if strings.Count(one, "\n") != 1 || len(one) < 4*maxPiece {
		t.Fatalf("test corpus: %d bytes, %d lines", len(one), strings.Count(one, "\n"))
	}

	want, err := BuildVocab(ctx, multi, VocabOptions{MinCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	v, err := BuildVocab(ctx, src, VocabOptions{MinCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(v.Words, want.Words) || !slices.Equal(v.Counts, want.Counts) || v.Tokens != want.Tokens || v.Distinct != want.Distinct {
		t.Fatalf("one line: %d words, %d tokens; with line breaks: %d words, %d tokens", v.Len(), v.Tokens, want.Len(), want.Tokens)
	}

	// The tokens are those of the lines, in sentences of MaxSentence.
	var all []string
	multi.Each(ctx, func(toks []string) error {
		all = append(all, toks...)
		return nil
	})
	var got []string
	var sentences int
	err = src.Each(ctx, func(toks []string) error {
		if len(got)+len(toks) < len(all) && len(toks) != MaxSentence {
			t.Fatalf("sentence %d has %d tokens, want %d", sentences, len(toks), MaxSentence)
		}
		sentences++
		got = append(got, toks...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, all) {
		t.Fatal("one line: tokens differ from those of the lines")
	}
	if n := (len(all) + MaxSentence - 1) / MaxSentence; sentences != n {
		t.Errorf("%d sentences, want %d", sentences, n)
	}

	e, err := Encode(ctx, src, v, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	wantIDs := v.Encode(nil, all)
	if e.Tokens() != int64(len(wantIDs)) {
		t.Fatalf("Tokens() = %d, want %d", e.Tokens(), len(wantIDs))
	}
	for _, n := range []int{2, 3, 4, 7} {
		var ids []int32
		for i := range n {
			p := e.Part(i, n)
			longest := 0
			if err := p.Each(ctx, func(s []int32) error {
				longest = max(longest, len(s))
				ids = append(ids, s...)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if longest > MaxSentence {
				t.Errorf("Part(%d, %d): a sentence of %d IDs", i, n, longest)
			}
			// Sentences hold MaxSentence tokens before out-of-vocabulary
			// words are dropped, so a cut is at most half a sentence off.
			if d := p.Tokens() - e.Tokens()/int64(n); d < -MaxSentence || d > MaxSentence {
				t.Errorf("Part(%d, %d) has %d of %d tokens", i, n, p.Tokens(), e.Tokens())
			}
		}
		if !slices.Equal(ids, wantIDs) {
			t.Errorf("%d parts do not make up the corpus", n)
		}
	}
}

// TestLongLinePieces reads long lines in tiny pieces and checks that the
// pieces give the tokens of the whole lines.
func TestLongLinePieces(t *testing.T) {
	ctx := context.Background()
	lines, _ := longText(rand.New(rand.NewPCG(13, 14)), 3000)
	lines = strings.ReplaceAll(lines, "\n", "\r\n") // CRLF, a CR may end a piece
	p := writeFile(t, "c.txt", lines)
	for _, tok := range []Tokenizer{{}, {KeepPunct: true}, {KeepCase: true, KeepPunct: true}} {
		var want [][]string
		for line := range strings.Lines(lines) {
			if toks := tok.Append(nil, strings.TrimRight(line, "\r\n")); len(toks) > 0 {
				want = append(want, toks)
			}
		}
		// The longest run of bytes without a separator: a word and a
		// '.' or ','.
		run := 0
		for _, w := range longWords {
			run = max(run, len(w)+1)
		}
		for _, size := range []int{run + 1, run + 2, 17, 31, 64, 1000} {
			src := &Source{Paths: []string{p}, Tokenizer: tok, piece: size}
			var got [][]string
			if err := src.Each(ctx, func(toks []string) error {
				got = append(got, slices.Clone(toks))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("%+v, pieces of %d bytes: the tokens differ from those of the lines", tok, size)
			}
		}
	}
}

// TestLongLineErrors checks that errors in long lines, read in pieces,
// name the physical line and the byte of it, and that a character cut by
// a piece boundary is no error.
func TestLongLineErrors(t *testing.T) {
	ctx := context.Background()
	long := strings.Repeat("née ", 5000) // 25,000 bytes, é is 2 bytes
	tests := []struct {
		text string
		want string // "" for no error
	}{
		{"ok\n" + long + "caf\xe9 x\nok\n", fmt.Sprintf("line 2: invalid UTF-8 at byte %d of the line", len(long)+4)},
		{"ok\nok\n" + long + "a\x00b\n", fmt.Sprintf("line 3: NUL byte at column %d", len(long)+2)},
		{long + "\n" + long + "\xff", fmt.Sprintf("line 2: invalid UTF-8 at byte %d of the line", len(long)+1)},
		{"\x80" + long, "line 1: invalid UTF-8 at byte 1 of the line"},
		{strings.Repeat("é", 30000) + "\n" + strings.Repeat("東", 20000), ""}, // no separator: cut at character boundaries
	}
	for _, tt := range tests {
		p := writeFile(t, "e.txt", tt.text)
		for _, size := range []int{utf8.UTFMax, 5, 7, 100, 0} {
			src := &Source{Paths: []string{p}, piece: size}
			longest := 0
			err := src.Each(ctx, func(toks []string) error {
				for _, tok := range toks {
					longest = max(longest, len(tok))
				}
				return nil
			})
			if tt.want == "" {
				if err != nil {
					t.Errorf("piece %d: %v", size, err)
				}
				if size > 0 && longest > size {
					t.Errorf("piece %d: a token of %d bytes", size, longest)
				}
				continue
			}
			if err == nil || !strings.Contains(err.Error(), "e.txt "+tt.want) {
				t.Errorf("piece %d: error %v, want %q", size, err, tt.want)
			}
		}
	}
}

// FuzzPieces checks that reading lines in small pieces gives the errors of
// reading them whole and, unless a run of bytes without a separator is too
// long for a piece, the same sentences.
func FuzzPieces(f *testing.F) {
	for _, s := range []string{"a b c\n", "Ünïcode don't 3.14, 1,000\r\nx", "x\x00y z", "caf\xe9 au lait", "’'’ -- 1,2,3,", "東京 Москва\n\nnaïve"} {
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, size uint8) {
		p := writeFile(t, "f.txt", string(data))
		read := func(piece int) ([][]string, error) {
			var out [][]string
			err := (&Source{Paths: []string{p}, piece: piece}).Each(context.Background(), func(toks []string) error {
				out = append(out, slices.Clone(toks))
				return nil
			})
			return out, err
		}
		piece := utf8.UTFMax + int(size%32)
		want, werr := read(0)
		got, err := read(piece)
		if fmt.Sprint(err) != fmt.Sprint(werr) {
			t.Fatalf("pieces of %d bytes: error %v, whole lines: %v", piece, err, werr)
		}
		run, longest := 0, 0
		for i := 0; i < len(data); {
			r, w := utf8.DecodeRune(data[i:])
			if r == '\n' || separates(r) && !(r == utf8.RuneError && w == 1) {
				run = 0
			} else {
				run += w
				longest = max(longest, run)
			}
			i += w
		}
		if longest < piece && !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("pieces of %d bytes: %q, whole lines: %q", piece, got, want)
		}
	})
}
