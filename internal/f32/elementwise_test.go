package f32

import (
	"flag"
	"math"
	"math/rand/v2"
	"testing"
)

// The element-wise kernels are checked in two ways: every implementation
// (AVX-512, AVX2, Go) against the Go loops of elementwise.go, bit for bit, on
// random and extreme inputs of awkward lengths; and the float32
// approximations of exp, log1p, sigmoid and tanh against math's float64
// functions, in ulps, over dense sweeps.

var full = flag.Bool("full", false, "TestAccuracy sweeps every float32 of each range")

var ewLengths = []int{0, 1, 7, 15, 16, 17, 31, 32, 33, 47, 64, 65, 100, 1000}

// extremes are inputs that exercise the clamps, the signs of zero,
// subnormals, infinities and NaN.
var extremes = []float32{
	0, float32(math.Copysign(0, -1)), 1, -1, 0.5, -0.5, 1e-30, -1e-30, 1e-45, -1e-45, 1e-7, -1e-7,
	20, -20, 10, -10, 80, -80, 87.3, -87.3, 88.72, 88.7228, 88.73, -103.9, -104, -105, 89, 104,
	1e4, -1e4, 1e30, -1e30, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()),
	0.34657, -0.34657, 0.3466, -0.3466, 9.01, -9.01,
}

// mixed returns n inputs: mostly N(0, scale²), one in four from extremes.
func mixed(rng *rand.Rand, n int, scale float64) []float32 {
	x := make([]float32, n)
	for i := range x {
		if rng.IntN(4) == 0 {
			x[i] = extremes[rng.IntN(len(extremes))]
		} else {
			x[i] = float32(scale * rng.NormFloat64())
		}
	}
	return x
}

// inside returns a copy of x at a random offset of 1 to 3 in a longer
// slice poisoned with sentinel values, and the whole.
func inside(rng *rand.Rand, x []float32) (sub, whole []float32) {
	off := 1 + rng.IntN(3)
	whole = make([]float32, off+len(x)+3)
	for i := range whole {
		whole[i] = -12345.5
	}
	copy(whole[off:], x)
	return whole[off : off+len(x)], whole
}

// same reports whether a and b hold the same float32 values bit for bit,
// any NaN matching any NaN.
func same(a, b []float32) (int, bool) {
	if len(a) != len(b) {
		return -1, false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) && !(a[i] != a[i] && b[i] != b[i]) {
			return i, false
		}
	}
	return 0, true
}

func same64(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (a != a && b != b)
}

// forEachEW runs f with each element-wise kernel this build offers.
func forEachEW(t *testing.T, f func(t *testing.T)) {
	defer func(k *ewKernel) { ew = k }(ew)
	for _, k := range ewKernels() {
		ew = k
		t.Run(k.name, f)
	}
}

// ewCase is one kernel under test: run applies it (through the exported
// function) to the buffers, spec applies the Go loop.
type ewCase struct {
	name string
	// in gives the inputs and outputs for length n; the last buffer is
	// written (or accumulated into).
	in   func(rng *rand.Rand, n int) [][]float32
	run  func(b [][]float32) float64
	spec func(b [][]float32) float64
}

func unaryCase(name string, run func(y, x []float32), spec func(y, x []float32), scale float64) ewCase {
	return ewCase{
		name: name,
		in: func(rng *rand.Rand, n int) [][]float32 {
			return [][]float32{mixed(rng, n, scale), make([]float32, n)}
		},
		run:  func(b [][]float32) float64 { run(b[1], b[0]); return 0 },
		spec: func(b [][]float32) float64 { spec(b[1], b[0]); return 0 },
	}
}

func backCase(name string, run func(dx, dy, x []float32), spec func(dx, dy, x []float32), yLike bool) ewCase {
	return ewCase{
		name: name,
		in: func(rng *rand.Rand, n int) [][]float32 {
			x := mixed(rng, n, 2)
			if yLike { // outputs of sigmoid or tanh, and a few others
				for i := range x {
					if rng.IntN(8) != 0 {
						x[i] = rng.Float32()*2 - 1
					}
				}
			}
			return [][]float32{mixed(rng, n, 1), x, mixed(rng, n, 1)}
		},
		run:  func(b [][]float32) float64 { run(b[2], b[0], b[1]); return 0 },
		spec: func(b [][]float32) float64 { spec(b[2], b[0], b[1]); return 0 },
	}
}

func ewCases() []ewCase {
	const slope = 0.01
	adamIn := func(rng *rand.Rand, n int) [][]float32 {
		w, g := mixed(rng, n, 0.1), mixed(rng, n, 0.01)
		m, v := make([]float32, n), make([]float32, n)
		for i := range m {
			m[i] = float32(0.01 * rng.NormFloat64())
			v[i] = float32(1e-4 * rng.ExpFloat64())
			if rng.IntN(16) == 0 {
				v[i] = 0
			}
		}
		return [][]float32{g, m, v, w}
	}
	adam := func(decoupled bool) func(b [][]float32) float64 {
		return func(b [][]float32) float64 {
			AdamStep(b[3], b[0], b[1], b[2], 0.9, 0.999, 0.1, 0.001, 1.1e-3, 1.02, 1e-8, 0.01, decoupled, 1-1e-5)
			return 0
		}
	}
	adamSpec := func(decoupled bool) func(b [][]float32) float64 {
		return func(b [][]float32) float64 {
			p := [9]float32{0.9, 0.999, 0.1, 0.001, 1.1e-3, 1.02, 1e-8, 0.01, 1 - 1e-5}
			adamGo(b[3], b[0], b[1], b[2], &p, decoupled)
			return 0
		}
	}
	return []ewCase{
		unaryCase("Exp", Exp, expGo, 30),
		unaryCase("Sigmoid", Sigmoid, sigmoidGo, 8),
		unaryCase("Tanh", Tanh, tanhGo, 3),
		unaryCase("ReLU", ReLU, reluGo, 1),
		unaryCase("LeakyReLU",
			func(y, x []float32) { LeakyReLU(y, x, slope) },
			func(y, x []float32) { leakyReLUGo(y, x, slope) }, 1),
		backCase("ReLUBackward", ReLUBackward, reluBackGo, false),
		backCase("LeakyReLUBackward",
			func(dx, dy, x []float32) { LeakyReLUBackward(dx, dy, x, slope) },
			func(dx, dy, x []float32) { leakyReLUBackGo(dx, dy, x, slope) }, false),
		backCase("SigmoidBackward", SigmoidBackward, sigmoidBackGo, true),
		backCase("TanhBackward", TanhBackward, tanhBackGo, true),
		{
			name: "Axpy",
			in: func(rng *rand.Rand, n int) [][]float32 {
				return [][]float32{mixed(rng, n, 1), mixed(rng, n, 1)}
			},
			run:  func(b [][]float32) float64 { Axpy(-0.37, b[0], b[1]); return 0 },
			spec: func(b [][]float32) float64 { axpyGo(-0.37, b[0], b[1]); return 0 },
		},
		{
			name: "AxpyDiff",
			in: func(rng *rand.Rand, n int) [][]float32 {
				return [][]float32{mixed(rng, n, 1), mixed(rng, n, 1), mixed(rng, n, 1)}
			},
			run:  func(b [][]float32) float64 { AxpyDiff(b[2], 1.0/3, b[0], b[1]); return 0 },
			spec: func(b [][]float32) float64 { axpyDiffGo(b[2], 1.0/3, b[0], b[1]); return 0 },
		},
		{
			name: "Mul",
			in: func(rng *rand.Rand, n int) [][]float32 {
				return [][]float32{mixed(rng, n, 1), mixed(rng, n, 1), mixed(rng, n, 1)}
			},
			run:  func(b [][]float32) float64 { Mul(b[2], b[0], b[1]); return 0 },
			spec: func(b [][]float32) float64 { mulGo(b[2], b[0], b[1]); return 0 },
		},
		{
			name: "MulAcc",
			in: func(rng *rand.Rand, n int) [][]float32 {
				return [][]float32{mixed(rng, n, 1), mixed(rng, n, 1), mixed(rng, n, 1)}
			},
			run:  func(b [][]float32) float64 { MulAcc(b[2], b[0], b[1]); return 0 },
			spec: func(b [][]float32) float64 { mulAccGo(b[2], b[0], b[1]); return 0 },
		},
		{
			name: "SumSqDiff",
			in: func(rng *rand.Rand, n int) [][]float32 {
				return [][]float32{mixed(rng, n, 1), mixed(rng, n, 1)}
			},
			run: func(b [][]float32) float64 { return SumSqDiff(b[0], b[1]) },
			spec: func(b [][]float32) float64 {
				var acc [16]float64
				sumSqDiffGo(b[0], b[1], &acc)
				return sum16(&acc)
			},
		},
		{
			name: "BCELogits",
			in: func(rng *rand.Rand, n int) [][]float32 {
				y := make([]float32, n)
				for i := range y {
					switch rng.IntN(3) {
					case 0:
						y[i] = rng.Float32()
					case 1:
						y[i] = float32(rng.IntN(2))
					}
				}
				return [][]float32{mixed(rng, n, 10), y, make([]float32, n)}
			},
			run: func(b [][]float32) float64 { return BCELogits(b[2], b[0], b[1]) },
			spec: func(b [][]float32) float64 {
				var acc [16]float64
				bceGo(b[2], b[0], b[1], &acc)
				return sum16(&acc)
			},
		},
		{name: "AdamStep", in: adamIn, run: adam(false), spec: adamSpec(false)},
		{name: "AdamWStep", in: adamIn, run: adam(true), spec: adamSpec(true)},
	}
}

// TestElementwiseAgainstLoop checks every kernel, with every implementation,
// against its Go loop: the same bits (NaN matching NaN), the same bits
// again on a second run, and nothing written outside the output slices.
func TestElementwiseAgainstLoop(t *testing.T) {
	forEachEW(t, func(t *testing.T) {
		for ci, tc := range ewCases() {
			for _, n := range ewLengths {
				rng := rand.New(rand.NewPCG(uint64(ci), uint64(n)))
				orig := tc.in(rng, n)
				var got, whole [][]float32
				for _, b := range orig {
					s, w := inside(rng, b)
					got, whole = append(got, s), append(whole, w)
				}
				want := make([][]float32, len(orig))
				for i, b := range orig {
					want[i] = append([]float32(nil), b...)
				}
				again := make([][]float32, len(orig))
				for i, b := range orig {
					again[i] = append([]float32(nil), b...)
				}
				r := tc.run(got)
				rs := tc.spec(want)
				r2 := tc.run(again)
				if !same64(r, rs) || !same64(r, r2) {
					t.Errorf("%s n=%d: returned %v, loop %v, second run %v", tc.name, n, r, rs, r2)
				}
				for i := range got {
					if j, ok := same(got[i], want[i]); !ok {
						t.Fatalf("%s n=%d: buffer %d [%d] = %v (%#x), loop %v (%#x); input %v", tc.name, n, i, j,
							got[i][j], math.Float32bits(got[i][j]), want[i][j], math.Float32bits(want[i][j]), inputsAt(orig, j))
					}
					if j, ok := same(got[i], again[i]); !ok {
						t.Fatalf("%s n=%d: buffer %d [%d] differs between runs", tc.name, n, i, j)
					}
					off := len(whole[i]) - len(got[i]) - 3
					for p, v := range whole[i] {
						if (p < off || p >= off+n) && v != -12345.5 {
							t.Fatalf("%s n=%d: buffer %d written at %d outside the slice", tc.name, n, i, p-off)
						}
					}
				}
			}
		}
	})
}

func inputsAt(b [][]float32, j int) []float32 {
	var s []float32
	for _, x := range b {
		s = append(s, x[j])
	}
	return s
}

// TestBCELanes sweeps the logits densely over [−110, 110] (every element
// through exp, sigmoid and log1p) and compares each implementation's 16 lane
// sums and sigmoids with the Go loop's, so that a difference in one element
// cannot hide in the total.
func TestBCELanes(t *testing.T) {
	const n = 1 << 18
	z, y := make([]float32, n), make([]float32, n)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range z {
		z[i] = -110 + 220*float32(i)/n
		y[i] = float32(rng.IntN(3)) / 2
	}
	wantSig := make([]float32, n)
	var want [16]float64
	bceGo(wantSig, z, y, &want)
	forEachEW(t, func(t *testing.T) {
		if ew.bce == nil {
			t.Skip("the Go loop is the reference")
		}
		sig := make([]float32, n)
		var acc [16]float64
		ew.bce(sig, z, y, &acc)
		if i, ok := same(sig, wantSig); !ok {
			t.Fatalf("sigmoid(%v) = %v, loop %v", z[i], sig[i], wantSig[i])
		}
		for l := range acc {
			if !same64(acc[l], want[l]) {
				t.Errorf("lane %d: %v, loop %v", l, acc[l], want[l])
			}
		}
	})
}

// TestSpecialValues pins the results that do not depend on rounding.
func TestSpecialValues(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	negZero := float32(math.Copysign(0, -1))
	cases := []struct {
		name string
		f    func(y, x []float32)
		x    []float32
		want []float32
	}{
		{"Exp", Exp, []float32{0, negZero, -inf, inf, 89, 88.8, -104, -1e4, 1e4, -103}, []float32{1, 1, 0, inf, inf, inf, 0, 0, inf, exp32(-103)}},
		{"Sigmoid", Sigmoid, []float32{0, negZero, inf, -inf, 1e4, -1e4, 100}, []float32{0.5, 0.5, 1, 0, 1, 0, 1}},
		{"Tanh", Tanh, []float32{0, negZero, inf, -inf, 1e4, -1e4, 10, -10, 1e-40}, []float32{0, negZero, 1, -1, 1, -1, 1, -1, 1e-40}},
		{"ReLU", ReLU, []float32{negZero, -inf, inf, -1, 2}, []float32{0, 0, inf, 0, 2}},
	}
	forEachEW(t, func(t *testing.T) {
		for _, c := range cases {
			// Repeat the inputs past 16 elements so that the assembly sees them.
			var x, want []float32
			for len(x) < 40 {
				x, want = append(x, c.x...), append(want, c.want...)
			}
			x, want = append(x, nan), append(want, nan)
			y := make([]float32, len(x))
			c.f(y, x)
			if i, ok := same(y, want); !ok {
				t.Errorf("%s(%v) = %v (%#x), want %v", c.name, x[i], y[i], math.Float32bits(y[i]), want[i])
			}
		}
	})
	if e := exp32(-103); !(e > 0 && e < 1e-44) {
		t.Errorf("exp32(-103) = %v, want the subnormal e^−103", e)
	}
}

// TestBCEExtremes checks BCELogits against the float64 formula at the
// inputs where naive forms overflow or lose everything.
func TestBCEExtremes(t *testing.T) {
	zs := []float32{80, -80, 1e4, -1e4, 0, 1e-30, -1e-30, 17, -17, 0.5, -3}
	ys := []float32{0, 1, 0.3}
	forEachEW(t, func(t *testing.T) {
		for _, yv := range ys {
			var z, y []float32
			for len(z) < 48 {
				z = append(z, zs...)
			}
			for range z {
				y = append(y, yv)
			}
			sig := make([]float32, len(z))
			got := BCELogits(sig, z, y)
			var want float64
			for i, v := range z {
				zv, yv := float64(v), float64(y[i])
				want += math.Max(zv, 0) - zv*yv + math.Log1p(math.Exp(-math.Abs(zv)))
				if s := 1 / (1 + math.Exp(-zv)); ulps(sig[i], s) > 2.1 {
					t.Errorf("sigmoid(%v) = %v, float64 %v", v, sig[i], s)
				}
			}
			if math.Abs(got-want) > 1e-6*math.Abs(want) {
				t.Errorf("y=%v: BCE sum %v, float64 formula %v", yv, got, want)
			}
		}
	})
}

// ulp32 returns the spacing of float32 numbers at |v|.
func ulp32(v float64) float64 {
	v = math.Abs(v)
	if v < 0x1p-126 {
		return 0x1p-149
	}
	_, e := math.Frexp(v) // v = f·2^e, f in [0.5, 1)
	return math.Ldexp(1, e-24)
}

// ulps returns |got − want| in float32 ulps at want; infinitely many when
// got is NaN or infinite and want does not round to it.
func ulps(got float32, want float64) float64 {
	switch {
	case got != got:
		return math.Inf(1)
	case math.IsInf(float64(got), 0) || math.IsInf(want, 0):
		if float32(want) == got {
			return 0
		}
		return math.Inf(1)
	}
	return math.Abs(float64(got)-want) / ulp32(want)
}

// sweep calls f on every stride-th float32 in [lo, hi] (by bit pattern, so
// that every binade gets its share), and on lo and hi.
func sweep(lo, hi float32, stride uint32, f func(x float32)) {
	step := func(x float32, d uint32) float32 {
		b := math.Float32bits(x)
		switch {
		case x == 0:
			return math.Float32frombits(d)
		case x > 0:
			return math.Float32frombits(b + d)
		default:
			if b&^signBit <= d {
				return 0
			}
			return math.Float32frombits(b - d)
		}
	}
	for x := lo; x < hi; x = step(x, stride) {
		f(x)
	}
	f(hi)
}

// accuracy returns the largest error in ulps of got against want over the
// sweep, and where.
func accuracy(lo, hi float32, stride uint32, got func(float32) float32, want func(float64) float64) (worst float64, at float32) {
	sweep(lo, hi, stride, func(x float32) {
		if u := ulps(got(x), want(float64(x))); u > worst {
			worst, at = u, x
		}
	})
	return worst, at
}

// TestAccuracy measures the float32 approximations against math's float64
// functions over dense sweeps of the ranges that matter (every 997th float32;
// go test -run Accuracy -full sweeps all of them) and bounds their errors.
// The bounds are the maxima of the full sweep, rounded up; it measured
//
//	exp     [−104, 89]  1.023 ulp at 59.270813
//	log1p   [0, 1]      0.902 ulp at 0.4903468
//	sigmoid [−104, 20]  1.967 ulp at −6.237699
//	tanh    [−10, 10]   1.506 ulp at −0.57986623
//
// (beyond these ranges the results are 0, +Inf, 1 or ±1, which
// TestSpecialValues checks).
func TestAccuracy(t *testing.T) {
	stride := uint32(997)
	if testing.Short() {
		stride = 9973
	}
	if *full {
		stride = 1
	}
	sig64 := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	for _, c := range []struct {
		name   string
		lo, hi float32
		got    func(float32) float32
		want   func(float64) float64
		bound  float64
	}{
		{"exp", -104, 89, exp32, math.Exp, 1.05},
		{"log1p", 0, 1, log1p01f, math.Log1p, 0.95},
		{"sigmoid", -104, 20, sigmoid32, sig64, 2.0},
		{"tanh", -10, 10, tanh32, math.Tanh, 1.55},
	} {
		worst, at := accuracy(c.lo, c.hi, stride, c.got, c.want)
		t.Logf("%s on [%g, %g], every %d-th float32: max error %.3f ulp at %g", c.name, c.lo, c.hi, stride, worst, at)
		if worst > c.bound {
			t.Errorf("%s: error %.3f ulp at %g (%v, float64 %v), bound %v", c.name, worst, at, c.got(at), c.want(float64(at)), c.bound)
		}
	}
}

func TestSum16(t *testing.T) {
	var acc [16]float64
	for i := range acc {
		acc[i] = float64(i + 1)
	}
	if got := sum16(&acc); got != 136 {
		t.Fatalf("sum16 = %v, want 136", got)
	}
}
