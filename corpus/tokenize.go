package corpus

import (
	"unicode"
	"unicode/utf8"
)

// Tokenizer splits a line of text into word tokens. Its zero value is the
// tokenisation latent trains on by default:
//
//   - letters are lower-cased rune by rune with Unicode's simple case
//     mapping (unicode.ToLower), so "Ünïcode" becomes "ünïcode";
//   - letters, digits and combining marks make up words; everything else
//     (white space, punctuation, symbols, dashes, control characters) ends
//     a word, and punctuation and symbols are dropped;
//   - an apostrophe (ASCII ' or the typographic ’, written as ') between two
//     word characters stays inside the word: "don't", "o'clock", while
//     quotes around a word ('tis, 'quoted') are dropped;
//   - a '.' or ',' between two digits stays inside the number: "3.14",
//     "1,000"; numbers are tokens like words.
//
// Hyphens split words ("well-known" is "well" and "known") so that the
// parts share their vectors with the free-standing words.
type Tokenizer struct {
	// KeepCase keeps letters as written instead of lower-casing them.
	KeepCase bool
	// KeepPunct keeps each punctuation or symbol character as a token of
	// its own instead of dropping it.
	KeepPunct bool
}

// Append appends the tokens of line to dst and returns the extended slice.
func (t Tokenizer) Append(dst []string, line string) []string {
	var buf []byte
	t.each([]byte(line), &buf, func(tok []byte) {
		dst = append(dst, string(tok))
	})
	return dst
}

// isWord reports whether r belongs inside a word.
func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func isDigit(r rune) bool {
	if r < utf8.RuneSelf {
		return '0' <= r && r <= '9'
	}
	return unicode.IsDigit(r)
}

// isPunct reports whether r is kept as a token with KeepPunct.
func isPunct(r rune) bool {
	if r < utf8.RuneSelf {
		return r > ' ' && r < utf8.RuneSelf-1 && !isWord(r)
	}
	return unicode.IsPunct(r) || unicode.IsSymbol(r)
}

// decode returns the rune at line[i] and its width (RuneError, 1 for
// invalid bytes, which callers have already rejected).
func decode(line []byte, i int) (rune, int) {
	if c := line[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRune(line[i:])
}

// each calls fn with every token of line; the slice passed to fn is only
// valid during the call (it lives in *buf, reused between calls). It is the
// allocation-free path the vocabulary and encoding passes use.
func (t Tokenizer) each(line []byte, buf *[]byte, fn func(tok []byte)) {
	b := (*buf)[:0]
	flush := func() {
		if len(b) > 0 {
			fn(b)
			b = b[:0]
		}
	}
	for i := 0; i < len(line); {
		r, w := decode(line, i)
		switch {
		case isWord(r):
			if !t.KeepCase {
				if 'A' <= r && r <= 'Z' {
					r += 'a' - 'A'
				} else if r >= utf8.RuneSelf {
					r = unicode.ToLower(r)
				}
			}
			b = utf8.AppendRune(b, r)
		case len(b) > 0 && (r == '\'' || r == '’') && i+w < len(line) && nextIsWord(line, i+w):
			b = append(b, '\'')
		case len(b) > 0 && (r == '.' || r == ',') && i+w < len(line) && lastIsDigit(b) && nextIsDigit(line, i+w):
			b = append(b, byte(r))
		default:
			flush()
			if t.KeepPunct && isPunct(r) {
				b = utf8.AppendRune(b, r)
				flush()
			}
		}
		i += w
	}
	flush()
	*buf = b
}

func nextIsWord(line []byte, i int) bool {
	r, _ := decode(line, i)
	return isWord(r)
}

func nextIsDigit(line []byte, i int) bool {
	r, _ := decode(line, i)
	return isDigit(r)
}

func lastIsDigit(b []byte) bool {
	r, _ := utf8.DecodeLastRune(b)
	return isDigit(r)
}
