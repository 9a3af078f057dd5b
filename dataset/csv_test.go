package dataset

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
	"testing"
)

func TestReadCSV(t *testing.T) {
	tests := []struct {
		name, in string
		opt      Options
		n, d     int
		x        string // fmt.Sprint(X)
		labels   string // fmt.Sprint(Labels), "" for nil
		keys     string
		columns  string
	}{
		{name: "plain.csv", in: "1,2,3\n4,5,6\n", n: 2, d: 3, x: "[1 2 3 4 5 6]"},
		{name: "noeol.csv", in: "1,2\n3,4", n: 2, d: 2, x: "[1 2 3 4]"},
		{name: "crlf.csv", in: "a,b\r\n1,2\r\n\r\n3,4\r\n", n: 2, d: 2, x: "[1 2 3 4]", columns: "[a b]"},
		{name: "blank.csv", in: "\n\n1,2\n\n3,4\n\n", n: 2, d: 2, x: "[1 2 3 4]"},
		{name: "header.csv", in: "x,y\n1,2\n", n: 1, d: 2, x: "[1 2]", columns: "[x y]"},
		{name: "bom.csv", in: "\ufeffx,y\n1,2\n", n: 1, d: 2, x: "[1 2]", columns: "[x y]"},
		{name: "spaces.csv", in: " x , y \n 1 , 2 \n", n: 1, d: 2, x: "[1 2]", columns: "[x y]"},
		{name: "quoted.csv", in: "\"x\",\"y\"\n\"1.5\",-2e3\n", n: 1, d: 2, x: "[1.5 -2000]", columns: "[x y]"},
		{name: "one.csv", in: "7\n", n: 1, d: 1, x: "[7]"},
		{name: "tab.tsv", in: "a\tb\n1\t2\n", n: 1, d: 2, x: "[1 2]", columns: "[a b]"},
		{name: "fmt", in: "1\t2\n", opt: Options{Format: "tsv"}, n: 1, d: 2, x: "[1 2]"},
		{name: "noheader.csv", in: "1,2\n3,4\n", opt: Options{Header: "no"}, n: 2, d: 2, x: "[1 2 3 4]"},
		{name: "yesheader.csv", in: "1,2\n3,4\n", opt: Options{Header: "yes"}, n: 1, d: 2, x: "[3 4]", columns: "[1 2]"},
		{
			name: "label-name.csv", in: "species,a,b\ncat,1,2\ndog,3,4\n", opt: Options{LabelColumn: "species"},
			n: 2, d: 2, x: "[1 2 3 4]", labels: "[cat dog]", columns: "[a b]",
		},
		{
			name: "label-index.csv", in: "1,2,cat\n3,4,dog\n", opt: Options{LabelColumn: "2"},
			n: 2, d: 2, x: "[1 2 3 4]", labels: "[cat dog]",
		},
		{
			// The label column alone is non-numeric in both rows: no header.
			name: "label-nohdr.csv", in: "cat,1,2\ndog,3,4\n", opt: Options{LabelColumn: "0"},
			n: 2, d: 2, x: "[1 2 3 4]", labels: "[cat dog]",
		},
		{
			name: "key-label.csv", in: "key,label,f0\nk1,3,0.5\nk2,4,0.25\n", opt: Options{KeyColumn: "key", LabelColumn: "label"},
			n: 2, d: 1, x: "[0.5 0.25]", labels: "[3 4]", keys: "[k1 k2]", columns: "[f0]",
		},
		{name: "float32.csv", in: "0.1,1e-45,3.4028234e38\n", n: 1, d: 3, x: "[0.1 1e-45 3.4028235e+38]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ReadCSV(strings.NewReader(tt.in), tt.name, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Check(); err != nil {
				t.Fatal(err)
			}
			if s.N != tt.n || s.D != tt.d || fmt.Sprint(s.X) != tt.x {
				t.Errorf("got N=%d D=%d X=%v, want N=%d D=%d X=%s", s.N, s.D, s.X, tt.n, tt.d, tt.x)
			}
			check := func(what string, got []string, want string) {
				if g := fmt.Sprint(got); got == nil && want != "" || got != nil && g != want {
					t.Errorf("%s = %#v, want %s", what, got, want)
				}
			}
			check("Labels", s.Labels, tt.labels)
			check("Keys", s.Keys, tt.keys)
			check("Columns", s.Columns, tt.columns)
			if s.Source != tt.name {
				t.Errorf("Source = %q", s.Source)
			}
		})
	}
}

func TestReadCSVErrors(t *testing.T) {
	tests := []struct {
		name, in string
		opt      Options
		err      string
	}{
		{"empty.csv", "", Options{}, "dataset: empty.csv: no data rows"},
		{"blank.csv", "\n\n", Options{}, "dataset: blank.csv: no data rows"},
		{"onlyheader.csv", "a,b\n", Options{}, "dataset: onlyheader.csv: no data rows"},
		{"onlyheader2.csv", "1,2\n", Options{Header: "yes"}, "dataset: onlyheader2.csv: no data rows"},
		{"train.csv", "1,2,3\n4,5,6\n\n7,8\n", Options{}, "dataset: train.csv line 4: want 3 values, got 2"},
		{"long.csv", "a,b\n1,2\n3,4,5\n", Options{}, "dataset: long.csv line 3: want 2 values, got 3"},
		{"hdr.csv", "a,b,c\n1,2\n", Options{}, "dataset: hdr.csv line 2: want 3 values, got 2"},
		{"x.csv", "1,2,3\n4,5,6\n7,8,9\n1,2,3\n1,abc,3\n", Options{}, `dataset: x.csv line 5 field 2 ("abc"): not a number`},
		{"empty-field.csv", "1,2\n3,\n", Options{}, `dataset: empty-field.csv line 2 field 2 (""): not a number`},
		{"x.csv", "1,2\n3,4\n5,6\n6,7\n1,2\n0,1\n3,NaN\n", Options{}, "dataset: x.csv line 7 field 2: NaN"},
		{"inf.csv", "1,2\n-inf,4\n", Options{}, "dataset: inf.csv line 2 field 1: -Inf"},
		{"big.csv", "1,2\n1e39,4\n", Options{}, `dataset: big.csv line 2 field 1 ("1e39"): out of float32 range`},
		{"quote.csv", "1,2\n\"3,4\n", Options{}, "dataset: quote.csv line 2: extraneous or missing \" in quoted-field"},
		{"nolabel.csv", "a,b\n1,2\n", Options{LabelColumn: "c"}, `dataset: nolabel.csv: no label column "c" in the header`},
		{"nohdr.csv", "1,2\n1,2\n", Options{LabelColumn: "c"}, `dataset: nohdr.csv: label column "c": the file has no header`},
		{"range.csv", "1,2\n1,2\n", Options{LabelColumn: "2"}, "dataset: range.csv: label column 2 out of range (2 columns)"},
		{"same.csv", "1,2\n1,2\n", Options{LabelColumn: "0", KeyColumn: "0"}, "dataset: same.csv: column 0 cannot be both key and label"},
		{"onlylabel.csv", "a\n1\n", Options{LabelColumn: "a"}, "dataset: onlylabel.csv: no feature columns"},
		{"opt.csv", "1\n", Options{Header: "maybe"}, `dataset: opt.csv: header option "maybe": want auto, yes or no`},
		{"text.csv", "a,b\nc,d\n", Options{}, `dataset: text.csv line 1 field 1 ("a"): not a number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ReadCSV(strings.NewReader(tt.in), tt.name, tt.opt)
			if err == nil {
				t.Fatalf("no error; got %+v", s)
			}
			if !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error %q\nwant   %q", err, tt.err)
			}
		})
	}
}

func TestReadCSVGzip(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("a,b\n1,2\n3,4\n"))
	zw.Close()
	s, err := ReadCSV(&buf, "x.csv.gz", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(s.X) != "[1 2 3 4]" {
		t.Errorf("X = %v", s.X)
	}
}

func TestWriteCSVRoundTrip(t *testing.T) {
	in := &Set{
		X:      []float32{0.1, -2.5e-8, 3.4028235e38, 1e-45, 0, -1},
		N:      2,
		D:      3,
		Keys:   []string{"a,1", `b"2`},
		Labels: []string{"x", "y z"},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, in); err != nil {
		t.Fatal(err)
	}
	want := "key,label,f0,f1,f2\n\"a,1\",x,0.1,-2.5e-08,3.4028235e+38\n\"b\"\"2\",y z,1e-45,0,-1\n"
	if buf.String() != want {
		t.Errorf("WriteCSV wrote\n%s\nwant\n%s", buf.String(), want)
	}
	out, err := ReadCSV(&buf, "out.csv", Options{KeyColumn: "key", LabelColumn: "label"})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(out.X, out.Keys, out.Labels) != fmt.Sprint(in.X, in.Keys, in.Labels) {
		t.Errorf("round trip: got %v %q %q", out.X, out.Keys, out.Labels)
	}
	for i := range in.X {
		if in.X[i] != out.X[i] {
			t.Errorf("X[%d] = %v, want %v", i, out.X[i], in.X[i])
		}
	}
	// Without keys or labels the header is only the feature names.
	buf.Reset()
	if err := WriteCSV(&buf, &Set{X: []float32{1, 2}, N: 1, D: 2, Columns: []string{"p", "q"}}); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "p,q\n1,2\n" {
		t.Errorf("got %q", buf.String())
	}
}

func TestReadCSVColumns(t *testing.T) {
	in := "id,a,b,c,label\nx,1,2,3,n\ny,4,5,6,a\n"
	s, err := ReadCSV(strings.NewReader(in), "t.csv", Options{Columns: "c,1", LabelColumn: "label", KeyColumn: "id"})
	if err != nil {
		t.Fatal(err)
	}
	if s.D != 2 || fmt.Sprint(s.X) != "[1 3 4 6]" || fmt.Sprint(s.Columns) != "[a c]" || s.Keys[1] != "y" {
		t.Errorf("set %+v", s)
	}
	if _, err := ReadCSV(strings.NewReader(in), "t.csv", Options{Columns: "zz"}); err == nil || !strings.Contains(err.Error(), `"zz"`) {
		t.Errorf("unknown column: %v", err)
	}
	if _, err := ReadCSV(strings.NewReader(in), "t.csv", Options{Columns: "label", LabelColumn: "label"}); err == nil {
		t.Error("label column accepted as a feature")
	}
}
