package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/latent-go/latent/autoencoder"
)

func infoCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "info MODEL",
		Short:   "Show what a model file holds",
		Example: "  latent info model.latent\n  latent info --json model.latent | jq .config",
		Args:    cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			m, man, err := autoencoder.LoadFile(args[0])
			if err != nil {
				return badInput(err)
			}
			if asJSON {
				return writeJSON(e.stdout, man)
			}
			cfg := m.Config
			t := newTable(e.stdout)
			t.row("file", args[0])
			t.row("format", fmt.Sprintf("%s v%d, written by latent %s", man.Format, man.FormatVersion, man.LatentVersion))
			arch := []string{fmt.Sprint(cfg.Input)}
			for _, w := range cfg.Layers {
				arch = append(arch, fmt.Sprint(w))
			}
			for i := len(cfg.Layers) - 2; i >= 0; i-- {
				arch = append(arch, fmt.Sprint(cfg.Layers[i]))
			}
			arch = append(arch, fmt.Sprint(cfg.Input))
			t.row("architecture", strings.Join(arch, "→"))
			t.row("activations", fmt.Sprintf("hidden %v, code %v, output %v", cfg.Activation, cfg.CodeActivation, cfg.OutputActivation))
			t.row("loss", cfg.Loss.String())
			variant := cfg.Variant
			switch cfg.Variant {
			case autoencoder.Denoising:
				variant += " (" + cfg.Noise + ")"
			case autoencoder.Sparse:
				variant += " (" + cfg.Sparsity + ")"
			case autoencoder.Contractive:
				variant += fmt.Sprintf(" (λ=%g, %s)", cfg.Contractive, man.ContractiveRoute)
			}
			t.row("variant", variant)
			if cfg.Tied {
				t.row("tied weights", "yes")
			}
			t.row("parameters", fmt.Sprint(m.NumParams()))
			if m.Scaler != nil {
				t.row("scaler", m.Scaler.Kind)
			}
			if m.Baseline != nil {
				t.row("PCA baseline", fmt.Sprintf("%d components", m.Baseline.K))
			}
			if d := man.Data; d != nil {
				t.row("trained on", fmt.Sprintf("%s (%d train, %d validation)", d.Source, d.Train, d.Val))
			}
			if tr := man.Training; tr != nil {
				t.row("training", fmt.Sprintf("%s lr %g, batch %d, %d epochs, schedule %s", tr.Optim.Name, tr.Optim.LR, tr.Batch, tr.Epochs, tr.Schedule))
			}
			t.row("seed", fmt.Sprintf("%d (workers %d)", man.Seed, man.Workers))
			if n := len(man.Curve); n > 0 {
				last := man.Curve[n-1]
				t.row("curve", fmt.Sprintf("%d epochs; last loss %.6f, val %.6f; kept epoch %d", n, last.Loss, last.ValLoss, man.BestEpoch))
			}
			return t.flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the manifest as JSON")
	return cmd
}
