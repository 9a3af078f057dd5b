package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/latent-go/latent/autoencoder"
	"github.com/latent-go/latent/tensor"
)

// evalSummary is what eval prints.
type evalSummary struct {
	Model      string  `json:"model"`
	Data       string  `json:"data"`
	Samples    int     `json:"samples"`
	Bottleneck int     `json:"bottleneck"`
	Loss       string  `json:"loss"`
	AELoss     float64 `json:"ae_loss"`
	AEMSE      float64 `json:"ae_mse"`
	PCAMSE     float64 `json:"pca_mse,omitempty"`
	MeanMSE    float64 `json:"mean_mse,omitempty"`
	PerSample  string  `json:"per_sample,omitempty"`
}

func evalCmd(e *env) *cobra.Command {
	o := &modelData{}
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "eval --model FILE --data FILE [--out per-sample.csv]",
		Short: "Reconstruction error of a model, next to PCA with the same bottleneck",
		Long: `Compute each sample's reconstruction error (mean squared error per feature, in
the scaled space the model was trained in) and the model's own loss, and the
same for the PCA baseline stored in the model file (fitted on the same
training split) and for predicting the training mean. With --out, write the
per-sample errors as CSV with keys and labels.`,
		Example: `  latent eval --model model.latent --data test.csv
  latent eval -m model.latent --data test.csv --out errors.csv --json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			m, _, set, err := o.load()
			if err != nil {
				return err
			}
			x := tensor.FromSlice(set.N, set.D, append([]float32(nil), set.X...))
			if m.Scaler != nil {
				m.Scaler.Transform(x.Data)
			}
			ev := m.Evaluate(x)
			s := evalSummary{Model: o.model, Data: set.Source, Samples: set.N, Bottleneck: m.Config.Code(),
				Loss: m.Config.Loss.String(), AELoss: autoencoder.Mean(ev.Loss), AEMSE: autoencoder.Mean(ev.AE),
				PCAMSE: autoencoder.Mean(ev.PCA), MeanMSE: autoencoder.Mean(ev.Mean)}
			if o.out != "" {
				cols := [][]float64{ev.AE, ev.Loss}
				if ev.PCA != nil {
					cols = append(cols, ev.PCA)
				}
				per := make([]float32, set.N*len(cols))
				for i := range set.N {
					for j, col := range cols {
						per[i*len(cols)+j] = float32(col[i])
					}
				}
				if err := writeMatrix(o.out, per, set.N, len(cols), set.Keys, set.Labels); err != nil {
					return err
				}
				s.PerSample = o.out
			}
			if asJSON {
				return writeJSON(e.stdout, s)
			}
			t := newTable(e.stdout)
			t.row("data", fmt.Sprintf("%s (%d samples)", s.Data, s.Samples))
			t.row("", "MSE", s.Loss)
			t.row("autoencoder", fmt.Sprintf("%.6f", s.AEMSE), fmt.Sprintf("%.6f", s.AELoss))
			if ev.PCA != nil {
				t.row(fmt.Sprintf("PCA-%d", s.Bottleneck), fmt.Sprintf("%.6f", s.PCAMSE))
				t.row("training mean", fmt.Sprintf("%.6f", s.MeanMSE))
			}
			if s.PerSample != "" {
				t.row("per-sample errors", s.PerSample+" (columns: ae_mse, ae_loss, pca_mse)")
			}
			return t.flush()
		},
	}
	o.register(cmd, "per-sample errors `FILE` (.csv or .npy)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}
