package anomaly

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// ref is testdata/ref.json, written by testdata/make_ref.py with
// scikit-learn (roc_auc_score, average_precision_score, roc_curve) and SciPy
// (beta.ppf for Clopper–Pearson intervals).
type ref struct {
	Cases []struct {
		Scores           []float64 `json:"scores"`
		Labels           []int     `json:"labels"`
		ROCAUC           float64   `json:"roc_auc"`
		AveragePrecision float64   `json:"average_precision"`
		ROCFPR           []float64 `json:"roc_fpr"`
		ROCTPR           []float64 `json:"roc_tpr"`
	} `json:"cases"`
	ClopperPearson [][4]float64 `json:"clopper_pearson"`
}

func loadRef(t *testing.T) ref {
	b, err := os.ReadFile("testdata/ref.json")
	if err != nil {
		t.Fatal(err)
	}
	var r ref
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestMetricsAgainstScikitLearn(t *testing.T) {
	for i, c := range loadRef(t).Cases {
		anom := make([]bool, len(c.Labels))
		for j, l := range c.Labels {
			anom[j] = l == 1
		}
		if got := ROCAUC(c.Scores, anom); math.Abs(got-c.ROCAUC) > 1e-12 {
			t.Errorf("case %d: ROC-AUC %.15g, sklearn %.15g", i, got, c.ROCAUC)
		}
		if got := AveragePrecision(c.Scores, anom); math.Abs(got-c.AveragePrecision) > 1e-12 {
			t.Errorf("case %d: AP %.15g, sklearn %.15g", i, got, c.AveragePrecision)
		}
		roc := ROC(c.Scores, anom)
		if len(roc) != len(c.ROCFPR) {
			t.Errorf("case %d: %d ROC points, sklearn %d", i, len(roc), len(c.ROCFPR))
			continue
		}
		for j, p := range roc {
			if math.Abs(p.FPR-c.ROCFPR[j]) > 1e-12 || math.Abs(p.TPR-c.ROCTPR[j]) > 1e-12 {
				t.Errorf("case %d point %d: (%v, %v), sklearn (%v, %v)", i, j, p.FPR, p.TPR, c.ROCFPR[j], c.ROCTPR[j])
				break
			}
		}
	}
}

func TestClopperPearsonAgainstSciPy(t *testing.T) {
	for _, c := range loadRef(t).ClopperPearson {
		lo, hi := ClopperPearson(int(c[0]), int(c[1]), 0.95)
		if math.Abs(lo-c[2]) > 1e-9 || math.Abs(hi-c[3]) > 1e-9 {
			t.Errorf("%v/%v: [%.12g, %.12g], scipy [%.12g, %.12g]", c[0], c[1], lo, hi, c[2], c[3])
		}
	}
}

func TestConfusion(t *testing.T) {
	flags := []bool{true, true, false, false, true}
	anom := []bool{true, false, false, true, true}
	c := Count(flags, anom)
	if c != (Confusion{TP: 2, FP: 1, TN: 1, FN: 1}) {
		t.Fatalf("counts %+v", c)
	}
	if c.Precision() != 2.0/3 || c.Recall() != 2.0/3 || c.F1() != 2.0/3 || c.FPR() != 0.5 {
		t.Errorf("precision %v recall %v f1 %v fpr %v", c.Precision(), c.Recall(), c.F1(), c.FPR())
	}
}
