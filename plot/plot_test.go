package plot

import (
	"bytes"
	"encoding/xml"
	"flag"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	gplot "gonum.org/v1/plot"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// figures returns one small deterministic figure of each kind.
func figures() map[string]func() *Figure {
	return map[string]func() *Figure{
		"scatter": func() *Figure {
			f := Scatter([]float64{0, 1, 2, 3, 4, 5}, []float64{1, 3, 2, 5, 4, 6}, []string{"a", "a", "b", "b", "c", "c"}, "Three labels")
			f.XLabel, f.YLabel = "code 1", "code 2"
			return f
		},
		"curves": func() *Figure {
			f := Curves([]float64{1, 0.5, 0.3, 0.25, 0.22}, []float64{0.9, 0.55, 0.4, 0.38, 0.39}, "Training curve")
			f.Mark(4, "kept epoch 4")
			return f
		},
		"curves-log": func() *Figure {
			f := Curves([]float64{1, 0.1, 0.03, 0.01, 0.004, 0.002}, nil, "Log curve")
			f.LogY = true
			return f
		},
		"histogram": func() *Figure {
			vs := make([]float64, 200)
			for i := range vs {
				vs[i] = math.Sqrt(float64(i))
			}
			f := Histogram(vs, 12, "Histogram")
			f.Mark(12, "threshold")
			return f
		},
		"roc": func() *Figure {
			return ROC([]float64{0, 0, 0.1, 0.3, 1}, []float64{0, 0.5, 0.8, 0.95, 1}, 0.9125, "ROC")
		},
		"imagegrid": func() *Figure {
			row := []float32{0, 0.5, 1, 0.25, 1, 0, 0.5, 0.75}
			return ImageGrid([][]float32{row, row}, []int{2, 2}, []string{"original", "copy"}, "Grid")
		},
		"traversal": func() *Figure {
			codes := []float32{0, 0, 1, 1, 2, 2, 3, 3}
			return Traversal(func(c []float32) []float32 { return []float32{c[0], c[1], c[0] * c[1], 0} }, codes, 3, []int{2, 2}, "Traversal")
		},
	}
}

// TestGoldenSVG compares the SVG of each kind of figure with the file in
// testdata; run with -update to rewrite them after a deliberate change.
func TestGoldenSVG(t *testing.T) {
	for name, fig := range figures() {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := fig().Encode(&buf, SVG); err != nil {
				t.Fatal(err)
			}
			checkXML(t, buf.Bytes())
			path := filepath.Join("testdata", name+".svg")
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("SVG differs from %s (run go test -update after checking the picture)", path)
			}
			var again bytes.Buffer
			if err := fig().Encode(&again, SVG); err != nil || !bytes.Equal(again.Bytes(), buf.Bytes()) {
				t.Errorf("two encodings differ (err %v)", err)
			}
		})
	}
}

// checkXML fails unless b is well-formed XML.
func checkXML(t *testing.T, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
	}
}

// decodePNG encodes f as PNG and decodes it.
func decodePNG(t *testing.T, f *Figure) image.Image {
	t.Helper()
	var buf bytes.Buffer
	if err := f.Encode(&buf, PNG); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// near reports whether c is within tol of want in every channel.
func near(c, want color.Color, tol int) bool {
	a, b := rgba(c), rgba(want)
	d := func(x, y uint8) bool { return max(int(x)-int(y), int(y)-int(x)) <= tol }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B)
}

// count returns the number of pixels in the part r (fractions of the image)
// for which ok holds.
func count(img image.Image, r [4]float64, ok func(color.Color) bool) int {
	b := img.Bounds()
	n := 0
	for y := b.Min.Y + int(r[1]*float64(b.Dy())); y < b.Min.Y+int(r[3]*float64(b.Dy())); y++ {
		for x := b.Min.X + int(r[0]*float64(b.Dx())); x < b.Min.X+int(r[2]*float64(b.Dx())); x++ {
			if ok(img.At(x, y)) {
				n++
			}
		}
	}
	return n
}

func isWhite(c color.Color) bool { return near(c, color.White, 0) }

// TestPNG checks every kind of figure as a decoded PNG: its size follows
// from the figure size and DPI, it is not blank, it has more than one
// colour, and its legend (where it has one) is drawn where it should be.
func TestPNG(t *testing.T) {
	whole := [4]float64{0, 0, 1, 1}
	legend := map[string]struct {
		region [4]float64 // x0, y0, x1, y1 as fractions, y down
		want   []color.Color
	}{
		// The scatter's legend is a column at the right, outside the data.
		"scatter": {[4]float64{0.85, 0, 1, 0.5}, []color.Color{Palette[0], Palette[1], Palette[2]}},
		// Curves and histograms keep theirs at the top right.
		"curves":    {[4]float64{0.6, 0, 1, 0.3}, []color.Color{Palette[0], Palette[1], markColor}},
		"histogram": {[4]float64{0.6, 0, 1, 0.3}, []color.Color{markColor}},
		// The ROC curve's legend sits at the bottom right.
		"roc": {[4]float64{0.5, 0.7, 1, 0.9}, []color.Color{Palette[0], markColor}},
	}
	for name, fig := range figures() {
		t.Run(name, func(t *testing.T) {
			f := fig()
			img := decodePNG(t, f)
			w, h := f.Size()
			wantW, wantH := int(math.Ceil(w*DefaultDPI/72)), int(math.Ceil(h*DefaultDPI/72))
			if b := img.Bounds(); b.Dx() != wantW || b.Dy() != wantH {
				t.Errorf("PNG is %dx%d, want %dx%d", b.Dx(), b.Dy(), wantW, wantH)
			}
			total := img.Bounds().Dx() * img.Bounds().Dy()
			if ink := count(img, whole, func(c color.Color) bool { return !isWhite(c) }); ink < total/100 {
				t.Errorf("only %d of %d pixels are not white", ink, total)
			}
			colours := map[color.NRGBA]bool{}
			count(img, whole, func(c color.Color) bool { colours[rgba(c)] = true; return false })
			if len(colours) < 3 {
				t.Errorf("%d colours", len(colours))
			}
			if l, ok := legend[name]; ok {
				for _, want := range l.want {
					if n := count(img, l.region, func(c color.Color) bool { return near(c, want, 8) }); n < 10 {
						t.Errorf("legend: %d pixels of colour %v in region %v", n, want, l.region)
					}
				}
			}
		})
	}
}

// TestPNGDPI checks that DPI sets the resolution and Width and Height the
// size.
func TestPNGDPI(t *testing.T) {
	f := figures()["roc"]()
	f.DPI, f.Width, f.Height = 72, 300, 200
	if b := decodePNG(t, f).Bounds(); b.Dx() != 300 || b.Dy() != 200 {
		t.Errorf("PNG is %v, want 300x200", b)
	}
}

// TestImageGridCrisp checks that upscaled pixels stay pure: a grid of black
// and white images without titles has no grey pixels, as interpolation
// would make.
func TestImageGridCrisp(t *testing.T) {
	for _, dpi := range []int{72, 96, 144, 200} {
		checker := []float32{0, 1, 1, 0, 1, 0, 0, 1, 0}
		f := ImageGrid([][]float32{checker, checker, checker}, []int{3, 3}, nil, "")
		f.DPI = dpi
		img := decodePNG(t, f)
		var black, white, other int
		count(img, [4]float64{0, 0, 1, 1}, func(c color.Color) bool {
			switch n := rgba(c); {
			case n.R == 0 && n.G == 0 && n.B == 0:
				black++
			case n.R == 255 && n.G == 255 && n.B == 255:
				white++
			default:
				other++
			}
			return false
		})
		if other != 0 || black == 0 {
			t.Errorf("dpi %d: %d black, %d white and %d other pixels; want black and white only", dpi, black, white, other)
		}
	}
}

// TestImageGridColour checks that [h w 3] images keep their colours.
func TestImageGridColour(t *testing.T) {
	red := []float32{1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0} // 2×2 red
	img := decodePNG(t, ImageGrid([][]float32{red}, []int{2, 2, 3}, nil, ""))
	if n := count(img, [4]float64{0, 0, 1, 1}, func(c color.Color) bool { return near(c, color.RGBA{255, 0, 0, 255}, 0) }); n == 0 {
		t.Error("no red pixels")
	}
}

// TestTraversalCodes checks the grid of codes Traversal decodes: steps²
// codes at the centres of equal cells spanning the 2nd to 98th percentiles,
// from the top-left.
func TestTraversalCodes(t *testing.T) {
	var codes []float32
	for i := range 101 {
		codes = append(codes, float32(i), float32(10*i))
	}
	var got [][2]float32
	Traversal(func(c []float32) []float32 {
		got = append(got, [2]float32{c[0], c[1]})
		return make([]float32, 4)
	}, codes, 4, []int{2, 2}, "")
	if len(got) != 16 {
		t.Fatalf("decode called %d times, want 16", len(got))
	}
	// x spans [2, 98] in 4 cells of 24; y spans [20, 980] in cells of 240.
	want := [][2]float32{{14, 860}, {38, 860}, {62, 860}, {86, 860}}
	if !slices.Equal(got[:4], want) {
		t.Errorf("first row of codes %v, want %v", got[:4], want)
	}
	if last := got[15]; last != [2]float32{86, 140} {
		t.Errorf("last code %v, want [86 140]", last)
	}
}

// TestScatterMany draws the 60,000 points of an MNIST-sized code map.
func TestScatterMany(t *testing.T) {
	if testing.Short() {
		t.Skip("60,000 points")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 60000
	xs, ys, labels := make([]float64, n), make([]float64, n), make([]string, n)
	for i := range n {
		c := rng.IntN(10)
		xs[i], ys[i] = float64(c%4)*3+rng.NormFloat64(), float64(c/4)*3+rng.NormFloat64()
		labels[i] = strconv.Itoa(c)
	}
	img := decodePNG(t, Scatter(xs, ys, labels, "60,000 points"))
	for i := range 10 {
		if n := count(img, [4]float64{0.85, 0, 1, 0.6}, func(c color.Color) bool { return near(c, Palette[i], 8) }); n < 10 {
			t.Errorf("legend entry %d missing", i)
		}
	}
}

// TestDegenerate checks that NaN, Inf, empty and constant inputs, and
// values a log axis cannot show, are drawn (or left out) rather than
// failing.
func TestDegenerate(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	logY := func(f *Figure) *Figure { f.LogY = true; return f }
	for name, f := range map[string]*Figure{
		"scatter NaN":        Scatter([]float64{0, nan, 2}, []float64{1, 2, inf}, nil, ""),
		"scatter empty":      Scatter(nil, nil, nil, ""),
		"scatter one point":  Scatter([]float64{1}, []float64{1}, []string{"x"}, ""),
		"scatter same point": Scatter([]float64{1, 1}, []float64{1, 1}, nil, ""),
		"curves NaN":         Curves([]float64{1, nan, 0.5}, []float64{nan, inf, 0.7}, ""),
		"curves empty":       Curves(nil, nil, ""),
		"curves one epoch":   Curves([]float64{2}, nil, ""),
		"log nonpositive":    logY(Curves([]float64{0, -1}, nil, "")),
		"log constant":       logY(Curves([]float64{2, 2, 2}, nil, "")),
		"log huge range":     logY(Curves([]float64{1e-300, 1e300}, []float64{5, 5}, "")),
		"histogram NaN":      Histogram([]float64{nan, 1, 2, inf}, 0, ""),
		"histogram empty":    Histogram(nil, 0, ""),
		"histogram constant": Histogram([]float64{3, 3, 3}, 0, ""),
		"histogram huge":     Histogram([]float64{math.MaxFloat64, -math.MaxFloat64, 1}, 1, ""),
		"histogram extreme":  Histogram([]float64{1e300, -1e300}, 1, ""),
		"scatter extreme":    Scatter([]float64{1e300, -1e300, math.MaxFloat64}, []float64{-1e300, 1e300, 0}, nil, ""),
		"roc NaN":            ROC([]float64{0, nan, 1}, []float64{0, 1, 1}, nan, ""),
		"grid empty":         ImageGrid(nil, []int{2, 2}, nil, "empty"),
		"grid empty row":     ImageGrid([][]float32{{}}, []int{2, 2}, nil, ""),
		"traversal constant": Traversal(func(c []float32) []float32 { return []float32{c[0]} }, []float32{5, 5, 5, 5}, 1, []int{1, 1}, ""),
	} {
		for _, format := range []Format{PNG, SVG} {
			if err := f.Encode(io.Discard, format); err != nil {
				t.Errorf("%s %s: %v", name, format, err)
			}
		}
	}
}

// TestPanics checks that mismatched arguments panic with the package
// prefix.
func TestPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"scatter lengths": func() { Scatter([]float64{1}, []float64{1, 2}, nil, "") },
		"scatter labels":  func() { Scatter([]float64{1}, []float64{1}, []string{"a", "b"}, "") },
		"curves lengths":  func() { Curves([]float64{1}, []float64{1, 2}, "") },
		"roc lengths":     func() { ROC([]float64{1}, nil, 1, "") },
		"grid shape":      func() { ImageGrid([][]float32{{1}}, []int{1}, nil, "") },
		"grid channels":   func() { ImageGrid([][]float32{{1, 1}}, []int{1, 1, 2}, nil, "") },
		"grid row":        func() { ImageGrid([][]float32{{1, 2, 3}}, []int{1, 2}, nil, "") },
		"grid titles":     func() { ImageGrid([][]float32{{1}}, []int{1, 1}, []string{"a", "b"}, "") },
		"traversal codes": func() { Traversal(func([]float32) []float32 { return nil }, []float32{1}, 2, []int{1, 1}, "") },
		"traversal image": func() { Traversal(func([]float32) []float32 { return nil }, []float32{1, 2}, 2, []int{1, 1}, "") },
	} {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "plot: ") {
					t.Errorf("%s: recovered %v, want a panic with prefix \"plot: \"", name, r)
				}
			}()
			f()
		}()
	}
}

func TestFormatOf(t *testing.T) {
	for _, tt := range []struct {
		path string
		want Format
		ok   bool
	}{
		{"a.png", PNG, true},
		{"dir/B.PNG", PNG, true},
		{"c.svg", SVG, true},
		{"d.jpg", "", false},
		{"noext", "", false},
	} {
		got, err := FormatOf(tt.path)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("FormatOf(%q) = %q, %v; want %q, ok %t", tt.path, got, err, tt.want, tt.ok)
		}
	}
}

// TestSave checks that Save writes the format its extension names and
// leaves nothing behind on a bad one.
func TestSave(t *testing.T) {
	dir := t.TempDir()
	f := figures()["scatter"]()
	for _, name := range []string{"a.png", "a.svg"} {
		if err := f.Save(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "a.png"))
	if !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Error("a.png is not a PNG")
	}
	b, _ = os.ReadFile(filepath.Join(dir, "a.svg"))
	if !bytes.Contains(b, []byte("<svg")) {
		t.Error("a.svg is not an SVG")
	}
	if err := f.Save(filepath.Join(dir, "a.gif")); err == nil {
		t.Error("Save to .gif: no error")
	}
	if err := f.Save(filepath.Join(dir, "missing", "a.png")); err == nil {
		t.Error("Save into a missing folder: no error")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("%d files in the folder, want 2", len(entries))
	}
}

// TestTicks checks the tick labels of linear and logarithmic axes.
func TestTicks(t *testing.T) {
	for _, tt := range []struct {
		name   string
		ticker gplot.Ticker
		lo, hi float64
		want   string
	}{
		{"unit", niceTicks{}, 0, 1, "0.0 0.2 0.4 0.6 0.8 1.0"},
		{"counts", niceTicks{}, 0, 80.6, "0 20 40 60 80"},
		{"negative", niceTicks{}, -10.5, 12.2, "-10 -5 0 5 10"},
		{"small", niceTicks{}, 0.0012, 0.0064, "0.002 0.003 0.004 0.005 0.006"},
		{"epochs", niceTicks{minStep: 1}, 1, 3, "1 2 3"},
		{"point", niceTicks{}, 2, 2, "2"},
		{"decades", logTicks{}, 1e-3, 1, "0.001 0.01 0.1 1"},
		{"one decade", logTicks{}, 0.01, 0.12, "0.01 0.02 0.05 0.1"},
		{"within a decade", logTicks{}, 0.032, 0.12, "0.04 0.06 0.08 0.10 0.12"},
		{"many decades", logTicks{}, 1e-30, 1e3, "1e-30 1e-24 1e-18 1e-12 1e-06 1"},
	} {
		var got []string
		for _, tk := range tt.ticker.Ticks(tt.lo, tt.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%s: Ticks(%g, %g) labels %q, want %q", tt.name, tt.lo, tt.hi, strings.Join(got, " "), tt.want)
		}
	}
}
