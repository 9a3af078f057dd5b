package autoencoder

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/latent-go/latent/autodiff"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/tensor"
)

// torchCase is one case of testdata/torch_ref.json, written by
// testdata/make_torch_ref.py with PyTorch.
type torchCase struct {
	Name             string      `json:"name"`
	Input            int         `json:"input"`
	Layers           []int       `json:"layers"`
	Activation       string      `json:"activation"`
	CodeActivation   string      `json:"code_activation"`
	OutputActivation string      `json:"output_activation"`
	Loss             string      `json:"loss"`
	Optimizer        string      `json:"optimizer"`
	LR               float64     `json:"lr"`
	WeightDecay      float64     `json:"weight_decay"`
	Contractive      float64     `json:"contractive"`
	L1               float64     `json:"l1"`
	L2               float64     `json:"l2"`
	SparsityL1       float64     `json:"sparsity_l1"`
	KL               []float64   `json:"kl"`
	X                []float32   `json:"x"`
	Batch            int         `json:"batch"`
	Init             [][]float32 `json:"init"`
	Objective        float64     `json:"objective"`
	Code             []float32   `json:"code"`
	Grads            [][]float32 `json:"grads"`
	After3           [][]float32 `json:"after3"`
}

func loadTorchCases(t *testing.T) []torchCase {
	b, err := os.ReadFile("testdata/torch_ref.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct{ Cases []torchCase }
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	return ref.Cases
}

func (tc *torchCase) config(t *testing.T) Config {
	parse := func(s string) nn.Activation {
		a, err := nn.ParseActivation(s)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	loss, err := nn.ParseLoss(tc.Loss)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Input: tc.Input, Layers: tc.Layers, Activation: parse(tc.Activation),
		CodeActivation: parse(tc.CodeActivation), OutputActivation: parse(tc.OutputActivation),
		Loss: loss, L1: tc.L1, L2: tc.L2}
	switch {
	case tc.Contractive > 0:
		cfg.Variant, cfg.Contractive = Contractive, tc.Contractive
	case tc.SparsityL1 > 0:
		cfg.Variant, cfg.Sparsity = Sparse, fmt.Sprintf("l1:%g", tc.SparsityL1)
	case tc.KL != nil:
		cfg.Variant, cfg.Sparsity = Sparse, fmt.Sprintf("kl:%g:%g", tc.KL[0], tc.KL[1])
	}
	return cfg
}

func close32(got, want []float32, tol float64) (int, bool) {
	if len(got) != len(want) {
		return -1, false
	}
	for i := range got {
		if d := math.Abs(float64(got[i] - want[i])); d > tol*math.Max(1, math.Abs(float64(want[i]))) {
			return i, false
		}
	}
	return 0, true
}

// TestAgainstPyTorch builds each reference network with PyTorch's weights and
// checks the objective, the code, every gradient, and the weights after three
// optimiser steps.
func TestAgainstPyTorch(t *testing.T) {
	for _, tc := range loadTorchCases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			cfg := tc.config(t)
			m, err := New(cfg, rand.New(rand.NewPCG(1, 1)))
			if err != nil {
				t.Fatal(err)
			}
			params := m.Params()
			if len(params) != len(tc.Init) {
				t.Fatalf("%d params, reference has %d", len(params), len(tc.Init))
			}
			for i, p := range params {
				copy(p.Value.Data, tc.Init[i])
			}
			x := tensor.FromSlice(tc.Batch, tc.Input, tc.X)
			var tape autodiff.Tape
			rng := rand.New(rand.NewPCG(2, 2))
			loss := m.Loss(&tape, x, rng)
			if d := math.Abs(float64(loss.Value.Data[0]) - tc.Objective); d > 1e-5*math.Max(1, tc.Objective) {
				t.Errorf("objective %.7g, torch %.7g", loss.Value.Data[0], tc.Objective)
			}
			code := make([]float32, tc.Batch*cfg.Code())
			m.EncodeScaled(code, x)
			if i, ok := close32(code, tc.Code, 1e-5); !ok {
				t.Errorf("code[%d] = %v, torch %v", i, code, tc.Code)
			}
			tape.Backward(loss)
			for i, p := range params {
				if j, ok := close32(p.Grad.Data, tc.Grads[i], 2e-5); !ok {
					t.Errorf("grad of param %d element %d: %v, torch %v", i, j, p.Grad.Data[j], tc.Grads[i][j])
				}
			}
			name := tc.Optimizer
			oc := optim.Config{Name: name, LR: tc.LR, WeightDecay: tc.WeightDecay}
			if name == "sgd" || name == "nesterov" {
				oc.Name, oc.Momentum, oc.Nesterov = "sgd", 0.9, name == "nesterov"
			}
			if name == "adamw" && tc.WeightDecay == 0 {
				t.Fatal("adamw case needs explicit weight decay")
			}
			opt, err := optim.New(oc, params)
			if err != nil {
				t.Fatal(err)
			}
			opt.Step(tc.LR)
			for range 2 {
				for _, p := range params {
					p.ZeroGrad()
				}
				tape.Reset()
				tape.Backward(m.Loss(&tape, x, rng))
				opt.Step(tc.LR)
			}
			for i, p := range params {
				if j, ok := close32(p.Value.Data, tc.After3[i], 2e-5); !ok {
					t.Errorf("param %d element %d after 3 steps: %v, torch %v", i, j, p.Value.Data[j], tc.After3[i][j])
				}
			}
		})
	}
}
