package autodiff_test

import (
	"math/rand/v2"
	"testing"

	"github.com/latent-go/latent/autodiff"
	"github.com/latent-go/latent/autodiff/autodifftest"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
)

func randParam(rng *rand.Rand, r, c int, lo, hi float64) *autodiff.Var {
	m := tensor.New(r, c)
	for i := range m.Data {
		m.Data[i] = float32(lo + (hi-lo)*rng.Float64())
	}
	return autodiff.Param(m)
}

func randConst(rng *rand.Rand, r, c int, lo, hi float64) *tensor.Dense {
	return randParam(rng, r, c, lo, hi).Value
}

// TestOpGradients checks each op's gradient by central differences. Each case
// reduces its op's output to a scalar through a fixed random weighting so that
// every output element's gradient is exercised with a distinct weight.
func TestOpGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	a := randParam(rng, 4, 3, -1, 1)
	b := randParam(rng, 3, 5, -1, 1)
	bt := randParam(rng, 5, 3, -1, 1)
	at := randParam(rng, 3, 4, -1, 1)
	bias := randParam(rng, 1, 3, -1, 1)
	bias5 := randParam(rng, 1, 5, -1, 1)
	c := randParam(rng, 4, 3, -1, 1)
	prob := randParam(rng, 6, 3, 0.1, 0.9)
	target01 := randConst(rng, 4, 3, 0, 1)
	counts := randConst(rng, 4, 3, 0, 4)
	weigh := func(tp *autodiff.Tape, x *autodiff.Var) *autodiff.Var {
		w := tensor.New(x.Value.R, x.Value.C)
		wr := rand.New(rand.NewPCG(3, uint64(x.Value.Len())))
		for i := range w.Data {
			w.Data[i] = float32(wr.NormFloat64())
		}
		return tp.Sum(tp.Mul(x, tp.Const(w)))
	}
	cases := []struct {
		name   string
		params []*autodiff.Var
		f      func(*autodiff.Tape) *autodiff.Var
	}{
		{"MatMul", []*autodiff.Var{a, b}, func(tp *autodiff.Tape) *autodiff.Var { return weigh(tp, tp.MatMul(a, false, b, false)) }},
		{"MatMulTransB", []*autodiff.Var{a, bt}, func(tp *autodiff.Tape) *autodiff.Var { return weigh(tp, tp.MatMul(a, false, bt, true)) }},
		{"MatMulTransA", []*autodiff.Var{at, b}, func(tp *autodiff.Tape) *autodiff.Var { return weigh(tp, tp.MatMul(at, true, b, false)) }},
		{"MatMulTransAB", []*autodiff.Var{at, bt}, func(tp *autodiff.Tape) *autodiff.Var { return weigh(tp, tp.MatMul(at, true, bt, true)) }},
		{"MatMulSame", []*autodiff.Var{a}, func(tp *autodiff.Tape) *autodiff.Var { return weigh(tp, tp.MatMul(a, false, a, true)) }},
		{"AddBias", []*autodiff.Var{a, bias}, func(tp *autodiff.Tape) *autodiff.Var { return weigh(tp, tp.AddBias(a, bias)) }},
		{"Linear", []*autodiff.Var{a, bt, bias5}, func(tp *autodiff.Tape) *autodiff.Var { return weigh(tp, tp.Linear(a, bt, bias5)) }},
		{"Mul", []*autodiff.Var{a, c}, func(tp *autodiff.Tape) *autodiff.Var { return weigh(tp, tp.Mul(a, c)) }},
		{"Add", []*autodiff.Var{a, c}, func(tp *autodiff.Tape) *autodiff.Var { return weigh(tp, tp.Add(a, c)) }},
		{"Scale", []*autodiff.Var{a}, func(tp *autodiff.Tape) *autodiff.Var { return weigh(tp, tp.Scale(a, -2.5)) }},
		{"RepeatRows", []*autodiff.Var{a}, func(tp *autodiff.Tape) *autodiff.Var { return weigh(tp, tp.RepeatRows(a, 3)) }},
		{"SumSq", []*autodiff.Var{a}, func(tp *autodiff.Tape) *autodiff.Var { return tp.SumSq(a) }},
		{"SumAbs", []*autodiff.Var{a}, func(tp *autodiff.Tape) *autodiff.Var { return tp.SumAbs(a) }},
		{"MSE", []*autodiff.Var{a}, func(tp *autodiff.Tape) *autodiff.Var { return tp.MSE(a, tp.Const(target01)) }},
		{"BCEWithLogits", []*autodiff.Var{a}, func(tp *autodiff.Tape) *autodiff.Var { return tp.BCEWithLogits(a, tp.Const(target01)) }},
		{"PoissonNLL", []*autodiff.Var{a}, func(tp *autodiff.Tape) *autodiff.Var { return tp.PoissonNLL(a, tp.Const(counts)) }},
		{"KLSparsity", []*autodiff.Var{prob}, func(tp *autodiff.Tape) *autodiff.Var { return tp.KLSparsity(prob, 0.05) }},
	}
	for _, tc := range cases {
		autodifftest.Check(t, tc.name, tc.params, tc.f, 2e-3)
	}
	for _, act := range []nn.Activation{nn.Linear, nn.ReLU, nn.LeakyReLU, nn.Tanh, nn.Sigmoid, nn.GELU} {
		autodifftest.Check(t, "Map/"+act.String(), []*autodiff.Var{a}, func(tp *autodiff.Tape) *autodiff.Var {
			return weigh(tp, tp.Map(a, act))
		}, 2e-3)
		autodifftest.Check(t, "MapDeriv/"+act.String(), []*autodiff.Var{a}, func(tp *autodiff.Tape) *autodiff.Var {
			return weigh(tp, tp.MapDeriv(a, tp.Map(a, act), act))
		}, 2e-3)
	}
}

func TestBCEStableForLargeLogits(t *testing.T) {
	var tp autodiff.Tape
	z := autodiff.Param(tensor.FromSlice(1, 2, []float32{200, -200}))
	y := tp.Const(tensor.FromSlice(1, 2, []float32{0, 1}))
	loss := tp.BCEWithLogits(z, y)
	if got := loss.Value.Data[0]; got != 200 {
		t.Fatalf("BCE = %v, want 200", got)
	}
	tp.Backward(loss)
	if z.Grad.Data[0] != 0.5 || z.Grad.Data[1] != -0.5 {
		t.Fatalf("grad = %v", z.Grad.Data)
	}
}

func TestTapeReuseAllocatesNothingNew(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	w := randParam(rng, 8, 8, -1, 1)
	x := randConst(rng, 16, 8, -1, 1)
	var tp autodiff.Tape
	step := func() {
		tp.Reset()
		tp.Backward(tp.SumSq(tp.Map(tp.MatMul(tp.Const(x), false, w, true), nn.Tanh)))
	}
	step()
	allocs := testing.AllocsPerRun(10, step)
	// Closures and Var headers are small; no matrix storage is reallocated.
	if allocs > 20 {
		t.Errorf("%v allocations per step", allocs)
	}
}
