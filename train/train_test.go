package train_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/latent-go/latent/autodiff"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/tensor"
	"github.com/latent-go/latent/train"
)

// line is the model y = w·x, fitted by mean squared error to samples stored
// as rows (x, y). It records what the loop shows it so that tests can check
// the loop's bookkeeping.
type line struct {
	w *autodiff.Var

	// valNaNAt makes the valNaNAt-th call of ReconLoss (1-based) return NaN;
	// 0 never does.
	valNaNAt int
	valCalls int

	// batches holds, per call of Loss, the x values of the batch's rows, and
	// losses the loss value Loss returned.
	batches [][]float32
	losses  []float64
}

// newLine returns a line model starting at w = w0.
func newLine(w0 float32) *line {
	return &line{w: autodiff.Param(tensor.FromSlice(1, 1, []float32{w0}))}
}

// W returns the model's current slope.
func (m *line) W() float32 { return m.w.Value.Data[0] }

func (m *line) Params() []*autodiff.Var { return []*autodiff.Var{m.w} }

func (m *line) Loss(t *autodiff.Tape, batch *tensor.Dense, _ *rand.Rand) *autodiff.Var {
	xs, ys := t.Buffer(batch.R, 1), t.Buffer(batch.R, 1)
	for i := range batch.R {
		xs.Data[i], ys.Data[i] = batch.At(i, 0), batch.At(i, 1)
	}
	m.batches = append(m.batches, slices.Clone(xs.Data))
	loss := t.MSE(t.MatMul(t.Const(xs), false, m.w, false), t.Const(ys))
	m.losses = append(m.losses, float64(loss.Value.Data[0]))
	return loss
}

func (m *line) ReconLoss(x *tensor.Dense) float64 {
	m.valCalls++
	if m.valCalls == m.valNaNAt {
		return math.NaN()
	}
	w := float64(m.W())
	var s float64
	for i := range x.R {
		d := w*float64(x.At(i, 0)) - float64(x.At(i, 1))
		s += d * d
	}
	return s / float64(x.R)
}

// lineData returns rows (x, slope·x) for the given x values.
func lineData(slope float32, xs ...float32) *tensor.Dense {
	d := tensor.New(len(xs), 2)
	for i, x := range xs {
		d.Data[2*i], d.Data[2*i+1] = x, slope*x
	}
	return d
}

// unitXs returns n values alternating +1 and −1, so that every batch has
// mean x² = 1 and plain SGD on a line model moves w − slope by the same
// factor 1 − 2·lr at every step.
func unitXs(n int) []float32 {
	xs := make([]float32, n)
	for i := range xs {
		xs[i] = float32(1 - 2*(i%2))
	}
	return xs
}

// spreadXs returns n distinct values spread over [−1, 1].
func spreadXs(n int) []float32 {
	xs := make([]float32, n)
	for i := range xs {
		xs[i] = -1 + 2*float32(i)/float32(n-1)
	}
	return xs
}

// weightLog is an AfterEpoch hook that records the model's slope after each
// finished epoch.
type weightLog struct {
	m  *line
	ws []float32
}

func (l *weightLog) hooks() train.Hooks {
	return train.Hooks{AfterEpoch: func(curve []train.Epoch) error {
		l.ws = append(l.ws, l.m.W())
		return nil
	}}
}

// seeded returns a fresh generator for seed.
func seeded(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

func TestConfigDefaults(t *testing.T) {
	c := train.Config{}.Defaults()
	want := train.Config{Epochs: 10, Batch: 64, Optim: optim.Config{}.Defaults(), Schedule: optim.Schedule{Kind: "constant"}}
	if c != want {
		t.Errorf("zero Config.Defaults() = %+v, want %+v", c, want)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
	set := train.Config{Epochs: 3, Batch: 5, Optim: optim.Config{Name: "sgd", LR: 0.5}, Schedule: optim.Schedule{Kind: "cosine"}, Clip: 1, Patience: 2}
	if got := set.Defaults(); got.Epochs != 3 || got.Batch != 5 || got.Optim.LR != 0.5 || got.Schedule.Kind != "cosine" || got.Clip != 1 || got.Patience != 2 {
		t.Errorf("Defaults changed set fields: %+v", got)
	}
}

// TestConfigValidate checks that every rejected setting names its flag.
func TestConfigValidate(t *testing.T) {
	ok := train.Config{}.Defaults()
	with := func(f func(*train.Config)) train.Config {
		c := ok
		f(&c)
		return c
	}
	tests := []struct {
		name, flag string
		c          train.Config
	}{
		{"epochs 0", "--epochs", with(func(c *train.Config) { c.Epochs = 0 })},
		{"epochs negative", "--epochs", with(func(c *train.Config) { c.Epochs = -3 })},
		{"epochs huge", "--epochs", with(func(c *train.Config) { c.Epochs = 1e7 + 1 })},
		{"batch 0", "--batch", with(func(c *train.Config) { c.Batch = 0 })},
		{"batch huge", "--batch", with(func(c *train.Config) { c.Batch = 1<<20 + 1 })},
		{"clip negative", "--clip", with(func(c *train.Config) { c.Clip = -1 })},
		{"clip NaN", "--clip", with(func(c *train.Config) { c.Clip = math.NaN() })},
		{"patience negative", "--patience", with(func(c *train.Config) { c.Patience = -1 })},
		{"optimizer name", "--optimizer", with(func(c *train.Config) { c.Optim.Name = "rmsprop" })},
		{"optimizer lr", "--optimizer", with(func(c *train.Config) { c.Optim.LR = -1 })},
	}
	if err := ok.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	for _, tt := range tests {
		err := tt.c.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), tt.flag+" ") && !strings.HasPrefix(err.Error(), tt.flag+":") {
			t.Errorf("%s: Validate() = %v, want an error starting with %s", tt.name, err, tt.flag)
		}
		// Run reports the same error before touching the model.
		m := newLine(0.25)
		_, rerr := train.Run(context.Background(), m, lineData(3, unitXs(4)...), nil, tt.c, seeded(1), nil, train.Hooks{})
		if tt.name != "epochs 0" && tt.name != "batch 0" { // zero means default in Run
			if rerr == nil || err == nil || rerr.Error() != err.Error() {
				t.Errorf("%s: Run error %v, want %v", tt.name, rerr, err)
			}
			if m.W() != 0.25 || len(m.batches) != 0 {
				t.Errorf("%s: Run touched the model", tt.name)
			}
		}
	}
}

func TestRunNoSamples(t *testing.T) {
	res, err := train.Run(context.Background(), newLine(0), tensor.New(0, 2), nil, train.Config{}, seeded(1), nil, train.Hooks{})
	if err == nil || !strings.Contains(err.Error(), "no training samples") {
		t.Errorf("Run on 0 rows = %+v, %v; want a no-samples error", res, err)
	}
}

// TestRunConverges fits y = 3x without noise by plain SGD. Every step
// shrinks |w − 3|, so the validation loss (on the training data) must fall
// every epoch, and w must reach 3.
func TestRunConverges(t *testing.T) {
	x := lineData(3, spreadXs(20)...)
	m := newLine(0)
	cfg := train.Config{Epochs: 40, Batch: 5, Optim: optim.Config{Name: "sgd", LR: 0.5}}
	res, err := train.Run(context.Background(), m, x, x, cfg, seeded(7), nil, train.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Curve) != 40 || res.Stopped != "" || res.BestEpoch != 40 {
		t.Fatalf("ran %d epochs, stopped %q, best %d; want 40, \"\", 40", len(res.Curve), res.Stopped, res.BestEpoch)
	}
	for i := 1; i < len(res.Curve); i++ {
		if prev, cur := res.Curve[i-1].ValLoss, res.Curve[i].ValLoss; !(cur < prev) && cur > 1e-12 {
			t.Errorf("epoch %d: validation loss %g did not fall from %g", i+1, cur, prev)
		}
	}
	first, last := res.Curve[0].Loss, res.Curve[len(res.Curve)-1].Loss
	if !(last < 1e-3*first) {
		t.Errorf("training loss fell from %g to %g only", first, last)
	}
	if d := math.Abs(float64(m.W()) - 3); d > 1e-4 {
		t.Errorf("w = %g after training, want 3", m.W())
	}
}

// TestRunSameSeed trains on noisy data, where the batch order changes the
// result: the same seed must give bit-identical weights and curves, and a
// different seed different weights.
func TestRunSameSeed(t *testing.T) {
	noise := seeded(99)
	x := lineData(3, spreadXs(30)...)
	for i := range x.R {
		x.Data[2*i+1] += float32(0.3 * noise.NormFloat64())
	}
	cfg := train.Config{Epochs: 5, Batch: 4} // Adam
	run := func(seed uint64) (float32, []train.Epoch) {
		m := newLine(0.5)
		res, err := train.Run(context.Background(), m, x, nil, cfg, seeded(seed), nil, train.Hooks{})
		if err != nil {
			t.Fatal(err)
		}
		return m.W(), res.Curve
	}
	w1, c1 := run(1)
	w2, c2 := run(1)
	w3, _ := run(2)
	if math.Float32bits(w1) != math.Float32bits(w2) || !slices.Equal(c1, c2) {
		t.Errorf("same seed: w %v vs %v, curves equal %t", w1, w2, slices.Equal(c1, c2))
	}
	if w1 == w3 {
		t.Errorf("seeds 1 and 2 both gave w = %v; the test data cannot tell seeds apart", w1)
	}
}

// progressLog records every Progress call.
type progressLog struct {
	batches []batchCall
	epochs  []train.Epoch
}

// batchCall is the arguments of one Progress.Batch call.
type batchCall struct {
	epoch, done, total int
	loss               float64
}

func (p *progressLog) Batch(epoch, done, total int, loss float64) {
	p.batches = append(p.batches, batchCall{epoch, done, total, loss})
}

func (p *progressLog) Epoch(e train.Epoch, samplesPerSec float64, elapsed time.Duration) {
	p.epochs = append(p.epochs, e)
}

// TestRunProgress checks the counts the loop reports: batches per epoch with
// a short last batch, running mean losses, epoch means, every sample once
// per epoch, the schedule's rate per epoch and the number of samples.
func TestRunProgress(t *testing.T) {
	const n, batch, epochs = 10, 4, 3
	xs := spreadXs(n)
	x := lineData(3, xs...)
	m := newLine(0)
	var prog progressLog
	hookCalls := 0
	cfg := train.Config{Epochs: epochs, Batch: batch, Optim: optim.Config{Name: "sgd", LR: 0.1},
		Schedule: optim.Schedule{Kind: "step", Every: 2, Gamma: 0.5}}
	res, err := train.Run(context.Background(), m, x, x, cfg, seeded(3), &prog, train.Hooks{
		AfterEpoch: func(curve []train.Epoch) error {
			hookCalls++
			if len(curve) != hookCalls {
				t.Errorf("AfterEpoch call %d saw a curve of %d epochs", hookCalls, len(curve))
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	const nb = (n + batch - 1) / batch
	if len(prog.batches) != epochs*nb || len(m.losses) != epochs*nb {
		t.Fatalf("%d Batch calls, %d Loss calls; want %d", len(prog.batches), len(m.losses), epochs*nb)
	}
	if res.Samples != epochs*n {
		t.Errorf("Samples = %d, want %d", res.Samples, epochs*n)
	}
	if hookCalls != epochs || len(prog.epochs) != epochs || !slices.Equal(prog.epochs, res.Curve) {
		t.Errorf("AfterEpoch %d calls, Epoch %v; want %d calls and the curve %v", hookCalls, prog.epochs, epochs, res.Curve)
	}
	for e := range epochs {
		var sum float64
		var seen []float32
		for b := range nb {
			k := e*nb + b
			want := batchCall{epoch: e + 1, done: b + 1, total: nb}
			got := prog.batches[k]
			sum += m.losses[k]
			want.loss = sum / float64(b+1)
			if got.epoch != want.epoch || got.done != want.done || got.total != want.total || math.Abs(got.loss-want.loss) > 1e-12 {
				t.Errorf("Batch call %d = %+v, want %+v", k, got, want)
			}
			if size := min(batch, n-b*batch); len(m.batches[k]) != size {
				t.Errorf("epoch %d batch %d has %d rows, want %d", e+1, b+1, len(m.batches[k]), size)
			}
			seen = append(seen, m.batches[k]...)
		}
		slices.Sort(seen)
		if !slices.Equal(seen, xs) {
			t.Errorf("epoch %d saw samples %v, want each of %v once", e+1, seen, xs)
		}
		c := res.Curve[e]
		if c.Epoch != e+1 || math.Abs(c.Loss-sum/nb) > 1e-12 {
			t.Errorf("curve[%d] = %+v, want epoch %d and loss %g", e, c, e+1, sum/nb)
		}
		if want := cfg.Schedule.LR(0.1, e, epochs); c.LR != want {
			t.Errorf("epoch %d: LR %g, want %g", e+1, c.LR, want)
		}
	}
	// The order of rows differs between epochs (the loop shuffles).
	if slices.Equal(m.batches[0], m.batches[nb]) && slices.Equal(m.batches[1], m.batches[nb+1]) {
		t.Errorf("epochs 1 and 2 saw the same batches; rows are not shuffled")
	}
}

// TestRunClip checks that with plain SGD at rate 1 and Clip c, no step moves
// the weight by more than c.
func TestRunClip(t *testing.T) {
	const clip = 1e-3
	x := lineData(3, spreadXs(8)...)
	m := newLine(0)
	var log weightLog
	log.m = m
	cfg := train.Config{Epochs: 5, Batch: 8, Optim: optim.Config{Name: "sgd", LR: 1}, Clip: clip}
	if _, err := train.Run(context.Background(), m, x, nil, cfg, seeded(1), nil, log.hooks()); err != nil {
		t.Fatal(err)
	}
	prev := float32(0)
	for e, w := range log.ws {
		// One batch per epoch, so one step; the gradient norm is ≫ clip.
		if d := math.Abs(float64(w - prev)); d > clip*(1+1e-5) || d < clip*0.99 {
			t.Errorf("epoch %d moved w by %g, want %g (the clipped step)", e+1, d, clip)
		}
		prev = w
	}
}

// TestEarlyStopping trains towards y = 3x from w = 0 and validates on
// y = 1.5x, so the validation loss falls while w approaches 1.5 and rises
// after: the loop must stop Patience epochs after the best one, report it,
// and leave the model holding that epoch's weights.
func TestEarlyStopping(t *testing.T) {
	x := lineData(3, unitXs(16)...)
	val := lineData(1.5, unitXs(4)...)
	m := newLine(0)
	log := weightLog{m: m}
	const patience = 3
	// w − 3 shrinks by 1 − 2·0.02 per step, 4 steps an epoch: w passes 1.5
	// during epoch 5.
	cfg := train.Config{Epochs: 50, Batch: 4, Optim: optim.Config{Name: "sgd", LR: 0.02}, Patience: patience}
	res, err := train.Run(context.Background(), m, x, val, cfg, seeded(5), nil, log.hooks())
	if err != nil {
		t.Fatal(err)
	}
	best := 0
	for i, e := range res.Curve {
		if e.ValLoss < res.Curve[best].ValLoss {
			best = i
		}
	}
	bestEpoch := best + 1
	if bestEpoch <= 1 || bestEpoch >= cfg.Epochs {
		t.Fatalf("best validation loss at epoch %d; the test needs one in the middle", bestEpoch)
	}
	if res.BestEpoch != bestEpoch {
		t.Errorf("BestEpoch = %d, want %d", res.BestEpoch, bestEpoch)
	}
	if len(res.Curve) != bestEpoch+patience {
		t.Errorf("ran %d epochs, want %d (best %d + patience %d)", len(res.Curve), bestEpoch+patience, bestEpoch, patience)
	}
	if res.Stopped == "" || !strings.Contains(res.Stopped, "kept epoch") {
		t.Errorf("Stopped = %q, want a reason naming the kept epoch", res.Stopped)
	}
	if got, want := m.W(), log.ws[best]; got != want {
		t.Errorf("w = %v at the end, want %v from epoch %d (last epoch's was %v)", got, want, bestEpoch, log.ws[len(log.ws)-1])
	}
	if got := m.ReconLoss(val); got != res.Curve[best].ValLoss {
		t.Errorf("validation loss of the final model %g, want the best %g", got, res.Curve[best].ValLoss)
	}
}

// TestEarlyStoppingNotTriggered validates on the training line itself, so
// every epoch improves: all epochs run and the last weights stay.
func TestEarlyStoppingNotTriggered(t *testing.T) {
	x := lineData(3, unitXs(16)...)
	m := newLine(0)
	log := weightLog{m: m}
	cfg := train.Config{Epochs: 6, Batch: 4, Optim: optim.Config{Name: "sgd", LR: 0.02}, Patience: 2}
	res, err := train.Run(context.Background(), m, x, x, cfg, seeded(5), nil, log.hooks())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Curve) != 6 || res.Stopped != "" || res.BestEpoch != 6 || m.W() != log.ws[5] {
		t.Errorf("ran %d epochs, stopped %q, best %d, w %v; want 6, \"\", 6, %v", len(res.Curve), res.Stopped, res.BestEpoch, m.W(), log.ws[5])
	}
}

// TestRunDiverges drives the loss, the weights or the validation loss to a
// non-finite value and checks that Run returns an error wrapping ErrDiverged
// and that the model holds the weights of the last finished epoch, as the
// AfterEpoch hook saw them.
func TestRunDiverges(t *testing.T) {
	tests := []struct {
		name     string
		n, batch int
		lr       float64
		valNaNAt int
		finished int    // epochs that finish before the failure
		msg      string // in the error
	}{
		// w − 3 is multiplied by 1 − 2·5.5 = −10 per step, 4 steps an epoch;
		// the loss (w − 3)² passes float32's range at step 20.
		{"loss", 16, 4, 5.5, 0, 4, "epoch 5 batch 4"},
		// One step with rate 1e38 sends w to +Inf while the loss was finite.
		{"weights", 8, 8, 1e38, 0, 0, "epoch 1: weights"},
		{"validation", 8, 4, 0.1, 3, 2, "epoch 3: validation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := lineData(3, unitXs(tt.n)...)
			m := newLine(0)
			m.valNaNAt = tt.valNaNAt
			log := weightLog{m: m}
			cfg := train.Config{Epochs: 20, Batch: tt.batch, Optim: optim.Config{Name: "sgd", LR: tt.lr}}
			var val *tensor.Dense // the validation check comes before the weights check
			if tt.valNaNAt > 0 {
				val = x
			}
			res, err := train.Run(context.Background(), m, x, val, cfg, seeded(1), nil, log.hooks())
			if !errors.Is(err, train.ErrDiverged) {
				t.Fatalf("Run error = %v, want one wrapping ErrDiverged", err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
			if len(log.ws) != tt.finished || res == nil || len(res.Curve) != tt.finished {
				t.Fatalf("%d epochs finished (hook), result %+v; want %d", len(log.ws), res, tt.finished)
			}
			want := float32(0)
			if tt.finished > 0 {
				want = log.ws[tt.finished-1]
			}
			if m.W() != want || res.BestEpoch != tt.finished {
				t.Errorf("w = %v, BestEpoch %d after divergence; want %v and %d", m.W(), res.BestEpoch, want, tt.finished)
			}
		})
	}
}

// badShape is a line model whose Loss makes a shape mistake.
type badShape struct{ *line }

func (m badShape) Loss(t *autodiff.Tape, batch *tensor.Dense, _ *rand.Rand) *autodiff.Var {
	xs := t.Const(t.Buffer(batch.R, 1))
	return t.MSE(t.MatMul(xs, false, m.w, false), t.Const(batch)) // r×1 against r×2
}

func TestRunPanicBecomesError(t *testing.T) {
	m := badShape{newLine(0)}
	res, err := train.Run(context.Background(), m, lineData(3, unitXs(4)...), nil, train.Config{}, seeded(1), nil, train.Hooks{})
	if err == nil {
		t.Fatalf("Run = %+v, nil; want the panic as an error", res)
	}
	if !strings.HasPrefix(err.Error(), "train: ") || !strings.Contains(err.Error(), "MSE") {
		t.Errorf("error %q; want it to start with \"train: \" and carry the panic's message", err)
	}
}

func TestRunCancelled(t *testing.T) {
	x := lineData(3, unitXs(16)...)
	cfg := train.Config{Epochs: 10, Batch: 4, Optim: optim.Config{Name: "sgd", LR: 0.02}}

	t.Run("before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		m := newLine(0.5)
		res, err := train.Run(ctx, m, x, nil, cfg, seeded(1), nil, train.Hooks{})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run error = %v, want context.Canceled", err)
		}
		if len(m.batches) != 0 || m.W() != 0.5 || res == nil || len(res.Curve) != 0 {
			t.Errorf("cancelled run trained: %d batches, w %v, result %+v", len(m.batches), m.W(), res)
		}
	})

	t.Run("during", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		m := newLine(0)
		var ws []float32
		hooks := train.Hooks{AfterEpoch: func(curve []train.Epoch) error {
			ws = append(ws, m.W())
			if len(curve) == 2 {
				cancel()
			}
			return nil
		}}
		res, err := train.Run(ctx, m, x, nil, cfg, seeded(1), nil, hooks)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run error = %v, want context.Canceled", err)
		}
		if len(res.Curve) != 2 || len(m.batches) != 8 || m.W() != ws[1] || res.BestEpoch != 2 {
			t.Errorf("after cancelling in epoch 3: %d epochs, %d batches, w %v (epoch 2: %v), best %d; want 2, 8, epoch 2's, 2",
				len(res.Curve), len(m.batches), m.W(), ws[1], res.BestEpoch)
		}
	})
}

// TestRunCancelledWithPatience cancels after the best validation epoch has
// passed: the model holds the last finished epoch's weights, and BestEpoch
// must say so.
func TestRunCancelledWithPatience(t *testing.T) {
	x := lineData(3, unitXs(16)...)
	val := lineData(1.5, unitXs(4)...)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := newLine(0)
	var ws []float32
	var valLoss []float64
	hooks := train.Hooks{AfterEpoch: func(curve []train.Epoch) error {
		ws = append(ws, m.W())
		valLoss = append(valLoss, curve[len(curve)-1].ValLoss)
		// Stop one epoch after the validation loss first rises.
		if n := len(valLoss); n >= 2 && valLoss[n-1] > valLoss[n-2] {
			cancel()
		}
		return nil
	}}
	cfg := train.Config{Epochs: 50, Batch: 4, Optim: optim.Config{Name: "sgd", LR: 0.02}, Patience: 10}
	res, err := train.Run(ctx, m, x, val, cfg, seeded(5), nil, hooks)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run error = %v, want context.Canceled", err)
	}
	last := len(res.Curve)
	if m.W() != ws[last-1] {
		t.Errorf("w = %v, want %v from the last finished epoch %d", m.W(), ws[last-1], last)
	}
	if res.BestEpoch != last {
		t.Errorf("BestEpoch = %d, but the model holds the weights of epoch %d", res.BestEpoch, last)
	}
}

func TestAfterEpochErrorStops(t *testing.T) {
	errStop := errors.New("disk full")
	x := lineData(3, unitXs(16)...)
	m := newLine(0)
	calls := 0
	hooks := train.Hooks{AfterEpoch: func(curve []train.Epoch) error {
		calls++
		if len(curve) == 3 {
			return errStop
		}
		return nil
	}}
	cfg := train.Config{Epochs: 10, Batch: 4, Optim: optim.Config{Name: "sgd", LR: 0.02}}
	res, err := train.Run(context.Background(), m, x, nil, cfg, seeded(1), nil, hooks)
	if !errors.Is(err, errStop) {
		t.Fatalf("Run error = %v, want %v", err, errStop)
	}
	if calls != 3 || len(res.Curve) != 3 || len(m.batches) != 12 || res.BestEpoch != 3 {
		t.Errorf("%d hook calls, %d epochs, %d batches, best %d; want 3, 3, 12, 3", calls, len(res.Curve), len(m.batches), res.BestEpoch)
	}
}
