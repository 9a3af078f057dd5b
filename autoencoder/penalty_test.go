package autoencoder

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/latent-go/latent/autodiff"
	"github.com/latent-go/latent/autodiff/autodifftest"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/tensor"
)

// jacobianFD returns Σ over samples of ‖∂h/∂x‖²_F by central differences of
// the encoder, in float64 sums of float32 evaluations.
func jacobianFD(m *Model, x *tensor.Dense) float64 {
	const h = 1e-2
	k := m.Config.Code()
	var total float64
	up, down := make([]float32, k), make([]float32, k)
	for i := 0; i < x.R; i++ {
		row := append([]float32(nil), x.Row(i)...)
		for j := range row {
			orig := row[j]
			row[j] = orig + h
			m.EncodeScaled(up, tensor.FromSlice(1, x.C, row))
			row[j] = orig - h
			m.EncodeScaled(down, tensor.FromSlice(1, x.C, row))
			row[j] = orig
			for c := range up {
				d := float64(up[c]-down[c]) / (2 * h)
				total += d * d
			}
		}
	}
	return total
}

func penaltyModel(t *testing.T, layers []int, act, code nn.Activation, method string, projections int) (*Model, *tensor.Dense) {
	t.Helper()
	cfg := Config{Input: 7, Layers: layers, Activation: act, CodeActivation: code, OutputActivation: nn.Sigmoid,
		Loss: nn.MSE, Variant: Contractive, Contractive: 1, ContractiveMethod: method, Projections: projections}
	rng := rand.New(rand.NewPCG(4, 4))
	m, err := New(cfg, rng)
	if err != nil {
		t.Fatal(err)
	}
	x := tensor.New(5, 7)
	for i := range x.Data {
		x.Data[i] = float32(rng.Float64())
	}
	return m, x
}

func penaltyValue(m *Model, x *tensor.Dense, seed uint64) float64 {
	var tp autodiff.Tape
	tp.NoGrad = true
	enc := m.encode(&tp, tp.Const(x))
	return float64(m.jacobianPenalty(&tp, tp.Const(x), enc, rand.New(rand.NewPCG(seed, 1))).Value.Data[0])
}

// TestJacobianNormAgainstFiniteDifferences checks each route of the
// contractive penalty against the Jacobian's Frobenius norm computed by
// finite differences; the estimator is averaged over many directions.
func TestJacobianNormAgainstFiniteDifferences(t *testing.T) {
	cases := []struct {
		name        string
		layers      []int
		act, code   nn.Activation
		method      string
		projections int
		tol         float64
	}{
		{"closed/sigmoid", []int{4}, nn.ReLU, nn.Sigmoid, "closed", 0, 1e-3},
		{"closed/tanh", []int{4}, nn.ReLU, nn.Tanh, "auto", 0, 1e-3},
		{"exact/tanh-sigmoid", []int{6, 3}, nn.Tanh, nn.Sigmoid, "exact", 0, 1e-3},
		{"exact/gelu-linear", []int{6, 5, 3}, nn.GELU, nn.Linear, "auto", 0, 1e-3},
		{"estimate/tanh", []int{6, 3}, nn.Tanh, nn.Tanh, "estimate", 4000, 0.03},
		{"estimate/one-layer", []int{4}, nn.ReLU, nn.Sigmoid, "estimate", 4000, 0.03},
	}
	for _, tc := range cases {
		m, x := penaltyModel(t, tc.layers, tc.act, tc.code, tc.method, tc.projections)
		want := jacobianFD(m, x)
		got := penaltyValue(m, x, 1)
		if math.Abs(got-want) > tc.tol*want {
			t.Errorf("%s (%s): ‖J‖²_F = %.6g, finite differences %.6g", tc.name, m.Config.ContractiveRoute(), got, want)
		}
	}
}

// TestEstimatorUnbiased averages single-direction estimates over many seeds.
func TestEstimatorUnbiased(t *testing.T) {
	m, x := penaltyModel(t, []int{6, 3}, nn.Tanh, nn.Sigmoid, "estimate", 1)
	exact := jacobianFD(m, x)
	var sum float64
	const draws = 3000
	for s := range uint64(draws) {
		sum += penaltyValue(m, x, s)
	}
	if mean := sum / draws; math.Abs(mean-exact) > 0.03*exact {
		t.Errorf("mean of %d one-direction estimates %.6g, exact %.6g", draws, mean, exact)
	}
}

// TestPenaltyGradients checks the gradient of each route, and of the whole
// training objective of every variant, by central differences.
func TestPenaltyGradients(t *testing.T) {
	for _, method := range []string{"closed", "exact", "estimate"} {
		layers := []int{6, 3}
		if method == "closed" {
			layers = []int{4}
		}
		m, x := penaltyModel(t, layers, nn.Tanh, nn.Sigmoid, method, 2)
		autodifftest.Check(t, "contractive/"+method, m.Params(), func(tp *autodiff.Tape) *autodiff.Var {
			return m.Loss(tp, x, rand.New(rand.NewPCG(3, 3)))
		}, 3e-3)
	}
	variants := []Config{
		{Variant: Vanilla, Tied: true},
		{Variant: Denoising, Noise: "gaussian:0.3"},
		{Variant: Sparse, Sparsity: "l1:0.1"},
		{Variant: Sparse, Sparsity: "kl:0.2:0.5", CodeActivation: nn.Sigmoid},
		{Variant: Vanilla, L1: 1e-2, L2: 1e-2, Loss: nn.BCE},
		{Variant: Vanilla, Loss: nn.Poisson, OutputActivation: nn.Linear},
	}
	for _, v := range variants {
		cfg := v
		cfg.Input, cfg.Layers, cfg.Activation = 7, []int{5, 3}, nn.GELU
		if cfg.Loss != nn.Poisson {
			cfg.OutputActivation = nn.Sigmoid
		}
		m, err := New(cfg, rand.New(rand.NewPCG(8, 8)))
		if err != nil {
			t.Fatal(err)
		}
		_, x := penaltyModel(t, []int{3}, nn.Tanh, nn.Sigmoid, "closed", 0)
		autodifftest.Check(t, cfg.Variant+"/"+cfg.Loss.String(), m.Params(), func(tp *autodiff.Tape) *autodiff.Var {
			return m.Loss(tp, x, rand.New(rand.NewPCG(3, 3)))
		}, 3e-3)
	}
}
