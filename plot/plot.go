// Package plot draws the figures through which people see what a model has
// learned: the codes of a data set as a scatter coloured by label, the
// training curve, originals next to reconstructions, a latent traversal, a
// histogram of scores and a ROC curve. Numbers in a table say how well a
// model does; a picture says what it has captured, and that is what a
// student or an engineer debugging a model looks at first.
//
// Every constructor returns a [*Figure], which is drawn only when it is
// written — as PNG or SVG, to an io.Writer ([Figure.Encode]) or atomically
// to a file whose extension names the format ([Figure.Save]) — so its
// exported fields (title, axis labels, size, resolution) can be adjusted in
// between. Drawing uses gonum.org/v1/plot with the Liberation Sans font
// embedded in it, so a figure looks the same on every machine and needs no
// fonts installed; SVG text falls back to Arial or any sans-serif font.
//
// Constructors check their arguments: slices of different lengths are
// programmer errors and panic with a "plot:" prefix. Non-finite values are
// data, not mistakes: they are left out of the picture, and so are values
// beyond ±1e300, whose ranges would overflow.
package plot

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"strings"

	"git.sr.ht/~sbinet/gg"
	xdraw "golang.org/x/image/draw"
	xfont "golang.org/x/image/font"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/latent-go/latent/internal/atomicfile"
)

// Format is an output format for a figure.
type Format string

// The formats a figure can be written in.
const (
	PNG Format = "png"
	SVG Format = "svg"
)

// FormatOf returns the format that path's extension names (.png or .svg,
// in any case).
func FormatOf(path string) (Format, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".png":
		return PNG, nil
	case ".svg":
		return SVG, nil
	default:
		return "", fmt.Errorf("plot: %s: unknown figure format %q; want .png or .svg", path, ext)
	}
}

// DefaultDPI is the resolution of PNG output when Figure.DPI is zero: twice
// the 72 points per inch of the figure's size, sharp on high-density
// screens.
const DefaultDPI = 144

// Figure is a figure ready to be drawn. The constructors set its fields to
// sensible values for their kind; change them before writing the figure.
type Figure struct {
	// Title is drawn above the figure; "" draws none.
	Title string
	// XLabel and YLabel name the axes of figures that have axes.
	XLabel, YLabel string
	// LogY draws the y axis of Curves on a logarithmic scale; values that
	// are not positive are left out. Other kinds ignore it.
	LogY bool
	// Width and Height are the figure's size in points (1/72 inch). Zero
	// picks the kind's default size; image grids size themselves from
	// their images.
	Width, Height float64
	// DPI is the resolution of PNG output in pixels per inch; zero means
	// DefaultDPI. The PNG is Width·DPI/72 pixels wide.
	DPI int

	marks   []mark
	painter painter
}

// mark is a labelled vertical line.
type mark struct {
	x     float64
	label string
}

// painter draws one kind of figure.
type painter interface {
	// size returns the default size of the figure.
	size(f *Figure) (w, h vg.Length)
	// paint draws the figure on c.
	paint(f *Figure, c draw.Canvas)
}

// Mark adds a dashed vertical line at x with a legend entry label ("" for
// none) to a figure with axes: the kept epoch of a training curve, a
// threshold on a histogram of scores. Image grids ignore marks.
func (f *Figure) Mark(x float64, label string) {
	f.marks = append(f.marks, mark{x, label})
}

// Size returns the figure's size in points: Width and Height, or the
// kind's default for a zero value.
func (f *Figure) Size() (w, h float64) {
	dw, dh := f.painter.size(f)
	w, h = f.Width, f.Height
	if w <= 0 {
		w = dw.Points()
	}
	if h <= 0 {
		h = dh.Points()
	}
	return w, h
}

func (f *Figure) dpi() int {
	if f.DPI > 0 {
		return f.DPI
	}
	return DefaultDPI
}

// Encode draws the figure and writes it to w in format.
func (f *Figure) Encode(w io.Writer, format Format) (err error) {
	defer func() {
		// gonum/plot panics on some degenerate inputs; a figure is not worth
		// a crash, so report them as errors.
		if r := recover(); r != nil {
			err = fmt.Errorf("plot: drawing %q: %v", f.Title, r)
		}
	}()
	pw, ph := f.Size()
	wl, hl := vg.Points(pw), vg.Points(ph)
	switch format {
	case PNG:
		c := newImageCanvas(wl, hl, f.dpi())
		f.painter.paint(f, draw.New(c))
		_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
		return err
	case SVG:
		c := vgsvg.New(wl, hl)
		dc := draw.New(c)
		dc.SetColor(color.White)
		dc.Fill(dc.Rectangle.Path())
		f.painter.paint(f, dc)
		var buf bytes.Buffer
		if _, err := c.WriteTo(&buf); err != nil {
			return err
		}
		_, err := w.Write(polishSVG(buf.Bytes()))
		return err
	default:
		return fmt.Errorf("plot: unknown figure format %q; want png or svg", format)
	}
}

// Save writes the figure to path, in the format its extension names,
// atomically: a reader sees the old file or the complete new one.
func (f *Figure) Save(path string) error {
	format, err := FormatOf(path)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error { return f.Encode(w, format) })
}

// newImageCanvas returns a raster canvas that scales images with the
// nearest neighbour, so that pixels of image grids stay crisp squares
// instead of being blurred by interpolation.
func newImageCanvas(w, h vg.Length, dpi int) *vgimg.Canvas {
	pw := int(math.Ceil(float64(w/vg.Inch) * float64(dpi)))
	ph := int(math.Ceil(float64(h/vg.Inch) * float64(dpi)))
	ctx := gg.NewContext(pw, ph)
	ctx.SetLineCapButt()
	ctx.InvertY()
	ctx.SetInterpolator(xdraw.NearestNeighbor)
	img := ctx.Image().(xdraw.Image)
	return vgimg.NewWith(vgimg.UseImageWithContext(img, ctx), vgimg.UseDPI(dpi))
}

// polishSVG makes gonum's SVG output stand alone better: text falls back to
// metric-compatible fonts when Liberation Sans is not installed, embedded
// images are labelled as the PNGs they are, and browsers scale them without
// blurring their pixels.
func polishSVG(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("font-family:Liberation Sans;"), []byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"))
	b = bytes.ReplaceAll(b, []byte("data:image/jpg;base64,"), []byte("data:image/png;base64,"))
	b = bytes.ReplaceAll(b, []byte("<image "), []byte(`<image style="image-rendering:crisp-edges;image-rendering:pixelated" `))
	return b
}

// Text sizes in points.
const (
	titleSize  = 13
	labelSize  = 11
	tickSize   = 9.5
	legendSize = 10
)

// sans returns Liberation Sans at size points, bold or regular.
func sans(size float64, bold bool) font.Font {
	f := font.Font{Typeface: "Liberation", Variant: "Sans", Size: vg.Points(size)}
	if bold {
		f.Weight = xfont.WeightBold
	}
	return f
}

// Colours of the non-data parts of a figure.
var (
	gridColor = color.Gray{Y: 0xe4}
	markColor = color.Gray{Y: 0x44}
	textColor = color.Gray{Y: 0x22}
)

// newPlot returns a gonum plot with the figure's texts in latent's style and
// a light grid behind the data.
func (f *Figure) newPlot() *gplot.Plot {
	p := gplot.New()
	p.Title.Text = f.Title
	p.Title.TextStyle.Font = sans(titleSize, true)
	p.Title.TextStyle.Color = textColor
	p.Title.Padding = vg.Points(8)
	for _, a := range []*gplot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = sans(labelSize, false)
		a.Label.TextStyle.Color = textColor
		a.Label.Padding = vg.Points(4)
		a.Tick.Label.Font = sans(tickSize, false)
		a.Tick.Label.Color = textColor
		a.Padding = vg.Points(4)
		a.Tick.Marker = niceTicks{}
	}
	p.X.Label.Text, p.Y.Label.Text = f.XLabel, f.YLabel
	p.Legend.TextStyle.Font = sans(legendSize, false)
	p.Legend.TextStyle.Color = textColor
	p.Legend.ThumbnailWidth = vg.Points(18)
	p.Legend.Padding = vg.Points(2)
	p.Legend.Top = true
	g := newGrid()
	p.Add(g)
	return p
}

// addMarks adds the figure's vertical marks to p, with legend entries.
func (f *Figure) addMarks(p *gplot.Plot) {
	for i, m := range f.marks {
		if !drawable(m.x) {
			continue
		}
		v := &vline{x: m.x, style: draw.LineStyle{Color: markColor, Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}}
		if i > 0 {
			v.style.Color = Palette[(i+2)%len(Palette)]
		}
		p.Add(v)
		if m.label != "" {
			p.Legend.Add(m.label, v)
		}
	}
}

// vline is a vertical line across the data area at x.
type vline struct {
	x     float64
	style draw.LineStyle
}

// Plot implements gplot.Plotter.
func (v *vline) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, _ := p.Transforms(&c)
	x := trX(v.x)
	c.StrokeLine2(v.style, x, c.Min.Y, x, c.Max.Y)
}

// DataRange implements gplot.DataRanger: the line widens the x range to
// include x and leaves the y range alone.
func (v *vline) DataRange() (xmin, xmax, ymin, ymax float64) {
	return v.x, v.x, math.Inf(1), math.Inf(-1)
}

// Thumbnail implements gplot.Thumbnailer.
func (v *vline) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(v.style, c.Min.X, y, c.Max.X, y)
}

// grid draws light grid lines at the major ticks.
type grid struct{ style draw.LineStyle }

func newGrid() *grid { return &grid{draw.LineStyle{Color: gridColor, Width: vg.Points(0.6)}} }

// Plot implements gplot.Plotter.
func (g *grid) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, t := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		if t.IsMinor() {
			continue
		}
		x := trX(t.Value)
		c.StrokeLine2(g.style, x, c.Min.Y, x, c.Max.Y)
	}
	for _, t := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if t.IsMinor() {
			continue
		}
		y := trY(t.Value)
		c.StrokeLine2(g.style, c.Min.X, y, c.Max.X, y)
	}
}

// finite reports whether every value is a finite number.
func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// maxDrawable bounds the values a figure shows: beyond it the span of an
// axis (max − min) would overflow float64.
const maxDrawable = 1e300

// drawable reports whether every value is finite and within ±maxDrawable.
func drawable(vs ...float64) bool {
	for _, v := range vs {
		if !(math.Abs(v) <= maxDrawable) {
			return false
		}
	}
	return true
}

// rgba converts a colour to color.NRGBA.
func rgba(c color.Color) color.NRGBA { return color.NRGBAModel.Convert(c).(color.NRGBA) }

// withAlpha returns c with opacity a in [0, 1].
func withAlpha(c color.Color, a float64) color.Color {
	n := rgba(c)
	n.A = uint8(math.Round(a * 255))
	return n
}
