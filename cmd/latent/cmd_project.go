package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/latent-go/latent/dataset/digits"
	"github.com/latent-go/latent/plot"
	"github.com/latent-go/latent/projection/pca"
	"github.com/latent-go/latent/projection/quality"
	"github.com/latent-go/latent/projection/tsne"
	"github.com/latent-go/latent/projection/umap"
)

type projectOpts struct {
	vec        vectorFlags
	run        runFlags
	method     string
	dims       int
	perplexity float64
	iterations int
	theta      float64
	neighbors  int
	minDist    float64
	spread     float64
	epochs     int
	solver     string
	out, plot  string
	quality    bool
	k, sample  int
}

// projectSummary is what project prints.
type projectSummary struct {
	Data                   string          `json:"data"`
	Points                 int             `json:"points"`
	Dim                    int             `json:"dim"`
	Method                 string          `json:"method"`
	Dims                   int             `json:"dims"`
	Perplexity             float64         `json:"perplexity,omitempty"`
	Iterations             int             `json:"iterations,omitempty"`
	Theta                  float64         `json:"theta,omitempty"`
	Neighbors              int             `json:"neighbors,omitempty"`
	MinDist                *float64        `json:"min_dist,omitempty"`
	Spread                 float64         `json:"spread,omitempty"`
	Epochs                 int             `json:"epochs,omitempty"`
	Init                   string          `json:"init,omitempty"`
	Solver                 string          `json:"solver,omitempty"`
	KL                     *float64        `json:"kl_divergence,omitempty"`
	ExplainedVarianceRatio []float64       `json:"explained_variance_ratio,omitempty"`
	Seconds                float64         `json:"seconds"`
	Quality                *projectQuality `json:"quality,omitempty"`
	Out                    string          `json:"out,omitempty"`
	Plot                   string          `json:"plot,omitempty"`
}

// projectQuality is the quality part of the summary.
type projectQuality struct {
	quality.Report
	// Sample is the number of points measured: all, or a seeded sample.
	Sample int `json:"sample"`
}

// maxQualitySample is the default number of points --quality measures.
const maxQualitySample = 5000

func projectCmd(e *env) *cobra.Command {
	o := &projectOpts{}
	cmd := &cobra.Command{
		Use:   "project --data FILE [--method pca|tsne|umap] [--dims 2|3] [--out coords.csv|.npy|.tsv] [--plot map.png|.svg] [--quality]",
		Short: "Project vectors to 2-D or 3-D with PCA, t-SNE or UMAP: coordinates, a plot, quality measures",
		Long: `Map the vectors of --data (codes from 'latent encode', word vectors, images,
builtin:digits) to 2 or 3 dimensions and write the coordinates with the
keys and labels of the vectors:

  --out coords.csv   CSV with key and label columns
  --out coords.npy   float32 NPY, keys and labels in coords.npy.keys.txt and
                     coords.npy.labels.txt
  --out coords.tsv   TensorFlow Embedding Projector files: the vectors, and
                     keys and labels in coords.metadata.tsv (vectors.tsv →
                     metadata.tsv)

--method pca (default) is PCA; --solver exact (covariance eigenvectors),
randomized (Halko–Martinsson–Tropp, as scikit-learn's svd_solver=
"randomized") or auto (scikit-learn's rule, and randomized only where it
costs less than the covariance: many features, few components).
--method tsne is t-SNE with Barnes–Hut
gradients, as scikit-learn's TSNE(method="barnes_hut") — perplexity 30,
1,000 iterations, PCA initialisation, learning rate "auto" — and prints the
final KL divergence. --method umap is UMAP as umap-learn's UMAP() —
--neighbors 15, --min-dist 0.1, --spread 1, spectral initialisation, 200
epochs above 10,000 points and 500 otherwise (--epochs), exact nearest
neighbours — seeded by --seed. Progress goes to stderr. The same data,
flags and seed give the same coordinates, byte for byte, for any --workers.

--plot draws the first two coordinates as a scatter plot coloured by label
(PNG or SVG, from the extension). --quality measures how well the map keeps
neighbourhoods — trustworthiness, continuity and kNN preservation at --k
neighbours, and the silhouette of the labels in the map when there are
labels — on all points, or on a seeded random sample of --sample points when
there are more.`,
		Example: `  latent project --data builtin:digits --method tsne --out digits.csv --plot digits.png --quality
  latent project --data codes.csv --method pca --dims 3 --out codes.tsv
  latent project --data train-images-idx3-ubyte.gz --labels train-labels-idx1-ubyte.gz \
      --method tsne --perplexity 50 --out map.npy --plot map.svg --json
  latent project --data builtin:digits --method umap --out digits.csv --plot digits.png --quality
  latent project --data codes.npy --method umap --neighbors 30 --min-dist 0.01 --seed 7 --out map.csv
  latent project --data images.npy --method pca --solver randomized --dims 3 --out pca.csv`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runProject(c.Context(), e, c, o) },
	}
	fs := cmd.Flags()
	o.vec.register(fs, true)
	fs.Lookup("data").Usage += ", or builtin:digits"
	fs.StringVar(&o.method, "method", "pca", "projection: pca, tsne or umap")
	fs.IntVar(&o.dims, "dims", 2, "dimensions of the map: 2 or 3")
	fs.Float64Var(&o.perplexity, "perplexity", 30, "t-SNE: effective number of neighbours of each point")
	fs.IntVar(&o.iterations, "iterations", 1000, "t-SNE: gradient steps, the 250 exaggerated ones included")
	fs.Float64Var(&o.theta, "theta", 0.5, "t-SNE: Barnes–Hut opening angle in (0, 1]; smaller is slower and more exact")
	fs.IntVar(&o.neighbors, "neighbors", 15, "UMAP: neighbourhood size, the point itself included (at least 2, less than the points)")
	fs.Float64Var(&o.minDist, "min-dist", 0.1, "UMAP: how tightly points may pack in the map, in [0, --spread]")
	fs.Float64Var(&o.spread, "spread", 1, "UMAP: scale of the map's clusters")
	fs.IntVar(&o.epochs, "epochs", 0, "UMAP: layout epochs (default: 200 above 10,000 points, else 500)")
	fs.StringVar(&o.solver, "solver", "auto", "PCA: exact, randomized or auto")
	fs.StringVarP(&o.out, "out", "o", "", "coordinates `FILE`: .csv, .npy or .tsv")
	fs.StringVar(&o.plot, "plot", "", "scatter plot `FILE` of the first two coordinates: .png or .svg")
	fs.BoolVar(&o.quality, "quality", false, "measure trustworthiness, continuity, kNN preservation and silhouette")
	fs.IntVarP(&o.k, "k", "k", 15, "neighbours for --quality")
	fs.IntVar(&o.sample, "sample", maxQualitySample, "--quality on a seeded sample of at most this many points; 0: all")
	fs.Uint64Var(&o.run.seed, "seed", 1, "random seed (UMAP, randomized PCA, the --quality sample; t-SNE starts from PCA and needs none)")
	fs.IntVar(&o.run.workers, "workers", 0, "goroutines (default: all cores); the coordinates do not depend on it")
	fs.BoolVar(&o.run.json, "json", false, "print one JSON object on stdout instead of a table")
	return cmd
}

func runProject(ctx context.Context, e *env, c *cobra.Command, o *projectOpts) error {
	isTSNE, isUMAP := false, false
	switch o.method {
	case "pca":
	case "tsne", "t-sne":
		isTSNE = true
	case "umap":
		isUMAP = true
	default:
		return usagef("--method %q: want pca, tsne or umap", o.method)
	}
	for _, f := range []struct {
		names  []string
		method string
		ok     bool
	}{
		{[]string{"perplexity", "iterations", "theta"}, "tsne", isTSNE},
		{[]string{"neighbors", "min-dist", "spread", "epochs"}, "umap", isUMAP},
		{[]string{"solver"}, "pca", !isTSNE && !isUMAP},
	} {
		for _, name := range f.names {
			if !f.ok && c.Flags().Changed(name) {
				return usagef("--%s applies to --method %s", name, f.method)
			}
		}
	}
	solver, err := parseSolver(o.solver)
	if err != nil {
		return err
	}
	switch {
	case o.dims != 2 && o.dims != 3:
		return usagef("--dims %d: want 2 or 3", o.dims)
	case !(o.perplexity > 0) || math.IsInf(o.perplexity, 0):
		return usagef("--perplexity %g: want a positive number", o.perplexity)
	case o.iterations < 1:
		return usagef("--iterations %d: want at least 1", o.iterations)
	case !(o.theta > 0 && o.theta <= 1):
		return usagef("--theta %g: want a value in (0, 1]", o.theta)
	case o.neighbors < 2:
		return usagef("--neighbors %d: want at least 2", o.neighbors)
	case !(o.spread > 0) || math.IsInf(o.spread, 0):
		return usagef("--spread %g: want a positive number", o.spread)
	case !(o.minDist >= 0) || o.minDist > o.spread:
		return usagef("--min-dist %g: want a value in [0, --spread %g]", o.minDist, o.spread)
	case o.epochs < 0:
		return usagef("--epochs %d: want 0 (automatic) or more", o.epochs)
	case o.k < 1:
		return usagef("-k %d: want at least 1", o.k)
	case o.sample < 0:
		return usagef("--sample %d: want 0 (all) or more", o.sample)
	case o.out == "" && o.plot == "" && !o.quality:
		return usagef("nothing to do: give --out, --plot or --quality")
	}
	if err := o.run.apply(); err != nil {
		return err
	}
	if o.out != "" {
		if err := checkWritable(o.out); err != nil {
			return err
		}
		if ext := strings.ToLower(filepath.Ext(o.out)); ext != ".csv" && ext != ".npy" && ext != ".tsv" {
			return usagef("--out %s: want a .csv, .npy or .tsv file", o.out)
		}
	}
	if o.plot != "" {
		if _, err := plot.FormatOf(o.plot); err != nil {
			return usagef("--plot: %v", err)
		}
		if err := checkWritableFlag("--plot", o.plot); err != nil {
			return err
		}
	}
	src, keys, labels, x, n, d, err := loadProjectData(e, &o.vec)
	if err != nil {
		return err
	}
	s := projectSummary{Data: src, Points: n, Dim: d, Method: "pca", Dims: o.dims}
	if m := n; o.quality {
		if o.sample > 0 {
			m = min(m, o.sample)
		}
		if 2*o.k >= m {
			return usagef("--quality with -k %d needs more than %d points, not %d", o.k, 2*o.k, m)
		}
	}
	start := time.Now()
	var coords []float32
	switch {
	case isUMAP:
		if o.neighbors >= n {
			return usagef("--neighbors %d must be less than the number of points, %d", o.neighbors, n)
		}
		minDist := o.minDist
		if minDist == 0 {
			minDist = 1e-12 // umap.Config's zero means the default; the curve is continuous at 0
		}
		cfg := umap.Config{NNeighbors: o.neighbors, MinDist: minDist, Spread: o.spread, Dims: o.dims,
			Epochs: o.epochs, Seed: o.run.seed, Workers: o.run.workers}
		epochs := o.epochs
		if epochs == 0 {
			epochs = 500
			if n > 10000 {
				epochs = 200
			}
		}
		if !o.vec.quiet {
			fmt.Fprintf(e.stderr, "UMAP of %d points of dimension %d to %d-D: %d neighbours, min-dist %g, spread %g, %d epochs, %d workers\n",
				n, d, o.dims, o.neighbors, o.minDist, o.spread, epochs, o.run.workers)
		}
		prog := newEpochProgress(e.stderr, o.vec.quiet, epochs)
		m, err := umap.Fit(ctx, x, n, d, cfg, prog.update)
		prog.done()
		if err != nil {
			if errors.Is(err, umap.ErrDiverged) || ctx.Err() != nil {
				return err
			}
			return badInput(fmt.Errorf("%s: %w", src, err))
		}
		if m.Init != cfg.Init && !o.vec.quiet {
			fmt.Fprintln(e.stderr, "note: the spectral initialisation did not converge; UMAP started from a random map")
		}
		coords = m.Embedding
		minD := o.minDist
		s.Method, s.Neighbors, s.MinDist, s.Spread, s.Epochs, s.Init = "umap", o.neighbors, &minD, o.spread, m.Epochs, m.Init.String()
	case isTSNE:
		if o.perplexity >= float64(n) {
			return usagef("--perplexity %g must be less than the number of points, %d", o.perplexity, n)
		}
		s.Method, s.Perplexity, s.Iterations, s.Theta = "tsne", o.perplexity, o.iterations, o.theta
		cfg := tsne.Config{Dims: o.dims, Perplexity: o.perplexity, Iterations: o.iterations, Theta: o.theta, Seed: o.run.seed, Workers: o.run.workers}
		prog := newIterProgress(e.stderr, o.vec.quiet, o.iterations, min(250, o.iterations))
		if !o.vec.quiet {
			fmt.Fprintf(e.stderr, "t-SNE of %d points of dimension %d to %d-D: perplexity %g, %d iterations, θ %g, %d workers\n",
				n, d, o.dims, o.perplexity, o.iterations, o.theta, o.run.workers)
		}
		y, kl, err := tsne.Embed(ctx, x, n, d, cfg, prog.update)
		prog.done()
		if err != nil {
			if errors.Is(err, tsne.ErrDiverged) || ctx.Err() != nil {
				return err
			}
			return badInput(fmt.Errorf("%s: %w", src, err))
		}
		coords = make([]float32, len(y))
		for i, v := range y {
			coords[i] = float32(v)
		}
		s.KL = &kl
	default:
		if o.dims > min(n, d) {
			return usagef("--dims %d: PCA of %d points of dimension %d has at most %d components", o.dims, n, d, min(n, d))
		}
		p, err := pca.FitConfig(x, n, d, o.dims, pca.Config{Solver: solver, Seed: o.run.seed})
		if err != nil {
			return badInput(fmt.Errorf("%s: %w", src, err))
		}
		coords = make([]float32, n*o.dims)
		p.Transform(coords, x, n)
		s.ExplainedVarianceRatio = p.ExplainedVarianceRatio
		s.Solver = p.Solver.String()
	}
	s.Seconds = time.Since(start).Seconds()
	if o.quality {
		q, err := measureProjection(x, d, coords, o.dims, labels, o)
		if err != nil {
			return err
		}
		s.Quality = q
	}
	if o.out != "" {
		if err := writeMatrix(o.out, coords, n, o.dims, keys, labels); err != nil {
			return err
		}
		s.Out = o.out
	}
	if o.plot != "" {
		xs, ys := make([]float64, n), make([]float64, n)
		for i := range n {
			xs[i], ys[i] = float64(coords[i*o.dims]), float64(coords[i*o.dims+1])
		}
		title := map[string]string{"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}[s.Method] + " of " + src
		if o.dims == 3 {
			title += " (first two of 3 dimensions)"
		}
		f := plot.Scatter(xs, ys, labels, title)
		name := map[string]string{"pca": "PC", "tsne": "t-SNE", "umap": "UMAP"}[s.Method]
		f.XLabel, f.YLabel = name+" 1", name+" 2"
		if err := f.Save(o.plot); err != nil {
			return err
		}
		s.Plot = o.plot
	}
	if o.run.json {
		return writeJSON(e.stdout, s)
	}
	return printProjectSummary(e.stdout, s)
}

// checkWritableFlag is checkWritable for the output of another flag than
// --out.
func checkWritableFlag(flag, path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return usagef("%s %s is a directory", flag, path)
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return usagef("%s %s: directory %s does not exist", flag, path, dir)
	}
	return nil
}

// loadProjectData reads the vectors --data names: builtin:digits, or any
// vector table or data file 'latent neighbors' reads.
func loadProjectData(e *env, v *vectorFlags) (src string, keys, labels []string, x []float32, n, d int, err error) {
	if v.data == builtinDigits {
		if v.labels != "" || v.labelColumn != "" {
			return "", nil, nil, nil, 0, 0, usagef("--data %s carries its own labels", builtinDigits)
		}
		s := digits.Load()
		return builtinDigits, s.Keys, s.Labels, s.X, s.N, s.D, nil
	}
	t, err := v.load(e)
	if err != nil {
		return "", nil, nil, nil, 0, 0, err
	}
	if t.Len() < 2 {
		return "", nil, nil, nil, 0, 0, usagef("%s: %d vectors; a projection needs at least 2", v.data, t.Len())
	}
	return v.data, t.Keys, t.Labels, t.Vectors, t.Len(), t.Dim, nil
}

// measureProjection runs quality.Evaluate on all points or on a seeded
// sample of o.sample of them.
func measureProjection(x []float32, d int, y []float32, dims int, labels []string, o *projectOpts) (*projectQuality, error) {
	n := len(y) / dims
	if o.sample > 0 && n > o.sample {
		rng := rand.New(rand.NewPCG(o.run.seed, 0x7175616c)) // "qual"
		idx := rng.Perm(n)[:o.sample]
		slices.Sort(idx)
		xs, ys := make([]float32, 0, o.sample*d), make([]float32, 0, o.sample*dims)
		var ls []string
		for _, i := range idx {
			xs = append(xs, x[i*d:(i+1)*d]...)
			ys = append(ys, y[i*dims:(i+1)*dims]...)
			if labels != nil {
				ls = append(ls, labels[i])
			}
		}
		x, y, labels, n = xs, ys, ls, o.sample
	}
	r, err := quality.Evaluate(x, d, y, dims, labels, quality.Options{K: o.k, Workers: o.run.workers})
	if err != nil {
		return nil, badInput(err)
	}
	return &projectQuality{Report: r, Sample: n}, nil
}

func printProjectSummary(w io.Writer, s projectSummary) error {
	t := newTable(w)
	t.row("data", fmt.Sprintf("%s (%d vectors of dimension %d)", s.Data, s.Points, s.Dim))
	switch s.Method {
	case "tsne":
		t.row("method", fmt.Sprintf("t-SNE to %d-D (perplexity %g, %d iterations, θ %g)", s.Dims, s.Perplexity, s.Iterations, s.Theta))
		t.row("KL divergence", strconv.FormatFloat(*s.KL, 'f', 4, 64))
	case "umap":
		t.row("method", fmt.Sprintf("UMAP to %d-D (%d neighbours, min-dist %g, spread %g, %d epochs, %s start)", s.Dims, s.Neighbors, *s.MinDist, s.Spread, s.Epochs, s.Init))
	default:
		var cum float64
		for _, r := range s.ExplainedVarianceRatio {
			cum += r
		}
		t.row("method", fmt.Sprintf("PCA to %d-D (%s solver)", s.Dims, s.Solver))
		t.row("explained variance", fmt.Sprintf("%.4f of the total", cum))
	}
	t.row("time", (time.Duration(s.Seconds * 1e9)).Round(time.Millisecond).String())
	if q := s.Quality; q != nil {
		on := "all points"
		if q.Sample < s.Points {
			on = fmt.Sprintf("a random sample of %d of the %d points", q.Sample, s.Points)
		}
		t.row("quality", fmt.Sprintf("k = %d neighbours, on %s", q.K, on))
		t.row("  trustworthiness", fmt.Sprintf("%.4f", q.Trustworthiness))
		t.row("  continuity", fmt.Sprintf("%.4f", q.Continuity))
		t.row("  kNN preservation", fmt.Sprintf("%.4f", q.KNNPreservation))
		if q.Silhouette != nil {
			t.row("  silhouette", fmt.Sprintf("%.4f (labels in the map)", *q.Silhouette))
		} else {
			t.row("  silhouette", "n/a (needs labels of 2 to n-1 classes)")
		}
	}
	if s.Out != "" {
		t.row("coordinates", s.Out)
	}
	if s.Plot != "" {
		t.row("plot", s.Plot)
	}
	return t.flush()
}

// iterProgress reports t-SNE iterations on stderr, as progress does for
// training: a bar redrawn in place on a terminal, about ten log lines
// otherwise, nothing with --quiet.
type iterProgress struct {
	w          io.Writer
	tty, quiet bool
	total      int
	exag       int // iterations with exaggerated P
	start      time.Time
	lastDraw   time.Time
	kl         float64
	klIter     int
}

func newIterProgress(w io.Writer, quiet bool, total, exag int) *iterProgress {
	tty := false
	if f, ok := w.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	return &iterProgress{w: w, tty: tty, quiet: quiet, total: total, exag: exag, start: time.Now(), kl: math.NaN()}
}

func (p *iterProgress) klText() string {
	if math.IsNaN(p.kl) {
		return ""
	}
	s := fmt.Sprintf(" KL %.4f", p.kl)
	if p.klIter <= p.exag {
		s += " (exaggerated)"
	}
	return s
}

// update is the tsne.Progress callback.
func (p *iterProgress) update(iter int, kl float64) {
	if !math.IsNaN(kl) {
		p.kl, p.klIter = kl, iter
	}
	if p.quiet {
		return
	}
	now := time.Now()
	el := now.Sub(p.start)
	if p.tty {
		if iter != p.total && now.Sub(p.lastDraw) < 100*time.Millisecond {
			return
		}
		p.lastDraw = now
		const width = 24
		frac := float64(iter) / float64(p.total)
		bar := strings.Repeat("█", int(frac*width)) + strings.Repeat("░", width-int(frac*width))
		rate := float64(iter) / max(el.Seconds(), 1e-9)
		eta := time.Duration(float64(p.total-iter) / rate * float64(time.Second))
		fmt.Fprintf(p.w, "\r\033[Kt-SNE %d/%d %s%s %.0f it/s ETA %s", iter, p.total, bar, p.klText(), rate, eta.Round(time.Second))
		return
	}
	if every := max(1, p.total/10); iter%every != 0 && iter != p.total {
		return
	}
	fmt.Fprintf(p.w, "t-SNE iteration %d/%d%s %s\n", iter, p.total, p.klText(), el.Round(time.Millisecond))
}

// done ends the bar's line.
func (p *iterProgress) done() {
	if p.tty && !p.quiet {
		fmt.Fprintf(p.w, "\r\033[Kt-SNE done%s in %s\n", p.klText(), time.Since(p.start).Round(time.Millisecond))
	}
}

// parseSolver reads --solver.
func parseSolver(v string) (pca.Solver, error) {
	switch v {
	case "auto":
		return pca.SolverAuto, nil
	case "exact", "full":
		return pca.SolverExact, nil
	case "randomized":
		return pca.SolverRandomized, nil
	}
	return 0, usagef("--solver %q: want exact, randomized or auto", v)
}

// epochProgress reports UMAP layout epochs on stderr: a bar redrawn in
// place on a terminal, about ten log lines otherwise, nothing with --quiet.
type epochProgress struct {
	w          io.Writer
	tty, quiet bool
	total      int
	start      time.Time
	lastDraw   time.Time
}

func newEpochProgress(w io.Writer, quiet bool, total int) *epochProgress {
	tty := false
	if f, ok := w.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	return &epochProgress{w: w, tty: tty, quiet: quiet, total: total, start: time.Now()}
}

// update is the umap.Progress callback.
func (p *epochProgress) update(epoch, total int) {
	if p.quiet {
		return
	}
	p.total = total
	now := time.Now()
	el := now.Sub(p.start)
	if p.tty {
		if epoch != total && now.Sub(p.lastDraw) < 100*time.Millisecond {
			return
		}
		p.lastDraw = now
		const width = 24
		frac := float64(epoch) / float64(total)
		bar := strings.Repeat("█", int(frac*width)) + strings.Repeat("░", width-int(frac*width))
		fmt.Fprintf(p.w, "\r\033[KUMAP epoch %d/%d %s %s", epoch, total, bar, el.Round(time.Second))
		return
	}
	if every := max(1, total/10); epoch%every != 0 && epoch != total {
		return
	}
	fmt.Fprintf(p.w, "UMAP epoch %d/%d %s\n", epoch, total, el.Round(time.Millisecond))
}

// done ends the bar's line.
func (p *epochProgress) done() {
	if p.tty && !p.quiet {
		fmt.Fprintf(p.w, "\r\033[KUMAP done in %s\n", time.Since(p.start).Round(time.Millisecond))
	}
}
