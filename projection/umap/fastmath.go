package umap

import "math"

// powf returns x^y for x > 0 as 2^(y·log2 x) with short polynomials for
// log2 and exp2 in float32, a relative error below 1e-5 for |y| ≤ 1 and x
// in [1e-6, 1e6], the squared distances of a map: the
// layout's kernel needs x^b with a fractional b for every sample, and
// math.Pow in float64 would be most of its time. Subnormal x, and results
// outside the normal float32 range, go through math.Pow.
func powf(x, y float32) float32 {
	if x < 0x1p-126 {
		return float32(math.Pow(float64(x), float64(y)))
	}
	e := y * log2f(x)
	if e < -126 || e > 127 {
		return float32(math.Pow(float64(x), float64(y)))
	}
	return exp2f(e)
}

// log2f is log2 of a positive normal float32: the exponent from the bits
// and, for the mantissa m scaled into [√½, √2), 2/ln2·atanh(t) with
// t = (m−1)/(m+1), |t| ≤ 0.172, by its series to t⁵ (error below 2e-6),
// evaluated in Estrin's form to keep the dependency chain short. (A
// division-free degree-7 polynomial in m − 1 measured slower.)
func log2f(x float32) float32 {
	bits := math.Float32bits(x)
	e := int32(bits>>23&0xff) - 127
	m := math.Float32frombits(bits&0x7fffff | 0x3f800000) // [1, 2)
	if m > math.Sqrt2 {
		m *= 0.5
		e++
	}
	t := (m - 1) / (m + 1)
	t2 := t * t
	p := t * ((2 + t2*(2.0/3)) + (t2*t2)*(2.0/5))
	return float32(e) + p*math.Log2E
}

// exp2f is 2^x for x in [−126, 127]: 2^round(x) from the bits times
// 2^f, |f| ≤ ½, by the Taylor series of e^(f·ln2) to the 7th power.
func exp2f(x float32) float32 {
	i := int32(x+128.5) - 128 // round to nearest: x+128.5 is positive
	f := (x - float32(i)) * math.Ln2
	f2 := f * f
	p := (1 + f) + f2*((1.0/2+f*(1.0/6))+f2*(1.0/24+f*(1.0/120)))
	return p * math.Float32frombits(uint32(i+127)<<23)
}
