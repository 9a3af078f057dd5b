package noise

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

const n = 200000

func ramp() []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(i%11) / 10 // 0, 0.1, ..., 1
	}
	return x
}

// moments returns the mean and variance of a.
func moments(a []float64) (mean, variance float64) {
	for _, v := range a {
		mean += v
	}
	mean /= float64(len(a))
	for _, v := range a {
		variance += (v - mean) * (v - mean)
	}
	return mean, variance / float64(len(a))
}

func TestGaussian(t *testing.T) {
	src := ramp()
	dst := make([]float32, n)
	Gaussian{Sigma: 0.2}.Corrupt(dst, src, rand.New(rand.NewPCG(1, 2)))
	diff := make([]float64, n)
	for i := range diff {
		diff[i] = float64(dst[i] - src[i])
	}
	mean, variance := moments(diff)
	// Standard errors: mean 0.2/√n ≈ 4.5e-4; variance 0.04·√(2/n) ≈ 1.3e-4.
	if math.Abs(mean) > 0.003 || math.Abs(variance-0.04) > 0.001 {
		t.Errorf("noise mean %v, variance %v; want 0, 0.04", mean, variance)
	}
	// About 68.3% within one σ.
	in := 0
	for _, d := range diff {
		if math.Abs(d) < 0.2 {
			in++
		}
	}
	if f := float64(in) / n; math.Abs(f-0.6827) > 0.005 {
		t.Errorf("fraction within 1σ = %v, want 0.683", f)
	}
	// σ = 0 copies.
	Gaussian{}.Corrupt(dst, src, rand.New(rand.NewPCG(1, 2)))
	if fmt.Sprint(dst[:20]) != fmt.Sprint(src[:20]) {
		t.Error("sigma 0 changed the data")
	}
}

func TestSpeckle(t *testing.T) {
	src := ramp()
	dst := make([]float32, n)
	Speckle{Sigma: 0.3}.Corrupt(dst, src, rand.New(rand.NewPCG(3, 4)))
	// Zeros stay zero; elsewhere dst/src - 1 ~ N(0, 0.09).
	var ratio []float64
	for i, v := range src {
		if v == 0 {
			if dst[i] != 0 {
				t.Fatalf("speckle moved a zero to %v", dst[i])
			}
			continue
		}
		ratio = append(ratio, float64(dst[i]/v)-1)
	}
	mean, variance := moments(ratio)
	if math.Abs(mean) > 0.005 || math.Abs(variance-0.09) > 0.003 {
		t.Errorf("speckle factor mean %v, variance %v; want 0, 0.09", mean, variance)
	}
}

func TestMasking(t *testing.T) {
	src := make([]float32, n)
	for i := range src {
		src[i] = 1
	}
	dst := make([]float32, n)
	Masking{P: 0.25}.Corrupt(dst, src, rand.New(rand.NewPCG(5, 6)))
	zeros := 0
	for _, v := range dst {
		switch v {
		case 0:
			zeros++
		case 1:
		default:
			t.Fatalf("masking produced %v", v)
		}
	}
	// σ of the fraction: √(0.25·0.75/n) ≈ 9.7e-4.
	if f := float64(zeros) / n; math.Abs(f-0.25) > 0.005 {
		t.Errorf("masked fraction %v, want 0.25", f)
	}
	for _, p := range []float32{0, 1} {
		Masking{P: p}.Corrupt(dst, src, rand.New(rand.NewPCG(5, 6)))
		for _, v := range dst {
			if v != 1-p {
				t.Fatalf("P=%v gave %v", p, v)
			}
		}
	}
}

func TestSaltPepper(t *testing.T) {
	src := make([]float32, n)
	for i := range src {
		src[i] = 0.5
	}
	dst := make([]float32, n)
	for _, tt := range []struct {
		sp     SaltPepper
		lo, hi float32
	}{
		{SaltPepper{P: 0.1}, 0, 1},
		{SaltPepper{P: 0.1, Lo: -2, Hi: 3}, -2, 3},
	} {
		tt.sp.Corrupt(dst, src, rand.New(rand.NewPCG(7, 8)))
		var lo, hi int
		for _, v := range dst {
			switch v {
			case tt.lo:
				lo++
			case tt.hi:
				hi++
			case 0.5:
			default:
				t.Fatalf("%v produced %v", tt.sp, v)
			}
		}
		// Expected 10,000 each; σ ≈ 97.
		if lo < 9500 || lo > 10500 || hi < 9500 || hi > 10500 {
			t.Errorf("%v: %d low and %d high values of %d, want about 10000 each", tt.sp, lo, hi, n)
		}
	}
}

func TestReproducible(t *testing.T) {
	src := ramp()[:1000]
	for _, c := range []Corrupter{Gaussian{0.5}, SaltPepper{P: 0.3}, Speckle{0.2}, Masking{0.4}} {
		a := make([]float32, len(src))
		b := make([]float32, len(src))
		c.Corrupt(a, src, rand.New(rand.NewPCG(9, 9)))
		c.Corrupt(b, src, rand.New(rand.NewPCG(9, 9)))
		if string(bytesOf(a)) != string(bytesOf(b)) {
			t.Errorf("%v: same seed, different bytes", c)
		}
		c.Corrupt(b, src, rand.New(rand.NewPCG(9, 10)))
		if string(bytesOf(a)) == string(bytesOf(b)) {
			t.Errorf("%v: different seeds, same bytes", c)
		}
		// In place gives the same result as a separate buffer.
		in := append([]float32(nil), src...)
		c.Corrupt(in, in, rand.New(rand.NewPCG(9, 9)))
		if string(bytesOf(a)) != string(bytesOf(in)) {
			t.Errorf("%v: in-place result differs", c)
		}
	}
}

// bytesOf returns the little-endian bytes of x.
func bytesOf(x []float32) []byte {
	b := make([]byte, 0, 4*len(x))
	for _, v := range x {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}

func TestLengthPanics(t *testing.T) {
	defer func() {
		if r := recover(); fmt.Sprint(r) != "noise: len(dst) = 2, len(src) = 3" {
			t.Errorf("recover() = %v", r)
		}
	}()
	Gaussian{1}.Corrupt(make([]float32, 2), make([]float32, 3), rand.New(rand.NewPCG(1, 1)))
}

func TestParse(t *testing.T) {
	good := []struct {
		spec string
		want Corrupter
		str  string
	}{
		{"gaussian:0.2", Gaussian{0.2}, "gaussian:0.2"},
		{" Gaussian:0 ", Gaussian{0}, "gaussian:0"},
		{"speckle:0.3", Speckle{0.3}, "speckle:0.3"},
		{"masking:0.25", Masking{0.25}, "masking:0.25"},
		{"mask:1", Masking{1}, "masking:1"},
		{"saltpepper:0.1", SaltPepper{P: 0.1}, "saltpepper:0.1"},
		{"salt-and-pepper:0.1", SaltPepper{P: 0.1}, "saltpepper:0.1"},
		{"SP:0", SaltPepper{}, "saltpepper:0"},
		{"sp:0.05:-1:1", SaltPepper{P: 0.05, Lo: -1, Hi: 1}, "saltpepper:0.05:-1:1"},
		{"gaussian:1e-3", Gaussian{0.001}, "gaussian:0.001"},
	}
	for _, tt := range good {
		c, err := Parse(tt.spec)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.spec, err)
			continue
		}
		if c != tt.want || c.String() != tt.str {
			t.Errorf("Parse(%q) = %#v (%s), want %#v (%s)", tt.spec, c, c, tt.want, tt.str)
		}
		if back, err := Parse(c.String()); err != nil || back != c {
			t.Errorf("Parse(%q.String()) = %v, %v", tt.spec, back, err)
		}
	}
	bad := []struct{ spec, err string }{
		{"gaussian:-1", `noise: "gaussian:-1": sigma must be >= 0`},
		{"speckle:-0.1", `noise: "speckle:-0.1": sigma must be >= 0`},
		{"gaussian:NaN", `noise: "gaussian:NaN": "NaN" is not a number`},
		{"gaussian:inf", `noise: "gaussian:inf": "inf" is not finite`},
		{"gaussian:abc", `noise: "gaussian:abc": "abc" is not a number`},
		{"gaussian", `noise: "gaussian": missing parameter (e.g. gaussian:0.1)`},
		{"gaussian:", `noise: "gaussian:": missing parameter`},
		{"gaussian:0.1:2", `noise: "gaussian:0.1:2": too many parameters`},
		{"masking:1.5", `noise: "masking:1.5": p must be in [0, 1]`},
		{"sp:-0.1", `noise: "sp:-0.1": p must be in [0, 1]`},
		{"sp:0.1:0", `noise: "sp:0.1:0": too many parameters`},
		{"sp:0.1:0:0", `noise: "sp:0.1:0:0": lo and hi are both 0`},
		{"pink:0.1", `noise: "pink:0.1": unknown kind "pink" (want gaussian, saltpepper, speckle or masking)`},
		{"", `noise: "": unknown kind ""`},
	}
	for _, tt := range bad {
		c, err := Parse(tt.spec)
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("Parse(%q) = %v, %v; want error %q", tt.spec, c, err, tt.err)
		}
	}
}
