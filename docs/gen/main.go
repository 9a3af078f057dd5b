// Command gen draws the example figures in docs/ from the digits that ship
// inside latent, so that the pictures the README shows are reproducible:
//
//	go run ./docs/gen            # writes docs/*.png
//	go run ./docs/gen -out /tmp  # somewhere else
//
// It trains two small autoencoders on a seeded 80/20 split of the 8×8
// digits — one with a 2-d code, whose codes are the scatter and whose
// decoder is the traversal, and a denoising one with an 8-d code for the
// reconstructions — and one on the digits other than 0, whose reconstruction
// errors score the held-out 0s as anomalies (the histogram and ROC curve).
// The same seed and worker count give the same pictures.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"

	"github.com/latent-go/latent/anomaly"
	"github.com/latent-go/latent/autoencoder"
	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/dataset/digits"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/noise"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/plot"
	"github.com/latent-go/latent/tensor"
	"github.com/latent-go/latent/train"
)

func main() {
	out := flag.String("out", "docs", "output `DIR`")
	seed := flag.Uint64("seed", 1, "random seed")
	workers := flag.Int("workers", 1, "worker goroutines; the same seed and workers give the same pictures")
	flag.Parse()
	runtime.GOMAXPROCS(*workers)
	if err := run(*out, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// fit trains a dense autoencoder on s with the given encoder widths.
func fit(s *dataset.Set, layers []int, variant, noiseSpec string, epochs int, seed uint64) (*autoencoder.Fitted, error) {
	cfg := autoencoder.Config{Layers: layers, Activation: nn.ReLU, CodeActivation: nn.Linear,
		OutputActivation: nn.Sigmoid, Loss: nn.MSE, Variant: variant, Noise: noiseSpec}
	return autoencoder.Fit(context.Background(), s, autoencoder.FitOptions{
		Config: cfg, Scaler: "global", ValSplit: 0.15, Seed: seed, Workers: 1,
		Train: train.Config{Epochs: epochs, Batch: 32, Optim: optim.Config{Name: "adam", LR: 3e-3}},
	})
}

// scaled returns the rows of s scaled by m's scaler.
func scaled(m *autoencoder.Model, s *dataset.Set) *tensor.Dense {
	x := tensor.FromSlice(s.N, s.D, slices.Clone(s.X))
	m.Scaler.Transform(x.Data)
	return x
}

func losses(curve []train.Epoch) (loss, val []float64) {
	for _, e := range curve {
		loss, val = append(loss, e.Loss), append(val, e.ValLoss)
	}
	return loss, val
}

func run(out string, seed uint64) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	save := func(name string, f *plot.Figure) error {
		path := filepath.Join(out, name)
		if err := f.Save(path); err != nil {
			return err
		}
		fmt.Fprintln(os.Stderr, "wrote", path)
		return nil
	}
	set := digits.Load()
	trIdx, teIdx := dataset.Split(set.N, 0.2, rand.New(rand.NewPCG(seed, 0xd1917)))
	trainSet, testSet := set.Subset(trIdx), set.Subset(teIdx)

	// A 2-d code: the map of all digits, the curve, the traversal.
	two, err := fit(trainSet, []int{32, 2}, autoencoder.Vanilla, "", 300, seed)
	if err != nil {
		return err
	}
	all := scaled(two.Model, set)
	codes := make([]float32, set.N*2)
	two.Model.EncodeScaled(codes, all)
	xs, ys := make([]float64, set.N), make([]float64, set.N)
	for i := range set.N {
		xs[i], ys[i] = float64(codes[2*i]), float64(codes[2*i+1])
	}
	sc := plot.Scatter(xs, ys, set.Labels, "Digits in the 2-d code of a 64→32→2→32→64 autoencoder")
	sc.XLabel, sc.YLabel = "code 1", "code 2"
	if err := save("scatter.png", sc); err != nil {
		return err
	}
	loss, val := losses(two.Info.Curve)
	cv := plot.Curves(loss, val, "Training curve (MSE), digits, 2-d code")
	cv.LogY = true
	if b := two.Info.BestEpoch; b > 0 && b < len(loss) {
		cv.Mark(float64(b), fmt.Sprintf("kept epoch %d", b))
	}
	if err := save("curve.png", cv); err != nil {
		return err
	}
	pred := two.Model.Predictor()
	dec := func(code []float32) []float32 {
		img := make([]float32, set.D)
		pred.DecodeScaled(img, code, 1)
		return img
	}
	if err := save("traversal.png", plot.Traversal(dec, codes, 12, set.Shape, "Decoded digits across the 2-d code plane")); err != nil {
		return err
	}

	// A denoising autoencoder with an 8-d code against PCA with 8 components.
	den, err := fit(trainSet, []int{32, 8}, autoencoder.Denoising, "gaussian:0.2", 200, seed)
	if err != nil {
		return err
	}
	test := scaled(den.Model, testSet)
	var pick []int
	seen := map[string]bool{}
	for i, l := range testSet.Labels {
		if !seen[l] {
			seen[l] = true
			pick = append(pick, i)
		}
	}
	slices.SortFunc(pick, func(a, b int) int { return int(testSet.Labels[a][0]) - int(testSet.Labels[b][0]) })
	orig := make([]float32, 0, len(pick)*set.D)
	for _, i := range pick {
		orig = append(orig, test.Row(i)...)
	}
	noisy := make([]float32, len(orig))
	g, _ := noise.Parse("gaussian:0.2")
	g.Corrupt(noisy, orig, rand.New(rand.NewPCG(seed, 7)))
	rec := make([]float32, len(orig))
	den.Model.ReconstructScaled(rec, tensor.FromSlice(len(pick), set.D, noisy))
	pc := make([]float32, len(orig))
	den.Model.Baseline.Reconstruct(pc, noisy, len(pick))
	grid := plot.ImageGrid([][]float32{orig, noisy, rec, pc}, set.Shape,
		[]string{"original", "noisy (σ 0.2)", "autoencoder", "PCA-8"}, "Denoising unseen digits: 64→32→8→32→64 autoencoder vs PCA")
	if err := save("reconstructions.png", grid); err != nil {
		return err
	}

	// Anomalies: train on digits 1–9 only; the held-out 0s are anomalous.
	var normalIdx []int
	for i, l := range trainSet.Labels {
		if l != "0" {
			normalIdx = append(normalIdx, i)
		}
	}
	an, err := fit(trainSet.Subset(normalIdx), []int{32, 8}, autoencoder.Vanilla, "", 200, seed)
	if err != nil {
		return err
	}
	ev := an.Model.Evaluate(scaled(an.Model, testSet))
	anomalous := make([]bool, testSet.N)
	for i, l := range testSet.Labels {
		anomalous[i] = l == "0"
	}
	pts := anomaly.ROC(ev.AE, anomalous)
	fpr, tpr := make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		fpr[i], tpr[i] = p.FPR, p.TPR
	}
	roc := plot.ROC(fpr, tpr, anomaly.ROCAUC(ev.AE, anomalous), "Spotting unseen 0s by reconstruction error")
	if err := save("roc.png", roc); err != nil {
		return err
	}
	trainErr := an.Model.Evaluate(an.Val).AE
	slices.Sort(trainErr)
	thr := trainErr[int(0.95*float64(len(trainErr)-1))]
	h := plot.Histogram(ev.AE, 0, "Reconstruction error of test digits (model never saw a 0)")
	h.XLabel = "reconstruction MSE"
	h.Mark(thr, "95th percentile of validation errors")
	return save("histogram.png", h)
}
