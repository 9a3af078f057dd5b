package plot

import (
	"fmt"
	"math"
	"slices"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// curves is the painter of Curves.
type curves struct {
	loss, val []float64
}

// Curves draws a training curve: the training loss per epoch and, when
// valLoss has any non-zero finite value, the validation loss, with epochs
// counted from 1. Non-finite values are left out, and so are values that are
// not positive when LogY is set. It panics if valLoss is neither nil nor as
// long as loss.
//
// Use Mark to show the epoch whose weights were kept.
func Curves(loss, valLoss []float64, title string) *Figure {
	if valLoss != nil && len(valLoss) != len(loss) {
		panic(fmt.Sprintf("plot: Curves with %d training and %d validation losses", len(loss), len(valLoss)))
	}
	c := &curves{loss: slices.Clone(loss)}
	if slices.ContainsFunc(valLoss, func(v float64) bool { return v != 0 && drawable(v) }) {
		c.val = slices.Clone(valLoss)
	}
	return &Figure{Title: title, XLabel: "epoch", YLabel: "loss", painter: c}
}

func (*curves) size(*Figure) (w, h vg.Length) { return 432, 300 }

func (cv *curves) paint(f *Figure, c draw.Canvas) {
	c = draw.Crop(c, margin, -margin, margin, -margin)
	p := f.newPlot()
	p.X.Tick.Marker = niceTicks{minStep: 1}
	points := len(cv.loss) <= 40
	var all plotter.XYs
	var lines [2]plotter.XYs
	for i, ys := range [][]float64{cv.loss, cv.val} {
		for e, y := range ys {
			if drawable(y) && (!f.LogY || y > 0) {
				lines[i] = append(lines[i], plotter.XY{X: float64(e + 1), Y: y})
			}
		}
		all = append(all, lines[i]...)
	}
	if f.LogY && len(all) > 0 {
		p.Y.Scale = gplot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
	}
	for i, xys := range lines {
		if len(xys) == 0 {
			continue
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			panic("plot: " + err.Error()) // cannot happen: values are finite
		}
		l.LineStyle = draw.LineStyle{Color: Palette[i], Width: vg.Points(1.6)}
		p.Add(l)
		thumbs := []gplot.Thumbnailer{l}
		if points {
			s, _ := plotter.NewScatter(xys)
			s.GlyphStyle = draw.GlyphStyle{Color: Palette[i], Radius: vg.Points(2), Shape: draw.CircleGlyph{}}
			p.Add(s)
			thumbs = append(thumbs, s)
		}
		p.Legend.Add([]string{"training", "validation"}[i], thumbs...)
	}
	f.addMarks(p)
	if p.X.Min > p.X.Max { // nothing to draw
		p.X.Min, p.X.Max = 1, 2
	}
	roomForLegend(p, all)
	p.Draw(c)
}

// roomForLegend puts p's legend in the top corner, left or right, where the
// data pts reach least high, and raises the top of the y axis so that the
// data there stay in the lower 78% of the plot, below the legend.
func roomForLegend(p *gplot.Plot, pts plotter.XYs) {
	p.Legend.Top = true
	p.Legend.YOffs = -vg.Points(4)
	if p.Y.Min >= p.Y.Max || p.X.Min >= p.X.Max {
		return
	}
	left, right := 0.0, 0.0
	for _, pt := range pts {
		x, y := p.X.Norm(pt.X), p.Y.Norm(pt.Y)
		if x <= 0.4 {
			left = max(left, y)
		}
		if x >= 0.6 {
			right = max(right, y)
		}
	}
	p.Legend.Left = left < right
	p.Legend.XOffs = -vg.Points(6)
	high := right
	if p.Legend.Left {
		p.Legend.XOffs, high = vg.Points(8), left
	}
	const room = 0.78
	if high <= room {
		return
	}
	top := p.Y.Min + (p.Y.Max-p.Y.Min)*high/room
	if _, log := p.Y.Scale.(gplot.LogScale); log && p.Y.Min > 0 {
		lo, hi := math.Log(p.Y.Min), math.Log(p.Y.Max)
		top = math.Exp(lo + (hi-lo)*high/room)
	}
	if drawable(top) {
		p.Y.Max = top
	}
}

// histogram is the painter of Histogram.
type histogram struct {
	bins  []plotter.HistogramBin
	width float64
}

// Histogram draws a histogram of values in bins bins of equal width
// spanning their range; bins ≤ 0 picks a number by the Freedman–Diaconis
// rule (between 10 and 80). Non-finite values are left out. Use Mark to show
// a threshold.
func Histogram(values []float64, bins int, title string) *Figure {
	var vs []float64
	for _, v := range values {
		if drawable(v) {
			vs = append(vs, v)
		}
	}
	slices.Sort(vs)
	h := &histogram{}
	if len(vs) > 0 {
		lo, hi := vs[0], vs[len(vs)-1]
		if bins <= 0 {
			bins = autoBins(vs)
		}
		if hi == lo {
			lo, hi = lo-0.5, hi+0.5
			bins = 1
		}
		// Halves keep hi − lo finite for values near ±MaxFloat64.
		half := (hi/2 - lo/2) / float64(bins)
		if math.IsInf(2*half, 0) {
			bins = max(bins, 2)
			half = (hi/2 - lo/2) / float64(bins)
		}
		h.width = 2 * half
		h.bins = make([]plotter.HistogramBin, bins)
		for i := range h.bins {
			h.bins[i].Min = lo + float64(i)*h.width
			h.bins[i].Max = lo + float64(i+1)*h.width
		}
		h.bins[bins-1].Max = hi
		for _, v := range vs {
			i := int((v/2 - lo/2) / half)
			h.bins[min(max(i, 0), bins-1)].Weight++
		}
	}
	return &Figure{Title: title, XLabel: "value", YLabel: "count", painter: h}
}

// autoBins returns the Freedman–Diaconis number of bins for sorted vs,
// 2·IQR·n^(−1/3) wide, kept between 10 and 80.
func autoBins(vs []float64) int {
	n := len(vs)
	q := func(p float64) float64 { return vs[int(p*float64(n-1))] }
	iqr := q(0.75) - q(0.25)
	span := vs[n-1] - vs[0]
	b := math.Sqrt(float64(n))
	if iqr > 0 && span > 0 {
		b = span / (2 * iqr * math.Cbrt(1/float64(n)))
	}
	return int(min(80, max(10, math.Ceil(b))))
}

func (*histogram) size(*Figure) (w, h vg.Length) { return 432, 300 }

func (h *histogram) paint(f *Figure, c draw.Canvas) {
	c = draw.Crop(c, margin, -margin, margin, -margin)
	p := f.newPlot()
	var tops plotter.XYs
	for _, b := range h.bins {
		tops = append(tops, plotter.XY{X: b.Min, Y: b.Weight}, plotter.XY{X: b.Max, Y: b.Weight})
	}
	if len(h.bins) > 0 {
		p.Add(&plotter.Histogram{
			Bins:      h.bins,
			Width:     h.width,
			FillColor: withAlpha(Palette[0], 0.85),
			LineStyle: draw.LineStyle{Color: withAlpha(Palette[0], 1), Width: vg.Points(0.5)},
		})
	}
	f.addMarks(p)
	p.Y.Min = 0
	p.Y.Max *= 1.06 // headroom above the tallest bar
	if slices.ContainsFunc(f.marks, func(m mark) bool { return m.label != "" }) {
		roomForLegend(p, tops)
	}
	p.Draw(c)
}

// roc is the painter of ROC.
type roc struct {
	xys plotter.XYs
	auc float64
}

// ROC draws a receiver operating characteristic curve through the points
// (fpr[i], tpr[i]), in order, next to the diagonal of a random guess, with
// the area under the curve in the legend (leave it out with NaN). It panics
// if fpr and tpr differ in length.
func ROC(fpr, tpr []float64, auc float64, title string) *Figure {
	if len(fpr) != len(tpr) {
		panic(fmt.Sprintf("plot: ROC with %d false and %d true positive rates", len(fpr), len(tpr)))
	}
	r := &roc{auc: auc}
	for i := range fpr {
		if drawable(fpr[i], tpr[i]) {
			r.xys = append(r.xys, plotter.XY{X: fpr[i], Y: tpr[i]})
		}
	}
	return &Figure{Title: title, XLabel: "false positive rate", YLabel: "true positive rate", painter: r}
}

func (*roc) size(*Figure) (w, h vg.Length) { return 360, 340 }

func (r *roc) paint(f *Figure, c draw.Canvas) {
	c = draw.Crop(c, margin, -margin, margin, -margin)
	p := f.newPlot()
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.XOffs = -vg.Points(6)
	p.Legend.YOffs = vg.Points(6)
	diag, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	diag.LineStyle = draw.LineStyle{Color: markColor, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
	p.Add(diag)
	if len(r.xys) > 0 {
		l, err := plotter.NewLine(r.xys)
		if err != nil {
			panic("plot: " + err.Error()) // cannot happen: points are finite
		}
		l.LineStyle = draw.LineStyle{Color: Palette[0], Width: vg.Points(1.8)}
		p.Add(l)
		name := "ROC"
		if finite(r.auc) {
			name = fmt.Sprintf("ROC, AUC = %.3f", r.auc)
		}
		p.Legend.Add(name, l)
	}
	p.Legend.Add("chance", diag)
	f.addMarks(p)
	p.Draw(c)
}
