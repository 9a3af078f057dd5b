package umap

import "math"

// findAB fits the map's similarity curve 1/(1 + a·x^(2b)) to the offset
// exponential that minDist and spread describe — 1 up to minDist, then
// exp(−(x − minDist)/spread) — by least squares on 300 points evenly spaced
// in [0, 3·spread], as umap-learn's find_ab_params does with scipy's
// curve_fit. The fit is Levenberg–Marquardt from a = b = 1 (curve_fit's
// start) with the analytic Jacobian; it reaches the same minimum as
// MINPACK's finite-difference version to about 1e-6. ok is false if the
// fit does not produce positive finite a and b.
func findAB(spread, minDist float64) (a, b float64, ok bool) {
	const m = 300
	xs := make([]float64, m)
	ys := make([]float64, m)
	for i := range m {
		x := 3 * spread * float64(i) / (m - 1)
		xs[i] = x
		if x < minDist {
			ys[i] = 1
		} else {
			ys[i] = math.Exp(-(x - minDist) / spread)
		}
	}
	// residuals r_i = f(x_i) − y_i and the Jacobian of f with respect to
	// (a, b): with u = x^(2b), f = 1/(1 + a·u),
	// ∂f/∂a = −u·f², ∂f/∂b = −2a·u·ln(x)·f² (0 at x = 0).
	cost := func(a, b float64) float64 {
		var s float64
		for i, x := range xs {
			r := 1/(1+a*math.Pow(x, 2*b)) - ys[i]
			s += r * r
		}
		return s
	}
	a, b = 1, 1
	lambda := 1e-3
	c := cost(a, b)
	for range 500 {
		var jaa, jab, jbb, ga, gb float64
		for i, x := range xs {
			u := math.Pow(x, 2*b)
			f := 1 / (1 + a*u)
			r := f - ys[i]
			da := -u * f * f
			db := 0.0
			if x > 0 {
				db = -2 * a * u * math.Log(x) * f * f
			}
			jaa += da * da
			jab += da * db
			jbb += db * db
			ga += da * r
			gb += db * r
		}
		improved := false
		for range 50 {
			// (JᵀJ + λ·diag(JᵀJ)) δ = −Jᵀr
			p, q, s := jaa*(1+lambda), jab, jbb*(1+lambda)
			det := p*s - q*q
			if det == 0 || math.IsNaN(det) {
				lambda *= 10
				continue
			}
			na := a + (-ga*s+gb*q)/det
			nb := b + (-gb*p+ga*q)/det
			if nc := cost(na, nb); nb > 0 && nc <= c {
				rel := (c - nc) / max(c, 1e-300)
				step := math.Hypot(na-a, nb-b) / max(math.Hypot(a, b), 1e-300)
				a, b, c = na, nb, nc
				lambda = max(lambda/10, 1e-12)
				improved = true
				if rel < 1e-15 && step < 1e-12 {
					return a, b, a > 0 && b > 0 && !math.IsInf(a, 0) && !math.IsInf(b, 0)
				}
				break
			}
			lambda *= 10
		}
		if !improved {
			break
		}
	}
	return a, b, a > 0 && b > 0 && !math.IsInf(a, 0) && !math.IsInf(b, 0) && !math.IsNaN(a+b)
}
