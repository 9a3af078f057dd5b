package anomaly

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// ROCAUC returns the area under the ROC curve of scores against labels
// (true = anomaly), with tied scores counted half, as scikit-learn's
// roc_auc_score. It returns NaN unless both classes are present.
func ROCAUC(scores []float64, anomalous []bool) float64 {
	order := sortedIdx(scores, false)
	// Average ranks over ties (Mann–Whitney U).
	var rankSum float64
	var pos, neg int
	for i := 0; i < len(order); {
		j := i
		for j < len(order) && scores[order[j]] == scores[order[i]] {
			j++
		}
		avg := float64(i+j+1) / 2 // ranks i+1..j
		for _, o := range order[i:j] {
			if anomalous[o] {
				rankSum += avg
				pos++
			} else {
				neg++
			}
		}
		i = j
	}
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return (rankSum - float64(pos)*float64(pos+1)/2) / (float64(pos) * float64(neg))
}

// AveragePrecision returns Σ (Rₙ − Rₙ₋₁)·Pₙ over decreasing score
// thresholds, the area under the precision–recall curve as scikit-learn's
// average_precision_score computes it. NaN without anomalies.
func AveragePrecision(scores []float64, anomalous []bool) float64 {
	order := sortedIdx(scores, true)
	pos := 0
	for _, a := range anomalous {
		if a {
			pos++
		}
	}
	if pos == 0 {
		return math.NaN()
	}
	var ap, prevRecall float64
	tp, seen := 0, 0
	for i := 0; i < len(order); {
		j := i
		for j < len(order) && scores[order[j]] == scores[order[i]] {
			if anomalous[order[j]] {
				tp++
			}
			j++
		}
		seen += j - i
		recall := float64(tp) / float64(pos)
		ap += (recall - prevRecall) * float64(tp) / float64(seen)
		prevRecall = recall
		i = j
	}
	return ap
}

// ROCPoint is one point of a ROC curve.
type ROCPoint struct{ FPR, TPR, Threshold float64 }

// ROC returns the ROC curve's corners at each distinct score, from (0,0) to
// (1,1).
func ROC(scores []float64, anomalous []bool) []ROCPoint {
	order := sortedIdx(scores, true)
	var pos, neg int
	for _, a := range anomalous {
		if a {
			pos++
		} else {
			neg++
		}
	}
	pts := []ROCPoint{{0, 0, math.Inf(1)}}
	tp, fp := 0, 0
	for i := 0; i < len(order); {
		j := i
		for j < len(order) && scores[order[j]] == scores[order[i]] {
			if anomalous[order[j]] {
				tp++
			} else {
				fp++
			}
			j++
		}
		pts = append(pts, ROCPoint{FPR: ratio(fp, neg), TPR: ratio(tp, pos), Threshold: scores[order[i]]})
		i = j
	}
	return pts
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// sortedIdx returns the indices of scores in ascending (or descending) order.
func sortedIdx(scores []float64, desc bool) []int {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		c := 0
		switch {
		case scores[a] < scores[b]:
			c = -1
		case scores[a] > scores[b]:
			c = 1
		}
		if desc {
			c = -c
		}
		return c
	})
	return idx
}

// Confusion counts flagged records against labels.
type Confusion struct {
	TP, FP, TN, FN int
}

// Count returns the confusion counts of flags against labels.
func Count(flags, anomalous []bool) Confusion {
	var c Confusion
	for i, f := range flags {
		switch {
		case f && anomalous[i]:
			c.TP++
		case f:
			c.FP++
		case anomalous[i]:
			c.FN++
		default:
			c.TN++
		}
	}
	return c
}

// Precision, Recall, F1 and FPR of the counts (0 when undefined).
func (c Confusion) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP / (TP + FN).
func (c Confusion) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall.
func (c Confusion) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// FPR is FP / (FP + TN), the share of normal records flagged.
func (c Confusion) FPR() float64 { return ratio(c.FP, c.FP+c.TN) }

// ClopperPearson returns the exact two-sided confidence interval at level
// conf (e.g. 0.95) for a binomial proportion with k successes in n trials.
func ClopperPearson(k, n int, conf float64) (lo, hi float64) {
	if n == 0 {
		return 0, 1
	}
	a := (1 - conf) / 2
	if k > 0 {
		lo = distuv.Beta{Alpha: float64(k), Beta: float64(n - k + 1)}.Quantile(a)
	}
	hi = 1
	if k < n {
		hi = distuv.Beta{Alpha: float64(k + 1), Beta: float64(n - k)}.Quantile(1 - a)
	}
	return lo, hi
}
