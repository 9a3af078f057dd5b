package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/internal/atomicfile"
	"github.com/latent-go/latent/projection/pca"
)

// pcaFile is what --save writes and --model reads.
type pcaFile struct {
	Format string          `json:"format"`
	Scaler *dataset.Scaler `json:"scaler"`
	PCA    *pca.PCA        `json:"pca"`
}

const pcaFormat = "latent.pca"

type pcaOpts struct {
	data      dataFlags
	k         int
	out, save string
	model     string
	scaler    string
	asJSON    bool
	quiet     bool
	solver    string
	seed      uint64
}

// pcaSummary is what pca prints.
type pcaSummary struct {
	Data                   string    `json:"data"`
	Samples                int       `json:"samples"`
	Features               int       `json:"features"`
	Components             int       `json:"components"`
	Solver                 string    `json:"solver,omitempty"`
	ExplainedVariance      []float64 `json:"explained_variance"`
	ExplainedVarianceRatio []float64 `json:"explained_variance_ratio"`
	CumulativeRatio        float64   `json:"cumulative_ratio"`
	ReconstructionMSE      float64   `json:"reconstruction_mse"`
	Out                    string    `json:"out,omitempty"`
	Saved                  string    `json:"saved,omitempty"`
}

func pcaCmd(e *env) *cobra.Command {
	o := &pcaOpts{}
	cmd := &cobra.Command{
		Use:   "pca --data FILE -k K [--out coords.csv] [--save pca.json]",
		Short: "Principal component analysis: fit, explained variance, transform",
		Long: `Fit PCA with K components and print the explained variance of each, and the
reconstruction MSE of the data from K components. --out writes the projected
coordinates (with keys and labels); --save writes the fitted PCA (and scaler)
as JSON, which --model applies to new data without refitting.

--solver exact takes the eigenvectors of the covariance matrix; randomized
is the randomized range finder of Halko, Martinsson and Tropp (scikit-learn's
svd_solver="randomized": 10 oversamples, power iterations), seeded by
--seed; auto (the default) uses randomized only for many features and few
components, where it is cheaper than forming the covariance.`,
		Example: `  latent pca --data train.csv -k 8
  latent pca --data train.csv -k 2 --out coords.csv --save pca.json
  latent pca --model pca.json --data test.csv --out test-coords.csv
  latent pca --data wide.npy -k 16 --solver randomized --seed 3`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if o.model != "" && (c.Flags().Changed("solver") || c.Flags().Changed("seed")) {
				return usagef("--solver and --seed apply when fitting, not with --model")
			}
			return runPCA(e, o)
		},
	}
	fs := cmd.Flags()
	o.data.register(fs)
	fs.IntVarP(&o.k, "components", "k", 2, "number of components")
	fs.StringVarP(&o.out, "out", "o", "", "coordinates `FILE` (.csv or .npy)")
	fs.StringVar(&o.save, "save", "", "write the fitted PCA to this JSON `FILE`")
	fs.StringVarP(&o.model, "model", "m", "", "apply a PCA saved with --save instead of fitting")
	fs.StringVar(&o.scaler, "scaler", "none", "scaling before PCA: none, minmax, standard, global")
	fs.StringVar(&o.solver, "solver", "auto", "exact, randomized or auto")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed of the randomized solver")
	fs.BoolVar(&o.asJSON, "json", false, "print one JSON object")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "no messages on stderr")
	return cmd
}

func runPCA(e *env, o *pcaOpts) error {
	solver, err := parseSolver(o.solver)
	if err != nil {
		return err
	}
	set, err := o.data.load()
	if err != nil {
		return err
	}
	var pf pcaFile
	if o.model != "" {
		if pf, err = readPCAFile(o.model, set.D); err != nil {
			return err
		}
	} else {
		if o.k < 1 || o.k > min(set.N, set.D) {
			return usagef("-k %d: want 1..%d for %d samples of %d features", o.k, min(set.N, set.D), set.N, set.D)
		}
		if pf.Scaler, err = dataset.FitScaler(o.scaler, set); err != nil {
			return usagef("--scaler: %v", err)
		}
	}
	x := append([]float32(nil), set.X...)
	pf.Scaler.Transform(x)
	if pf.PCA == nil {
		if pf.PCA, err = pca.FitConfig(x, set.N, set.D, o.k, pca.Config{Solver: solver, Seed: o.seed}); err != nil {
			return err
		}
	}
	p := pf.PCA
	coords := make([]float32, set.N*p.K)
	p.Transform(coords, x, set.N)
	rec := make([]float32, len(x))
	p.Inverse(rec, coords, set.N)
	var sse float64
	for i, v := range rec {
		d := float64(v - x[i])
		sse += d * d
	}
	s := pcaSummary{Data: set.Source, Samples: set.N, Features: set.D, Components: p.K,
		ExplainedVariance: p.ExplainedVariance, ExplainedVarianceRatio: p.ExplainedVarianceRatio,
		ReconstructionMSE: sse / float64(len(x))}
	if o.model == "" {
		s.Solver = p.Solver.String()
	}
	for _, r := range p.ExplainedVarianceRatio {
		s.CumulativeRatio += r
	}
	if o.out != "" {
		if err := writeMatrix(o.out, coords, set.N, p.K, set.Keys, set.Labels); err != nil {
			return err
		}
		s.Out = o.out
	}
	if o.save != "" {
		pf.Format = pcaFormat
		if err := checkWritable(o.save); err != nil {
			return err
		}
		if err := atomicfile.Write(o.save, func(w io.Writer) error { return writeJSON(w, pf) }); err != nil {
			return err
		}
		s.Saved = o.save
	}
	if o.asJSON {
		return writeJSON(e.stdout, s)
	}
	t := newTable(e.stdout)
	t.row("component", "explained variance", "ratio", "cumulative")
	var cum float64
	for i := range p.K {
		cum += p.ExplainedVarianceRatio[i]
		t.row(fmt.Sprint(i+1), fmt.Sprintf("%.6g", p.ExplainedVariance[i]), fmt.Sprintf("%.4f", p.ExplainedVarianceRatio[i]), fmt.Sprintf("%.4f", cum))
	}
	if err := t.flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "reconstruction MSE from %d components: %.6g\n", p.K, s.ReconstructionMSE)
	return nil
}

// readPCAFile reads a PCA saved by --save and checks it against width d.
func readPCAFile(path string, d int) (pcaFile, error) {
	var pf pcaFile
	b, err := os.ReadFile(path)
	if err != nil {
		return pf, usagef("--model: %v", err)
	}
	if err := json.Unmarshal(b, &pf); err != nil {
		return pf, usagef("--model %s: %v", path, err)
	}
	if pf.Format != pcaFormat || pf.PCA == nil {
		return pf, usagef("--model %s: not a PCA file written by 'latent pca --save'", path)
	}
	if pf.PCA.D != d {
		return pf, usagef("--model %s expects %d features, the data has %d", path, pf.PCA.D, d)
	}
	if pf.Scaler == nil {
		pf.Scaler = &dataset.Scaler{Kind: "none"}
	} else {
		if err := pf.Scaler.Validate(d); err != nil {
			return pf, usagef("--model %s: scaler: %v", path, err)
		}
	}
	return pf, nil
}
