package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/latent-go/latent/autoencoder"
	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/dataset/digits"
	"github.com/latent-go/latent/internal/f32"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/train"
)

// builtinDigits names the embedded digits data set for --data.
const builtinDigits = "builtin:digits"

// dataFlags are the input flags every verb that reads data shares.
type dataFlags struct {
	data, format, labels, labelColumn, header, columns, keyColumn string
}

func (d *dataFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&d.data, "data", "", "input `FILE|DIR`: .csv, .tsv, .npy, IDX (raw or .gz), a folder of PNG images, or builtin:digits")
	fs.StringVar(&d.format, "format", "", "input format when the extension does not say: csv, npy, idx, png")
	fs.StringVar(&d.labels, "labels", "", "labels `FILE` (one per line, IDX or NPY), one per sample")
	fs.StringVar(&d.labelColumn, "label-column", "", "CSV column (name or 0-based index) set aside as labels")
	fs.StringVar(&d.header, "header", "auto", "CSV header row: auto, yes, no")
	fs.StringVar(&d.columns, "columns", "", "CSV feature columns to use (names or 0-based indices, comma-separated; default all)")
	fs.StringVar(&d.keyColumn, "key-column", "", "CSV column (name or 0-based index) that names each sample")
}

// load reads the data set the flags name; problems are bad input (exit 2).
func (d *dataFlags) load() (*dataset.Set, error) {
	if d.data == "" {
		return nil, usagef("--data is required")
	}
	if d.data == builtinDigits {
		s := digits.Load()
		if d.labelColumn != "" || d.labels != "" {
			return nil, usagef("--data %s carries its own labels", builtinDigits)
		}
		return s, nil
	}
	s, err := dataset.Load(d.data, dataset.Options{Format: d.format, LabelColumn: d.labelColumn, Header: d.header, Labels: d.labels, Columns: d.columns, KeyColumn: d.keyColumn})
	return s, badInput(err)
}

// runFlags are shared by verbs that compute: seed, workers, quiet, json.
type runFlags struct {
	seed    uint64
	workers int
	quiet   bool
	json    bool
}

func (r *runFlags) register(fs *pflag.FlagSet) {
	fs.Uint64Var(&r.seed, "seed", 1, "random seed; the same seed and --workers give identical bytes")
	fs.IntVar(&r.workers, "workers", 0, "worker goroutines for matrix products (default: all cores)")
	fs.BoolVarP(&r.quiet, "quiet", "q", false, "no progress output on stderr")
	fs.BoolVar(&r.json, "json", false, "print one JSON object on stdout instead of a table")
}

// apply sets the worker count for the process.
func (r *runFlags) apply() error {
	n, err := setWorkers(r.workers)
	r.workers = n
	return err
}

// setWorkers sets the goroutines matrix products and the runtime use; 0
// means all cores. It returns the count in effect.
func setWorkers(n int) (int, error) {
	if n < 0 || n > 4096 {
		return n, usagef("--workers %d out of range", n)
	}
	if n == 0 {
		n = runtime.NumCPU()
	}
	runtime.GOMAXPROCS(n)
	f32.SetWorkers(n)
	return n, nil
}

// modelFlags choose the architecture and variant.
type modelFlags struct {
	layers, activation, codeActivation, outputActivation, loss string
	variant, noise, sparsity, contractiveMethod                string
	contractive, l1, l2                                        float64
	projections                                                int
	tied                                                       bool
}

func (m *modelFlags) register(fs *pflag.FlagSet, defaultLayers string) {
	fs.StringVar(&m.layers, "layers", defaultLayers, "encoder widths; the last is the code size (the decoder mirrors them)")
	fs.StringVar(&m.activation, "activation", "relu", "hidden activation: relu, leakyrelu, tanh, sigmoid, gelu, linear")
	fs.StringVar(&m.codeActivation, "code-activation", "linear", "activation of the code layer")
	fs.StringVar(&m.outputActivation, "output-activation", "auto", "output activation: sigmoid, linear, ...; auto = sigmoid for bce or data scaled to [0,1], else linear")
	fs.StringVar(&m.loss, "loss", "mse", "reconstruction loss: mse, bce (from logits), poisson (log-rate output)")
	fs.StringVar(&m.variant, "variant", "vanilla", "vanilla, undercomplete, denoising, sparse, contractive")
	fs.StringVar(&m.noise, "noise", "", "denoising corruption: gaussian:SIGMA, saltpepper:P, speckle:SIGMA, masking:P")
	fs.StringVar(&m.sparsity, "sparsity", "", "sparse penalty on the code: l1:WEIGHT or kl:RHO:WEIGHT (kl needs --code-activation sigmoid)")
	fs.Float64Var(&m.contractive, "contractive", 0, "contractive penalty λ·‖∂h/∂x‖²_F")
	fs.StringVar(&m.contractiveMethod, "contractive-method", "auto", "auto, closed (one-layer encoder), exact, estimate (random projections)")
	fs.IntVar(&m.projections, "projections", 1, "random directions per sample for --contractive-method estimate")
	fs.BoolVar(&m.tied, "tied", false, "decoder uses the transposed encoder weights")
	fs.Float64Var(&m.l1, "l1", 0, "L1 penalty on the weights")
	fs.Float64Var(&m.l2, "l2", 0, "L2 penalty on the weights")
}

// config builds the autoencoder configuration; scaler is the scaler kind in
// use (for the automatic output activation).
func (m *modelFlags) config(scaler string) (autoencoder.Config, error) {
	var c autoencoder.Config
	for _, f := range strings.Split(m.layers, ",") {
		w, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || w < 1 {
			return c, usagef("--layers %q: want positive integers separated by commas, e.g. 64,16", m.layers)
		}
		c.Layers = append(c.Layers, w)
	}
	var err error
	if c.Activation, err = nn.ParseActivation(m.activation); err != nil {
		return c, usagef("--activation: %v", err)
	}
	if c.CodeActivation, err = nn.ParseActivation(m.codeActivation); err != nil {
		return c, usagef("--code-activation: %v", err)
	}
	if c.Loss, err = nn.ParseLoss(m.loss); err != nil {
		return c, usagef("--loss: %v", err)
	}
	switch {
	case m.outputActivation != "auto":
		if c.OutputActivation, err = nn.ParseActivation(m.outputActivation); err != nil {
			return c, usagef("--output-activation: %v", err)
		}
	case c.Loss == nn.BCE || (c.Loss == nn.MSE && (scaler == "minmax" || scaler == "global")):
		c.OutputActivation = nn.Sigmoid
	default:
		c.OutputActivation = nn.Linear
	}
	c.Variant, c.Noise, c.Sparsity = m.variant, m.noise, m.sparsity
	c.Contractive, c.ContractiveMethod, c.Projections = m.contractive, m.contractiveMethod, m.projections
	c.Tied, c.L1, c.L2 = m.tied, m.l1, m.l2
	return c, nil
}

// trainFlags tune the optimisation.
type trainFlags struct {
	optimizer, schedule, scaler            string
	lr, momentum, weightDecay, clip, split float64
	nesterov                               bool
	batch, epochs, patience                int
}

func (t *trainFlags) register(fs *pflag.FlagSet, epochs int) {
	fs.StringVar(&t.optimizer, "optimizer", "adam", "adam, adamw, sgd")
	fs.Float64Var(&t.lr, "lr", 1e-3, "learning rate")
	fs.Float64Var(&t.momentum, "momentum", 0, "SGD momentum")
	fs.BoolVar(&t.nesterov, "nesterov", false, "SGD with Nesterov momentum")
	fs.Float64Var(&t.weightDecay, "weight-decay", 0, "weight decay (L2 in the gradient for adam/sgd; decoupled for adamw, default 0.01)")
	fs.StringVar(&t.schedule, "schedule", "constant", "learning-rate schedule: constant, step:EVERY:GAMMA, cosine[:MIN]")
	fs.Float64Var(&t.clip, "clip", 0, "clip the global gradient norm to this value (0: off)")
	fs.IntVar(&t.batch, "batch", 64, "minibatch size")
	fs.IntVar(&t.epochs, "epochs", epochs, "training epochs")
	fs.IntVar(&t.patience, "patience", 0, "stop after this many epochs without a better validation loss (0: off)")
	fs.Float64Var(&t.split, "val-split", 0.1, "fraction of samples held out for validation")
	fs.StringVar(&t.scaler, "scaler", "auto", "feature scaling fitted on the training split: minmax, standard, global (one range for all features), none; auto = global for images, minmax for tables")
}

func (t *trainFlags) config() (train.Config, error) {
	sched, err := optim.ParseSchedule(t.schedule)
	if err != nil {
		return train.Config{}, usagef("--schedule: %v", err)
	}
	c := train.Config{Epochs: t.epochs, Batch: t.batch, Schedule: sched, Clip: t.clip, Patience: t.patience,
		Optim: optim.Config{Name: t.optimizer, LR: t.lr, Momentum: t.momentum, Nesterov: t.nesterov, WeightDecay: t.weightDecay}}
	c.Optim = c.Optim.Defaults()
	if err := c.Validate(); err != nil {
		return c, usageError{err}
	}
	return c, nil
}

// scalerKind resolves "auto" for a data set.
func (t *trainFlags) scalerKind(s *dataset.Set) string {
	if t.scaler != "auto" {
		return t.scaler
	}
	if len(s.Shape) > 0 {
		return "global"
	}
	return "minmax"
}

// addConfigFlag lets a verb read flag values from a JSON file whose keys are
// flag names; flags given on the command line win.
func addConfigFlag(cmd *cobra.Command) {
	cmd.Flags().String("config", "", "JSON `FILE` of flag values, e.g. {\"layers\": \"64,16\", \"epochs\": 50}; command-line flags win")
	prev := cmd.PreRunE
	cmd.PreRunE = func(c *cobra.Command, args []string) error {
		if err := applyConfig(c.Flags()); err != nil {
			return err
		}
		if prev != nil {
			return prev(c, args)
		}
		return nil
	}
}

func applyConfig(fs *pflag.FlagSet) error {
	path, _ := fs.GetString("config")
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return usagef("--config: %v", err)
	}
	var vals map[string]any
	if err := json.Unmarshal(b, &vals); err != nil {
		return usagef("--config %s: %v", path, err)
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f := fs.Lookup(k)
		if f == nil || k == "config" {
			return usagef("--config %s: unknown setting %q", path, k)
		}
		if f.Changed {
			continue
		}
		var s string
		switch v := vals[k].(type) {
		case string:
			s = v
		case float64:
			s = strconv.FormatFloat(v, 'g', -1, 64)
		case bool:
			s = strconv.FormatBool(v)
		case []any:
			parts := make([]string, len(v))
			for i, e := range v {
				parts[i] = fmt.Sprint(e)
			}
			s = strings.Join(parts, ",")
		default:
			return usagef("--config %s: setting %q: unsupported value %v", path, k, v)
		}
		if err := fs.Set(k, s); err != nil {
			return usagef("--config %s: setting %q: %v", path, k, err)
		}
	}
	return nil
}

// setDefault changes a registered flag's default value (as --help shows it)
// without marking it as set.
func setDefault(fs *pflag.FlagSet, name, value string) {
	f := fs.Lookup(name)
	if err := f.Value.Set(value); err != nil {
		panic(err)
	}
	f.DefValue = value
}
