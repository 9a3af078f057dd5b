package dataset

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	hdr := "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }"
	files := map[string][]byte{
		"a.csv":        []byte("p,q\n1,2\n3,4\n"),
		"a.tsv":        []byte("1\t2\n3\t4\n"),
		"a.CSV.gz":     gz([]byte("1,2\n3,4\n")),
		"a.npy":        npy(1, hdr, f4bytes(1, 2, 3, 4)),
		"a.npy.gz":     gz(npy(1, hdr, f4bytes(1, 2, 3, 4))),
		"a.idx":        idx(0x08, []uint32{2, 2}, []byte{1, 2, 3, 4}),
		"a-idx2-ubyte": idx(0x08, []uint32{2, 2}, []byte{1, 2, 3, 4}),
		"a-ubyte.gz":   gz(idx(0x08, []uint32{2, 2}, []byte{1, 2, 3, 4})),
		"a.ubyte":      idx(0x08, []uint32{2, 2}, []byte{1, 2, 3, 4}),
		"npy.data":     npy(1, hdr, f4bytes(1, 2, 3, 4)),
		"idx.data":     idx(0x08, []uint32{2, 2}, []byte{1, 2, 3, 4}),
		"a.txt":        []byte("1,2\n3,4\n"),
	}
	for name, b := range files {
		write(t, dir, name, b)
	}
	for name := range files {
		t.Run(name, func(t *testing.T) {
			opt := Options{}
			if name == "a.txt" {
				opt.Format = "csv"
			}
			p := filepath.Join(dir, name)
			s, err := Load(p, opt)
			if err != nil {
				t.Fatal(err)
			}
			if s.N != 2 || s.D != 2 || fmt.Sprint(s.X) != "[1 2 3 4]" || s.Source != p {
				t.Errorf("got %d×%d %v from %s", s.N, s.D, s.X, s.Source)
			}
		})
	}

	// A directory is a PNG folder.
	png := filepath.Join(dir, "png")
	writePNG(t, png, "x/a.png", gray(2, 2, 0))
	s, err := Load(png, Options{})
	if err != nil || s.N != 1 || fmt.Sprint(s.Labels) != "[x]" {
		t.Errorf("Load(png): %v %v", s, err)
	}
}

func TestLoadLabels(t *testing.T) {
	dir := t.TempDir()
	data := write(t, dir, "data.csv", []byte("1,2\n3,4\n5,6\n"))
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"labels.txt", []byte("\ufeffcat\r\n dog \n\nbird fish\n\n"), "[cat dog bird fish]"},
		{"labels.npy", npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", []byte{
			7, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1, 0, 0, 0, 0, 0, 0}), "[7 -1 256]"},
		{"labels.idx", idx(0x08, []uint32{3}, []byte{5, 0, 9}), "[5 0 9]"},
		{"labels-ubyte.gz", gz(idx(0x08, []uint32{3}, []byte{5, 0, 9})), "[5 0 9]"},
		{"labels2.npy", npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 1), }", f4bytes(0.5, 1, 2)), "[0.5 1 2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write(t, dir, tt.name, tt.file)
			got, err := ReadLabels(p)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != tt.want {
				t.Errorf("ReadLabels = %q, want %s", got, tt.want)
			}
			if len(got) != 3 {
				return
			}
			s, err := Load(data, Options{Labels: p})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(s.Labels) != tt.want {
				t.Errorf("Labels = %q, want %s", s.Labels, tt.want)
			}
		})
	}
	// Also the numpy-written label files.
	got, err := ReadLabels("testdata/i8_labels.npy")
	if err != nil || len(got) != 5 {
		t.Errorf("i8_labels.npy: %v %v", got, err)
	}
	ref := readReferences(t)["i4_labels.npy"]
	got, err = ReadLabels("testdata/i4_labels.npy")
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range ref.Values {
		if got[i] != fmt.Sprint(int(v)) {
			t.Errorf("i4 label %d = %q, want %v", i, got[i], v)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	data := write(t, dir, "data.csv", []byte("1,2\n3,4\n5,6\n"))
	labelled := write(t, dir, "labelled.csv", []byte("1,2\n3,4\n5,6\n"))
	two := write(t, dir, "two.txt", []byte("a\nb\n"))
	blank := write(t, dir, "blank.txt", []byte("\n \n"))
	matrix := write(t, dir, "m.npy", npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3, 2), }", make([]byte, 48)))
	npyFile := write(t, dir, "x.npy", npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", f4bytes(1)))
	unknown := write(t, dir, "x.dat", []byte("1,2\n"))
	png := filepath.Join(dir, "png")
	writePNG(t, png, "x/a.png", gray(2, 2, 0))
	tests := []struct {
		path string
		opt  Options
		err  string
	}{
		{data, Options{Labels: two}, fmt.Sprintf("dataset: %s: 2 labels for 3 samples in %s", two, data)},
		{data, Options{Labels: blank}, fmt.Sprintf("dataset: %s: no labels", blank)},
		{data, Options{Labels: matrix}, "labels must be a 1-d array, got shape [3 2]"},
		{data, Options{Labels: filepath.Join(dir, "none.txt")}, "no such file"},
		{labelled, Options{LabelColumn: "0", Labels: two}, "already has labels"},
		{png, Options{Labels: two}, "already has labels"},
		{png, Options{LabelColumn: "x"}, "label and key columns apply only to CSV"},
		{npyFile, Options{LabelColumn: "0"}, fmt.Sprintf("dataset: %s: label and key columns apply only to CSV", npyFile)},
		{unknown, Options{}, fmt.Sprintf("dataset: %s: cannot tell the format from the name", unknown)},
		{data, Options{Format: "parquet"}, `unknown format "parquet"`},
		{filepath.Join(dir, "missing.csv"), Options{}, "no such file"},
		{data, Options{Format: "npy"}, "not an NPY file"},
	}
	for _, tt := range tests {
		_, err := Load(tt.path, tt.opt)
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("Load(%s, %+v): error %v\nwant %q", tt.path, tt.opt, err, tt.err)
		}
	}
}
