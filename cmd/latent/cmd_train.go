package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/latent-go/latent/autoencoder"
	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/train"
)

type trainOpts struct {
	data  dataFlags
	model modelFlags
	train trainFlags
	run   runFlags
	out   string
}

func trainCmd(e *env) *cobra.Command {
	o := &trainOpts{}
	cmd := &cobra.Command{
		Use:   "train --data FILE [flags]",
		Short: "Train an autoencoder on your data and save the model file",
		Long: `Train an autoencoder on a CSV, NPY, IDX or PNG-folder data set. Scaling is fitted
on the training split only and stored in the model, together with a PCA
baseline of the same bottleneck, so 'latent eval' can compare the two on new data.

The model file is rewritten atomically after every epoch, so an interrupted run
or a diverging loss keeps the last good weights.`,
		Example: `  latent train --data train.csv --label-column label --layers 64,16 --out model.latent
  latent train --data train-images-idx3-ubyte.gz --layers 512,128,32 --loss bce --epochs 10
  latent train --data faces/ --variant denoising --noise gaussian:0.2
  latent train --data x.npy --variant sparse --sparsity kl:0.05:1e-3 --code-activation sigmoid
  latent train --data x.csv --variant contractive --contractive 1e-4
  latent train --config settings.json --data x.csv`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runTrain(c, e, o) },
	}
	fs := cmd.Flags()
	o.data.register(fs)
	o.model.register(fs, "64,16")
	o.train.register(fs, 20)
	o.run.register(fs)
	fs.StringVarP(&o.out, "out", "o", "model.latent", "model `FILE` to write")
	addConfigFlag(cmd)
	return cmd
}

// trainSummary is what train prints.
type trainSummary struct {
	Model       string        `json:"model"`
	Data        string        `json:"data"`
	Samples     int           `json:"samples"`
	Features    int           `json:"features"`
	Train       int           `json:"train"`
	Val         int           `json:"val"`
	Layers      []int         `json:"layers"`
	Bottleneck  int           `json:"bottleneck"`
	Variant     string        `json:"variant"`
	Params      int           `json:"params"`
	Epochs      int           `json:"epochs"`
	BestEpoch   int           `json:"best_epoch"`
	Stopped     string        `json:"stopped,omitempty"`
	Loss        float64       `json:"loss"`
	ValLoss     float64       `json:"val_loss,omitempty"`
	AEValMSE    float64       `json:"ae_val_mse,omitempty"`
	PCAValMSE   float64       `json:"pca_val_mse,omitempty"`
	Seconds     float64       `json:"seconds"`
	SamplesSec  float64       `json:"samples_per_sec"`
	Seed        uint64        `json:"seed"`
	Workers     int           `json:"workers"`
	Contractive string        `json:"contractive_route,omitempty"`
	Curve       []train.Epoch `json:"curve"`
}

// fitOptions checks the flags against the data set and builds the training
// run they describe.
func (o *trainOpts) fitOptions(e *env, set *dataset.Set) (autoencoder.FitOptions, error) {
	scaler := o.train.scalerKind(set)
	cfg, err := o.model.config(scaler)
	if err != nil {
		return autoencoder.FitOptions{}, err
	}
	cfg.Input = set.D
	if err := cfg.Validate(); err != nil {
		return autoencoder.FitOptions{}, usageError{err}
	}
	tc, err := o.train.config()
	if err != nil {
		return autoencoder.FitOptions{}, err
	}
	if o.train.split < 0 || o.train.split >= 1 {
		return autoencoder.FitOptions{}, usagef("--val-split %v must be in [0, 1)", o.train.split)
	}
	return autoencoder.FitOptions{Config: cfg, Train: tc, Scaler: scaler, ValSplit: o.train.split,
		Seed: o.run.seed, Workers: o.run.workers, Progress: newProgress(e.stderr, o.run.quiet, tc.Epochs, tc.Batch)}, nil
}

// announce tells the user what is about to be trained.
func (o *trainOpts) announce(e *env, set *dataset.Set, fo autoencoder.FitOptions) {
	if !o.run.quiet {
		fmt.Fprintf(e.stderr, "%s: %d samples × %d features; %s autoencoder %d→%v; scaler %s\n",
			set.Source, set.N, set.D, fo.Config.Variant, set.D, fo.Config.Layers, fo.Scaler)
	}
}

// prepare does what every training verb does first: apply --workers, load
// the data, check the settings against it and the output path, and say
// what is about to run.
func (o *trainOpts) prepare(e *env) (*dataset.Set, autoencoder.FitOptions, error) {
	if err := o.run.apply(); err != nil {
		return nil, autoencoder.FitOptions{}, err
	}
	set, err := o.data.load()
	if err != nil {
		return nil, autoencoder.FitOptions{}, err
	}
	fo, err := o.fitOptions(e, set)
	if err != nil {
		return nil, fo, err
	}
	if err := checkWritable(o.out); err != nil {
		return nil, fo, err
	}
	fo.Checkpoint = o.out
	fo.InPlace = true // the verbs use only the set's size and names afterwards
	o.announce(e, set, fo)
	return set, fo, nil
}

func runTrain(c *cobra.Command, e *env, o *trainOpts) error {
	set, fo, err := o.prepare(e)
	if err != nil {
		return err
	}
	cfg := fo.Config
	start := time.Now()
	fit, err := autoencoder.Fit(c.Context(), set, fo)
	if err != nil {
		return fitError(err, o.out, fit)
	}
	if err := fit.Model.SaveFile(o.out, fit.Info); err != nil {
		return err
	}
	el := time.Since(start)
	res := fit.Result
	last := res.Curve[len(res.Curve)-1]
	s := trainSummary{Model: o.out, Data: set.Source, Samples: set.N, Features: set.D,
		Train: fit.Train.R, Val: fit.Val.R, Layers: cfg.Layers, Bottleneck: cfg.Code(), Variant: cfg.Variant,
		Params: fit.Model.NumParams(), Epochs: len(res.Curve), BestEpoch: res.BestEpoch, Stopped: res.Stopped,
		Loss: last.Loss, ValLoss: last.ValLoss, Seconds: el.Seconds(), SamplesSec: float64(res.Samples) / el.Seconds(),
		Seed: o.run.seed, Workers: o.run.workers, Contractive: fit.Info.ContractiveRoute, Curve: res.Curve}
	if fit.Val.R > 0 {
		ev := fit.Model.Evaluate(fit.Val)
		s.AEValMSE, s.PCAValMSE = autoencoder.Mean(ev.AE), autoencoder.Mean(ev.PCA)
	}
	if o.run.json {
		return writeJSON(e.stdout, s)
	}
	t := newTable(e.stdout)
	t.row("model", s.Model)
	t.row("data", fmt.Sprintf("%s (%d train, %d validation)", s.Data, s.Train, s.Val))
	t.row("architecture", fmt.Sprintf("%d→%v→%d, %s, %d parameters", s.Features, s.Layers, s.Features, s.Variant, s.Params))
	if s.Contractive != "" {
		t.row("contractive penalty", s.Contractive)
	}
	epochs := fmt.Sprintf("%d (weights of epoch %d)", s.Epochs, s.BestEpoch)
	if s.Stopped != "" {
		epochs += "; stopped early: " + s.Stopped
	}
	t.row("epochs", epochs)
	t.row("train loss", fmt.Sprintf("%.6f", s.Loss))
	if s.Val > 0 {
		t.row("validation loss", fmt.Sprintf("%.6f", s.ValLoss))
		t.row("validation MSE", fmt.Sprintf("autoencoder %.6f   PCA-%d %.6f", s.AEValMSE, s.Bottleneck, s.PCAValMSE))
	}
	t.row("time", fmt.Sprintf("%.2fs (%.0f samples/s)", s.Seconds, s.SamplesSec))
	return t.flush()
}

// fitError explains a failed run and where the last good weights are.
func fitError(err error, out string, fit *autoencoder.Fitted) error {
	if errors.Is(err, train.ErrDiverged) {
		if fit != nil && fit.Result != nil && len(fit.Result.Curve) > 0 {
			return fmt.Errorf("%w\nlast good checkpoint: %s (epoch %d); try a smaller --lr or --clip", err, out, len(fit.Result.Curve))
		}
		return fmt.Errorf("%w\nno epoch finished, so no checkpoint was written; try a smaller --lr or --clip", err)
	}
	return err
}
