package report

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/latent-go/latent"
	"github.com/latent-go/latent/autoencoder"
	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/noise"
	"github.com/latent-go/latent/plot"
	"github.com/latent-go/latent/projection/pca"
	"github.com/latent-go/latent/tensor"
)

// Options adjust New. The zero value gives the defaults.
type Options struct {
	// Title heads the report; "" gives "latent report: MODEL".
	Title string
	// ModelName names the model in the report, usually its file name;
	// "" gives "model".
	ModelName string
	// Samples is the number of samples whose reconstructions are shown;
	// 0 means 10. With labels, the first sample of each label comes first.
	Samples int
	// Seed drives the corruption shown for a denoising model.
	Seed uint64
}

// New evaluates model m, described by its manifest man, on the data set s
// and returns the report: settings from the manifest, the training curve,
// the test reconstruction error of the autoencoder, of the PCA baseline
// stored in the model (fitted on the same training data with the same
// bottleneck) and of the training mean, reconstructions of a few samples,
// and a 2-d map of the codes — the code itself when it is 2-d, else its
// projection on its first two principal components.
//
// Errors are in the scaled space the model was trained in, as in
// autoencoder.Model.Evaluate. New returns an error if s does not have the
// model's input width.
func New(m *autoencoder.Model, man *autoencoder.Manifest, s *dataset.Set, o Options) (*Report, error) {
	if s.D != m.Config.Input {
		return nil, fmt.Errorf("%s has %d features per sample; the model expects %d", s.Source, s.D, m.Config.Input)
	}
	if s.N < 1 {
		return nil, fmt.Errorf("%s: no samples", s.Source)
	}
	if man == nil {
		man = &autoencoder.Manifest{Config: m.Config}
	}
	if o.ModelName == "" {
		o.ModelName = "model"
	}
	if o.Samples <= 0 {
		o.Samples = 10
	}
	r := &Report{
		Title:     o.Title,
		Generator: "latent " + latent.Version,
		Subtitle: fmt.Sprintf("%s, evaluated on %s: %s samples of %d features", o.ModelName, source(s),
			thousands(s.N), s.D),
	}
	if r.Title == "" {
		r.Title = "latent report: " + o.ModelName
	}
	r.Settings = settings(m, man)

	x := tensor.FromSlice(s.N, s.D, slices.Clone(s.X))
	if m.Scaler != nil {
		m.Scaler.Transform(x.Data)
	}
	r.curve(man)
	r.compare(m, x)
	shape := imageShape(s, man)
	r.reconstructions(m, s, x, shape, o)
	codes := make([]float32, s.N*m.Config.Code())
	m.EncodeScaled(codes, x)
	r.codeMap(m, s, codes)
	if m.Config.Code() == 2 && shape != nil {
		p := m.Predictor()
		decode := func(code []float32) []float32 {
			out := make([]float32, s.D)
			p.DecodeScaled(out, code, 1)
			return out
		}
		r.Traversal = plot.Traversal(decode, codes, 12, shape, "Decoded images across the code plane")
		r.TraversalNote = "Each image is the decoder's output for the code at its place in the plane; the grid spans the 2nd to 98th percentile of the codes of the data."
	}
	return r, nil
}

// source names the data set for the subtitle.
func source(s *dataset.Set) string {
	if s.Source == "" {
		return "the data"
	}
	return s.Source
}

// thousands formats n with commas: 60,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// architecture returns the layer widths of a model, input to output, as
// "64→32→8→32→64".
func architecture(c autoencoder.Config) string {
	ws := []string{strconv.Itoa(c.Input)}
	for _, w := range c.Layers {
		ws = append(ws, strconv.Itoa(w))
	}
	for i := len(c.Layers) - 2; i >= 0; i-- {
		ws = append(ws, strconv.Itoa(c.Layers[i]))
	}
	return strings.Join(append(ws, strconv.Itoa(c.Input)), "→")
}

// settings describes the model from its manifest.
func settings(m *autoencoder.Model, man *autoencoder.Manifest) []Setting {
	c := m.Config
	var out []Setting
	add := func(name, format string, args ...any) {
		out = append(out, Setting{name, fmt.Sprintf(format, args...)})
	}
	add("architecture", "%s (dense, bottleneck %d)", architecture(c), c.Code())
	add("activations", "hidden %v, code %v, output %v", c.Activation, c.CodeActivation, c.OutputActivation)
	add("loss", "%v", c.Loss)
	variant := c.Variant
	switch c.Variant {
	case autoencoder.Denoising:
		variant += " (noise " + c.Noise + ")"
	case autoencoder.Sparse:
		variant += " (sparsity " + c.Sparsity + ")"
	case autoencoder.Contractive:
		variant += fmt.Sprintf(" (λ %g, %s Jacobian)", c.Contractive, man.ContractiveRoute)
	}
	add("variant", "%s", variant)
	if c.Tied {
		add("tied weights", "yes")
	}
	if c.L1 != 0 || c.L2 != 0 {
		add("weight penalties", "L1 %g, L2 %g", c.L1, c.L2)
	}
	add("parameters", "%s", thousands(m.NumParams()))
	if m.Scaler != nil {
		add("scaler", "%s", m.Scaler.Kind)
	}
	if t := man.Training; t != nil {
		opt := fmt.Sprintf("%s, learning rate %g", t.Optim.Name, t.Optim.LR)
		if t.Optim.WeightDecay != 0 {
			opt += fmt.Sprintf(", weight decay %g", t.Optim.WeightDecay)
		}
		if t.Optim.Momentum != 0 {
			opt += fmt.Sprintf(", momentum %g", t.Optim.Momentum)
		}
		add("optimizer", "%s, schedule %s", opt, t.Schedule)
		b := fmt.Sprintf("batches of %d, up to %d epochs", t.Batch, t.Epochs)
		if t.Patience > 0 {
			b += fmt.Sprintf(", patience %d", t.Patience)
		}
		if t.Clip > 0 {
			b += fmt.Sprintf(", gradient norm clipped at %g", t.Clip)
		}
		add("training", "%s", b)
	}
	if n := len(man.Curve); n > 0 {
		e := fmt.Sprintf("%d", n)
		if man.BestEpoch > 0 {
			e += fmt.Sprintf(", weights of epoch %d kept", man.BestEpoch)
		}
		if man.Stopped != "" {
			e += " (" + man.Stopped + ")"
		}
		add("epochs run", "%s", e)
	}
	if d := man.Data; d != nil {
		v := fmt.Sprintf("%s: %s training, %s validation samples", d.Source, thousands(d.Train), thousands(d.Val))
		if len(d.Shape) > 0 {
			v += fmt.Sprintf(", shape %v", d.Shape)
		}
		add("trained on", "%s", v)
	}
	if m.Baseline != nil {
		var cum float64
		for _, v := range m.Baseline.ExplainedVarianceRatio {
			cum += v
		}
		add("PCA baseline", "%d components, %.1f%% of the training variance", m.Baseline.K, 100*cum)
	}
	add("seed", "%d (workers %d)", man.Seed, man.Workers)
	if man.FormatVersion > 0 {
		add("model file", "%s v%d, written by latent %s", man.Format, man.FormatVersion, man.LatentVersion)
	}
	return out
}

// curve draws the training curve from the manifest.
func (r *Report) curve(man *autoencoder.Manifest) {
	if len(man.Curve) == 0 {
		r.CurveNote = "The model file records no training curve."
		return
	}
	loss := make([]float64, len(man.Curve))
	val := make([]float64, len(man.Curve))
	lo, hi := math.Inf(1), math.Inf(-1)
	hasVal := false
	for i, e := range man.Curve {
		loss[i], val[i] = e.Loss, e.ValLoss
		hasVal = hasVal || e.ValLoss != 0
		for _, v := range []float64{e.Loss, e.ValLoss} {
			if v > 0 && !math.IsInf(v, 0) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	f := plot.Curves(loss, val, fmt.Sprintf("Training curve (%v)", man.Config.Loss))
	f.LogY = hi > 10*lo
	if man.BestEpoch > 0 && man.BestEpoch < len(man.Curve) {
		f.Mark(float64(man.BestEpoch), fmt.Sprintf("kept epoch %d", man.BestEpoch))
	}
	r.Curve = f
	r.CurveNote = "The training loss is the objective minimised, penalties included, averaged over each epoch's batches"
	if hasVal {
		r.CurveNote += "; the validation loss is the reconstruction loss on the held-out split."
	} else {
		r.CurveNote += ". There was no validation split."
	}
	if f.LogY {
		r.CurveNote += " The loss axis is logarithmic."
	}
}

// compare fills the comparison with PCA.
func (r *Report) compare(m *autoencoder.Model, x *tensor.Dense) {
	ev := m.Evaluate(x)
	ae := autoencoder.Mean(ev.AE)
	r.Comparison = append(r.Comparison, Score{Method: "autoencoder " + architecture(m.Config), MSE: ae})
	if ev.PCA == nil {
		r.Verdict = "The model file has no PCA baseline: its code is wider than the training data allowed PCA to be."
		return
	}
	p, mean := autoencoder.Mean(ev.PCA), autoencoder.Mean(ev.Mean)
	k := m.Config.Code()
	r.Comparison = append(r.Comparison,
		Score{Method: fmt.Sprintf("PCA, %d components", k), MSE: p},
		Score{Method: "training mean", MSE: mean})
	if p > 0 {
		for i := range r.Comparison {
			r.Comparison[i].Relative = r.Comparison[i].MSE / p
		}
	}
	switch {
	case p == 0:
		r.Verdict = fmt.Sprintf("PCA with %d components reconstructs this data exactly.", k)
	case ae < p:
		r.Verdict = fmt.Sprintf("The autoencoder's reconstruction error is %.0f%% lower than PCA's with the same bottleneck of %d.", 100*(1-ae/p), k)
	default:
		r.Verdict = fmt.Sprintf("PCA with %d components reconstructs this data better than the autoencoder (its error is %.0f%% lower): try more epochs, another learning rate or a wider network.", k, 100*(1-p/ae))
	}
	r.Verdict += " Errors are mean squared errors per feature in the scaled space the model was trained in."
}

// imageShape returns the per-sample image shape of s, from the data or the
// model's training data, or nil for tables.
func imageShape(s *dataset.Set, man *autoencoder.Manifest) []int {
	ok := func(sh []int) bool {
		if len(sh) < 2 || len(sh) > 3 || (len(sh) == 3 && sh[2] != 1 && sh[2] != 3) {
			return false
		}
		p := 1
		for _, v := range sh {
			p *= v
		}
		return p == s.D
	}
	if ok(s.Shape) {
		return s.Shape
	}
	if man.Data != nil && ok(man.Data.Shape) {
		return man.Data.Shape
	}
	return nil
}

// pickSamples returns up to n sample indices: the first of each label (in
// label order) first, then the next samples in order.
func pickSamples(s *dataset.Set, n int) []int {
	n = min(n, s.N)
	var pick []int
	taken := map[int]bool{}
	if s.Labels != nil {
		first := map[string]int{}
		var labels []string
		for i, l := range s.Labels {
			if _, ok := first[l]; !ok {
				first[l] = i
				labels = append(labels, l)
			}
		}
		slices.SortFunc(labels, compareLabels)
		for _, l := range labels {
			if len(pick) == n {
				break
			}
			pick = append(pick, first[l])
			taken[first[l]] = true
		}
	}
	for i := 0; len(pick) < n; i++ {
		if !taken[i] {
			pick = append(pick, i)
		}
	}
	return pick
}

// compareLabels orders labels numerically when both are numbers.
func compareLabels(a, b string) int {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	if errA == nil && errB == nil && x != y {
		if x < y {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// reconstructions shows a few samples and their reconstructions.
func (r *Report) reconstructions(m *autoencoder.Model, s *dataset.Set, x *tensor.Dense, shape []int, o Options) {
	pick := pickSamples(s, o.Samples)
	d := s.D
	in := make([]float32, 0, len(pick)*d)
	for _, i := range pick {
		in = append(in, x.Row(i)...)
	}
	orig := in
	var noisy []float32
	if m.Config.Variant == autoencoder.Denoising && m.Config.Noise != "" {
		if c, err := noise.Parse(m.Config.Noise); err == nil {
			noisy = make([]float32, len(in))
			c.Corrupt(noisy, in, rand.New(rand.NewPCG(o.Seed, 0x4e015e)))
			in = noisy
		}
	}
	rec := make([]float32, len(in))
	m.ReconstructScaled(rec, tensor.FromSlice(len(pick), d, in))
	var pc []float32
	if m.Baseline != nil {
		pc = make([]float32, len(in))
		m.Baseline.Reconstruct(pc, in, len(pick))
	}
	k := m.Config.Code()
	if shape != nil {
		rows := [][]float32{orig}
		titles := []string{"original"}
		if noisy != nil {
			rows, titles = append(rows, noisy), append(titles, "noisy input")
		}
		rows, titles = append(rows, rec), append(titles, "autoencoder")
		if pc != nil {
			rows, titles = append(rows, pc), append(titles, fmt.Sprintf("PCA-%d", k))
		}
		r.Reconstructions = plot.ImageGrid(rows, shape, titles, "Originals and reconstructions")
		r.ReconstructionNote = fmt.Sprintf("%d samples of the data", len(pick))
		if s.Labels != nil {
			r.ReconstructionNote += ", the first of each label"
		}
		r.ReconstructionNote += "; all rows share the grey scale of the originals."
		if noisy != nil {
			r.ReconstructionNote += fmt.Sprintf(" The inputs are corrupted with the model's training noise (%s); the reconstructions are of the noisy inputs.", m.Config.Noise)
		}
		return
	}
	// Tables: raw units, a few features.
	toRaw := func(v []float32) []float32 {
		out := slices.Clone(v)
		if m.Scaler != nil {
			m.Scaler.Inverse(out)
		}
		return out
	}
	nf := min(d, 10)
	t := &Table{Header: []string{"sample"}}
	for j := range nf {
		name := fmt.Sprintf("f%d", j)
		if s.Columns != nil {
			name = s.Columns[j]
		}
		t.Header = append(t.Header, name)
	}
	type line struct {
		what string
		v    []float32
	}
	rows := []line{{"original", toRaw(orig)}}
	if noisy != nil {
		rows = append(rows, line{"noisy input", toRaw(noisy)})
	}
	rows = append(rows, line{"autoencoder", toRaw(rec)})
	if pc != nil {
		rows = append(rows, line{fmt.Sprintf("PCA-%d", k), toRaw(pc)})
	}
	for si, i := range pick[:min(len(pick), 5)] {
		name := fmt.Sprintf("#%d", i)
		if s.Keys != nil {
			name = s.Keys[i]
		}
		if s.Labels != nil {
			name += " (" + s.Labels[i] + ")"
		}
		for _, row := range rows {
			cells := []string{name + ": " + row.what}
			for j := range nf {
				cells = append(cells, strconv.FormatFloat(float64(row.v[si*d+j]), 'g', 4, 32))
			}
			t.Rows = append(t.Rows, cells)
		}
	}
	r.ReconstructionTable = t
	r.ReconstructionNote = "Values in the data's own units."
	if nf < d {
		r.ReconstructionNote += fmt.Sprintf(" The first %d of %d features are shown.", nf, d)
	}
}

// codeMap draws the codes in two dimensions.
func (r *Report) codeMap(m *autoencoder.Model, s *dataset.Set, codes []float32) {
	k := m.Config.Code()
	n := s.N
	labelNote := ""
	if s.Labels != nil {
		labelNote = ", coloured by label"
	}
	switch {
	case k == 1:
		vs := make([]float64, n)
		for i, c := range codes {
			vs[i] = float64(c)
		}
		f := plot.Histogram(vs, 0, "The 1-d code of each sample")
		f.XLabel = "code"
		r.Map = f
		r.MapNote = "The code is a single number per sample; its histogram is shown instead of a map."
		return
	case k == 2:
		xs, ys := make([]float64, n), make([]float64, n)
		for i := range n {
			xs[i], ys[i] = float64(codes[2*i]), float64(codes[2*i+1])
		}
		f := plot.Scatter(xs, ys, s.Labels, "The 2-d codes")
		f.XLabel, f.YLabel = "code 1", "code 2"
		r.Map = f
		r.MapNote = fmt.Sprintf("The code of each of the %s samples%s.", thousands(n), labelNote)
		return
	}
	if n < 2 {
		r.MapNote = "Too few samples to project the codes."
		return
	}
	p, err := pca.Fit(codes, n, k, 2)
	if err != nil {
		r.MapNote = "The codes could not be projected: " + err.Error()
		return
	}
	proj := make([]float32, n*2)
	p.Transform(proj, codes, n)
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range n {
		xs[i], ys[i] = float64(proj[2*i]), float64(proj[2*i+1])
	}
	f := plot.Scatter(xs, ys, s.Labels, fmt.Sprintf("The %d-d codes projected by PCA", k))
	f.XLabel, f.YLabel = "PC 1 of the codes", "PC 2 of the codes"
	r.Map = f
	r.MapNote = fmt.Sprintf("The %d-d codes of the %s samples%s, projected on their first two principal components, which hold %.0f%% of the codes' variance.",
		k, thousands(n), labelNote, 100*(p.ExplainedVarianceRatio[0]+p.ExplainedVarianceRatio[1]))
}
