package nn_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/latent-go/latent/autodiff"
	"github.com/latent-go/latent/autodiff/autodifftest"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
)

var allActivations = []nn.Activation{nn.Linear, nn.ReLU, nn.LeakyReLU, nn.Tanh, nn.Sigmoid, nn.GELU}

var allLosses = []nn.Loss{nn.MSE, nn.BCE, nn.Poisson}

func TestParseActivation(t *testing.T) {
	tests := []struct {
		in      string
		want    nn.Activation
		wantErr bool
	}{
		{"linear", nn.Linear, false},
		{"identity", nn.Linear, false},
		{"none", nn.Linear, false},
		{"NONE", nn.Linear, false},
		{"relu", nn.ReLU, false},
		{"ReLU", nn.ReLU, false},
		{"  relu\t", nn.ReLU, false},
		{"leakyrelu", nn.LeakyReLU, false},
		{"leaky_relu", nn.LeakyReLU, false},
		{"leaky-relu", nn.LeakyReLU, false},
		{"LeakyReLU", nn.LeakyReLU, false},
		{"tanh", nn.Tanh, false},
		{"Tanh", nn.Tanh, false},
		{"sigmoid", nn.Sigmoid, false},
		{"SIGMOID", nn.Sigmoid, false},
		{"gelu", nn.GELU, false},
		{"GELU", nn.GELU, false},
		{"", 0, true},
		{"swish", 0, true},
		{"relu6", 0, true},
		{"leaky relu", 0, true},
	}
	for _, tt := range tests {
		got, err := nn.ParseActivation(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("ParseActivation(%q) = %v, want an error", tt.in, got)
			} else if !strings.Contains(err.Error(), fmt.Sprintf("%q", tt.in)) {
				t.Errorf("ParseActivation(%q) error %q does not quote the input", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseActivation(%q) = %v, %v; want %v, nil", tt.in, got, err, tt.want)
		}
	}
}

func TestParseLoss(t *testing.T) {
	tests := []struct {
		in      string
		want    nn.Loss
		wantErr bool
	}{
		{"mse", nn.MSE, false},
		{"MSE", nn.MSE, false},
		{"l2", nn.MSE, false},
		{" L2 ", nn.MSE, false},
		{"bce", nn.BCE, false},
		{"BCE", nn.BCE, false},
		{"binary-cross-entropy", nn.BCE, false},
		{"cross-entropy", nn.BCE, false},
		{"poisson", nn.Poisson, false},
		{"Poisson", nn.Poisson, false},
		{"poisson-nll", nn.Poisson, false},
		{"", 0, true},
		{"l1", 0, true},
		{"huber", 0, true},
	}
	for _, tt := range tests {
		got, err := nn.ParseLoss(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("ParseLoss(%q) = %v, want an error", tt.in, got)
			} else if !strings.Contains(err.Error(), fmt.Sprintf("%q", tt.in)) {
				t.Errorf("ParseLoss(%q) error %q does not quote the input", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseLoss(%q) = %v, %v; want %v, nil", tt.in, got, err, tt.want)
		}
	}
}

func TestStringOutOfRange(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{nn.Activation(-1).String(), "Activation(-1)"},
		{nn.Activation(len(allActivations)).String(), fmt.Sprintf("Activation(%d)", len(allActivations))},
		{nn.Loss(-1).String(), "Loss(-1)"},
		{nn.Loss(len(allLosses)).String(), fmt.Sprintf("Loss(%d)", len(allLosses))},
	} {
		if tt.got != tt.want {
			t.Errorf("String() = %q, want %q", tt.got, tt.want)
		}
	}
}

// TestTextRoundTrip checks that every activation and loss survives
// MarshalText → UnmarshalText, directly and inside a JSON manifest, and that
// UnmarshalText rejects an unknown name without changing the value.
func TestTextRoundTrip(t *testing.T) {
	for _, a := range allActivations {
		b, err := a.MarshalText()
		if err != nil {
			t.Fatalf("%v.MarshalText: %v", a, err)
		}
		var got nn.Activation
		if err := got.UnmarshalText(b); err != nil || got != a {
			t.Errorf("Activation round trip %v → %q → %v, %v", a, b, got, err)
		}
	}
	for _, l := range allLosses {
		b, err := l.MarshalText()
		if err != nil {
			t.Fatalf("%v.MarshalText: %v", l, err)
		}
		var got nn.Loss
		if err := got.UnmarshalText(b); err != nil || got != l {
			t.Errorf("Loss round trip %v → %q → %v, %v", l, b, got, err)
		}
	}

	type manifest struct {
		Act  nn.Activation `json:"act"`
		Loss nn.Loss       `json:"loss"`
	}
	in := manifest{Act: nn.GELU, Loss: nn.Poisson}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"act":"gelu","loss":"poisson"}`; string(b) != want {
		t.Errorf("json.Marshal = %s, want %s", b, want)
	}
	var out manifest
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Errorf("json round trip = %+v, %v; want %+v", out, err, in)
	}
	if err := json.Unmarshal([]byte(`{"act":"LEAKY_RELU","loss":"L2"}`), &out); err != nil || out.Act != nn.LeakyReLU || out.Loss != nn.MSE {
		t.Errorf("json aliases = %+v, %v", out, err)
	}

	a := nn.Tanh
	if err := a.UnmarshalText([]byte("swish")); err == nil || a != nn.Tanh {
		t.Errorf("Activation.UnmarshalText(swish) = %v, value %v; want an error and tanh kept", err, a)
	}
	l := nn.BCE
	if err := l.UnmarshalText([]byte("huber")); err == nil || l != nn.BCE {
		t.Errorf("Loss.UnmarshalText(huber) = %v, value %v; want an error and bce kept", err, l)
	}
}

// activationPoints are where TestActivationValues compares with PyTorch; all
// are exact in float32.
var activationPoints = []float32{-2, -0.5, 0, 1, 3}

// TestActivationValues compares Apply, Deriv and Deriv2 with PyTorch at
// activationPoints. The reference values were printed in float64 by
// /usr/bin/python3 with torch 1.13:
//
//	x = torch.tensor([-2.0, -0.5, 0.0, 1.0, 3.0], dtype=torch.float64, requires_grad=True)
//	y = f(x)
//	d, = torch.autograd.grad(y.sum(), x, create_graph=True)
//	d2, = torch.autograd.grad(d.sum(), x)
//
// with f = torch.nn.functional.relu, lambda v: F.leaky_relu(v, 0.01),
// torch.tanh, torch.sigmoid and torch.nn.functional.gelu (approximate='none').
// Linear is the identity and needs no reference.
func TestActivationValues(t *testing.T) {
	tests := []struct {
		act       nn.Activation
		y, d, d2  []float64
		tolerance float64
	}{
		{
			act: nn.Linear,
			y:   []float64{-2, -0.5, 0, 1, 3},
			d:   []float64{1, 1, 1, 1, 1},
			d2:  []float64{0, 0, 0, 0, 0},
		},
		{
			act: nn.ReLU,
			y:   []float64{0.0, 0.0, 0.0, 1.0, 3.0},
			d:   []float64{0.0, 0.0, 0.0, 1.0, 1.0},
			d2:  []float64{0, 0, 0, 0, 0},
		},
		{
			act: nn.LeakyReLU,
			y:   []float64{-0.02, -0.005, 0.0, 1.0, 3.0},
			d:   []float64{0.01, 0.01, 0.01, 1.0, 1.0},
			d2:  []float64{0, 0, 0, 0, 0},
		},
		{
			act: nn.Tanh,
			y:   []float64{-0.9640275800758169, -0.46211715726000974, 0.0, 0.7615941559557649, 0.9950547536867305},
			d:   []float64{0.07065082485316443, 0.7864477329659274, 1.0, 0.41997434161402614, 0.009866037165440166},
			d2:  []float64{0.13621868742711296, 0.7268619813835873, -0.0, -0.6397000084492246, -0.019634494363042387},
		},
		{
			act: nn.Sigmoid,
			y:   []float64{0.11920292202211755, 0.3775406687981454, 0.5, 0.7310585786300049, 0.9525741268224334},
			d:   []float64{0.1049935854035065, 0.2350037122015945, 0.25, 0.19661193324148185, 0.045176659730912},
			d2:  []float64{0.07996250105615306, 0.05755679485232075, 0.0, -0.09085774767294841, -0.040891574660943376},
		},
		{
			act: nn.GELU,
			y:   []float64{-0.04550026389635842, -0.15426876936299344, 0.0, 0.841344746068543, 2.99595030590511},
			d:   []float64{-0.08523180107819692, 0.13250487534383712, 0.5, 1.0833154705876864, 1.011945647204184},
			d2:  []float64{-0.10798193302637613, 0.6161143218375241, 0.7978845608028654, 0.24197072451914337, -0.031022938883566054},
		},
	}
	// Tanh and Sigmoid derive from the float32 output y, so their
	// derivatives carry a few float32 roundings.
	const tol = 1e-6
	for _, tt := range tests {
		t.Run(tt.act.String(), func(t *testing.T) {
			x := activationPoints
			n := len(x)
			y, d, d2 := make([]float32, n), make([]float32, n), make([]float32, n)
			tt.act.Apply(y, x)
			tt.act.Deriv(d, x, y)
			tt.act.Deriv2(d2, x, y)
			for _, c := range []struct {
				name string
				got  []float32
				want []float64
			}{{"Apply", y, tt.y}, {"Deriv", d, tt.d}, {"Deriv2", d2, tt.d2}} {
				for i, g := range c.got {
					if math.Abs(float64(g)-c.want[i]) > tol*math.Max(1, math.Abs(c.want[i])) {
						t.Errorf("%s(%g) = %.9g, want %.9g (PyTorch)", c.name, x[i], g, c.want[i])
					}
				}
			}
		})
	}
}

// closedForm holds an activation and its first two derivatives written in
// float64 from their textbook definitions, independently of the package.
type closedForm struct {
	f, d, d2 func(x float64) float64
}

// phi64 is the standard normal CDF written with Erfc, unlike the package.
func phi64(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// pdf64 is the standard normal density.
func pdf64(x float64) float64 { return math.Exp(-0.5*x*x) / math.Sqrt(2*math.Pi) }

func sigmoid64(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

var closedForms = map[nn.Activation]closedForm{
	nn.Linear: {
		f:  func(x float64) float64 { return x },
		d:  func(float64) float64 { return 1 },
		d2: func(float64) float64 { return 0 },
	},
	nn.ReLU: {
		f: func(x float64) float64 { return math.Max(x, 0) },
		d: func(x float64) float64 {
			if x > 0 {
				return 1
			}
			return 0
		},
		d2: func(float64) float64 { return 0 },
	},
	nn.LeakyReLU: {
		f: func(x float64) float64 {
			if x < 0 {
				return 0.01 * x
			}
			return x
		},
		d: func(x float64) float64 {
			if x > 0 {
				return 1
			}
			return 0.01
		},
		d2: func(float64) float64 { return 0 },
	},
	nn.Tanh: {
		f: math.Tanh,
		d: func(x float64) float64 { c := math.Cosh(x); return 1 / (c * c) },
		d2: func(x float64) float64 {
			c := math.Cosh(x)
			return -2 * math.Tanh(x) / (c * c)
		},
	},
	nn.Sigmoid: {
		f: sigmoid64,
		d: func(x float64) float64 { e := math.Exp(-x); return e / ((1 + e) * (1 + e)) },
		d2: func(x float64) float64 {
			s := sigmoid64(x)
			return s * (1 - s) * (1 - 2*s)
		},
	},
	nn.GELU: {
		f:  func(x float64) float64 { return x * phi64(x) },
		d:  func(x float64) float64 { return phi64(x) + x*pdf64(x) },
		d2: func(x float64) float64 { return 2*pdf64(x) - x*x*pdf64(x) },
	},
}

// TestActivationClosedForm compares Apply, Deriv and Deriv2 with float64
// closed forms on a grid of step 1/8 over [-6, 6]. At ReLU's kink both sides
// take the derivative at 0 from the left, as PyTorch does.
func TestActivationClosedForm(t *testing.T) {
	var x []float32
	for i := -48; i <= 48; i++ {
		x = append(x, float32(i)/8) // exact in float32
	}
	n := len(x)
	for _, a := range allActivations {
		cf, ok := closedForms[a]
		if !ok {
			t.Fatalf("no closed form for %v", a)
		}
		y, d, d2 := make([]float32, n), make([]float32, n), make([]float32, n)
		a.Apply(y, x)
		a.Deriv(d, x, y)
		a.Deriv2(d2, x, y)
		for i, xv := range x {
			xf := float64(xv)
			for _, c := range []struct {
				name string
				got  float32
				want float64
			}{{"Apply", y[i], cf.f(xf)}, {"Deriv", d[i], cf.d(xf)}, {"Deriv2", d2[i], cf.d2(xf)}} {
				if math.Abs(float64(c.got)-c.want) > 1e-6*math.Max(1, math.Abs(c.want)) {
					t.Errorf("%v.%s(%g) = %.9g, closed form %.9g", a, c.name, xv, c.got, c.want)
				}
			}
		}
	}
}

// TestActivationInPlace checks that Apply may write over its input, as
// Loss.Reconstruct relies on.
func TestActivationInPlace(t *testing.T) {
	for _, a := range allActivations {
		x := []float32{-1.5, 0.25, 2}
		want := make([]float32, len(x))
		a.Apply(want, x)
		a.Apply(x, x)
		for i := range x {
			if x[i] != want[i] {
				t.Errorf("%v: in-place Apply[%d] = %g, want %g", a, i, x[i], want[i])
			}
		}
	}
}

func TestUnknownActivationPanics(t *testing.T) {
	bad := nn.Activation(99)
	x := []float32{1}
	for name, f := range map[string]func(){
		"Apply":  func() { bad.Apply(x, x) },
		"Deriv":  func() { bad.Deriv(x, x, x) },
		"Deriv2": func() { bad.Deriv2(x, x, x) },
	} {
		func() {
			defer func() {
				r := recover()
				if s, _ := r.(string); !strings.HasPrefix(s, "nn: ") {
					t.Errorf("%s of Activation(99): recovered %v, want a panic with prefix \"nn: \"", name, r)
				}
			}()
			f()
		}()
	}
}

// TestActivationBackward checks that the fused Backward gives the same
// bits as Deriv followed by dx += dy·d, which Map used before, on lengths
// that leave tails for the assembly, and that autodiff.Map takes it.
func TestActivationBackward(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, a := range allActivations {
		if _, ok := any(a).(autodiff.FusedBackward); !ok {
			t.Fatalf("%v does not implement autodiff.FusedBackward", a)
		}
		for _, n := range []int{1, 15, 16, 37, 300} {
			x, dy, dx := make([]float32, n), make([]float32, n), make([]float32, n)
			for i := range x {
				x[i] = float32(3 * rng.NormFloat64())
				dy[i] = float32(rng.NormFloat64())
				dx[i] = float32(rng.NormFloat64())
			}
			y, d := make([]float32, n), make([]float32, n)
			a.Apply(y, x)
			a.Deriv(d, x, y)
			want := append([]float32(nil), dx...)
			for i := range want {
				want[i] += float32(dy[i] * d[i])
			}
			a.Backward(dx, dy, x, y)
			for i := range dx {
				if math.Float32bits(dx[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%v n=%d: Backward [%d] = %v, Deriv and product %v (x = %v)", a, n, i, dx[i], want[i], x[i])
				}
			}
		}
	}
}

// randParam returns an r×c parameter with entries uniform on [lo, hi).
func randParam(rng *rand.Rand, r, c int, lo, hi float64) *autodiff.Var {
	m := tensor.New(r, c)
	for i := range m.Data {
		m.Data[i] = float32(lo + (hi-lo)*rng.Float64())
	}
	return autodiff.Param(m)
}

// weigh reduces x to a scalar through fixed random weights, so that every
// element's gradient is exercised with a distinct weight.
func weigh(tp *autodiff.Tape, x *autodiff.Var) *autodiff.Var {
	w := tensor.New(x.Value.R, x.Value.C)
	wr := rand.New(rand.NewPCG(11, uint64(x.Value.Len())))
	for i := range w.Data {
		w.Data[i] = float32(wr.NormFloat64())
	}
	return tp.Sum(tp.Mul(x, tp.Const(w)))
}

// TestActivationGradients checks Deriv through Tape.Map and Deriv2 through
// Tape.MapDeriv against central differences, for every activation.
func TestActivationGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// Stay away from ReLU's kink: no element within 0.05 of zero.
	x := randParam(rng, 3, 4, -2, 2)
	for i, v := range x.Value.Data {
		if math.Abs(float64(v)) < 0.05 {
			x.Value.Data[i] = 0.5
		}
	}
	params := []*autodiff.Var{x}
	for _, a := range allActivations {
		autodifftest.Check(t, "Map/"+a.String(), params, func(tp *autodiff.Tape) *autodiff.Var {
			return weigh(tp, tp.Map(x, a))
		}, 2e-3)
		autodifftest.Check(t, "MapDeriv/"+a.String(), params, func(tp *autodiff.Tape) *autodiff.Var {
			return weigh(tp, tp.MapDeriv(x, tp.Map(x, a), a))
		}, 2e-3)
	}
}

func TestCheckOutput(t *testing.T) {
	for _, l := range allLosses {
		for _, a := range allActivations {
			wantErr := (l == nn.BCE && a != nn.Sigmoid) || (l == nn.Poisson && a != nn.Linear)
			err := l.CheckOutput(a)
			if (err != nil) != wantErr {
				t.Errorf("%v.CheckOutput(%v) = %v, want error %t", l, a, err, wantErr)
			}
			if err != nil && (!strings.Contains(err.Error(), l.String()) || !strings.Contains(err.Error(), a.String())) {
				t.Errorf("%v.CheckOutput(%v) error %q names neither the loss nor the activation", l, a, err)
			}
		}
	}
}

func TestReconstruct(t *testing.T) {
	z := []float32{-3, -0.5, 0, 0.7, 2}
	tests := []struct {
		loss nn.Loss
		out  nn.Activation
		f    func(float64) float64
	}{
		{nn.MSE, nn.Linear, func(x float64) float64 { return x }},
		{nn.MSE, nn.Tanh, math.Tanh},
		{nn.MSE, nn.Sigmoid, sigmoid64},
		{nn.BCE, nn.Sigmoid, sigmoid64},
		{nn.Poisson, nn.Linear, math.Exp},
	}
	for _, tt := range tests {
		got := append([]float32(nil), z...)
		tt.loss.Reconstruct(got, tt.out)
		for i, v := range z {
			want := tt.f(float64(v))
			if math.Abs(float64(got[i])-want) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Errorf("%v/%v: Reconstruct(%g) = %.9g, want %.9g", tt.loss, tt.out, v, got[i], want)
			}
		}
	}
}

// TestPerElement compares PerElement with torch.nn.functional's per-element
// losses. The inputs are the float32 values below, passed to PyTorch as
// torch.tensor([...], dtype=torch.float32).double() so that only the formula
// differs; the reference values were printed by /usr/bin/python3, torch 1.13.
func TestPerElement(t *testing.T) {
	r := []float32{0.1, 0.5, 0.9, 0.3}
	y := []float32{0.0, 1.0, 0.25, 0.7}
	rate := []float32{0.5, 1.0, 2.5, 4.0}
	count := []float32{0.0, 1.0, 3.0, 2.0}
	tests := []struct {
		loss nn.Loss
		r, y []float32
		want []float64
	}{
		// F.binary_cross_entropy(r, y, reduction='none')
		{nn.BCE, r, y, []float64{0.10536051731351088, 0.6931471805599453, 1.7532787764688165, 0.9497834134026671}},
		// F.mse_loss(r, y, reduction='none')
		{nn.MSE, r, y, []float64{0.010000000298023226, 0.25, 0.4224999690055853, 0.15999998092651424}},
		// F.poisson_nll_loss(torch.log(rate), count, log_input=True, full=False, reduction='none')
		{nn.Poisson, rate, count, []float64{0.5, 1.0, -0.24887219562246532, 1.2274112777602189}},
	}
	for _, tt := range tests {
		for i := range tt.r {
			got := tt.loss.PerElement(tt.r[i], tt.y[i])
			if math.Abs(got-tt.want[i]) > 1e-12*math.Max(1, math.Abs(tt.want[i])) {
				t.Errorf("%v.PerElement(%g, %g) = %.17g, want %.17g (PyTorch)", tt.loss, tt.r[i], tt.y[i], got, tt.want[i])
			}
		}
	}

	// Saturated reconstructions stay finite: BCE clamps to [1e-7, 1−1e-7]
	// (PyTorch clamps the log at −100 instead), Poisson clamps the rate at
	// 1e-30.
	for _, tt := range []struct {
		loss nn.Loss
		r, y float32
		want float64
	}{
		{nn.BCE, 0, 1, -math.Log(1e-7)},
		{nn.BCE, 1, 0, -math.Log(1 - (1 - 1e-7))},
		{nn.BCE, 0, 0, -math.Log(1 - 1e-7)},
		{nn.Poisson, 0, 2, 1e-30 - 2*math.Log(1e-30)},
		{nn.Poisson, 0, 0, 1e-30},
	} {
		got := tt.loss.PerElement(tt.r, tt.y)
		if math.IsInf(got, 0) || math.IsNaN(got) || math.Abs(got-tt.want) > 1e-9*math.Max(1, math.Abs(tt.want)) {
			t.Errorf("%v.PerElement(%g, %g) = %g, want %g", tt.loss, tt.r, tt.y, got, tt.want)
		}
	}
}

// TestApplyMatchesPerElement checks that the loss recorded on the tape from
// raw outputs z is the mean of PerElement over Reconstruct(z), the promise
// scoring relies on, and checks Apply's gradient.
func TestApplyMatchesPerElement(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	z := randParam(rng, 3, 4, -2, 2)
	target01 := randParam(rng, 3, 4, 0, 1).Value
	counts := tensor.New(3, 4)
	for i := range counts.Data {
		counts.Data[i] = float32(rng.IntN(5))
	}
	tests := []struct {
		loss   nn.Loss
		out    nn.Activation
		target *tensor.Dense
	}{
		{nn.MSE, nn.Linear, target01},
		{nn.MSE, nn.Sigmoid, target01},
		{nn.MSE, nn.Tanh, target01},
		{nn.BCE, nn.Sigmoid, target01},
		{nn.Poisson, nn.Linear, counts},
	}
	for _, tt := range tests {
		name := tt.loss.String() + "/" + tt.out.String()
		var tp autodiff.Tape
		got := float64(tt.loss.Apply(&tp, z, tt.out, tp.Const(tt.target)).Value.Data[0])
		r := append([]float32(nil), z.Value.Data...)
		tt.loss.Reconstruct(r, tt.out)
		var want float64
		for i, v := range r {
			want += tt.loss.PerElement(v, tt.target.Data[i])
		}
		want /= float64(len(r))
		if math.Abs(got-want) > 1e-5*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: Apply = %.9g, mean PerElement = %.9g", name, got, want)
		}
		autodifftest.Check(t, "Apply/"+name, []*autodiff.Var{z}, func(tp *autodiff.Tape) *autodiff.Var {
			return tt.loss.Apply(tp, z, tt.out, tp.Const(tt.target))
		}, 2e-3)
	}
}

func TestNewDense(t *testing.T) {
	for _, sh := range []struct{ in, out int }{{1, 1}, {4, 3}, {25, 7}, {100, 2}} {
		rng := rand.New(rand.NewPCG(3, uint64(sh.in)))
		d := nn.NewDense(sh.in, sh.out, rng)
		if d.In != sh.in || d.Out != sh.out {
			t.Errorf("NewDense(%d, %d): In, Out = %d, %d", sh.in, sh.out, d.In, d.Out)
		}
		if d.W.Value.R != sh.out || d.W.Value.C != sh.in || d.B.Value.R != 1 || d.B.Value.C != sh.out {
			t.Fatalf("NewDense(%d, %d): W %v, B %v; want %d×%d and 1×%d", sh.in, sh.out, d.W.Value, d.B.Value, sh.out, sh.in, sh.out)
		}
		if ps := d.Params(); len(ps) != 2 || ps[0] != d.W || ps[1] != d.B {
			t.Errorf("Params() = %v, want [W B]", ps)
		}
		bound := 1 / math.Sqrt(float64(sh.in))
		var maxAbs float64
		for _, m := range []*tensor.Dense{d.W.Value, d.B.Value} {
			for _, v := range m.Data {
				maxAbs = max(maxAbs, math.Abs(float64(v)))
			}
		}
		if maxAbs > bound {
			t.Errorf("NewDense(%d, %d): largest |value| %g > 1/√in = %g", sh.in, sh.out, maxAbs, bound)
		}
		// All of n ≥ 10 draws within half the bound has probability
		// ≤ 2⁻¹⁰; the seeds are fixed, so this is deterministic.
		if n := sh.in*sh.out + sh.out; n >= 10 && maxAbs < bound/2 {
			t.Errorf("NewDense(%d, %d): largest |value| %g; uniform on ±%g should reach further", sh.in, sh.out, maxAbs, bound)
		}
	}

	// Mean and spread of many draws match uniform on ±1/√in.
	d := nn.NewDense(16, 200, rand.New(rand.NewPCG(9, 9)))
	var s, s2 float64
	for _, v := range d.W.Value.Data {
		s += float64(v)
		s2 += float64(v) * float64(v)
	}
	n := float64(d.W.Value.Len())
	mean, variance := s/n, s2/n-(s/n)*(s/n)
	wantVar := 1.0 / 16 / 3 // (2b)²/12 with b = 1/4
	if math.Abs(mean) > 0.01 || math.Abs(variance-wantVar)/wantVar > 0.05 {
		t.Errorf("3200 weights: mean %g, variance %g; want ≈0 and ≈%g", mean, variance, wantVar)
	}

	// Same seed, same layer.
	a := nn.NewDense(5, 3, rand.New(rand.NewPCG(4, 4)))
	b := nn.NewDense(5, 3, rand.New(rand.NewPCG(4, 4)))
	for i := range a.W.Value.Data {
		if a.W.Value.Data[i] != b.W.Value.Data[i] {
			t.Fatal("NewDense with the same seed gave different weights")
		}
	}
}

// TestDenseForward checks x·Wᵀ + b on a worked 2×3 → 2×2 example.
func TestDenseForward(t *testing.T) {
	d := &nn.Dense{
		W: autodiff.Param(tensor.FromSlice(2, 3, []float32{
			1, 2, 3,
			-1, 0, 0.5,
		})),
		B:  autodiff.Param(tensor.FromSlice(1, 2, []float32{0.5, -1})),
		In: 3, Out: 2,
	}
	x := tensor.FromSlice(2, 3, []float32{
		1, 0, -1,
		2, 1, 4,
	})
	// Row 0: (1·1 + 0·2 − 1·3) + 0.5 = −1.5, (−1 + 0 − 0.5) − 1 = −2.5.
	// Row 1: (2 + 2 + 12) + 0.5 = 16.5, (−2 + 0 + 2) − 1 = −1.
	want := []float32{-1.5, -2.5, 16.5, -1}
	var tp autodiff.Tape
	got := d.Forward(&tp, tp.Const(x))
	if got.Value.R != 2 || got.Value.C != 2 {
		t.Fatalf("Forward gave %v, want 2×2", got.Value)
	}
	for i, w := range want {
		if got.Value.Data[i] != w {
			t.Errorf("Forward[%d] = %g, want %g", i, got.Value.Data[i], w)
		}
	}
}

// TestDenseGradient checks the gradient of a loss through Forward with
// respect to W, b and the input.
func TestDenseGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	d := nn.NewDense(4, 3, rng)
	x := randParam(rng, 5, 4, -1, 1)
	params := append(d.Params(), x)
	autodifftest.Check(t, "Dense.Forward", params, func(tp *autodiff.Tape) *autodiff.Var {
		return weigh(tp, d.Forward(tp, x))
	}, 2e-3)
	autodifftest.Check(t, "Dense.Forward/tanh/mse", params, func(tp *autodiff.Tape) *autodiff.Var {
		target := tensor.New(5, 3)
		for i := range target.Data {
			target.Data[i] = float32(i%3) / 3
		}
		return nn.MSE.Apply(tp, d.Forward(tp, x), nn.Tanh, tp.Const(target))
	}, 2e-3)
}

func ExampleParseActivation() {
	for _, name := range []string{"ReLU", "leaky_relu", "identity", "swish"} {
		a, err := nn.ParseActivation(name)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(a)
	}
	// Output:
	// relu
	// leakyrelu
	// linear
	// error: unknown activation "swish" (want one of linear, relu, leakyrelu, tanh, sigmoid, gelu)
}
