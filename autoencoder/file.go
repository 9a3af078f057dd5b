package autoencoder

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"

	"github.com/latent-go/latent"
	"github.com/latent-go/latent/autodiff"
	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/internal/atomicfile"
	"github.com/latent-go/latent/internal/safetensors"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/projection/pca"
	"github.com/latent-go/latent/tensor"
	"github.com/latent-go/latent/train"
)

// The model file is a safetensors file. Its weights are F32 tensors named
// "encoder.<i>.weight" (out×in, as PyTorch's nn.Linear), "encoder.<i>.bias"
// (out), and likewise "decoder.<i>.…", layers counted from 0 in the order
// data flows; a tied model has no decoder weights (decoder layer i uses the
// transpose of encoder layer L−1−i). The "__metadata__" entry "latent" holds
// the JSON Manifest.

// Format names latent's model file in its manifest.
const Format = "latent.autoencoder"

// FormatVersion is the version of the model file this code writes; it reads
// versions up to it.
const FormatVersion = 1

// metadataKey is the safetensors metadata key that holds the manifest.
const metadataKey = "latent"

// Manifest is the JSON description stored beside the weights.
type Manifest struct {
	Format        string          `json:"format"`
	FormatVersion int             `json:"format_version"`
	LatentVersion string          `json:"latent_version"`
	Config        Config          `json:"config"`
	Scaler        *dataset.Scaler `json:"scaler,omitempty"`
	// Baseline describes the PCA baseline whose mean and components are
	// the F64 tensors "baseline.pca.mean" (D) and "baseline.pca.components"
	// (K×D); its Mean and Components are empty here.
	Baseline *pca.PCA `json:"baseline_pca,omitempty"`
	// Calibration describes the anomaly-score calibration set whose sorted
	// scores are the F64 tensor "calibration.scores"; Scores is empty here.
	Calibration *Calibration `json:"calibration,omitempty"`
	Info
}

// Calibration holds the anomaly scores of held-out normal records, sorted
// ascending, from which conformal p-values and thresholds are computed.
type Calibration struct {
	// Score names the score function ("mse", "mae" or "loss").
	Score string `json:"score"`
	// N is len(Scores), kept in the manifest for readers of the JSON alone.
	N      int       `json:"n"`
	Scores []float64 `json:"-"`
}

// Tensor names of the PCA baseline.
const (
	baselineMean       = "baseline.pca.mean"
	baselineComponents = "baseline.pca.components"
	calibrationScores  = "calibration.scores"
)

// Info records how a model was trained. It holds no wall-clock times or
// host names, so that the same data, settings and seed give the same bytes.
type Info struct {
	Seed uint64 `json:"seed"`
	// Workers is the worker count the model was trained with; results are
	// reproducible for the same seed and worker count.
	Workers  int           `json:"workers,omitempty"`
	Training *train.Config `json:"training,omitempty"`
	// ContractiveRoute says how the contractive penalty was computed.
	ContractiveRoute string        `json:"contractive_route,omitempty"`
	Curve            []train.Epoch `json:"curve,omitempty"`
	BestEpoch        int           `json:"best_epoch,omitempty"`
	Stopped          string        `json:"stopped,omitempty"`
	Data             *DataInfo     `json:"data,omitempty"`
}

// DataInfo describes the data a model was trained on.
type DataInfo struct {
	Source string `json:"source"`
	Train  int    `json:"train"`
	Val    int    `json:"val"`
	Shape  []int  `json:"shape,omitempty"`
	// Columns are the feature names of a CSV header, if it had one.
	Columns []string `json:"columns,omitempty"`
}

// tensorName names a layer's parameter in the file.
func tensorName(part string, i int, kind string) string {
	return fmt.Sprintf("%s.%d.%s", part, i, kind)
}

// Save writes the model file to w.
func (m *Model) Save(w io.Writer, info Info) error {
	man := Manifest{Format: Format, FormatVersion: FormatVersion, LatentVersion: latent.Version,
		Config: m.Config, Scaler: m.Scaler, Info: info}
	f := &safetensors.File{}
	if b := m.Baseline; b != nil {
		summary := *b
		summary.Mean, summary.Components = nil, nil
		man.Baseline = &summary
		f.AddF64(baselineMean, []int{b.D}, b.Mean)
		f.AddF64(baselineComponents, []int{b.K, b.D}, b.Components)
	}
	if c := m.Calibration; c != nil {
		man.Calibration = &Calibration{Score: c.Score, N: len(c.Scores)}
		f.AddF64(calibrationScores, []int{len(c.Scores)}, c.Scores)
	}
	js, err := json.Marshal(man)
	if err != nil {
		return fmt.Errorf("autoencoder: manifest: %w", err)
	}
	f.Metadata = map[string]string{metadataKey: string(js)}
	add := func(part string, i int, kind string, v *autodiff.Var) {
		shape := []int{v.Value.R, v.Value.C}
		if kind == "bias" {
			shape = []int{v.Value.C}
		}
		f.AddF32(tensorName(part, i, kind), shape, v.Value.Data)
	}
	for i, d := range m.Encoder {
		add("encoder", i, "weight", d.W)
		add("encoder", i, "bias", d.B)
	}
	for i, d := range m.Decoder {
		if d.W != nil {
			add("decoder", i, "weight", d.W)
		}
		add("decoder", i, "bias", d.B)
	}
	return safetensors.Write(w, f)
}

// SaveFile writes the model file to path atomically: a reader, or a crash,
// sees the old file or the new one, never a mix.
func (m *Model) SaveFile(path string, info Info) error {
	return atomicfile.Write(path, func(w io.Writer) error { return m.Save(w, info) })
}

// Load reads a model file of size bytes from r. name is used in errors.
func Load(r io.Reader, size int64, name string) (*Model, *Manifest, error) {
	f, err := safetensors.Read(r, size)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: not a latent model file: %w", name, err)
	}
	bad := func(format string, args ...any) (*Model, *Manifest, error) {
		return nil, nil, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...))
	}
	js, ok := f.Metadata[metadataKey]
	if !ok {
		return bad("safetensors file without a latent manifest (metadata key %q)", metadataKey)
	}
	var man struct {
		Manifest
		Baseline json.RawMessage `json:"baseline_pca"`
	}
	if err := json.Unmarshal([]byte(js), &man); err != nil {
		return bad("manifest: %v", err)
	}
	if man.Format != Format {
		return bad("manifest format %q, want %q", man.Format, Format)
	}
	if man.FormatVersion < 1 || man.FormatVersion > FormatVersion {
		return bad("model file version %d; this latent (%s) reads versions up to %d", man.FormatVersion, latent.Version, FormatVersion)
	}
	cfg := man.Config
	if err := cfg.Validate(); err != nil {
		return bad("manifest config: %v", err)
	}
	if man.Scaler != nil {
		if err := man.Scaler.Validate(cfg.Input); err != nil {
			return bad("manifest scaler: %v", err)
		}
	}
	m := &Model{Config: cfg, Scaler: man.Scaler}
	widths := append([]int{cfg.Input}, cfg.Layers...)
	want := map[string]bool{}
	load := func(part string, i int, kind string, r, c int) (*autodiff.Var, error) {
		n := tensorName(part, i, kind)
		want[n] = true
		data, shape, err := f.F32(n)
		if err != nil {
			return nil, err
		}
		ws := []int{r, c}
		if kind == "bias" {
			ws = []int{c}
		}
		if !slices.Equal(shape, ws) {
			return nil, fmt.Errorf("tensor %q has shape %v, want %v", n, shape, ws)
		}
		for j, v := range data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("tensor %q element %d is %v", n, j, v)
			}
		}
		return autodiff.Param(tensor.FromSlice(r, c, data)), nil
	}
	layer := func(part string, i, in, out int, withW bool) error {
		d := &nn.Dense{In: in, Out: out}
		var err error
		if withW {
			if d.W, err = load(part, i, "weight", out, in); err != nil {
				return err
			}
		}
		if d.B, err = load(part, i, "bias", 1, out); err != nil {
			return err
		}
		if part == "encoder" {
			m.Encoder = append(m.Encoder, d)
		} else {
			m.Decoder = append(m.Decoder, d)
		}
		return nil
	}
	for i := 1; i < len(widths); i++ {
		if err := layer("encoder", i-1, widths[i-1], widths[i], true); err != nil {
			return bad("%v", err)
		}
	}
	for i := len(widths) - 1; i > 0; i-- {
		if err := layer("decoder", len(widths)-1-i, widths[i], widths[i-1], !cfg.Tied); err != nil {
			return bad("%v", err)
		}
	}
	if man.Baseline != nil {
		b, err := loadBaseline(f, man.Baseline, cfg.Input)
		if err != nil {
			return bad("PCA baseline: %v", err)
		}
		m.Baseline = b
		want[baselineMean], want[baselineComponents] = true, true
	}
	if c := man.Calibration; c != nil {
		scores, _, err := f.F64(calibrationScores)
		if err != nil {
			return bad("calibration: %v", err)
		}
		if len(scores) != c.N || !slices.IsSorted(scores) || slices.ContainsFunc(scores, func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }) {
			return bad("calibration: %d scores, manifest says %d; they must be finite and sorted", len(scores), c.N)
		}
		c.Scores = scores
		m.Calibration = c
		want[calibrationScores] = true
	}
	for _, t := range f.Tensors {
		if !want[t.Name] {
			return bad("unexpected tensor %q for this architecture", t.Name)
		}
	}
	if err := m.prepare(); err != nil {
		return bad("%v", err)
	}
	if m.Baseline != nil {
		summary := *m.Baseline
		summary.Mean, summary.Components = nil, nil
		man.Manifest.Baseline = &summary
	}
	return m, &man.Manifest, nil
}

// loadBaseline rebuilds the PCA baseline from its manifest summary and its
// tensors; decoding the completed JSON runs pca's own consistency checks.
func loadBaseline(f *safetensors.File, summary json.RawMessage, d int) (*pca.PCA, error) {
	var fields map[string]any
	if err := json.Unmarshal(summary, &fields); err != nil {
		return nil, err
	}
	mean, _, err := f.F64(baselineMean)
	if err != nil {
		return nil, err
	}
	comps, _, err := f.F64(baselineComponents)
	if err != nil {
		return nil, err
	}
	fields["mean"], fields["components"] = mean, comps
	js, err := json.Marshal(fields)
	if err != nil {
		return nil, err
	}
	var p pca.PCA
	if err := json.Unmarshal(js, &p); err != nil {
		return nil, err
	}
	if p.D != d {
		return nil, fmt.Errorf("width %d, model input %d", p.D, d)
	}
	return &p, nil
}

// LoadFile reads the model file at path.
func LoadFile(path string) (*Model, *Manifest, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, nil, err
	}
	return Load(fh, st.Size(), path)
}
