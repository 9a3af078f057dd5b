// Package autoencoder is latent's autoencoder family: an encoder of dense
// layers down to a code, a mirrored decoder back to the input, and the
// vanilla, undercomplete, denoising, sparse and contractive variants, which
// differ only in what they add to the reconstruction loss or do to the input
// during training. It also reads and writes the model file.
package autoencoder

import (
	"fmt"
	"math/rand/v2"

	"github.com/latent-go/latent/autodiff"
	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/noise"
	"github.com/latent-go/latent/projection/pca"
	"github.com/latent-go/latent/tensor"
)

// Model is an autoencoder with its input scaler.
type Model struct {
	Config Config
	// Scaler maps raw features to the space the network was trained in.
	// nil means none.
	Scaler *dataset.Scaler
	// Encoder layers, input to code. Decoder layers, code to output; for a
	// tied model their W is nil and the mirror encoder layer's is used.
	Encoder, Decoder []*nn.Dense
	// Baseline is PCA with the same bottleneck fitted on the same scaled
	// training data; nil when the code is wider than the data allows.
	Baseline *pca.PCA
	// Calibration holds anomaly scores of held-out normal records; nil
	// unless the model was fitted for anomaly detection.
	Calibration *Calibration

	noise    noise.Corrupter
	sparsity SparsityPenalty
}

// New returns a freshly initialised model for cfg, which must be valid.
func New(cfg Config, rng *rand.Rand) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := &Model{Config: cfg}
	widths := append([]int{cfg.Input}, cfg.Layers...)
	for i := 1; i < len(widths); i++ {
		m.Encoder = append(m.Encoder, nn.NewDense(widths[i-1], widths[i], rng))
	}
	for i := len(widths) - 1; i > 0; i-- {
		d := nn.NewDense(widths[i], widths[i-1], rng)
		if cfg.Tied {
			d.W = nil
		}
		m.Decoder = append(m.Decoder, d)
	}
	if err := m.prepare(); err != nil {
		return nil, err
	}
	return m, nil
}

// prepare parses the variant's settings once.
func (m *Model) prepare() error {
	if err := m.Config.Validate(); err != nil {
		return err
	}
	m.noise = nil
	if m.Config.Noise != "" && m.Config.Variant == Denoising {
		c, err := noise.Parse(m.Config.Noise)
		if err != nil {
			return err
		}
		m.noise = c
	}
	m.sparsity = SparsityPenalty{}
	if m.Config.Sparsity != "" && m.Config.Variant == Sparse {
		sp, err := ParseSparsity(m.Config.Sparsity)
		if err != nil {
			return err
		}
		m.sparsity = sp
	}
	return nil
}

// Params returns the trainable values, encoder first.
func (m *Model) Params() []*autodiff.Var {
	var ps []*autodiff.Var
	for _, d := range m.Encoder {
		ps = append(ps, d.W, d.B)
	}
	for _, d := range m.Decoder {
		if d.W != nil {
			ps = append(ps, d.W)
		}
		ps = append(ps, d.B)
	}
	return ps
}

// weights returns the weight matrices (not biases), for L1/L2 penalties.
func (m *Model) weights() []*autodiff.Var {
	var ws []*autodiff.Var
	for _, d := range m.Encoder {
		ws = append(ws, d.W)
	}
	for _, d := range m.Decoder {
		if d.W != nil {
			ws = append(ws, d.W)
		}
	}
	return ws
}

// NumParams counts the trainable numbers.
func (m *Model) NumParams() int {
	n := 0
	for _, p := range m.Params() {
		n += p.Value.Len()
	}
	return n
}

// encAct returns the activation after encoder layer i.
func (m *Model) encAct(i int) nn.Activation {
	if i == len(m.Encoder)-1 {
		return m.Config.CodeActivation
	}
	return m.Config.Activation
}

// encoded holds the encoder's pre-activations and activations, which the
// contractive penalty reuses.
type encoded struct {
	z, a []*autodiff.Var
}

func (m *Model) encode(t *autodiff.Tape, x *autodiff.Var) encoded {
	var e encoded
	h := x
	for i, d := range m.Encoder {
		z := d.Forward(t, h)
		h = t.Map(z, m.encAct(i))
		e.z, e.a = append(e.z, z), append(e.a, h)
	}
	return e
}

func (e encoded) code() *autodiff.Var { return e.a[len(e.a)-1] }

// decodeRaw returns the decoder's last pre-activation (logits for BCE,
// log-rate for Poisson).
func (m *Model) decodeRaw(t *autodiff.Tape, h *autodiff.Var) *autodiff.Var {
	n := len(m.Decoder)
	for i, d := range m.Decoder {
		var z *autodiff.Var
		if d.W == nil {
			z = t.AddBias(t.MatMul(h, false, m.Encoder[n-1-i].W, false), d.B)
		} else {
			z = d.Forward(t, h)
		}
		if i == n-1 {
			return z
		}
		h = t.Map(z, m.Config.Activation)
	}
	panic("autoencoder: no decoder layers")
}

// Loss records the training objective for a batch of scaled samples (one per
// row): the reconstruction loss of the (for the denoising variant, corrupted)
// input against the clean input, plus the variant's penalty and the weight
// penalties. rng drives the corruption and the Jacobian estimator.
func (m *Model) Loss(t *autodiff.Tape, x *tensor.Dense, rng *rand.Rand) *autodiff.Var {
	clean := t.Const(x)
	in := clean
	if m.noise != nil {
		noisy := t.Const(t.Buffer(x.R, x.C))
		m.noise.Corrupt(noisy.Value.Data, x.Data, rng)
		in = noisy
	}
	enc := m.encode(t, in)
	loss := m.Config.Loss.Apply(t, m.decodeRaw(t, enc.code()), m.Config.OutputActivation, clean)
	add := func(v *autodiff.Var, w float64) {
		if w != 0 {
			loss = t.Add(loss, t.Scale(v, float32(w)))
		}
	}
	switch m.sparsity.Kind {
	case "l1":
		add(t.SumAbs(enc.code()), m.sparsity.Weight/float64(x.R))
	case "kl":
		add(t.KLSparsity(enc.code(), m.sparsity.Rho), m.sparsity.Weight)
	}
	if m.Config.Variant == Contractive {
		add(m.jacobianPenalty(t, in, enc, rng), m.Config.Contractive/float64(x.R))
	}
	for _, w := range m.weights() {
		if m.Config.L1 != 0 {
			add(t.SumAbs(w), m.Config.L1)
		}
		if m.Config.L2 != 0 {
			add(t.SumSq(w), m.Config.L2)
		}
	}
	return loss
}

// ReconLoss returns the mean reconstruction loss of scaled samples x, with
// no corruption and no penalties: the validation and test figure.
func (m *Model) ReconLoss(x *tensor.Dense) float64 {
	var sum float64
	m.batches(x.R, func(lo, hi int) {
		var t autodiff.Tape
		t.NoGrad = true
		b := tensor.FromSlice(hi-lo, x.C, x.Data[lo*x.C:hi*x.C])
		raw := m.decodeRaw(&t, m.encode(&t, t.Const(b)).code())
		l := m.Config.Loss.Apply(&t, raw, m.Config.OutputActivation, t.Const(b))
		sum += float64(l.Value.Data[0]) * float64(hi-lo)
	})
	return sum / float64(x.R)
}

// inferBatch is the number of rows pushed through the network at once at
// inference, bounding memory on large inputs.
const inferBatch = 1024

func (m *Model) batches(n int, f func(lo, hi int)) {
	for lo := 0; lo < n; lo += inferBatch {
		f(lo, min(lo+inferBatch, n))
	}
}

func (m *Model) checkWidth(x []float32, n, d int) {
	if len(x) != n*d {
		panic(fmt.Sprintf("autoencoder: %d values for %d samples of width %d", len(x), n, d))
	}
}

// scaled returns a scaled copy of raw samples.
func (m *Model) scaled(x []float32, n int) *tensor.Dense {
	m.checkWidth(x, n, m.Config.Input)
	s := tensor.FromSlice(n, m.Config.Input, append([]float32(nil), x...))
	if m.Scaler != nil {
		m.Scaler.Transform(s.Data)
	}
	return s
}

// Predictor runs a model forward again and again, reusing its buffers, for
// inference in loops and streams. It is not safe for concurrent use; make one
// per goroutine.
type Predictor struct {
	m    *Model
	tape autodiff.Tape
}

// Predictor returns a Predictor for m.
func (m *Model) Predictor() *Predictor {
	p := &Predictor{m: m}
	p.tape.NoGrad = true
	return p
}

// EncodeScaled writes the codes of the scaled samples x into dst (x.R×code).
func (p *Predictor) EncodeScaled(dst []float32, x *tensor.Dense) {
	m := p.m
	k := m.Config.Code()
	m.checkWidth(dst, x.R, k)
	m.batches(x.R, func(lo, hi int) {
		p.tape.Reset()
		b := tensor.FromSlice(hi-lo, x.C, x.Data[lo*x.C:hi*x.C])
		copy(dst[lo*k:hi*k], m.encode(&p.tape, p.tape.Const(b)).code().Value.Data)
	})
}

// DecodeScaled writes the reconstructions of n codes into dst (n×input), in
// the scaled space.
func (p *Predictor) DecodeScaled(dst, code []float32, n int) {
	m := p.m
	k, d := m.Config.Code(), m.Config.Input
	m.checkWidth(code, n, k)
	m.checkWidth(dst, n, d)
	m.batches(n, func(lo, hi int) {
		p.tape.Reset()
		c := tensor.FromSlice(hi-lo, k, code[lo*k:hi*k])
		out := dst[lo*d : hi*d]
		copy(out, m.decodeRaw(&p.tape, p.tape.Const(c)).Value.Data)
		m.Config.Loss.Reconstruct(out, m.Config.OutputActivation)
	})
}

// ReconstructScaled writes the reconstructions of the scaled samples x into
// dst, in the scaled space.
func (p *Predictor) ReconstructScaled(dst []float32, x *tensor.Dense) {
	m := p.m
	m.checkWidth(dst, x.R, x.C)
	m.batches(x.R, func(lo, hi int) {
		p.tape.Reset()
		b := tensor.FromSlice(hi-lo, x.C, x.Data[lo*x.C:hi*x.C])
		out := dst[lo*x.C : hi*x.C]
		copy(out, m.decodeRaw(&p.tape, m.encode(&p.tape, p.tape.Const(b)).code()).Value.Data)
		m.Config.Loss.Reconstruct(out, m.Config.OutputActivation)
	})
}

// EncodeScaled writes the codes of the scaled samples x into dst (x.R×code).
func (m *Model) EncodeScaled(dst []float32, x *tensor.Dense) { m.Predictor().EncodeScaled(dst, x) }

// Encode writes the codes of n raw samples (row-major, Config.Input wide)
// into dst (n×code).
func (m *Model) Encode(dst, x []float32, n int) {
	m.checkWidth(dst, n, m.Config.Code())
	m.EncodeScaled(dst, m.scaled(x, n))
}

// DecodeScaled writes the reconstructions of n codes into dst (n×input), in
// the scaled space.
func (m *Model) DecodeScaled(dst, code []float32, n int) { m.Predictor().DecodeScaled(dst, code, n) }

// Decode writes the raw-space outputs for n codes into dst (n×input).
func (m *Model) Decode(dst, code []float32, n int) {
	m.DecodeScaled(dst, code, n)
	if m.Scaler != nil {
		m.Scaler.Inverse(dst)
	}
}

// ReconstructScaled writes reconstructions of scaled samples x into dst.
func (m *Model) ReconstructScaled(dst []float32, x *tensor.Dense) {
	m.Predictor().ReconstructScaled(dst, x)
}

// Reconstruct writes the reconstructions of n raw samples into dst, in the
// raw space.
func (m *Model) Reconstruct(dst, x []float32, n int) {
	m.checkWidth(dst, n, m.Config.Input)
	m.ReconstructScaled(dst, m.scaled(x, n))
	if m.Scaler != nil {
		m.Scaler.Inverse(dst)
	}
}
