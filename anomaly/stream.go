package anomaly

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Rule decides which scored records are flagged.
type Rule struct {
	// Alpha flags records whose conformal p-value is at most Alpha.
	Alpha float64
	// Threshold flags records whose score exceeds it, when Alpha is 0.
	Threshold float64
}

// Flag reports whether a record with score s and p-value p is flagged.
func (r Rule) Flag(s, p float64) bool {
	if r.Alpha > 0 {
		return p <= r.Alpha
	}
	return s > r.Threshold
}

// StreamOptions configure Stream.
type StreamOptions struct {
	Rule Rule
	// Cal gives p-values; nil omits them (then Rule must use Threshold).
	Cal *Calibrator
	// NDJSON reads and writes one JSON value per line instead of CSV.
	NDJSON bool
	// Explain adds the N features with the largest terms to flagged records.
	Explain int
	// Names are feature names for explanations and NDJSON objects.
	Names []string
	// Strict stops at the first bad line instead of reporting it and going on.
	Strict bool
	// Batch is the most records scored at once (default 256); lines are
	// scored as soon as no more input is waiting, so output keeps up with a
	// live stream.
	Batch int
}

// StreamStats counts what Stream did.
type StreamStats struct {
	Records, Flagged, Bad int
}

// Stream reads records from r, one per line (CSV: Input numbers, an optional
// header first; NDJSON: an array of numbers, or an object with a "features"
// array or with the feature names as keys), and writes one line per record
// to w: its line number, score, p-value and flag, and explanations for
// flagged records. A bad line produces an error line on errw naming its line
// number, and scoring goes on unless Strict. Memory stays bounded whatever
// the stream's length.
func (s *Scorer) Stream(ctx context.Context, r io.Reader, w, errw io.Writer, o StreamOptions) (StreamStats, error) {
	if o.Batch <= 0 {
		o.Batch = 256
	}
	d := s.m.Config.Input
	br := bufio.NewReaderSize(r, 1<<16)
	bw := bufio.NewWriterSize(w, 1<<16)
	defer bw.Flush()
	var st StreamStats
	x := make([]float32, 0, o.Batch*d)
	lines := make([]int, 0, o.Batch)
	terms := make([]float32, o.Batch*d)
	var out []byte
	lineNo := 0
	header := !o.NDJSON // a CSV stream may start with a header line
	names := map[string]int{}
	for i, n := range o.Names {
		names[n] = i
	}
	flush := func() error {
		if len(lines) == 0 {
			return nil
		}
		scores := s.ScoreRaw(x, len(lines), terms)
		for i, sc := range scores {
			p := math.NaN()
			if o.Cal != nil {
				p = o.Cal.PValue(sc)
			}
			flag := o.Rule.Flag(sc, p)
			if flag {
				st.Flagged++
			}
			var ex []Feature
			if flag && o.Explain > 0 {
				ex = Explain(terms[i*d:(i+1)*d], o.Explain, o.Names)
			}
			out = appendRecord(out[:0], o.NDJSON, lines[i], sc, p, flag, ex)
			if _, err := bw.Write(out); err != nil {
				return err
			}
		}
		st.Records += len(lines)
		x, lines = x[:0], lines[:0]
		return bw.Flush()
	}
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// A line longer than the buffer: gather it whole.
			rest, err2 := br.ReadBytes('\n')
			line, err = append(append([]byte(nil), line...), rest...), err2
		}
		if len(line) > 0 {
			lineNo++
			body := bytes.TrimSpace(line)
			if len(body) == 0 {
				// skip blank lines
			} else if header && lineNo == 1 && !startsNumeric(body) {
				// a CSV header line
			} else {
				n0 := len(x)
				var perr error
				if o.NDJSON {
					x, perr = parseJSONRecord(x, body, d, names)
				} else {
					x, perr = parseCSVRecord(x, body, d)
				}
				if perr != nil {
					x = x[:n0]
					st.Bad++
					fmt.Fprintf(errw, "line %d: %v\n", lineNo, perr)
					if o.Strict {
						flush()
						return st, fmt.Errorf("line %d: %v", lineNo, perr)
					}
				} else {
					lines = append(lines, lineNo)
				}
			}
		}
		if err == io.EOF {
			return st, flush()
		}
		if err != nil {
			flush()
			return st, err
		}
		if len(lines) == o.Batch || br.Buffered() == 0 {
			if e := ctx.Err(); e != nil {
				return st, e
			}
			if e := flush(); e != nil {
				return st, e
			}
		}
	}
}

func startsNumeric(b []byte) bool {
	c := b[0]
	return c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')
}

// parseCSVRecord appends the d comma-separated numbers of line to x.
func parseCSVRecord(x []float32, line []byte, d int) ([]float32, error) {
	n := 0
	for field := range bytes.SplitSeq(line, []byte{','}) {
		n++
		if n > d {
			continue
		}
		v, err := parseNumber(bytes.TrimSpace(field), n)
		if err != nil {
			return x, err
		}
		x = append(x, v)
	}
	if n != d {
		return x, fmt.Errorf("want %d values, got %d", d, n)
	}
	return x, nil
}

func parseNumber(f []byte, field int) (float32, error) {
	v, err := strconv.ParseFloat(string(f), 32)
	if err != nil {
		return 0, fmt.Errorf("field %d (%q): not a number", field, f)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("field %d: %v", field, v)
	}
	return float32(v), nil
}

// parseJSONRecord appends the record of one NDJSON line to x.
func parseJSONRecord(x []float32, line []byte, d int, names map[string]int) ([]float32, error) {
	var arr []float64
	if line[0] == '[' {
		if err := json.Unmarshal(line, &arr); err != nil {
			return x, fmt.Errorf("bad JSON: %v", err)
		}
	} else {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(line, &obj); err != nil {
			return x, fmt.Errorf("bad JSON: %v", err)
		}
		if f, ok := obj["features"]; ok {
			if err := json.Unmarshal(f, &arr); err != nil {
				return x, fmt.Errorf(`"features": %v`, err)
			}
		} else {
			if len(names) == 0 {
				return x, fmt.Errorf(`want an array of numbers or an object with a "features" array (the model has no feature names)`)
			}
			arr = make([]float64, d)
			for name, j := range names {
				raw, ok := obj[name]
				if !ok {
					return x, fmt.Errorf("missing field %q", name)
				}
				if err := json.Unmarshal(raw, &arr[j]); err != nil {
					return x, fmt.Errorf("field %q: not a number", name)
				}
			}
		}
	}
	if len(arr) != d {
		return x, fmt.Errorf("want %d values, got %d", d, len(arr))
	}
	for j, v := range arr {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > math.MaxFloat32 {
			return x, fmt.Errorf("value %d: %v", j+1, v)
		}
		x = append(x, float32(v))
	}
	return x, nil
}

// appendRecord formats one output line.
func appendRecord(b []byte, ndjson bool, line int, score, p float64, flag bool, ex []Feature) []byte {
	num := func(b []byte, v float64) []byte {
		if math.IsNaN(v) {
			if ndjson {
				return append(b, "null"...)
			}
			return b
		}
		return strconv.AppendFloat(b, v, 'g', 6, 64)
	}
	if ndjson {
		b = append(b, `{"line":`...)
		b = strconv.AppendInt(b, int64(line), 10)
		b = append(b, `,"score":`...)
		b = num(b, score)
		b = append(b, `,"p_value":`...)
		b = num(b, p)
		b = append(b, `,"anomaly":`...)
		b = strconv.AppendBool(b, flag)
		if len(ex) > 0 {
			b = append(b, `,"explain":[`...)
			for i, f := range ex {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"feature":`...)
				b = strconv.AppendQuote(b, f.label())
				b = append(b, `,"share":`...)
				b = strconv.AppendFloat(b, f.Share, 'g', 4, 64)
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		return append(b, "}\n"...)
	}
	b = strconv.AppendInt(b, int64(line), 10)
	b = append(b, ',')
	b = num(b, score)
	b = append(b, ',')
	b = num(b, p)
	b = append(b, ',')
	b = strconv.AppendBool(b, flag)
	b = append(b, ',')
	for i, f := range ex {
		if i > 0 {
			b = append(b, ';')
		}
		b = append(b, f.label()...)
		b = append(b, ':')
		b = strconv.AppendFloat(b, f.Share, 'g', 4, 64)
	}
	return append(b, '\n')
}

// label is the feature's name, or f<index> without one.
func (f Feature) label() string {
	if f.Name != "" {
		return f.Name
	}
	return "f" + strconv.Itoa(f.Index)
}

// CSVHeader is the header line of Stream's CSV output.
const CSVHeader = "line,score,p_value,anomaly,explain\n"
