package anomaly

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/latent-go/latent/autoencoder"
	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/tensor"
)

// Metrics summarise how well scores and flags separate anomalies.
type Metrics struct {
	Method    string  `json:"method"`
	ROCAUC    float64 `json:"roc_auc"`
	PRAUC     float64 `json:"pr_auc"`
	Threshold float64 `json:"threshold"`
	Flagged   int     `json:"flagged"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	// FPR is the share of normal records flagged, with its exact 95%
	// (Clopper–Pearson) interval.
	FPR     float64 `json:"fpr"`
	FPRLow  float64 `json:"fpr_low"`
	FPRHigh float64 `json:"fpr_high"`
	Normal  int     `json:"normal"`
	Anomaly int     `json:"anomalies"`
	// ROC is the curve behind ROCAUC, for figures.
	ROC []ROCPoint `json:"-"`
}

// Measure computes Metrics of scores and flags against labels.
func Measure(method string, scores []float64, anomalous, flags []bool, threshold float64) Metrics {
	c := Count(flags, anomalous)
	lo, hi := ClopperPearson(c.FP, c.FP+c.TN, 0.95)
	return Metrics{Method: method, ROCAUC: ROCAUC(scores, anomalous), PRAUC: AveragePrecision(scores, anomalous),
		Threshold: threshold, Flagged: c.TP + c.FP, Precision: c.Precision(), Recall: c.Recall(), F1: c.F1(),
		FPR: c.FPR(), FPRLow: lo, FPRHigh: hi, Normal: c.FP + c.TN, Anomaly: c.TP + c.FN, ROC: ROC(scores, anomalous)}
}

// Method scores records: the autoencoder, or a baseline. Calibrate is given
// the held-out normal records (scaled), Score any records (scaled).
type Method struct {
	Name  string
	Score func(x *tensor.Dense) []float64
}

// Judge applies the conformal rule at alpha to a method: calibrated on the
// scores of cal, it flags test records whose p-value is at most alpha.
func Judge(m Method, cal, test *tensor.Dense, anomalous []bool, alpha float64) (Metrics, error) {
	c := NewCalibrator(m.Score(cal))
	thr, err := c.Threshold(alpha)
	if err != nil {
		return Metrics{}, err
	}
	scores := m.Score(test)
	flags := make([]bool, len(scores))
	for i, s := range scores {
		flags[i] = c.PValue(s) <= alpha
	}
	return Measure(m.Name, scores, anomalous, flags, thr), nil
}

// Experiment is a seeded train/test evaluation on labelled data: the test
// split holds normal records and anomalies; the model trains on the normal
// records of the training split, of which a calibration share is held out.
type Experiment struct {
	Set       *dataset.Set
	Anomalous []bool // per record of Set
	TestFrac  float64
	Fit       FitOptions
	Alpha     float64
	// Baselines builds extra methods from the scaled training normals
	// (PCA's comes from the model itself).
	Baselines func(train *tensor.Dense) []Method
}

// Run performs the experiment with the given seed and returns one Metrics
// per method: the autoencoder, PCA at the same bottleneck, then Baselines.
func (e *Experiment) Run(ctx context.Context, seed uint64) ([]Metrics, error) {
	rng := rand.New(rand.NewPCG(seed, 0xe7a1))
	trIdx, teIdx := dataset.Split(e.Set.N, e.TestFrac, rng)
	var normal []int
	for _, i := range trIdx {
		if !e.Anomalous[i] {
			normal = append(normal, i)
		}
	}
	calFrac := e.Fit.Calibration
	if calFrac == 0 {
		calFrac = 0.2
	}
	restPos, calPos := dataset.Split(len(normal), calFrac, rng)
	pick := func(pos []int) []int {
		out := make([]int, len(pos))
		for i, p := range pos {
			out[i] = normal[p]
		}
		return out
	}
	rest, cal := pick(restPos), pick(calPos)
	fo := e.Fit.FitOptions
	fo.Seed = seed
	fit, err := autoencoder.Fit(ctx, e.Set.Subset(rest), fo)
	if err != nil {
		return nil, err
	}
	m := fit.Model
	scaled := func(idx []int) *tensor.Dense {
		s := e.Set.Subset(idx)
		x := tensor.FromSlice(s.N, s.D, s.X)
		m.Scaler.Transform(x.Data)
		return x
	}
	calX, testX, trainX := scaled(cal), scaled(teIdx), scaled(rest)
	anomalous := make([]bool, len(teIdx))
	for i, j := range teIdx {
		anomalous[i] = e.Anomalous[j]
	}
	score, err := ParseScore(string(e.Fit.Score))
	if err != nil {
		return nil, err
	}
	scorer := NewScorer(m, score)
	methods := []Method{{Name: "autoencoder", Score: func(x *tensor.Dense) []float64 { return scorer.ScoreScaled(x, nil) }}}
	if m.Baseline != nil {
		methods = append(methods, Method{Name: fmt.Sprintf("PCA-%d", m.Baseline.K), Score: m.BaselineErrors})
	}
	if e.Baselines != nil {
		methods = append(methods, e.Baselines(trainX)...)
	}
	var out []Metrics
	for _, meth := range methods {
		r, err := Judge(meth, calX, testX, anomalous, e.Alpha)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Summary is the mean and spread of a metric over seeds.
type Summary struct {
	Mean, Std, Min, Max float64
}

// Summarize returns the mean, sample standard deviation, min and max of v.
func Summarize(v []float64) Summary {
	s := Summary{Min: math.Inf(1), Max: math.Inf(-1)}
	for _, x := range v {
		s.Mean += x
		s.Min, s.Max = min(s.Min, x), max(s.Max, x)
	}
	s.Mean /= float64(len(v))
	for _, x := range v {
		s.Std += (x - s.Mean) * (x - s.Mean)
	}
	if len(v) > 1 {
		s.Std = math.Sqrt(s.Std / float64(len(v)-1))
	}
	return s
}
