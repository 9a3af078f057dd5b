package anomaly

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/latent-go/latent/autoencoder"
	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/tensor"
)

// FitOptions describe training an anomaly model on normal records.
type FitOptions struct {
	autoencoder.FitOptions
	// Calibration is the fraction of records held out (before training,
	// seeded) whose scores calibrate p-values; default 0.2.
	Calibration float64
	// Score is the score function; default MSE.
	Score Score
}

// Fit holds out a calibration split of the normal records in s, trains an
// autoencoder on the rest (with its own validation split), and stores the
// calibration scores in the model.
func Fit(ctx context.Context, s *dataset.Set, o FitOptions) (*autoencoder.Fitted, error) {
	if o.Calibration == 0 {
		o.Calibration = 0.2
	}
	if !(o.Calibration > 0 && o.Calibration < 1) {
		return nil, fmt.Errorf("--calibration %v must be in (0, 1)", o.Calibration)
	}
	score, err := ParseScore(string(o.Score))
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0xca1))
	rest, cal := dataset.Split(s.N, o.Calibration, rng)
	if len(cal) < 19 {
		return nil, fmt.Errorf("%s: %d calibration records is too few (want at least 19 for alpha 0.05)", s.Source, len(cal))
	}
	fit, err := autoencoder.Fit(ctx, s.Subset(rest), o.FitOptions)
	if err != nil {
		return fit, err
	}
	Calibrate(fit.Model, s.Subset(cal), score)
	return fit, nil
}

// Calibrate scores the held-out normal records cal with m and stores the
// sorted scores in m.Calibration.
func Calibrate(m *autoencoder.Model, cal *dataset.Set, score Score) {
	c := NewCalibrator(NewScorer(m, score).ScoreRaw(cal.X, cal.N, nil))
	m.Calibration = &autoencoder.Calibration{Score: string(score), N: len(c.Scores), Scores: c.Scores}
}

// Scorer scores records with a model, reusing its buffers. It is not safe
// for concurrent use.
type Scorer struct {
	m     *autoencoder.Model
	pred  *autoencoder.Predictor
	score Score
	x     *tensor.Dense
	rec   []float32
	terms []float32
}

// NewScorer returns a Scorer of m with score function s.
func NewScorer(m *autoencoder.Model, s Score) *Scorer {
	return &Scorer{m: m, pred: m.Predictor(), score: s, x: &tensor.Dense{}}
}

// ScoreRaw scores n raw records x (n×Input) and returns their scores. When
// terms is not nil it receives each record's per-feature terms (n×Input).
func (s *Scorer) ScoreRaw(x []float32, n int, terms []float32) []float64 {
	d := s.m.Config.Input
	s.x.R, s.x.C = n, d
	s.x.Data = append(s.x.Data[:0], x[:n*d]...)
	if s.m.Scaler != nil {
		s.m.Scaler.Transform(s.x.Data)
	}
	return s.ScoreScaled(s.x, terms)
}

// ScoreScaled scores records already in the model's scaled space.
func (s *Scorer) ScoreScaled(x *tensor.Dense, terms []float32) []float64 {
	d := x.C
	if cap(s.rec) < len(x.Data) {
		s.rec = make([]float32, len(x.Data))
		s.terms = make([]float32, d)
	}
	rec := s.rec[:len(x.Data)]
	s.pred.ReconstructScaled(rec, x)
	out := make([]float64, x.R)
	for i := range out {
		t := s.terms
		if terms != nil {
			t = terms[i*d : (i+1)*d]
		}
		out[i] = s.score.Terms(t, x.Row(i), rec[i*d:(i+1)*d], s.m.Config.Loss)
	}
	return out
}
