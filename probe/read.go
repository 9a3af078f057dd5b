package probe

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxDocument bounds the size of one document file, so that a stray large
// binary file is refused instead of read into memory.
const maxDocument = 16 << 20

// Tokenize splits a line of text into tokens, appending them to dst.
type Tokenize func(dst []string, line string) []string

// ReadDocuments reads labelled documents from path, which is either
//
//   - a folder whose sub-folders are the labels, each file in a sub-folder
//     one document (scripts/get-data.sh spam writes spam/ham/*.txt and
//     spam/spam/*.txt), files and sub-folders in sorted order; or
//   - a file of lines "label<TAB>text", one document per line.
//
// Every line of text is split by tok. Text must be valid UTF-8; an error
// names the file and line that is not.
func ReadDocuments(path string, tok Tokenize) ([]Document, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("probe: %w", err)
	}
	if !st.IsDir() {
		return readTSV(path, tok)
	}
	labels, err := os.ReadDir(path)
	if err != nil {
		return nil, fmt.Errorf("probe: %w", err)
	}
	var docs []Document
	for _, l := range labels {
		if !l.IsDir() {
			continue
		}
		dir := filepath.Join(path, l.Name())
		var files []string
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("probe: %w", err)
		}
		slices.Sort(files)
		for _, f := range files {
			toks, err := readDocument(f, tok)
			if err != nil {
				return nil, err
			}
			docs = append(docs, Document{Label: l.Name(), Tokens: toks})
		}
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("probe: %s: no documents (want one sub-folder per label holding one file per document)", path)
	}
	return docs, nil
}

// readDocument reads one file as one document.
func readDocument(path string, tok Tokenize) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("probe: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxDocument+1))
	if err != nil {
		return nil, fmt.Errorf("probe: %w", err)
	}
	if len(b) > maxDocument {
		return nil, fmt.Errorf("probe: %s: more than the %d bytes a document may have", path, maxDocument)
	}
	var toks []string
	for i, line := range strings.Split(string(b), "\n") {
		if err := checkText(line); err != nil {
			return nil, fmt.Errorf("probe: %s line %d: %v", path, i+1, err)
		}
		toks = tok(toks, line)
	}
	return toks, nil
}

// readTSV reads "label<TAB>text" lines.
func readTSV(path string, tok Tokenize) ([]Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("probe: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), maxDocument)
	var docs []Document
	blank := 0
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			blank++
			continue
		}
		if err := checkText(line); err != nil {
			return nil, fmt.Errorf("probe: %s line %d: %v", path, n, err)
		}
		label, text, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(label) == "" {
			return nil, fmt.Errorf("probe: %s line %d: want \"label<TAB>text\"", path, n)
		}
		docs = append(docs, Document{Label: strings.TrimSpace(label), Tokens: tok(nil, text)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("probe: %s line %d: %w", path, len(docs)+blank+1, err)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("probe: %s: no documents", path)
	}
	return docs, nil
}

// checkText rejects invalid UTF-8 and NUL bytes (a binary file).
func checkText(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("not valid UTF-8 text")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return fmt.Errorf("NUL byte (a binary file?)")
	}
	return nil
}
