package dataset

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Options says how to read a data set. The zero value reads by file
// extension with header detection and no labels.
type Options struct {
	// Format is "" to decide from the path — a directory is a PNG folder;
	// .csv, .tsv, .npy, .idx and .ubyte by extension, each optionally
	// followed by .gz; any other .gz is IDX (as MNIST is distributed);
	// otherwise the file's magic bytes — or one of "csv", "tsv", "npy",
	// "idx", "png".
	Format string
	// LabelColumn names a CSV column (by header name, or a 0-based index as
	// a decimal string) to set aside as Labels instead of features.
	LabelColumn string
	// KeyColumn names a CSV column to set aside as Keys, like LabelColumn.
	KeyColumn string
	// Columns, when set, lists the CSV feature columns to use (names or
	// 0-based indices, comma-separated); the other columns are ignored.
	Columns string
	// Header is "auto" (or "") to detect a CSV header row, "yes" or "no".
	Header string
	// Labels is an optional labels file: text with one label per line
	// (empty lines skipped), a 1-d IDX file (gzipped or not) or a 1-d NPY
	// array. It must hold exactly one label per sample.
	Labels string
}

// Load reads the data set at path (a file, or a folder of PNG images) as
// opt says, and attaches labels from opt.Labels.
func Load(path string, opt Options) (*Set, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	format := opt.Format
	if format == "" && fi.IsDir() {
		format = "png"
	}
	var s *Set
	if format == "png" {
		if opt.LabelColumn != "" || opt.KeyColumn != "" {
			return nil, fmt.Errorf("dataset: %s: label and key columns apply only to CSV", path)
		}
		if s, err = ReadPNGDir(path); err != nil {
			return nil, err
		}
	} else {
		if s, err = loadFile(path, format, opt); err != nil {
			return nil, err
		}
	}
	if opt.Labels != "" {
		if s.Labels != nil {
			return nil, fmt.Errorf("dataset: %s already has labels; drop the labels file %s", path, opt.Labels)
		}
		labels, err := ReadLabels(opt.Labels)
		if err != nil {
			return nil, err
		}
		if len(labels) != s.N {
			return nil, fmt.Errorf("dataset: %s: %d labels for %d samples in %s", opt.Labels, len(labels), s.N, path)
		}
		s.Labels = labels
	}
	return s, nil
}

func loadFile(path, format string, opt Options) (*Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	if format == "" {
		if format, err = sniffFormat(f, path); err != nil {
			return nil, err
		}
	}
	if format != "csv" && format != "tsv" && (opt.LabelColumn != "" || opt.KeyColumn != "") {
		return nil, fmt.Errorf("dataset: %s: label and key columns apply only to CSV; give a labels file instead", path)
	}
	switch format {
	case "csv", "tsv":
		opt.Format = format
		return ReadCSV(f, path, opt)
	case "npy":
		var magic [2]byte
		n, _ := io.ReadFull(f, magic[:])
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, fmt.Errorf("dataset: %w", err)
		}
		if n == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
			r, closeFn, err := gunzipMaybe(f, path)
			if err != nil {
				return nil, err
			}
			defer closeFn()
			return ReadNPY(r, path)
		}
		return ReadNPY(f, path)
	case "idx":
		return ReadIDX(f, path)
	}
	return nil, fmt.Errorf("dataset: %s: unknown format %q (want csv, tsv, npy, idx or png)", path, format)
}

// sniffFormat decides a file's format from its extension, or its first
// bytes when the extension says nothing, and leaves f at its start.
func sniffFormat(f *os.File, path string) (string, error) {
	lower := strings.ToLower(filepath.Base(path))
	gz := strings.HasSuffix(lower, ".gz")
	switch filepath.Ext(strings.TrimSuffix(lower, ".gz")) {
	case ".csv":
		return "csv", nil
	case ".tsv":
		return "tsv", nil
	case ".npy":
		return "npy", nil
	case ".idx", ".ubyte":
		return "idx", nil
	}
	if gz {
		return "idx", nil
	}
	var head [6]byte
	n, _ := io.ReadFull(f, head[:])
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", fmt.Errorf("dataset: %w", err)
	}
	switch {
	case n == 6 && string(head[:]) == npyMagic:
		return "npy", nil
	case n >= 4 && head[0] == 0 && head[1] == 0 && head[3] > 0:
		return "idx", nil
	}
	return "", fmt.Errorf("dataset: %s: cannot tell the format from the name; give it (csv, tsv, npy, idx or png)", path)
}

// ReadLabels reads a labels file: a 1-d NPY array, a 1-d IDX file (gzipped
// or not), or otherwise text with one label per line, surrounding space
// trimmed and empty lines skipped. Numeric labels are returned in decimal.
func ReadLabels(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	var head [6]byte
	n, _ := io.ReadFull(f, head[:])
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	var a *array
	switch {
	case n == 6 && string(head[:]) == npyMagic:
		a, err = readNPYArray(f, path)
	case n >= 2 && head[0] == 0x1f && head[1] == 0x8b, n >= 4 && head[0] == 0 && head[1] == 0 && head[3] > 0:
		a, err = readIDXArray(f, path)
	default:
		return readTextLabels(f, path)
	}
	if err != nil {
		return nil, err
	}
	return a.labels()
}

func readTextLabels(r io.Reader, path string) ([]string, error) {
	var labels []string
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\ufeff"))
		}
		if b = bytes.TrimSpace(b); len(b) > 0 {
			labels = append(labels, string(b))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("dataset: %s line %d: %v", path, line+1, err)
	}
	if len(labels) == 0 {
		return nil, fmt.Errorf("dataset: %s: no labels", path)
	}
	return labels, nil
}
