package plot

import (
	"math"
	"slices"
	"strconv"

	gplot "gonum.org/v1/plot"
)

// niceTicks marks an axis at round numbers — 1, 2 or 5 times a power of
// ten apart, as close to six of them as can be — labelled with as few
// decimals as the step needs ("0.02", "25", never "25.00"). Steps are at
// least minStep.
type niceTicks struct{ minStep float64 }

// Ticks implements gplot.Ticker.
func (t niceTicks) Ticks(lo, hi float64) []gplot.Tick {
	if !(hi > lo) || !finite(lo, hi, hi-lo) {
		ticks := []gplot.Tick{{Value: lo, Label: formatTick(lo, 0)}}
		if hi > lo {
			ticks = append(ticks, gplot.Tick{Value: hi, Label: formatTick(hi, 0)})
		}
		return ticks
	}
	step := max(niceStep(lo, hi, 6), t.minStep)
	decimals := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	var ticks []gplot.Tick
	for i := math.Ceil(lo/step - 1e-9); i*step <= hi+step*1e-9; i++ {
		v := i * step
		ticks = append(ticks, gplot.Tick{Value: v, Label: formatTick(v, decimals)})
	}
	return ticks
}

// niceStep returns the step, 1, 2 or 5 times a power of ten, that puts
// closest to want ticks in [lo, hi], preferring the larger step on a tie.
func niceStep(lo, hi float64, want int) float64 {
	e := math.Floor(math.Log10(hi - lo))
	best, bestDiff := hi-lo, math.Inf(1)
	for p := e - 2; p <= e+1; p++ {
		for _, m := range []float64{1, 2, 5} {
			step := m * math.Pow(10, p)
			n := math.Floor(hi/step+1e-9) - math.Ceil(lo/step-1e-9) + 1
			if d := math.Abs(n - float64(want)); d <= bestDiff {
				best, bestDiff = step, d
			}
		}
	}
	return best
}

// formatTick formats a tick value with the given decimals, switching to
// exponent notation for very large or small magnitudes.
func formatTick(v float64, decimals int) string {
	a := math.Abs(v)
	if a != 0 && (a >= 1e6 || decimals > 5) {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if f, _ := strconv.ParseFloat(s, 64); f == 0 && s[0] == '-' {
		return s[1:] // not "-0.0"
	}
	return s
}

// logTicks marks a logarithmic axis: at powers of ten when the range spans
// several decades, else at 1-2-5 or 1-2-3-5 multiples of them, whichever
// gives at least four labels, with the other multiples as unlabelled minor
// ticks. A range within about a decade gets round numbers as niceTicks
// would place them.
type logTicks struct{}

// Ticks implements gplot.Ticker.
func (logTicks) Ticks(lo, hi float64) []gplot.Tick {
	if !(lo > 0) || !(hi > lo) || !finite(lo, hi) {
		return positive(niceTicks{}.Ticks(lo, hi))
	}
	e0, e1 := int(math.Floor(math.Log10(lo))), int(math.Ceil(math.Log10(hi)))
	in := func(v float64) bool { return v >= lo*(1-1e-9) && v <= hi*(1+1e-9) }
	label := func(v float64) string {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	if e1-e0 > 8 { // many decades: every k-th power of ten
		var ticks []gplot.Tick
		k := (e1 - e0 + 5) / 6
		for e := e0 - e0%k; e <= e1; e += k {
			if v := math.Pow(10, float64(e)); in(v) {
				ticks = append(ticks, gplot.Tick{Value: v, Label: label(v)})
			}
		}
		return ticks
	}
	all := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	for _, major := range [][]float64{{1}, {1, 2, 5}, {1, 2, 3, 5}} {
		var ticks []gplot.Tick
		labelled := 0
		for e := e0; e <= e1; e++ {
			p := math.Pow(10, float64(e))
			for _, m := range all {
				v := m * p
				if !in(v) {
					continue
				}
				t := gplot.Tick{Value: v}
				if slices.Contains(major, m) {
					t.Label = label(v)
					labelled++
				}
				ticks = append(ticks, t)
			}
		}
		if labelled >= 4 || (labelled >= 2 && len(major) == 1 && e1-e0 >= 3) {
			return ticks
		}
	}
	return positive(niceTicks{}.Ticks(lo, hi))
}

// positive returns the ticks at positive values, which a log axis can show.
func positive(ticks []gplot.Tick) []gplot.Tick {
	return slices.DeleteFunc(ticks, func(t gplot.Tick) bool { return !(t.Value > 0) })
}
