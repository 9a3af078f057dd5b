package f32

import (
	"math"
	"math/rand/v2"
	"testing"
)

// BenchmarkElementwise times each kernel with every implementation this
// build offers, and "scalar", the code the training step ran before these
// kernels (float64 math.Exp and math.Tanh, a log1p series, Deriv into a
// buffer then a multiply-add), on the sizes of the reference autoencoder's
// step (batch 256): 256×784 outputs, 256×512 hidden activations, the
// 784×512 weight matrix. It reports elements per second.
//
//	go test -run '^$' -bench Elementwise -benchtime 200x ./internal/f32
func BenchmarkElementwise(b *testing.B) {
	const (
		nOut    = 256 * 784
		nHidden = 256 * 512
		nWeight = 784 * 512
	)
	rng := rand.New(rand.NewPCG(1, 1))
	normal := func(n int, s float64) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(s * rng.NormFloat64())
		}
		return x
	}
	z, y, sig := normal(nOut, 3), make([]float32, nOut), make([]float32, nOut)
	for i := range y {
		y[i] = rng.Float32()
	}
	x, out, dx, dy, d := normal(nHidden, 1), make([]float32, nHidden), normal(nHidden, 1), normal(nHidden, 1), make([]float32, nHidden)
	w, g, m, v := normal(nWeight, 0.05), normal(nWeight, 1e-3), normal(nWeight, 1e-4), make([]float32, nWeight)
	for i := range v {
		v[i] = 1e-7 * float32(rng.ExpFloat64())
	}
	bias := make([]float32, 512)
	var sink float64

	type impl struct {
		name string
		f    func()
	}
	kernels := []struct {
		name   string
		n      int
		scalar func()
		f      func()
	}{
		{"BCELogits", nOut, func() { sink += bceScalar(sig, z, y) }, func() { sink += BCELogits(sig, z, y) }},
		{"BCEGrad", nOut, func() { axpyDiffGo(sig, 1.0/nOut, sig, y) }, func() { AxpyDiff(sig, 1.0/nOut, sig, y) }},
		{"MSE", nOut, func() { sink += mseScalar(z, y) }, func() { sink += SumSqDiff(z, y) }},
		{"Sigmoid", nOut, func() { sigmoidScalar(sig, z) }, func() { Sigmoid(sig, z) }},
		{"Tanh", nHidden, func() { tanhScalar(out, x) }, func() { Tanh(out, x) }},
		{"Exp", nHidden, func() { expScalar(out, x) }, func() { Exp(out, x) }},
		{"ReLU", nHidden, func() { reluScalar(out, x) }, func() { ReLU(out, x) }},
		{"ReLUBackward", nHidden, func() { reluDeriv(d, x); mulAccScalar(dx, dy, d) }, func() { ReLUBackward(dx, dy, x) }},
		{"SigmoidBackward", nHidden, func() { sigmoidDeriv(d, out); mulAccScalar(dx, dy, d) }, func() { SigmoidBackward(dx, dy, out) }},
		{"SumRows", nHidden, func() { sumRowsScalar(bias, x) }, func() { SumRows(bias, x) }},
		{"AdamStep", nWeight, func() { adamScalar(w, g, m, v) }, func() {
			AdamStep(w, g, m, v, 0.9, 0.999, 0.1, 0.001, 1e-3, 1.5, 1e-8, 0, false, 1)
		}},
	}
	defer func(k *ewKernel) { ew = k }(ew)
	for _, k := range kernels {
		impls := []impl{{"scalar", k.scalar}}
		for _, e := range ewKernels() {
			impls = append(impls, impl{e.name, func() { ew = e; k.f() }})
		}
		for _, im := range impls {
			b.Run(k.name+"/"+im.name, func(b *testing.B) {
				im.f()
				b.ResetTimer()
				for range b.N {
					im.f()
				}
				b.ReportMetric(float64(k.n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
			})
		}
	}
	_ = sink
}

// The code the training step ran before the kernels of elementwise.go.

func bceScalar(sig, z, y []float32) float64 {
	var s float64
	for i, v := range z {
		zv := float64(v)
		e := math.Exp(-math.Abs(zv))
		s += max(zv, 0) - zv*float64(y[i]) + log1pSeries(e)
		if v >= 0 {
			sig[i] = float32(1 / (1 + e))
		} else {
			sig[i] = float32(e / (1 + e))
		}
	}
	return s
}

func log1pSeries(u float64) float64 {
	s := u / (2 + u)
	s2 := s * s
	p := 1.0 / 21
	for _, c := range [...]float64{1.0 / 19, 1.0 / 17, 1.0 / 15, 1.0 / 13, 1.0 / 11, 1.0 / 9, 1.0 / 7, 1.0 / 5, 1.0 / 3, 1} {
		p = p*s2 + c
	}
	return 2 * s * p
}

func mseScalar(p, y []float32) float64 {
	var s float64
	for i, v := range p {
		d := float64(v - y[i])
		s += d * d
	}
	return s
}

func sigmoidScalar(y, x []float32) {
	for i, v := range x {
		y[i] = float32(1 / (1 + math.Exp(-float64(v))))
	}
}

func tanhScalar(y, x []float32) {
	for i, v := range x {
		y[i] = float32(math.Tanh(float64(v)))
	}
}

func expScalar(y, x []float32) {
	for i, v := range x {
		y[i] = float32(math.Exp(float64(v)))
	}
}

func reluScalar(y, x []float32) {
	for i, v := range x {
		y[i] = max(v, 0)
	}
}

func reluDeriv(d, x []float32) {
	for i, v := range x {
		if v > 0 {
			d[i] = 1
		} else {
			d[i] = 0
		}
	}
}

func sigmoidDeriv(d, y []float32) {
	for i, v := range y {
		d[i] = v * (1 - v)
	}
}

func mulAccScalar(dst, a, b []float32) {
	b = b[:len(a)]
	dst = dst[:len(a)]
	for i, v := range a {
		dst[i] += v * b[i]
	}
}

func sumRowsScalar(dst, x []float32) {
	n := len(dst)
	for i := 0; i+n <= len(x); i += n {
		row := x[i : i+n]
		for j, v := range row {
			dst[j] += v
		}
	}
}

func adamScalar(w, g, m, v []float32) {
	const b1, b2, c1, c2, stepSize, invBC2, eps = 0.9, 0.999, 0.1, 0.001, 1e-3, 1.5, 1e-8
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	for j := range w {
		gj := g[j]
		mj := b1*m[j] + c1*gj
		vj := b2*v[j] + c2*gj*gj
		m[j], v[j] = mj, vj
		w[j] -= stepSize * mj / (float32(math.Sqrt(float64(vj)))*invBC2 + eps)
	}
}
