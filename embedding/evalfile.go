package embedding

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Pair is one human similarity judgement: two words and their score.
type Pair struct {
	A, B  string
	Score float64
	// Line is the pair's line in its file (1-based), for messages.
	Line int
}

// Question is one analogy question "A is to B as C is to D": given A, B
// and C, the answer should be D.
type Question struct {
	A, B, C, D string
	Line       int
}

// Section is a named group of analogy questions (": capital-world").
type Section struct {
	Name      string
	Line      int
	Questions []Question
}

// LoadPairs reads a word-similarity file; see ReadPairs. Files whose name
// ends in .gz are decompressed.
func LoadPairs(path string) ([]Pair, error) {
	var pairs []Pair
	err := readFile(path, func(r io.Reader, name string) (err error) {
		pairs, err = ReadPairs(r, name)
		return err
	})
	return pairs, err
}

// LoadAnalogies reads an analogy file; see ReadAnalogies.
func LoadAnalogies(path string) ([]Section, error) {
	var secs []Section
	err := readFile(path, func(r io.Reader, name string) (err error) {
		secs, err = ReadAnalogies(r, name)
		return err
	})
	return secs, err
}

func readFile(path string, read func(io.Reader, string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("embedding: %w", err)
	}
	defer f.Close()
	name := filepath.Base(path)
	var r io.Reader = f
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("embedding: %s: %v", name, err)
		}
		defer zr.Close()
		r = zr
	}
	return read(r, name)
}

// scanLines calls f with each line (without its line ending) and its
// 1-based number. Lines must be valid UTF-8.
func scanLines(r io.Reader, name string, f func(line string, no int) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	no := 0
	for sc.Scan() {
		no++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if !utf8.ValidString(line) {
			return fmt.Errorf("embedding: %s line %d: not valid UTF-8 text", name, no)
		}
		if err := f(line, no); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("embedding: %s line %d: %v", name, no+1, err)
	}
	return nil
}

// splitFields splits a line at tabs when it has any (so that a header
// name may hold spaces), else at runs of spaces.
func splitFields(line string) []string {
	if !strings.Contains(line, "\t") {
		return strings.Fields(line)
	}
	f := strings.Split(line, "\t")
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	return f
}

// Header names ReadPairs recognises, compared in lower case without spaces.
var (
	word1Names = []string{"word1", "w1", "word_1"}
	word2Names = []string{"word2", "w2", "word_2"}
	scoreNames = []string{"simlex999", "human(mean)", "score", "similarity", "sim", "relatedness", "mean", "gold"}
)

// ReadPairs reads word pairs with human similarity scores. It reads
// gensim's format — "word1<TAB>word2<TAB>score" lines, lines starting with
// '#' ignored — which is how the WordSim-353 and SimLex-999 files in
// testdata/wordsim are written, and also the files as their authors
// publish them, whose first line is a header: WordSim-353's "Word 1, Word
// 2, Human (mean)" and SimLex-999's ten columns "word1 word2 POS SimLex999
// …", from which the word and score columns are taken by name. A first
// line is a header only when it names both word columns and a score
// column (Word 1 or word1, Word 2 or word2, and SimLex999, Human (mean),
// score, similarity or the like); any other first line is data, so a
// malformed first judgement ("a b high") is an error rather than a header
// silently dropped. Blank lines are skipped.
//
// Where gensim skips a line it cannot parse, ReadPairs stops with an error
// naming the file and the line: a judgement silently dropped changes the
// correlation without a trace.
func ReadPairs(r io.Reader, name string) ([]Pair, error) {
	var (
		pairs  []Pair
		cols   = [3]int{0, 1, 2}
		width  = 3 // fields a data line must have
		header = false
		first  = true
	)
	err := scanLines(r, name, func(line string, no int) error {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			return nil
		}
		f := splitFields(line)
		if first {
			first = false
			// A header is a first line whose third field is not a score
			// and whose columns have names: a three-field line without
			// them is a data line with a bad score ("a b high"), and an
			// error below, not a header to drop. A wider line cannot be a
			// data line, so it must name its columns.
			if len(f) >= 3 && !isNumber(f[2]) {
				c, err := headerColumns(f)
				switch {
				case err == nil:
					cols, width, header = c, len(f), true
					return nil
				case len(f) > 3:
					return fmt.Errorf("embedding: %s line %d: %v", name, no, err)
				}
			}
		}
		switch {
		case !header && len(f) != 3:
			return fmt.Errorf("embedding: %s line %d: want 3 fields (word, word, score), got %d", name, no, len(f))
		case header && len(f) != width:
			return fmt.Errorf("embedding: %s line %d: want %d fields as in the header, got %d", name, no, width, len(f))
		}
		a, b, s := f[cols[0]], f[cols[1]], f[cols[2]]
		if a == "" || b == "" {
			return fmt.Errorf("embedding: %s line %d: empty word", name, no)
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("embedding: %s line %d: score %q is not a number", name, no, s)
		}
		pairs = append(pairs, Pair{A: a, B: b, Score: v, Line: no})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(pairs) == 0 {
		return nil, fmt.Errorf("embedding: %s: no word pairs", name)
	}
	return pairs, nil
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// headerColumns finds the word and score columns of a header line by
// name; a header must name all three.
func headerColumns(f []string) ([3]int, error) {
	find := func(names []string) int {
		for i, h := range f {
			h = strings.ToLower(strings.ReplaceAll(h, " ", ""))
			for _, n := range names {
				if h == n {
					return i
				}
			}
		}
		return -1
	}
	c := [3]int{find(word1Names), find(word2Names), find(scoreNames)}
	switch {
	case c[0] < 0 || c[1] < 0:
		return c, fmt.Errorf("header %q has no word1 and word2 columns", strings.Join(f, " "))
	case c[2] < 0:
		return c, fmt.Errorf("header %q has no score column (want one named SimLex999, Human (mean), score or similarity)", strings.Join(f, " "))
	}
	return c, nil
}

// ReadAnalogies reads analogy questions in the format of the Google set
// (questions-words.txt): ": name" lines start sections, and each other line
// holds four words "a b c d" meaning a is to b as c is to d. Blank lines and
// lines starting with '#' are skipped. A question before the first section,
// or a line without exactly four words, is an error naming the file and the
// line (gensim skips such lines).
func ReadAnalogies(r io.Reader, name string) ([]Section, error) {
	var secs []Section
	n := 0
	err := scanLines(r, name, func(line string, no int) error {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			return nil
		}
		if strings.HasPrefix(line, ":") {
			// gensim: line.lstrip(': ').strip()
			secs = append(secs, Section{Name: strings.TrimSpace(strings.TrimLeft(line, ": ")), Line: no})
			return nil
		}
		f := strings.Fields(line)
		if len(f) != 4 {
			return fmt.Errorf("embedding: %s line %d: want 4 words (a b c d: a is to b as c is to d), got %d", name, no, len(f))
		}
		if len(secs) == 0 {
			return fmt.Errorf("embedding: %s line %d: question before the first \": section\" line", name, no)
		}
		s := &secs[len(secs)-1]
		s.Questions = append(s.Questions, Question{A: f[0], B: f[1], C: f[2], D: f[3], Line: no})
		n++
		return nil
	})
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("embedding: %s: no analogy questions", name)
	}
	return secs, nil
}
