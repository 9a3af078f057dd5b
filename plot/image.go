package plot

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// imageShape checks a per-sample image shape, [h w] or [h w c] with c 1 or
// 3, and returns h, w, c.
func imageShape(op string, shape []int) (h, w, ch int) {
	ok := len(shape) == 2 || (len(shape) == 3 && (shape[2] == 1 || shape[2] == 3))
	if ok {
		h, w, ch = shape[0], shape[1], 1
		if len(shape) == 3 {
			ch = shape[2]
		}
		ok = h > 0 && w > 0
	}
	if !ok {
		panic(fmt.Sprintf("plot: %s: image shape %v, want [h w], [h w 1] or [h w 3]", op, shape))
	}
	return h, w, ch
}

// levels maps values linearly from [lo, hi] to 0..255, clamping.
type levels struct{ lo, hi float64 }

// rangeOf returns the levels spanning the finite values of vs; a constant
// or empty input gets a range of width 1.
func rangeOf(vs ...[]float32) levels {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		for _, x := range v {
			if f := float64(x); drawable(f) {
				lo, hi = min(lo, f), max(hi, f)
			}
		}
	}
	if lo > hi {
		return levels{0, 1}
	}
	if hi == lo {
		return levels{lo, lo + 1}
	}
	return levels{lo, hi}
}

func (l levels) at(v float32) uint8 {
	f := (float64(v) - l.lo) / (l.hi - l.lo)
	if math.IsNaN(f) {
		return 0
	}
	return uint8(math.Round(255 * min(1, max(0, f))))
}

// tileSheet lays out images on a grid of tiles, each source pixel k×k
// image pixels, with gap pixels of background between tiles; with edge set,
// also gap/2 around the outside, so that every tile sits in the middle of an
// equal cell.
type tileSheet struct {
	h, w, ch int
	k, gap   int
	off      int // offset of the first tile
	lv       levels
	img      *image.RGBA
}

func newTileSheet(rows, cols, h, w, ch, k, gap int, edge bool, lv levels) *tileSheet {
	s := &tileSheet{h: h, w: w, ch: ch, k: k, gap: gap, lv: lv}
	W := cols*w*k + (cols-1)*gap
	H := rows*h*k + (rows-1)*gap
	if edge {
		s.off = gap / 2
		W, H = W+2*s.off, H+2*s.off
	}
	s.img = image.NewRGBA(image.Rect(0, 0, max(W, 1), max(H, 1)))
	for i := range s.img.Pix {
		s.img.Pix[i] = 0xff // white background between tiles
	}
	return s
}

// put draws one image (h·w·ch values, row-major, channels last) at tile
// (r, c).
func (s *tileSheet) put(r, c int, px []float32) {
	x0 := s.off + c*(s.w*s.k+s.gap)
	y0 := s.off + r*(s.h*s.k+s.gap)
	for y := range s.h {
		for x := range s.w {
			var col color.RGBA
			if s.ch == 1 {
				g := s.lv.at(px[y*s.w+x])
				col = color.RGBA{g, g, g, 0xff}
			} else {
				i := (y*s.w + x) * 3
				col = color.RGBA{s.lv.at(px[i]), s.lv.at(px[i+1]), s.lv.at(px[i+2]), 0xff}
			}
			for dy := range s.k {
				for dx := range s.k {
					s.img.SetRGBA(x0+x*s.k+dx, y0+y*s.k+dy, col)
				}
			}
		}
	}
}

// tileScale returns how many pixels at dpi one source pixel takes so that
// an image of side n comes out about target points wide.
func tileScale(n int, target float64, dpi int) int {
	return max(1, int(math.Round(target*float64(dpi)/72/float64(n))))
}

// imageGrid is the painter of ImageGrid.
type imageGrid struct {
	rows      [][]float32
	titles    []string
	h, w, ch  int
	cols      int
	lv        levels
	tilePts   float64 // target tile size
	gapPts    float64
	titleFont text.Style
	rowFont   text.Style
}

// ImageGrid draws rows of images, one row per slice of rows, each holding
// whole images of the given shape ([h w] grey or [h w 3] colour, row-major,
// channels last) one after another — the originals, noisy inputs and
// reconstructions of a few samples, say — with rowTitles (nil for none) to
// their left. Pixels are upscaled as crisp squares, never interpolated. All
// rows share one grey scale: the range of the first row's values maps to
// black … white, and values outside it are clamped, so that noise and
// reconstructions are shown on the scale of the originals.
//
// The figure sizes itself from the images. It panics on a bad shape, a row
// that does not hold whole images, or a rowTitles of the wrong length.
func ImageGrid(rows [][]float32, shape []int, rowTitles []string, title string) *Figure {
	h, w, ch := imageShape("ImageGrid", shape)
	if rowTitles != nil && len(rowTitles) != len(rows) {
		panic(fmt.Sprintf("plot: ImageGrid with %d rows and %d row titles", len(rows), len(rowTitles)))
	}
	g := &imageGrid{rows: make([][]float32, len(rows)), titles: slices.Clone(rowTitles), h: h, w: w, ch: ch, tilePts: 48, gapPts: 3}
	for i, r := range rows {
		if len(r)%(h*w*ch) != 0 {
			panic(fmt.Sprintf("plot: ImageGrid row %d has %d values, not a multiple of %d (shape %v)", i, len(r), h*w*ch, shape))
		}
		g.rows[i] = slices.Clone(r)
		g.cols = max(g.cols, len(r)/(h*w*ch))
	}
	if len(rows) > 0 {
		g.lv = rangeOf(rows[0])
	}
	g.titleFont = text.Style{Font: sans(titleSize, true), Color: textColor, XAlign: draw.XCenter, YAlign: draw.YTop, Handler: gplot.DefaultTextHandler}
	g.rowFont = text.Style{Font: sans(labelSize, false), Color: textColor, XAlign: draw.XRight, YAlign: draw.YCenter, Handler: gplot.DefaultTextHandler}
	return &Figure{Title: title, painter: g}
}

// layout returns the sheet's scale and gap in pixels and its size in
// points at dpi.
func (g *imageGrid) layout(dpi int) (k, gap int, w, h vg.Length) {
	k = tileScale(max(g.h, g.w), g.tilePts, dpi)
	gap = max(1, int(math.Round(g.gapPts*float64(dpi)/72)))
	rows, cols := max(1, len(g.rows)), max(1, g.cols)
	px := cols*g.w*k + (cols-1)*gap
	py := rows*g.h*k + (rows-1)*gap
	return k, gap, vg.Length(float64(px) * 72 / float64(dpi)), vg.Length(float64(py) * 72 / float64(dpi))
}

// titleColumn returns the width of the row titles' column.
func (g *imageGrid) titleColumn() vg.Length {
	var w vg.Length
	for _, t := range g.titles {
		w = max(w, g.rowFont.Width(t))
	}
	if w > 0 {
		w += vg.Points(10)
	}
	return w
}

// titleHeight returns the height taken by the figure title.
func (g *imageGrid) titleHeight(f *Figure) vg.Length {
	if f.Title == "" {
		return 0
	}
	return g.titleFont.Height(f.Title) + vg.Points(8)
}

func (g *imageGrid) size(f *Figure) (w, h vg.Length) {
	_, _, gw, gh := g.layout(f.dpi())
	w = 2*margin + g.titleColumn() + gw
	h = 2*margin + g.titleHeight(f) + gh
	if f.Title != "" {
		w = max(w, 2*margin+g.titleFont.Width(f.Title))
	}
	return w, h
}

func (g *imageGrid) paint(f *Figure, c draw.Canvas) {
	c = draw.Crop(c, margin, -margin, margin, -margin)
	if f.Title != "" {
		c.FillText(g.titleFont, vg.Point{X: c.Center().X, Y: c.Max.Y}, f.Title)
		c.Max.Y -= g.titleHeight(f)
	}
	dpi := f.dpi()
	k, gap, gw, gh := g.layout(dpi)
	tc := g.titleColumn()
	// Fit the sheet into what is left, keeping its aspect ratio.
	avail := vg.Rectangle{Min: vg.Point{X: c.Min.X + tc, Y: c.Min.Y}, Max: c.Max}
	scale := min(1, float64(avail.Size().X/gw), float64(avail.Size().Y/gh))
	gw, gh = gw*vg.Length(scale), gh*vg.Length(scale)
	// Snap the sheet's corner to whole pixels so that PNG tiles stay sharp.
	snap := func(v vg.Length) vg.Length {
		d := float64(v) * float64(dpi) / 72
		return vg.Length(math.Round(d) * 72 / float64(dpi))
	}
	x0 := snap(avail.Min.X)
	y1 := snap(avail.Max.Y)
	rect := vg.Rectangle{Min: vg.Point{X: x0, Y: y1 - gh}, Max: vg.Point{X: x0 + gw, Y: y1}}
	sheet := newTileSheet(max(1, len(g.rows)), max(1, g.cols), g.h, g.w, g.ch, k, gap, false, g.lv)
	for r, row := range g.rows {
		n := g.h * g.w * g.ch
		for i := 0; i*n < len(row); i++ {
			sheet.put(r, i, row[i*n:(i+1)*n])
		}
	}
	c.DrawImage(rect, sheet.img)
	rowH := gh / vg.Length(max(1, len(g.rows)))
	for r, t := range g.titles {
		y := y1 - rowH*vg.Length(r) - rowH/2
		c.FillText(g.rowFont, vg.Point{X: x0 - vg.Points(8), Y: y}, t)
	}
}

// traversal is the painter of Traversal.
type traversal struct {
	steps    int
	x0, x1   float64
	y0, y1   float64
	h, w, ch int
	tiles    [][]float32 // row-major from the top-left tile
	lv       levels
}

// Traversal shows what a 2-d latent space means: it decodes a steps×steps
// grid of codes and draws the decoded images at their place in the code
// plane, with the code values on the axes. The grid spans the 2nd to 98th
// percentile of each code dimension of codes (n×2, row-major), so that a few
// outlying codes do not waste the picture on empty space. decode maps one
// code to one image of the given shape; it is called steps² times, here.
// steps ≤ 0 means 12. The grey scale spans the decoded values.
//
// It panics if codes is empty or not n×2, if the shape is bad, or if decode
// returns an image of the wrong size.
func Traversal(decode func(code []float32) []float32, codes []float32, steps int, shape []int, title string) *Figure {
	h, w, ch := imageShape("Traversal", shape)
	if len(codes) == 0 || len(codes)%2 != 0 {
		panic(fmt.Sprintf("plot: Traversal needs n×2 codes, got %d values", len(codes)))
	}
	if steps <= 0 {
		steps = 12
	}
	t := &traversal{steps: steps, h: h, w: w, ch: ch}
	t.x0, t.x1 = percentileRange(codes, 0)
	t.y0, t.y1 = percentileRange(codes, 1)
	dx, dy := (t.x1-t.x0)/float64(steps), (t.y1-t.y0)/float64(steps)
	for r := range steps {
		for c := range steps {
			code := []float32{float32(t.x0 + (float64(c)+0.5)*dx), float32(t.y1 - (float64(r)+0.5)*dy)}
			img := decode(code)
			if len(img) != h*w*ch {
				panic(fmt.Sprintf("plot: Traversal: decode returned %d values for shape %v", len(img), shape))
			}
			t.tiles = append(t.tiles, slices.Clone(img))
		}
	}
	t.lv = rangeOf(t.tiles...)
	return &Figure{Title: title, XLabel: "code 1", YLabel: "code 2", painter: t}
}

// percentileRange returns the 2nd and 98th percentiles of column j of the
// n×2 codes, widened to a range of width 1 if they coincide.
func percentileRange(codes []float32, j int) (lo, hi float64) {
	var vs []float64
	for i := j; i < len(codes); i += 2 {
		if v := float64(codes[i]); drawable(v) {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return -1, 1
	}
	slices.Sort(vs)
	q := func(p float64) float64 { return vs[int(math.Round(p*float64(len(vs)-1)))] }
	lo, hi = q(0.02), q(0.98)
	if hi-lo < 1e-9*max(1, math.Abs(lo)) {
		lo, hi = lo-0.5, hi+0.5
	}
	return lo, hi
}

func (*traversal) size(*Figure) (w, h vg.Length) { return 440, 440 }

func (t *traversal) paint(f *Figure, c draw.Canvas) {
	c = draw.Crop(c, margin, -margin, margin, -margin)
	p := f.newPlot()
	// Scale the sheet to about the size of the data area, never above it:
	// nearest-neighbour scaling up keeps pixels square, scaling down would
	// drop rows and columns of them. Tiles are one decoded pixel apart.
	w, h := f.Size()
	avail := (min(w, h) - 100) * float64(f.dpi()) / 72
	k := max(1, int(avail/float64(t.steps*(max(t.h, t.w)+1))))
	sheet := newTileSheet(t.steps, t.steps, t.h, t.w, t.ch, k, 2*((k+1)/2), true, t.lv)
	for i, tile := range t.tiles {
		sheet.put(i/t.steps, i%t.steps, tile)
	}
	p.Add(plotter.NewImage(sheet.img, t.x0, t.y0, t.x1, t.y1))
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = t.x0, t.x1, t.y0, t.y1
	f.addMarks(p)
	p.Draw(c)
}
