package dataset

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ReadCSV reads a table of numbers, one sample per line. The delimiter is a
// comma, or a tab when opt.Format is "tsv" or name ends in .tsv (or
// .tsv.gz); gzipped input is detected by its magic bytes. Fields may be
// quoted as in RFC 4180; empty lines are skipped.
//
// With opt.Header "auto" (or ""), the first row is a header when one of its
// fields is not a number while the same field of the second row is. A
// header's names go to Columns. opt.LabelColumn and opt.KeyColumn name a
// column (or give its 0-based index) to set aside as Labels or Keys; those
// columns may hold any text. Every other field must be a finite float32.
//
// Errors name the line and the 1-based field:
//
//	dataset: train.csv line 12: want 64 values, got 63
//	dataset: train.csv line 5 field 3 ("abc"): not a number
func ReadCSV(r io.Reader, name string, opt Options) (*Set, error) {
	r, closeFn, err := gunzipMaybe(r, name)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	cr := csv.NewReader(r)
	base := strings.TrimSuffix(strings.ToLower(name), ".gz")
	if opt.Format == "tsv" || filepath.Ext(base) == ".tsv" {
		cr.Comma = '\t'
	} else {
		cr.TrimLeadingSpace = true // allows `1, "a b", 2`
	}
	cr.FieldsPerRecord = -1 // ragged rows get our own error message
	cr.ReuseRecord = true

	read := func() ([]string, int, error) {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil, 0, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, 0, fmt.Errorf("dataset: %s line %d: %v", name, pe.Line, pe.Err)
			}
			return nil, 0, fmt.Errorf("dataset: %s: %v", name, err)
		}
		line, _ := cr.FieldPos(0)
		return rec, line, nil // valid until the next read
	}

	first, line1, err := read()
	if err != nil {
		return nil, err
	}
	if first == nil {
		return nil, fmt.Errorf("dataset: %s: no data rows", name)
	}
	first = slices.Clone(first)
	first[0] = strings.TrimPrefix(first[0], "\ufeff") // a UTF-8 byte order mark
	var second []string
	var line2 int
	header := false
	switch opt.Header {
	case "yes":
		header = true
	case "no":
	case "", "auto":
		if second, line2, err = read(); err != nil {
			return nil, err
		}
		second = slices.Clone(second)
		for j, f := range first {
			if !isNumber(f) && (second == nil || j < len(second) && isNumber(second[j])) {
				header = true
				break
			}
		}
	default:
		return nil, fmt.Errorf("dataset: %s: header option %q: want auto, yes or no", name, opt.Header)
	}

	ncol := len(first)
	labelCol, err := findColumn(name, "label", opt.LabelColumn, first, header)
	if err != nil {
		return nil, err
	}
	keyCol, err := findColumn(name, "key", opt.KeyColumn, first, header)
	if err != nil {
		return nil, err
	}
	if labelCol >= 0 && labelCol == keyCol {
		return nil, fmt.Errorf("dataset: %s: column %d cannot be both key and label", name, labelCol)
	}
	use := make([]bool, ncol) // the feature columns
	if opt.Columns == "" {
		for j := range use {
			use[j] = j != labelCol && j != keyCol
		}
	} else {
		for _, spec := range strings.Split(opt.Columns, ",") {
			j, err := findColumn(name, "feature", strings.TrimSpace(spec), first, header)
			if err != nil {
				return nil, err
			}
			if j == labelCol || j == keyCol {
				return nil, fmt.Errorf("dataset: %s: column %q is the label or key column", name, spec)
			}
			use[j] = true
		}
	}
	d := 0
	for _, u := range use {
		if u {
			d++
		}
	}
	if d == 0 {
		return nil, fmt.Errorf("dataset: %s: no feature columns", name)
	}
	s := &Set{D: d, Source: name}
	if labelCol >= 0 {
		s.Labels = []string{}
	}
	if keyCol >= 0 {
		s.Keys = []string{}
	}
	if header {
		for j, f := range first {
			if use[j] {
				s.Columns = append(s.Columns, strings.TrimSpace(f))
			}
		}
	}

	addRow := func(rec []string, line int) error {
		if len(rec) != ncol {
			return fmt.Errorf("dataset: %s line %d: want %d values, got %d", name, line, ncol, len(rec))
		}
		for j, f := range rec {
			switch j {
			case labelCol:
				s.Labels = append(s.Labels, strings.TrimSpace(f))
				continue
			case keyCol:
				s.Keys = append(s.Keys, strings.TrimSpace(f))
				continue
			}
			if !use[j] {
				continue
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 32)
			switch {
			case errors.Is(err, strconv.ErrRange):
				return fmt.Errorf("dataset: %s line %d field %d (%q): out of float32 range", name, line, j+1, f)
			case err != nil:
				return fmt.Errorf("dataset: %s line %d field %d (%q): not a number", name, line, j+1, f)
			case math.IsNaN(v):
				return fmt.Errorf("dataset: %s line %d field %d: NaN", name, line, j+1)
			case math.IsInf(v, 0):
				return fmt.Errorf("dataset: %s line %d field %d: %s", name, line, j+1, strconv.FormatFloat(v, 'g', -1, 32))
			}
			s.X = append(s.X, float32(v))
		}
		s.N++
		return nil
	}

	if !header {
		if err := addRow(first, line1); err != nil {
			return nil, err
		}
	}
	if second != nil {
		if err := addRow(second, line2); err != nil {
			return nil, err
		}
	}
	if opt.Header == "yes" || opt.Header == "no" || second != nil {
		for {
			rec, line, err := read()
			if err != nil {
				return nil, err
			}
			if rec == nil {
				break
			}
			if err := addRow(rec, line); err != nil {
				return nil, err
			}
		}
	}
	if s.N == 0 {
		return nil, fmt.Errorf("dataset: %s: no data rows", name)
	}
	return s, nil
}

// isNumber reports whether a CSV field parses as a float (NaN and Inf
// included: they are numbers, only rejected later).
func isNumber(f string) bool {
	_, err := strconv.ParseFloat(strings.TrimSpace(f), 32)
	return err == nil || errors.Is(err, strconv.ErrRange)
}

// findColumn resolves a column given by header name or 0-based index; -1 if
// spec is empty.
func findColumn(name, what, spec string, first []string, header bool) (int, error) {
	if spec == "" {
		return -1, nil
	}
	if header {
		for j, f := range first {
			if strings.TrimSpace(f) == spec {
				return j, nil
			}
		}
	}
	j, err := strconv.Atoi(spec)
	switch {
	case err != nil && header:
		return 0, fmt.Errorf("dataset: %s: no %s column %q in the header", name, what, spec)
	case err != nil:
		return 0, fmt.Errorf("dataset: %s: %s column %q: the file has no header, give a 0-based column index", name, what, spec)
	case j < 0 || j >= len(first):
		return 0, fmt.Errorf("dataset: %s: %s column %d out of range (%d columns)", name, what, j, len(first))
	}
	return j, nil
}

// gunzipMaybe returns r, decompressed if it starts with the gzip magic.
func gunzipMaybe(r io.Reader, name string) (io.Reader, func(), error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, _ := br.Peek(2); len(b) == 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("dataset: %s: %v", name, err)
		}
		return zr, func() { zr.Close() }, nil
	}
	return br, func() {}, nil
}

// WriteCSV writes s as CSV with a header row: "key" if s has keys, "label"
// if it has labels, then the feature names (Columns, or f0..fD-1). Values
// are written in the shortest form that reads back as the same float32, so
// ReadCSV(…, Options{KeyColumn: "key", LabelColumn: "label"}) round-trips.
func WriteCSV(w io.Writer, s *Set) error {
	if len(s.X) != s.N*s.D {
		panic(fmt.Sprintf("dataset: WriteCSV: len(X) = %d, want %d*%d", len(s.X), s.N, s.D))
	}
	cw := csv.NewWriter(w)
	var rec []string
	if s.Keys != nil {
		rec = append(rec, "key")
	}
	if s.Labels != nil {
		rec = append(rec, "label")
	}
	for j := range s.D {
		if s.Columns != nil {
			rec = append(rec, s.Columns[j])
		} else {
			rec = append(rec, "f"+strconv.Itoa(j))
		}
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	var num []byte
	for i := range s.N {
		rec = rec[:0]
		if s.Keys != nil {
			rec = append(rec, s.Keys[i])
		}
		if s.Labels != nil {
			rec = append(rec, s.Labels[i])
		}
		for _, v := range s.Row(i) {
			num = strconv.AppendFloat(num[:0], float64(v), 'g', -1, 32)
			rec = append(rec, string(num))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
