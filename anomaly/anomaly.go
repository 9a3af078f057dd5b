// Package anomaly turns an autoencoder's reconstruction error into anomaly
// scores users can act on: scores with per-feature explanations, conformal
// p-values from a calibration set of held-out normal records, thresholds
// chosen at scoring time (a target false-positive rate, an explicit score, or
// an expected contamination), and the metrics that say how well it worked.
//
// Why conformal: a threshold cut at a percentile of training scores is biased
// low (the model has seen those records), and max(train error) gives no rate
// at all. Scores of normal records the model never saw are exchangeable with
// those of new normal records, so the p-value (1 + #{calibration ≥ s}) / (n + 1)
// flags a new normal record with probability at most α for any α: the
// finite-sample guarantee of split-conformal prediction.
package anomaly

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/latent-go/latent/autoencoder"
	"github.com/latent-go/latent/nn"
)

// Score names a per-record score function, computed in the model's scaled
// feature space from the record and its reconstruction.
type Score string

// The score functions: the mean over features of the squared error, of the
// absolute error, or of the model's own loss (e.g. binary cross-entropy).
const (
	MSE  Score = "mse"
	MAE  Score = "mae"
	Loss Score = "loss"
)

// ParseScore checks a score name.
func ParseScore(s string) (Score, error) {
	switch Score(strings.ToLower(s)) {
	case MSE, "":
		return MSE, nil
	case MAE:
		return MAE, nil
	case Loss:
		return Loss, nil
	}
	return "", fmt.Errorf("unknown score %q (want mse, mae or loss)", s)
}

// Terms writes each feature's contribution to the score of one record x
// with reconstruction r into dst, and returns the score (their mean).
func (s Score) Terms(dst, x, r []float32, loss nn.Loss) float64 {
	var sum float64
	for j, v := range x {
		var t float64
		switch s {
		case MAE:
			t = math.Abs(float64(r[j] - v))
		case Loss:
			t = loss.PerElement(r[j], v)
		default:
			d := float64(r[j] - v)
			t = d * d
		}
		dst[j] = float32(t)
		sum += t
	}
	return sum / float64(len(x))
}

// Calibrator computes conformal p-values against sorted calibration scores.
type Calibrator struct {
	Scores []float64 // ascending
}

// NewCalibrator returns a Calibrator for scores (copied and sorted).
func NewCalibrator(scores []float64) *Calibrator {
	s := slices.Clone(scores)
	slices.Sort(s)
	return &Calibrator{Scores: s}
}

// FromModel returns the calibrator stored in a model file, or an error
// naming why there is none.
func FromModel(m *autoencoder.Model) (*Calibrator, Score, error) {
	if m.Calibration == nil || len(m.Calibration.Scores) == 0 {
		return nil, "", fmt.Errorf("the model has no calibration scores: fit it with 'latent anomaly fit' to get p-values and --alpha thresholds")
	}
	sc, err := ParseScore(m.Calibration.Score)
	if err != nil {
		return nil, "", err
	}
	return &Calibrator{Scores: m.Calibration.Scores}, sc, nil
}

// PValue returns (1 + #{calibration scores ≥ s}) / (n + 1).
func (c *Calibrator) PValue(s float64) float64 {
	n := len(c.Scores)
	i := sort.SearchFloat64s(c.Scores, s) // first index with score ≥ s
	return float64(1+n-i) / float64(n+1)
}

// Threshold returns the score above which a record's p-value is at most
// alpha: the ⌈(n+1)(1−α)⌉-th smallest calibration score. It returns an
// error when alpha is outside (0, 1) or too small for the calibration set to
// ever reach (α < 1/(n+1)).
func (c *Calibrator) Threshold(alpha float64) (float64, error) {
	if !(alpha > 0 && alpha < 1) {
		return 0, fmt.Errorf("alpha %v must be in (0, 1)", alpha)
	}
	n := len(c.Scores)
	k := int(math.Ceil(float64(n+1) * (1 - alpha)))
	if k > n {
		return 0, fmt.Errorf("alpha %v needs at least %d calibration scores, the model has %d", alpha, int(math.Ceil(1/alpha))-1, n)
	}
	return c.Scores[max(k-1, 0)], nil
}

// TopFraction returns the threshold that flags the highest ⌈c·len(scores)⌉
// scores: the cut for an expected contamination fraction c of a batch.
func TopFraction(scores []float64, c float64) (float64, error) {
	if !(c > 0 && c < 1) {
		return 0, fmt.Errorf("contamination %v must be in (0, 1)", c)
	}
	s := slices.Clone(scores)
	slices.Sort(s)
	k := int(math.Ceil(c * float64(len(s))))
	if k >= len(s) {
		return math.Inf(-1), nil
	}
	// Flag scores strictly above the largest unflagged one (ties with it
	// stay unflagged).
	return s[len(s)-k-1], nil
}

// Feature is one feature's share of a record's score.
type Feature struct {
	Index int     `json:"index"`
	Name  string  `json:"name,omitempty"`
	Share float64 `json:"share"` // fraction of the score
}

// Explain returns the n features with the largest terms, largest first,
// ties broken by index.
func Explain(terms []float32, n int, names []string) []Feature {
	idx := make([]int, len(terms))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case terms[a] > terms[b]:
			return -1
		case terms[a] < terms[b]:
			return 1
		}
		return 0
	})
	var total float64
	for _, t := range terms {
		total += float64(t)
	}
	out := make([]Feature, 0, min(n, len(idx)))
	for _, j := range idx[:min(n, len(idx))] {
		f := Feature{Index: j}
		if total > 0 {
			f.Share = float64(terms[j]) / total
		}
		if j < len(names) {
			f.Name = names[j]
		}
		out = append(out, f)
	}
	return out
}
