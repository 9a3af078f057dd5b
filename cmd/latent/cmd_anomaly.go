package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/latent-go/latent/anomaly"
	"github.com/latent-go/latent/autoencoder"
	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/internal/atomicfile"
	"github.com/latent-go/latent/plot"
	"github.com/latent-go/latent/tensor"
)

func anomalyCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "anomaly",
		Short: "Anomaly detection from reconstruction error, with calibrated thresholds",
		Long: `Train an autoencoder on normal records, hold out a calibration split of them,
and score new records with a conformal p-value: flagging records whose p-value
is at most α flags at most a fraction α of new normal records, in expectation.`,
		Example: `  latent anomaly fit --data normal.csv --out detector.latent
  latent anomaly score --model detector.latent --data new.csv --alpha 0.01 --explain 3
  tail -f readings.csv | latent anomaly score --model detector.latent --alpha 0.01
  latent anomaly eval --data builtin:digits --anomaly-label 9 --seeds 5`,
	}
	cmd.AddCommand(anomalyFitCmd(e), anomalyScoreCmd(e), anomalyEvalCmd(e))
	return cmd
}

// ruleFlags choose how scored records are flagged.
type ruleFlags struct {
	alpha, threshold, contamination float64
}

func (r *ruleFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.Float64Var(&r.alpha, "alpha", 0.05, "flag records whose conformal p-value is at most this target false-positive rate")
	fs.Float64Var(&r.threshold, "threshold", math.NaN(), "flag records whose score exceeds this value (instead of --alpha)")
	fs.Float64Var(&r.contamination, "contamination", 0, "flag this fraction of the batch with the highest scores (instead of --alpha)")
}

// rule resolves the flags; explicit --threshold or --contamination replace
// the default --alpha.
func (r *ruleFlags) rule(cmd *cobra.Command) (anomaly.Rule, error) {
	fs := cmd.Flags()
	set := 0
	for _, n := range []string{"alpha", "threshold", "contamination"} {
		if fs.Changed(n) {
			set++
		}
	}
	if set > 1 {
		return anomaly.Rule{}, usagef("give only one of --alpha, --threshold and --contamination")
	}
	switch {
	case fs.Changed("threshold"):
		if math.IsNaN(r.threshold) || math.IsInf(r.threshold, 0) {
			return anomaly.Rule{}, usagef("--threshold %v must be a finite number", r.threshold)
		}
		return anomaly.Rule{Threshold: r.threshold}, nil
	case fs.Changed("contamination"):
		if !(r.contamination > 0 && r.contamination < 1) {
			return anomaly.Rule{}, usagef("--contamination %v must be in (0, 1)", r.contamination)
		}
		return anomaly.Rule{}, nil
	}
	if !(r.alpha > 0 && r.alpha < 1) {
		return anomaly.Rule{}, usagef("--alpha %v must be in (0, 1)", r.alpha)
	}
	return anomaly.Rule{Alpha: r.alpha}, nil
}

type anomalyFitOpts struct {
	trainOpts
	calibration float64
	score       string
}

func (o *anomalyFitOpts) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	o.data.register(fs)
	o.model.register(fs, "32,8")
	o.train.register(fs, 100)
	o.run.register(fs)
	// Defaults that detect well across the data sets we measure (tanh
	// generalises less eagerly to unseen classes than relu).
	setDefault(fs, "activation", "tanh")
	setDefault(fs, "lr", "3e-3")
	setDefault(fs, "batch", "32")
	fs.Float64Var(&o.calibration, "calibration", 0.2, "fraction of the normal records held out to calibrate p-values")
	fs.StringVar(&o.score, "score", "mse", "score function: mse, mae, loss (the model's own loss)")
}

func (o *anomalyFitOpts) fitOptions(e *env, set *dataset.Set) (anomaly.FitOptions, error) {
	fo, err := o.trainOpts.fitOptions(e, set)
	if err != nil {
		return anomaly.FitOptions{}, err
	}
	return o.withCalibration(fo)
}

// withCalibration adds the anomaly settings to a training run.
func (o *anomalyFitOpts) withCalibration(fo autoencoder.FitOptions) (anomaly.FitOptions, error) {
	sc, err := anomaly.ParseScore(o.score)
	if err != nil {
		return anomaly.FitOptions{}, usagef("--score: %v", err)
	}
	if !(o.calibration > 0 && o.calibration < 1) {
		return anomaly.FitOptions{}, usagef("--calibration %v must be in (0, 1)", o.calibration)
	}
	return anomaly.FitOptions{FitOptions: fo, Calibration: o.calibration, Score: sc}, nil
}

func anomalyFitCmd(e *env) *cobra.Command {
	o := &anomalyFitOpts{}
	cmd := &cobra.Command{
		Use:   "fit --data normal.csv [flags] --out detector.latent",
		Short: "Train an anomaly detector on normal records and calibrate it",
		Long: `Hold out --calibration of the (normal) records, train an autoencoder on the
rest with any variant and loss of 'latent train', and store the scores of the
held-out records in the model file. 'latent anomaly score' turns them into
p-values and thresholds at scoring time, without retraining.`,
		Example: `  latent anomaly fit --data normal.csv --layers 16,4 --epochs 100 --out detector.latent
  latent anomaly fit --data sensors.csv --label-column label --score mae --variant denoising --noise gaussian:0.1`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			set, tfo, err := o.prepare(e)
			if err != nil {
				return err
			}
			fo, err := o.withCalibration(tfo)
			if err != nil {
				return err
			}
			fit, err := anomaly.Fit(c.Context(), set, fo)
			if err != nil {
				return fitError(err, o.out, fit)
			}
			if err := fit.Model.SaveFile(o.out, fit.Info); err != nil {
				return err
			}
			cal := anomaly.NewCalibrator(fit.Model.Calibration.Scores)
			summary := map[string]any{"model": o.out, "train": fit.Train.R, "val": fit.Val.R,
				"calibration": len(cal.Scores), "score": fo.Score, "epochs": len(fit.Result.Curve)}
			thresholds := map[string]float64{}
			for _, a := range []float64{0.05, 0.01, 0.001} {
				if t, err := cal.Threshold(a); err == nil {
					thresholds[strconv.FormatFloat(a, 'g', -1, 64)] = t
				}
			}
			summary["thresholds"] = thresholds
			if o.run.json {
				return writeJSON(e.stdout, summary)
			}
			t := newTable(e.stdout)
			t.row("model", o.out)
			t.row("records", fmt.Sprintf("%d train, %d validation, %d calibration", fit.Train.R, fit.Val.R, len(cal.Scores)))
			t.row("score", string(fo.Score))
			for _, a := range []string{"0.05", "0.01", "0.001"} {
				if v, ok := thresholds[a]; ok {
					t.row("threshold at α="+a, fmt.Sprintf("%.6g", v))
				} else {
					t.row("threshold at α="+a, "needs more calibration records")
				}
			}
			return t.flush()
		},
	}
	o.register(cmd)
	cmd.Flags().StringVarP(&o.out, "out", "o", "detector.latent", "model `FILE` to write")
	addConfigFlag(cmd)
	return cmd
}

type anomalyScoreOpts struct {
	md      modelData
	rule    ruleFlags
	explain int
	strict  bool
	ndjson  bool
}

func anomalyScoreCmd(e *env) *cobra.Command {
	o := &anomalyScoreOpts{}
	cmd := &cobra.Command{
		Use:   "score --model FILE [--data FILE]",
		Short: "Score records: score, conformal p-value, flag, explanation",
		Long: `Score a batch file (--data) or a stream on stdin (without --data): CSV lines of
numbers (an optional header first) or, with --ndjson, one JSON array or object
per line. A stream gets one output line per input line as it arrives, with
bounded memory; a bad line is reported on stderr with its line number and
scoring goes on (--strict stops instead). Output columns: line (or key and
label for a batch), score, p_value, anomaly, explain ("feature:share;...",
the --explain N features with the largest errors of flagged records).`,
		Example: `  latent anomaly score --model detector.latent --data new.csv --alpha 0.01 --out scores.csv
  latent anomaly score --model detector.latent --data new.csv --contamination 0.02
  tail -f readings.csv | latent anomaly score --model detector.latent --explain 3
  producer | latent anomaly score --model detector.latent --ndjson --threshold 0.02`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runAnomalyScore(c, e, o) },
	}
	o.md.register(cmd, "results `FILE` (default stdout)")
	o.rule.register(cmd)
	fs := cmd.Flags()
	fs.IntVar(&o.explain, "explain", 0, "add the N features with the largest reconstruction errors to flagged records")
	fs.BoolVar(&o.strict, "strict", false, "stop at the first bad input line")
	fs.BoolVar(&o.ndjson, "ndjson", false, "stream NDJSON in and out instead of CSV")
	return cmd
}

func runAnomalyScore(c *cobra.Command, e *env, o *anomalyScoreOpts) error {
	rule, err := o.rule.rule(c)
	if err != nil {
		return err
	}
	if o.explain < 0 {
		return usagef("--explain %d must be >= 0", o.explain)
	}
	if _, err := setWorkers(o.md.workers); err != nil {
		return err
	}
	if o.md.model == "" {
		return usagef("--model is required")
	}
	m, man, err := autoencoder.LoadFile(o.md.model)
	if err != nil {
		return badInput(err)
	}
	cal, score, calErr := anomaly.FromModel(m)
	if calErr != nil {
		score = anomaly.MSE
		if rule.Alpha > 0 {
			return usageError{fmt.Errorf("%s: %v (or flag by --threshold)", o.md.model, calErr)}
		}
	}
	if rule.Alpha > 0 {
		if _, err := cal.Threshold(rule.Alpha); err != nil {
			return usagef("--alpha: %v", err)
		}
	}
	var names []string
	if man.Data != nil {
		names = man.Data.Columns
	}
	scorer := anomaly.NewScorer(m, score)
	if o.md.data.data == "" {
		if c.Flags().Changed("contamination") {
			return usagef("--contamination needs a whole batch (--data); a stream can use --alpha or --threshold")
		}
		return streamScores(c, e, o, scorer, cal, rule, names)
	}
	set, err := o.md.data.load()
	if err != nil {
		return err
	}
	if set.D != m.Config.Input {
		return usagef("%s has %d features per sample; %s expects %d", set.Source, set.D, o.md.model, m.Config.Input)
	}
	if set.Columns != nil {
		names = set.Columns
	}
	terms := make([]float32, set.N*set.D)
	scores := scorer.ScoreRaw(set.X, set.N, terms)
	if c.Flags().Changed("contamination") {
		t, err := anomaly.TopFraction(scores, o.rule.contamination)
		if err != nil {
			return usageError{err}
		}
		rule = anomaly.Rule{Threshold: t}
	}
	write := func(w io.Writer) error {
		header := []string{}
		if set.Keys != nil {
			header = append(header, "key")
		}
		if set.Labels != nil {
			header = append(header, "label")
		}
		header = append(header, "score", "p_value", "anomaly", "explain")
		if _, err := fmt.Fprintln(w, strings.Join(header, ",")); err != nil {
			return err
		}
		for i, s := range scores {
			p := math.NaN()
			if cal != nil {
				p = cal.PValue(s)
			}
			flag := rule.Flag(s, p)
			var row []string
			if set.Keys != nil {
				row = append(row, csvField(set.Keys[i]))
			}
			if set.Labels != nil {
				row = append(row, csvField(set.Labels[i]))
			}
			ps := ""
			if cal != nil {
				ps = strconv.FormatFloat(p, 'g', 6, 64)
			}
			var ex []string
			if flag && o.explain > 0 {
				for _, f := range anomaly.Explain(terms[i*set.D:(i+1)*set.D], o.explain, names) {
					ex = append(ex, fmt.Sprintf("%s:%.4g", featureName(f), f.Share))
				}
			}
			row = append(row, strconv.FormatFloat(s, 'g', 6, 64), ps, strconv.FormatBool(flag), csvField(strings.Join(ex, ";")))
			if _, err := fmt.Fprintln(w, strings.Join(row, ",")); err != nil {
				return err
			}
		}
		return nil
	}
	if o.md.out == "" {
		return write(e.stdout)
	}
	if err := checkWritable(o.md.out); err != nil {
		return err
	}
	if err := atomicfile.Write(o.md.out, write); err != nil {
		return err
	}
	if !o.md.quiet {
		flagged := 0
		for _, s := range scores {
			p := math.NaN()
			if cal != nil {
				p = cal.PValue(s)
			}
			if rule.Flag(s, p) {
				flagged++
			}
		}
		fmt.Fprintf(e.stderr, "scored %d records, flagged %d; wrote %s\n", len(scores), flagged, o.md.out)
	}
	return nil
}

func featureName(f anomaly.Feature) string {
	if f.Name != "" {
		return f.Name
	}
	return "f" + strconv.Itoa(f.Index)
}

// csvField quotes a field when CSV needs it.
func csvField(s string) string {
	if strings.ContainsAny(s, ",\"\n\r") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

func streamScores(c *cobra.Command, e *env, o *anomalyScoreOpts, scorer *anomaly.Scorer, cal *anomaly.Calibrator, rule anomaly.Rule, names []string) error {
	w := e.stdout
	if o.md.out != "" {
		if err := checkWritable(o.md.out); err != nil {
			return err
		}
		f, err := os.Create(o.md.out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if !o.ndjson {
		if _, err := io.WriteString(w, anomaly.CSVHeader); err != nil {
			return err
		}
	}
	st, err := scorer.Stream(c.Context(), e.stdin, w, e.stderr, anomaly.StreamOptions{
		Rule: rule, Cal: cal, NDJSON: o.ndjson, Explain: o.explain, Names: names, Strict: o.strict})
	if err != nil {
		return badInput(err)
	}
	if !o.md.quiet {
		fmt.Fprintf(e.stderr, "scored %d records, flagged %d, %d bad lines\n", st.Records, st.Flagged, st.Bad)
	}
	return nil
}

// labelFlags say which labels mark anomalies.
type labelFlags struct {
	anomalyLabels, normalLabels string
}

func (l *labelFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&l.anomalyLabels, "anomaly-label", "", "label(s) of anomalous records, comma-separated (default: 1 when the labels are 0/1)")
	fs.StringVar(&l.normalLabels, "normal-label", "", "label(s) of normal records, comma-separated; all others are anomalies")
}

// anomalous maps a data set's labels to anomaly flags.
func (l *labelFlags) anomalous(set *dataset.Set) ([]bool, error) {
	if set.Labels == nil {
		return nil, usagef("%s has no labels: give --labels FILE or --label-column NAME", set.Source)
	}
	if l.anomalyLabels != "" && l.normalLabels != "" {
		return nil, usagef("give --anomaly-label or --normal-label, not both")
	}
	list, isAnomaly := l.anomalyLabels, true
	if l.normalLabels != "" {
		list, isAnomaly = l.normalLabels, false
	}
	if list == "" {
		distinct := map[string]bool{}
		for _, s := range set.Labels {
			distinct[s] = true
		}
		if len(distinct) > 2 || !distinct["1"] && !distinct["0"] {
			return nil, usagef("labels of %s are not 0/1: say which are anomalies with --anomaly-label", set.Source)
		}
		list = "1"
	}
	want := strings.Split(list, ",")
	out := make([]bool, set.N)
	seen := false
	for i, s := range set.Labels {
		in := slices.Contains(want, s)
		seen = seen || in
		out[i] = in == isAnomaly
	}
	if !seen {
		return nil, usagef("no record of %s has label %s", set.Source, list)
	}
	return out, nil
}

type anomalyEvalOpts struct {
	anomalyFitOpts
	labels labelFlags
	rule   ruleFlags
	model  string
	seeds  int
	test   float64
	knnK   int
	roc    string
}

// evalReport is what anomaly eval prints.
type evalReport struct {
	Data    string              `json:"data"`
	Alpha   float64             `json:"alpha"`
	Seeds   []uint64            `json:"seeds,omitempty"`
	Methods []anomaly.Metrics   `json:"methods"`
	Runs    [][]anomaly.Metrics `json:"runs,omitempty"`
	Mean    map[string]float64  `json:"mean_roc_auc,omitempty"`
}

func anomalyEvalCmd(e *env) *cobra.Command {
	o := &anomalyEvalOpts{}
	cmd := &cobra.Command{
		Use:   "eval --data FILE (--labels FILE | --label-column NAME) [--model FILE]",
		Short: "ROC-AUC, PR-AUC and calibrated false-positive rates, next to PCA",
		Long: `Measure a detector on labelled data: ROC-AUC, PR-AUC, precision, recall and F1
at the conformal threshold for --alpha, and the false-positive rate on normal
records with its exact 95% interval, next to the PCA reconstruction-error
baseline at the same bottleneck and (in the experiment) the distance to the
k-th nearest normal training record.

With --model, the given detector is evaluated on --data. Without it, eval runs
the whole experiment --seeds times: a seeded --test split of the data is set
aside, a detector is trained (with the training flags) on the normal records
of the rest with a calibration split held out, and every method is calibrated
on the same records and scored on the same test split.`,
		Example: `  latent anomaly eval --data builtin:digits --anomaly-label 9 --seeds 5
  latent anomaly eval --model detector.latent --data test.csv --label-column label --alpha 0.01 --json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runAnomalyEval(c, e, o) },
	}
	o.anomalyFitOpts.register(cmd)
	o.labels.register(cmd)
	o.rule.register(cmd)
	fs := cmd.Flags()
	fs.StringVarP(&o.model, "model", "m", "", "evaluate this detector instead of training one per seed")
	fs.IntVar(&o.seeds, "seeds", 1, "experiment: run with seeds --seed, --seed+1, ...")
	fs.Float64Var(&o.test, "test", 0.2, "experiment: fraction of the records in the test split")
	fs.IntVar(&o.knnK, "knn", 5, "experiment: k of the k-nearest-neighbour distance baseline")
	fs.StringVar(&o.roc, "roc", "", "draw the autoencoder's ROC curve (the first seed's in an experiment) to this `FILE` (.png or .svg)")
	return cmd
}

func runAnomalyEval(c *cobra.Command, e *env, o *anomalyEvalOpts) error {
	if err := o.run.apply(); err != nil {
		return err
	}
	rule, err := o.rule.rule(c)
	if err != nil {
		return err
	}
	if rule.Alpha == 0 {
		return usagef("eval calibrates every method at --alpha; --threshold and --contamination apply to 'anomaly score'")
	}
	set, err := o.data.load()
	if err != nil {
		return err
	}
	anom, err := o.labels.anomalous(set)
	if err != nil {
		return err
	}
	rep := evalReport{Data: set.Source, Alpha: rule.Alpha}
	if o.model != "" {
		ms, err := evalModel(o.model, set, anom, rule.Alpha)
		if err != nil {
			return err
		}
		rep.Methods = ms
	} else {
		if o.seeds < 1 || o.seeds > 1000 {
			return usagef("--seeds %d out of range", o.seeds)
		}
		if !(o.test > 0 && o.test < 1) {
			return usagef("--test %v must be in (0, 1)", o.test)
		}
		if o.knnK < 1 {
			return usagef("--knn %d must be positive", o.knnK)
		}
		fo, err := o.fitOptions(e, set)
		if err != nil {
			return err
		}
		fo.Progress = nil
		ex := &anomaly.Experiment{Set: set, Anomalous: anom, TestFrac: o.test, Fit: fo, Alpha: rule.Alpha,
			Baselines: func(train *tensor.Dense) []anomaly.Method { return []anomaly.Method{anomaly.KNNMethod(train, o.knnK)} }}
		for s := range o.seeds {
			seed := o.run.seed + uint64(s)
			ms, err := ex.Run(c.Context(), seed)
			if err != nil {
				return err
			}
			if !o.run.quiet {
				fmt.Fprintf(e.stderr, "seed %d:", seed)
				for _, m := range ms {
					fmt.Fprintf(e.stderr, " %s ROC-AUC %.4f", m.Method, m.ROCAUC)
				}
				fmt.Fprintln(e.stderr)
			}
			rep.Seeds = append(rep.Seeds, seed)
			rep.Runs = append(rep.Runs, ms)
		}
		rep.Methods = meanMetrics(rep.Runs)
	}
	if o.roc != "" {
		first := rep.Methods[0]
		if len(rep.Runs) > 0 {
			first = rep.Runs[0][0]
		}
		fpr, tpr := make([]float64, len(first.ROC)), make([]float64, len(first.ROC))
		for i, p := range first.ROC {
			fpr[i], tpr[i] = p.FPR, p.TPR
		}
		title := fmt.Sprintf("%s: %s", set.Source, first.Method)
		if err := checkWritable(o.roc); err != nil {
			return err
		}
		if err := plot.ROC(fpr, tpr, first.ROCAUC, title).Save(o.roc); err != nil {
			return usageError{fmt.Errorf("--roc: %w", err)}
		}
	}
	if o.run.json {
		return writeJSON(e.stdout, rep)
	}
	t := newTable(e.stdout)
	t.row("method", "ROC-AUC", "PR-AUC", "precision", "recall", "F1", fmt.Sprintf("FPR at α=%g (95%% CI)", rule.Alpha))
	for _, m := range rep.Methods {
		t.row(m.Method, f4(m.ROCAUC), f4(m.PRAUC), f4(m.Precision), f4(m.Recall), f4(m.F1),
			fmt.Sprintf("%.4f (%.4f–%.4f)", m.FPR, m.FPRLow, m.FPRHigh))
	}
	if err := t.flush(); err != nil {
		return err
	}
	if len(rep.Runs) > 1 {
		fmt.Fprintf(e.stdout, "means over %d seeds; per-seed figures with --json\n", len(rep.Runs))
	}
	return nil
}

func f4(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }

// evalModel measures a fitted detector on labelled data.
func evalModel(path string, set *dataset.Set, anom []bool, alpha float64) ([]anomaly.Metrics, error) {
	m, _, err := autoencoder.LoadFile(path)
	if err != nil {
		return nil, badInput(err)
	}
	if set.D != m.Config.Input {
		return nil, usagef("%s has %d features per sample; %s expects %d", set.Source, set.D, path, m.Config.Input)
	}
	cal, score, err := anomaly.FromModel(m)
	if err != nil {
		return nil, usageError{fmt.Errorf("%s: %v", path, err)}
	}
	thr, err := cal.Threshold(alpha)
	if err != nil {
		return nil, usagef("--alpha: %v", err)
	}
	x := tensor.FromSlice(set.N, set.D, append([]float32(nil), set.X...))
	m.Scaler.Transform(x.Data)
	scores := anomaly.NewScorer(m, score).ScoreScaled(x, nil)
	flags := make([]bool, len(scores))
	for i, s := range scores {
		flags[i] = cal.PValue(s) <= alpha
	}
	out := []anomaly.Metrics{anomaly.Measure("autoencoder", scores, anom, flags, thr)}
	if base := m.BaselineErrors(x); base != nil {
		// The model file keeps only the autoencoder's calibration; the
		// baseline gets threshold-free measures.
		out = append(out, anomaly.Measure(fmt.Sprintf("PCA-%d", m.Baseline.K), base, anom, make([]bool, len(base)), math.NaN()))
	}
	return out, nil
}

// meanMetrics averages each method's metrics over runs.
func meanMetrics(runs [][]anomaly.Metrics) []anomaly.Metrics {
	out := slices.Clone(runs[0])
	for i := range out {
		var acc anomaly.Metrics
		acc.Method = out[i].Method
		for _, r := range runs {
			m := r[i]
			acc.ROCAUC += m.ROCAUC
			acc.PRAUC += m.PRAUC
			acc.Precision += m.Precision
			acc.Recall += m.Recall
			acc.F1 += m.F1
			acc.FPR += m.FPR
			acc.FPRLow += m.FPRLow
			acc.FPRHigh += m.FPRHigh
			acc.Threshold += m.Threshold
		}
		n := float64(len(runs))
		acc.ROCAUC /= n
		acc.PRAUC /= n
		acc.Precision /= n
		acc.Recall /= n
		acc.F1 /= n
		acc.FPR /= n
		acc.FPRLow /= n
		acc.FPRHigh /= n
		acc.Threshold /= n
		out[i] = acc
	}
	return out
}
