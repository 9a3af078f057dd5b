package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/latent-go/latent"
	"github.com/latent-go/latent/autoencoder"
	"github.com/latent-go/latent/internal/atomicfile"
	"github.com/latent-go/latent/plot"
	"github.com/latent-go/latent/report"
)

type reportOpts struct {
	modelData
	figures, figureFormat string
	title                 string
	samples               int
	seed                  uint64
	asJSON                bool
}

// reportSummary is what report prints with --json.
type reportSummary struct {
	Report  string   `json:"report"`
	Figures []string `json:"figures,omitempty"`
	Samples int      `json:"samples"`
	AEMSE   float64  `json:"ae_mse"`
	PCAMSE  float64  `json:"pca_mse,omitempty"`
	MeanMSE float64  `json:"mean_mse,omitempty"`
}

func reportCmd(e *env) *cobra.Command {
	o := &reportOpts{}
	cmd := &cobra.Command{
		Use:   "report [MODEL] --model FILE --data FILE --out report.html [--figures DIR]",
		Short: "Write a self-contained HTML report of a model evaluated on data",
		Long: `Evaluate a trained model on data (usually a test set) and write one HTML file
that holds everything: the architecture and training settings, the training
curve, the reconstruction error next to PCA with the same bottleneck and the
training mean, originals next to reconstructions (as images when the data are
images), a 2-d map of the codes coloured by label (the code itself when it is
2-d, else PCA of the codes), and for a 2-d code a latent traversal. Figures are
embedded; the file needs no network and no JavaScript.

--figures DIR also writes each figure to DIR as PNG or SVG (--figure-format).
The model may be given as the first argument instead of --model.`,
		Example: `  latent report --model model.latent --data test.csv --label-column label --out report.html
  latent report model.latent --data t10k-images-idx3-ubyte.gz --labels t10k-labels-idx1-ubyte.gz -o mnist.html --figures figs`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				if o.model != "" && o.model != args[0] {
					return usagef("the model is given twice: %s and --model %s", args[0], o.model)
				}
				o.model = args[0]
			}
			return runReport(e, o)
		},
	}
	o.register(cmd, "report `FILE` (.html)")
	fs := cmd.Flags()
	fs.StringVar(&o.figures, "figures", "", "also write each figure to this `DIR` (created if needed)")
	fs.StringVar(&o.figureFormat, "figure-format", "png", "format of --figures: png or svg")
	fs.StringVar(&o.title, "title", "", "report title (default: \"latent report: MODEL\")")
	fs.IntVar(&o.samples, "samples", 10, "samples whose reconstructions are shown")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the noise shown for a denoising model")
	fs.BoolVar(&o.asJSON, "json", false, "print one JSON object")
	return cmd
}

func runReport(e *env, o *reportOpts) error {
	if err := checkWritable(o.out); err != nil {
		return err
	}
	if o.samples < 1 || o.samples > 100 {
		return usagef("--samples %d must be in [1, 100]", o.samples)
	}
	format := plot.Format(o.figureFormat)
	if format != plot.PNG && format != plot.SVG {
		return usagef("--figure-format %q: want png or svg", o.figureFormat)
	}
	m, man, set, err := o.load()
	if err != nil {
		return err
	}
	r, err := report.New(m, man, set, report.Options{Title: o.title, ModelName: filepath.Base(o.model), Samples: o.samples, Seed: o.seed})
	if err != nil {
		return badInput(err)
	}
	s := reportSummary{Report: o.out, Samples: set.N, AEMSE: r.Comparison[0].MSE}
	if len(r.Comparison) == 3 { // autoencoder, PCA, training mean
		s.PCAMSE, s.MeanMSE = r.Comparison[1].MSE, r.Comparison[2].MSE
	}
	if err := writeReport(o.out, r); err != nil {
		return err
	}
	if o.figures != "" {
		if s.Figures, err = writeFigures(o.figures, format, r); err != nil {
			return err
		}
	}
	if o.asJSON {
		return writeJSON(e.stdout, s)
	}
	if !o.quiet {
		fmt.Fprintf(e.stderr, "wrote %s", o.out)
		if len(s.Figures) > 0 {
			fmt.Fprintf(e.stderr, " and %d figures in %s", len(s.Figures), o.figures)
		}
		fmt.Fprintln(e.stderr)
	}
	return nil
}

// writeReport renders r to path atomically.
func writeReport(path string, r *report.Report) error {
	return atomicfile.Write(path, func(w io.Writer) error { return report.Write(w, r) })
}

// writeFigures writes each figure of r to dir as NAME.png or NAME.svg and
// returns the paths.
func writeFigures(dir string, format plot.Format, r *report.Report) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, usagef("--figures: %v", err)
	}
	var paths []string
	for _, f := range r.Figures() {
		p := filepath.Join(dir, f.Name+"."+string(format))
		if err := f.Figure.Save(p); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// reportManifest is the manifest of a model fitted in this process, for a
// report written without reading the model file back.
func reportManifest(f *autoencoder.Fitted) *autoencoder.Manifest {
	return &autoencoder.Manifest{Format: autoencoder.Format, FormatVersion: autoencoder.FormatVersion, LatentVersion: latent.Version,
		Config: f.Model.Config, Scaler: f.Model.Scaler, Info: f.Info}
}
