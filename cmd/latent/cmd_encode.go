package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/latent-go/latent/autoencoder"
	"github.com/latent-go/latent/dataset"
)

// modelData is the --model and --data pair of the verbs that apply a model.
type modelData struct {
	data    dataFlags
	model   string
	out     string
	quiet   bool
	workers int
}

func (o *modelData) register(cmd *cobra.Command, outHelp string) {
	fs := cmd.Flags()
	o.data.register(fs)
	fs.StringVarP(&o.model, "model", "m", "", "model `FILE` written by 'latent train'")
	fs.StringVarP(&o.out, "out", "o", "", outHelp)
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "no messages on stderr")
	fs.IntVar(&o.workers, "workers", 0, "worker goroutines for matrix products (default: all cores)")
}

// load reads the model and data and checks that they fit together.
func (o *modelData) load() (*autoencoder.Model, *autoencoder.Manifest, *dataset.Set, error) {
	if _, err := setWorkers(o.workers); err != nil {
		return nil, nil, nil, err
	}
	if o.model == "" {
		return nil, nil, nil, usagef("--model is required")
	}
	m, man, err := autoencoder.LoadFile(o.model)
	if err != nil {
		return nil, nil, nil, badInput(err)
	}
	set, err := o.data.load()
	if err != nil {
		return nil, nil, nil, err
	}
	if set.D != m.Config.Input {
		return nil, nil, nil, usagef("%s has %d features per sample; %s expects %d", set.Source, set.D, o.model, m.Config.Input)
	}
	return m, man, set, nil
}

func encodeCmd(e *env) *cobra.Command {
	o := &modelData{}
	cmd := &cobra.Command{
		Use:   "encode --model FILE --data FILE --out codes.csv|codes.npy",
		Short: "Write the code (embedding) of every sample",
		Long: `Encode every sample with a trained model. CSV output carries each sample's key
and label; NPY output writes them beside it (codes.npy.keys.txt, codes.npy.labels.txt).`,
		Example: `  latent encode --model model.latent --data train.csv --label-column label --out codes.csv
  latent encode -m model.latent --data t10k-images-idx3-ubyte.gz --labels t10k-labels-idx1-ubyte.gz -o codes.npy`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			m, _, set, err := o.load()
			if err != nil {
				return err
			}
			if err := checkWritable(o.out); err != nil {
				return err
			}
			k := m.Config.Code()
			codes := make([]float32, set.N*k)
			m.Encode(codes, set.X, set.N)
			if err := writeMatrix(o.out, codes, set.N, k, set.Keys, set.Labels); err != nil {
				return err
			}
			if !o.quiet {
				fmt.Fprintf(e.stderr, "wrote %d codes of size %d to %s\n", set.N, k, o.out)
			}
			return nil
		},
	}
	o.register(cmd, "codes `FILE` (.csv or .npy)")
	return cmd
}

func reconstructCmd(e *env) *cobra.Command {
	o := &modelData{}
	cmd := &cobra.Command{
		Use:   "reconstruct --model FILE --data FILE --out recon.csv|recon.npy",
		Short: "Write every sample's reconstruction, in the data's own units",
		Example: `  latent reconstruct --model model.latent --data test.csv --out recon.csv
  latent reconstruct -m model.latent --data t10k-images-idx3-ubyte.gz -o recon.npy`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			m, _, set, err := o.load()
			if err != nil {
				return err
			}
			if err := checkWritable(o.out); err != nil {
				return err
			}
			rec := make([]float32, set.N*set.D)
			m.Reconstruct(rec, set.X, set.N)
			if err := writeMatrix(o.out, rec, set.N, set.D, set.Keys, set.Labels); err != nil {
				return err
			}
			if !o.quiet {
				fmt.Fprintf(e.stderr, "wrote %d reconstructions to %s\n", set.N, o.out)
			}
			return nil
		},
	}
	o.register(cmd, "reconstructions `FILE` (.csv or .npy)")
	return cmd
}
