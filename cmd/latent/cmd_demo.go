package main

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/latent-go/latent/autoencoder"
	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/dataset/digits"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/report"
	"github.com/latent-go/latent/tensor"
	"github.com/latent-go/latent/train"
)

type demoOpts struct {
	run    runFlags
	out    string
	epochs int
	code   int
}

// demoSummary is what demo prints; the JSON keys are part of the interface.
type demoSummary struct {
	Data         string  `json:"data"`
	Train        int     `json:"n_train"`
	Test         int     `json:"n_test"`
	Architecture string  `json:"architecture"`
	Bottleneck   int     `json:"bottleneck"`
	Epochs       int     `json:"epochs"`
	AETestMSE    float64 `json:"ae_test_mse"`
	PCATestMSE   float64 `json:"pca_test_mse"`
	MeanTestMSE  float64 `json:"mean_test_mse"`
	TrainSeconds float64 `json:"train_seconds"`
	Seed         uint64  `json:"seed"`
	Workers      int     `json:"workers"`
	Out          string  `json:"out"`
	Model        string  `json:"model"`
	Codes        string  `json:"codes"`
	Report       string  `json:"report"`
}

func demoCmd(e *env) *cobra.Command {
	o := &demoOpts{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Train an autoencoder on built-in digits and compare it with PCA",
		Long: `Train a dense autoencoder (64→32→8→32→64, ReLU, linear code, sigmoid output,
MSE, Adam) on scikit-learn's 8×8 digits, which ship inside latent (1,797
images, BSD-3), with a seeded 80/20 train/test split and pixels scaled to [0,1];
fit PCA with the same bottleneck on the same training images; and print the
test reconstruction MSE of both and of the mean image. The model file, the test
codes, a summary and report.html (the run report of 'latent report', with the
training curve, reconstructions and the map of the codes) go into --out.`,
		Example: `  latent demo
  latent demo --json --seed 7 --out /tmp/demo`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runDemo(c, e, o) },
	}
	fs := cmd.Flags()
	o.run.register(fs)
	fs.StringVarP(&o.out, "out", "o", "", "output `DIR` (default: a new folder latent-demo[-N] here)")
	fs.IntVar(&o.epochs, "epochs", 150, "training epochs")
	fs.IntVar(&o.code, "bottleneck", 8, "code size")
	return cmd
}

func runDemo(c *cobra.Command, e *env, o *demoOpts) error {
	if err := o.run.apply(); err != nil {
		return err
	}
	if o.code < 1 || o.code > 64 {
		return usagef("--bottleneck %d must be in [1, 64]", o.code)
	}
	dir, err := demoDir(o.out)
	if err != nil {
		return err
	}
	set := digits.Load()
	trIdx, teIdx := dataset.Split(set.N, 0.2, rand.New(rand.NewPCG(o.run.seed, 0xd1917)))
	trainSet, testSet := set.Subset(trIdx), set.Subset(teIdx)
	cfg := autoencoder.Config{Layers: []int{32, o.code}, Activation: nn.ReLU, CodeActivation: nn.Linear,
		OutputActivation: nn.Sigmoid, Loss: nn.MSE, Variant: autoencoder.Vanilla}
	tc := train.Config{Epochs: o.epochs, Batch: 32, Optim: optim.Config{Name: "adam", LR: 3e-3}}
	model := filepath.Join(dir, "model.latent")
	if !o.run.quiet {
		fmt.Fprintf(e.stderr, "digits: %d train, %d test images of 8×8; autoencoder 64→32→%d→32→64\n", trainSet.N, testSet.N, o.code)
	}
	start := time.Now()
	fit, err := autoencoder.Fit(c.Context(), trainSet, autoencoder.FitOptions{
		Config: cfg, Train: tc, Scaler: "global", Seed: o.run.seed, Workers: o.run.workers,
		Checkpoint: model, Progress: newProgress(e.stderr, o.run.quiet, tc.Epochs, tc.Batch),
	})
	if err != nil {
		return fitError(err, model, fit)
	}
	secs := time.Since(start).Seconds()
	if err := fit.Model.SaveFile(model, fit.Info); err != nil {
		return err
	}
	x := tensor.FromSlice(testSet.N, testSet.D, append([]float32(nil), testSet.X...))
	fit.Model.Scaler.Transform(x.Data)
	ev := fit.Model.Evaluate(x)
	codes := make([]float32, testSet.N*o.code)
	fit.Model.EncodeScaled(codes, x)
	codesPath := filepath.Join(dir, "test-codes.csv")
	if err := writeMatrix(codesPath, codes, testSet.N, o.code, testSet.Keys, testSet.Labels); err != nil {
		return err
	}
	testSet.Source = "the digits test split"
	rep, err := report.New(fit.Model, reportManifest(fit), testSet, report.Options{ModelName: "model.latent", Seed: o.run.seed,
		Title: "latent demo: an autoencoder on 8×8 digits"})
	if err != nil {
		return err
	}
	reportPath := filepath.Join(dir, "report.html")
	if err := writeReport(reportPath, rep); err != nil {
		return err
	}
	s := demoSummary{Data: "scikit-learn digits (8×8)", Train: trainSet.N, Test: testSet.N,
		Architecture: fmt.Sprintf("64→32→%d→32→64", o.code), Bottleneck: o.code, Epochs: len(fit.Result.Curve),
		AETestMSE: autoencoder.Mean(ev.AE), PCATestMSE: autoencoder.Mean(ev.PCA), MeanTestMSE: autoencoder.Mean(ev.Mean),
		TrainSeconds: secs, Seed: o.run.seed, Workers: o.run.workers, Out: dir, Model: model, Codes: codesPath, Report: reportPath}
	if err := writeJSONFile(filepath.Join(dir, "summary.json"), s); err != nil {
		return err
	}
	if o.run.json {
		return writeJSON(e.stdout, s)
	}
	t := newTable(e.stdout)
	t.row("test reconstruction MSE", "")
	t.row(fmt.Sprintf("  autoencoder %s", s.Architecture), fmt.Sprintf("%.5f", s.AETestMSE))
	t.row(fmt.Sprintf("  PCA, %d components", o.code), fmt.Sprintf("%.5f", s.PCATestMSE))
	t.row("  mean image", fmt.Sprintf("%.5f", s.MeanTestMSE))
	t.row("training", fmt.Sprintf("%d images, %d epochs, %.1fs", s.Train, s.Epochs, s.TrainSeconds))
	t.row("written to", dir+"/ (model.latent, test-codes.csv, summary.json, report.html)")
	if err := t.flush(); err != nil {
		return err
	}
	if s.AETestMSE < s.PCATestMSE {
		fmt.Fprintf(e.stdout, "\nThe autoencoder reconstructs unseen digits %.0f%% better than PCA at the same bottleneck.\n", 100*(1-s.AETestMSE/s.PCATestMSE))
	}
	return nil
}

// demoDir creates the output folder: the one given, or the first free
// latent-demo, latent-demo-2, ... in the current directory.
func demoDir(out string) (string, error) {
	if out != "" {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return "", usagef("--out: %v", err)
		}
		return out, nil
	}
	for i := 1; ; i++ {
		name := "latent-demo"
		if i > 1 {
			name = fmt.Sprintf("latent-demo-%d", i)
		}
		err := os.Mkdir(name, 0o755)
		if err == nil {
			return name, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
}
