package autoencoder

import (
	"github.com/latent-go/latent/tensor"
)

// Errors are per-sample reconstruction errors of scaled samples: the mean
// squared error per feature of the autoencoder, of the PCA baseline with the
// same bottleneck, and of always predicting the training mean; and the
// autoencoder's own loss. Squared error is reported for every loss so that
// the three compare.
type Errors struct {
	AE, PCA, Mean []float64 // PCA and Mean are nil for a model without a baseline
	Loss          []float64
}

// Evaluate computes Errors for the scaled samples x.
func (m *Model) Evaluate(x *tensor.Dense) Errors {
	rec := make([]float32, len(x.Data))
	m.ReconstructScaled(rec, x)
	e := Errors{AE: rowMSE(rec, x), Loss: make([]float64, x.R)}
	for i := range e.Loss {
		var s float64
		for j := i * x.C; j < (i+1)*x.C; j++ {
			s += m.Config.Loss.PerElement(rec[j], x.Data[j])
		}
		e.Loss[i] = s / float64(x.C)
	}
	if p := m.Baseline; p != nil {
		e.PCA = m.BaselineErrors(x)
		for i := 0; i < x.R; i++ {
			for j := range x.C {
				rec[i*x.C+j] = float32(p.Mean[j])
			}
		}
		e.Mean = rowMSE(rec, x)
	}
	return e
}

// BaselineErrors returns each scaled sample's reconstruction MSE under the
// PCA baseline; nil without one.
func (m *Model) BaselineErrors(x *tensor.Dense) []float64 {
	if m.Baseline == nil {
		return nil
	}
	rec := make([]float32, len(x.Data))
	m.Baseline.Reconstruct(rec, x.Data, x.R)
	return rowMSE(rec, x)
}

// rowMSE returns the mean squared difference of each row of rec and x.
func rowMSE(rec []float32, x *tensor.Dense) []float64 {
	out := make([]float64, x.R)
	for i := range out {
		var s float64
		for j := i * x.C; j < (i+1)*x.C; j++ {
			d := float64(rec[j] - x.Data[j])
			s += d * d
		}
		out[i] = s / float64(x.C)
	}
	return out
}

// Mean returns the mean of v, or 0 for an empty slice.
func Mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
