package autoencoder

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"

	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/projection/pca"
	"github.com/latent-go/latent/tensor"
	"github.com/latent-go/latent/train"
)

// FitOptions describe a training run on a data set.
type FitOptions struct {
	Config Config
	Train  train.Config
	// Scaler is the scaler kind fitted on the training split: "none",
	// "minmax", "standard" or "global"; "" picks "global" for images
	// (samples with a Shape) and "minmax" for tables.
	Scaler string
	// ValSplit is the fraction of samples held out for validation.
	ValSplit float64
	Seed     uint64
	Workers  int
	// Checkpoint, when set, is a path rewritten (atomically) with the model
	// after every epoch, so a crash or a diverging loss keeps the last good
	// weights.
	Checkpoint string
	Progress   train.Progress
	// InPlace lets Fit reorder and scale the set's rows in place instead of
	// copying them, halving the memory a large data set needs; the caller
	// must not use the set's values afterwards.
	InPlace bool
}

// Fitted is the outcome of Fit.
type Fitted struct {
	Model  *Model
	Info   Info
	Result *train.Result
	// Train and Val are the scaled training and validation samples, for
	// reporting.
	Train, Val *tensor.Dense
}

// Fit splits s (seeded), fits the scaler on the training split, trains an
// autoencoder, and fits the PCA baseline with the same bottleneck on the same
// scaled training split. The same seed and worker count give the same model
// bytes.
func Fit(ctx context.Context, s *dataset.Set, o FitOptions) (*Fitted, error) {
	if o.ValSplit < 0 || o.ValSplit >= 1 {
		return nil, fmt.Errorf("--val-split %v must be in [0, 1)", o.ValSplit)
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x1a7e47))
	trIdx, valIdx := dataset.Split(s.N, o.ValSplit, rng)
	if len(trIdx) == 0 {
		return nil, fmt.Errorf("%s: no training samples left after a validation split of %v", s.Source, o.ValSplit)
	}
	kind := o.Scaler
	if kind == "" {
		kind = "minmax"
		if len(s.Shape) > 0 {
			kind = "global"
		}
	}
	var trSet, valSet *dataset.Set
	if o.InPlace {
		s.Permute(append(slices.Clone(trIdx), valIdx...))
		trSet, valSet = s.Slice(0, len(trIdx)), s.Slice(len(trIdx), s.N)
	} else {
		trSet, valSet = s.Subset(trIdx), s.Subset(valIdx)
	}
	sc, err := dataset.FitScaler(kind, trSet)
	if err != nil {
		return nil, fmt.Errorf("--scaler: %w", err)
	}
	scaled := func(set *dataset.Set) *tensor.Dense {
		x := tensor.FromSlice(set.N, set.D, set.X)
		sc.Transform(x.Data)
		return x
	}
	xTrain := scaled(trSet)
	xVal := scaled(valSet)
	cfg := o.Config
	cfg.Input = s.D
	m, err := New(cfg, rng)
	if err != nil {
		return nil, err
	}
	m.Scaler = sc
	tc := o.Train.Defaults()
	info := Info{Seed: o.Seed, Workers: o.Workers, Training: &tc,
		Data: &DataInfo{Source: filepath.Base(s.Source), Train: len(trIdx), Val: len(valIdx), Shape: s.Shape, Columns: s.Columns}}
	if cfg.Variant == Contractive {
		info.ContractiveRoute = m.Config.ContractiveRoute()
	}
	if k := m.Config.Code(); k <= min(xTrain.R, xTrain.C) {
		p, err := pca.Fit(xTrain.Data, xTrain.R, xTrain.C, k)
		if err == nil {
			m.Baseline = p
		}
	}
	hooks := train.Hooks{}
	if o.Checkpoint != "" {
		hooks.AfterEpoch = func(curve []train.Epoch) error {
			ci := info
			ci.Curve = curve
			return m.SaveFile(o.Checkpoint, ci)
		}
	}
	res, err := train.Run(ctx, m, xTrain, xVal, tc, rng, o.Progress, hooks)
	f := &Fitted{Model: m, Result: res, Train: xTrain, Val: xVal}
	if res != nil {
		info.Curve, info.BestEpoch, info.Stopped = res.Curve, res.BestEpoch, res.Stopped
	}
	f.Info = info
	return f, err
}
