package dataset

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writePNG writes img to dir/rel, creating folders.
func writePNG(t *testing.T, dir, rel string, img image.Image) {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// gray returns a w×h gray image whose pixel (x, y) is base+x+10*y.
func gray(w, h int, base uint8) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			g.SetGray(x, y, color.Gray{base + uint8(x+10*y)})
		}
	}
	return g
}

func TestReadPNGDirLabelled(t *testing.T) {
	dir := t.TempDir()
	writePNG(t, dir, "b/2.png", gray(3, 2, 100))
	writePNG(t, dir, "a/9.png", gray(3, 2, 0))
	writePNG(t, dir, "a/10.PNG", gray(3, 2, 50))
	writePNG(t, dir, ".hidden/1.png", gray(5, 5, 0))
	os.WriteFile(filepath.Join(dir, "a", "notes.txt"), []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(dir, "empty"), 0o755)

	s, err := ReadPNGDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	if s.N != 3 || s.D != 6 || fmt.Sprint(s.Shape) != "[2 3]" {
		t.Fatalf("N=%d D=%d Shape=%v", s.N, s.D, s.Shape)
	}
	if got := fmt.Sprint(s.Keys, s.Labels); got != "[a/10.PNG a/9.png b/2.png] [a a b]" {
		t.Errorf("keys, labels = %s", got)
	}
	if got := fmt.Sprint(s.Row(0), s.Row(2)); got != "[50 51 52 60 61 62] [100 101 102 110 111 112]" {
		t.Errorf("rows = %s", got)
	}
	if s.Source != dir {
		t.Errorf("Source = %q", s.Source)
	}
}

func TestReadPNGDirColour(t *testing.T) {
	dir := t.TempDir()
	rgb := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	rgb.SetNRGBA(0, 0, color.NRGBA{10, 20, 30, 255})
	rgb.SetNRGBA(1, 0, color.NRGBA{200, 100, 50, 255})
	writePNG(t, dir, "x.png", rgb)
	writePNG(t, dir, "y.png", gray(2, 1, 7)) // gray among colour: repeated into 3 channels
	pal := image.NewPaletted(image.Rect(0, 0, 2, 1), color.Palette{color.Gray{5}, color.Gray{9}})
	pal.SetColorIndex(1, 0, 1)
	writePNG(t, dir, "z.png", pal)

	s, err := ReadPNGDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 3 || s.D != 6 || fmt.Sprint(s.Shape) != "[1 2 3]" || s.Labels != nil {
		t.Fatalf("N=%d D=%d Shape=%v Labels=%v", s.N, s.D, s.Shape, s.Labels)
	}
	if got := fmt.Sprint(s.X); got != "[10 20 30 200 100 50 7 7 7 8 8 8 5 5 5 9 9 9]" {
		t.Errorf("X = %s", got)
	}
	if fmt.Sprint(s.Keys) != "[x.png y.png z.png]" {
		t.Errorf("Keys = %v", s.Keys)
	}

	// A gray palette alone reads as gray.
	dir = t.TempDir()
	writePNG(t, dir, "z.png", pal)
	if s, err = ReadPNGDir(dir); err != nil || fmt.Sprint(s.X, s.Shape) != "[5 9] [1 2]" {
		t.Errorf("gray palette: %v %v %v", s.X, s.Shape, err)
	}
}

func TestReadPNGDirErrors(t *testing.T) {
	mixed := t.TempDir()
	writePNG(t, mixed, "a.png", gray(2, 2, 0))
	writePNG(t, mixed, "l/b.png", gray(2, 2, 0))
	size := t.TempDir()
	writePNG(t, size, "1/a.png", gray(2, 2, 0))
	writePNG(t, size, "1/b.png", gray(2, 3, 0))
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "a.png"), []byte("not a png"), 0o644)
	empty := t.TempDir()
	tests := []struct{ dir, err string }{
		{mixed, "PNG files both at the top and in label subfolders"},
		{size, fmt.Sprintf("dataset: %s: size 2x3, want 2x2 like %s", filepath.Join(size, "1", "b.png"), filepath.Join(size, "1", "a.png"))},
		{bad, fmt.Sprintf("dataset: %s: png: invalid format", filepath.Join(bad, "a.png"))},
		{empty, "no PNG files"},
		{filepath.Join(empty, "missing"), "no such file"},
	}
	for _, tt := range tests {
		_, err := ReadPNGDir(tt.dir)
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("ReadPNGDir(%s): error %v, want %q", tt.dir, err, tt.err)
		}
	}
}
