package plot

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// scatter is the painter of Scatter.
type scatter struct {
	xys   plotter.XYs
	class []int    // index into names, per point, in drawing order
	names []string // labels in legend order; nil without labels
}

// maxLegend is the most labels a scatter's legend lists; the rest are
// summarised in one line.
const maxLegend = 30

// Scatter draws the points (xs[i], ys[i]), coloured by labels[i], with a
// legend of the labels beside the plot, where it covers no data. labels may
// be nil for one colour and no legend. Labels are listed in numeric order
// when all of them are numbers, else in string order, and take the colours
// of Palette in that order.
//
// It is meant for many points — the codes of 60,000 images — so the points
// are small, and translucent when there are thousands of them, and they are
// drawn in a fixed shuffled order, so that no label hides the others just
// because its points came last. Points with a non-finite coordinate are left
// out. It panics if the slices' lengths differ.
func Scatter(xs, ys []float64, labels []string, title string) *Figure {
	if len(xs) != len(ys) || (labels != nil && len(labels) != len(xs)) {
		panic(fmt.Sprintf("plot: Scatter with %d x, %d y and %d labels", len(xs), len(ys), len(labels)))
	}
	s := &scatter{}
	index := map[string]int{}
	if labels != nil {
		s.names = sortedLabels(labels)
		for i, n := range s.names {
			index[n] = i
		}
	}
	// A fixed permutation: the same input always gives the same picture.
	order := rand.New(rand.NewPCG(0x5ca77e4, 0x1abe1)).Perm(len(xs))
	s.xys = make(plotter.XYs, 0, len(xs))
	s.class = make([]int, 0, len(xs))
	for _, i := range order {
		if !drawable(xs[i], ys[i]) {
			continue
		}
		s.xys = append(s.xys, plotter.XY{X: xs[i], Y: ys[i]})
		c := 0
		if labels != nil {
			c = index[labels[i]]
		}
		s.class = append(s.class, c)
	}
	return &Figure{Title: title, painter: s}
}

// sortedLabels returns the distinct labels, numerically sorted if all are
// numbers, else in string order.
func sortedLabels(labels []string) []string {
	seen := map[string]bool{}
	var names []string
	numeric := true
	for _, l := range labels {
		if seen[l] {
			continue
		}
		seen[l] = true
		names = append(names, l)
		if _, err := strconv.ParseFloat(l, 64); err != nil {
			numeric = false
		}
	}
	if numeric {
		slices.SortStableFunc(names, func(a, b string) int {
			x, _ := strconv.ParseFloat(a, 64)
			y, _ := strconv.ParseFloat(b, 64)
			if x != y {
				if x < y {
					return -1
				}
				return 1
			}
			if a < b {
				return -1
			} else if a > b {
				return 1
			}
			return 0
		})
	} else {
		slices.Sort(names)
	}
	return names
}

// glyphFor returns the style of points of class c among n points.
func glyphFor(c, n int) draw.GlyphStyle {
	r, alpha := 2.2, 0.9
	switch {
	case n > 20000:
		r, alpha = 0.8, 0.45
	case n > 5000:
		r, alpha = 1.1, 0.6
	case n > 1000:
		r, alpha = 1.6, 0.8
	}
	shapes := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{}}
	return draw.GlyphStyle{
		Color:  withAlpha(Palette[c%len(Palette)], alpha),
		Radius: vg.Points(r),
		Shape:  shapes[(c/len(Palette))%len(shapes)],
	}
}

func (s *scatter) size(*Figure) (w, h vg.Length) {
	if len(s.names) > 0 {
		return 480, 380
	}
	return 420, 380
}

func (s *scatter) paint(f *Figure, c draw.Canvas) {
	c = draw.Crop(c, margin, -margin, margin, -margin)
	p := f.newPlot()
	if len(s.xys) > 0 {
		sc, err := plotter.NewScatter(s.xys)
		if err != nil {
			panic("plot: " + err.Error()) // cannot happen: points are finite
		}
		n := len(s.xys)
		styles := make([]draw.GlyphStyle, max(1, len(s.names)))
		for i := range styles {
			styles[i] = glyphFor(i, n)
		}
		sc.GlyphStyleFunc = func(i int) draw.GlyphStyle { return styles[s.class[i]] }
		p.Add(sc)
	}
	f.addMarks(p)
	if len(s.names) == 0 {
		p.Draw(c)
		return
	}
	leg := gplot.NewLegend()
	leg.TextStyle = p.Legend.TextStyle
	leg.ThumbnailWidth = vg.Points(10)
	leg.Padding = vg.Points(3)
	leg.Top, leg.Left = true, true
	for i, name := range s.names {
		if i == maxLegend {
			leg.Add(fmt.Sprintf("… %d more", len(s.names)-maxLegend))
			break
		}
		if name == "" {
			name = "(none)"
		}
		g := glyphFor(i, 0)
		g.Color = Palette[i%len(Palette)] // opaque, to read well
		g.Radius = vg.Points(3.2)
		leg.Add(name, glyphThumb(g))
	}
	lw := leg.Rectangle(c).Size().X + vg.Points(14)
	p.Draw(draw.Crop(c, 0, -lw, 0, 0))
	lc := draw.Crop(c, c.Size().X-lw+vg.Points(10), 0, 0, 0)
	if p.Title.Text != "" {
		lc.Max.Y -= p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y + p.Title.Padding
	}
	lc.Max.Y -= vg.Points(4)
	leg.Draw(lc)
}

// margin is the white space around a figure.
const margin = vg.Length(8)

// glyphThumb draws a glyph as a legend thumbnail.
type glyphThumb draw.GlyphStyle

// Thumbnail implements gplot.Thumbnailer.
func (g glyphThumb) Thumbnail(c *draw.Canvas) {
	c.DrawGlyphNoClip(draw.GlyphStyle(g), c.Center())
}
