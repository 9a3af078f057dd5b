// Package train runs the minibatch training loop shared by every model in
// latent: seeded shuffling, the optimiser and its learning-rate schedule,
// gradient clipping, validation, early stopping that restores the best
// weights, a guard that stops on a non-finite loss, and hooks that report
// progress and write checkpoints.
package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/latent-go/latent/autodiff"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/tensor"
)

// Model is what the loop trains.
type Model interface {
	// Params returns the trainable values.
	Params() []*autodiff.Var
	// Loss records the training objective of a batch (one sample per row).
	Loss(t *autodiff.Tape, batch *tensor.Dense, rng *rand.Rand) *autodiff.Var
	// ReconLoss returns the validation loss of samples x.
	ReconLoss(x *tensor.Dense) float64
}

// Config sets up a run. The zero value trains 10 epochs with batches of 64,
// Adam at 1e-3, a constant rate, no clipping and no early stopping.
type Config struct {
	Epochs   int            `json:"epochs"`
	Batch    int            `json:"batch"`
	Optim    optim.Config   `json:"optimizer"`
	Schedule optim.Schedule `json:"schedule"`
	// Clip is the maximum global gradient norm; 0 means no clipping.
	Clip float64 `json:"clip,omitempty"`
	// Patience stops training after this many epochs without a better
	// validation loss and restores the best weights; 0 means never stop early.
	Patience int `json:"patience,omitempty"`
}

// Defaults returns c with zero fields filled in.
func (c Config) Defaults() Config {
	if c.Epochs == 0 {
		c.Epochs = 10
	}
	if c.Batch == 0 {
		c.Batch = 64
	}
	c.Optim = c.Optim.Defaults()
	if c.Schedule.Kind == "" {
		c.Schedule.Kind = "constant"
	}
	return c
}

// Validate reports impossible settings, naming the flag.
func (c Config) Validate() error {
	switch {
	case c.Epochs < 1 || c.Epochs > 1e7:
		return fmt.Errorf("--epochs %d out of range", c.Epochs)
	case c.Batch < 1 || c.Batch > 1<<20:
		return fmt.Errorf("--batch %d out of range", c.Batch)
	case c.Clip < 0 || math.IsNaN(c.Clip):
		return fmt.Errorf("--clip %v must be >= 0", c.Clip)
	case c.Patience < 0:
		return fmt.Errorf("--patience %d must be >= 0", c.Patience)
	}
	if err := c.Optim.Validate(); err != nil {
		return fmt.Errorf("--optimizer: %w", err)
	}
	if err := c.Schedule.Validate(); err != nil {
		return fmt.Errorf("--schedule: %w", err)
	}
	return nil
}

// Epoch is one line of the training curve. It holds no wall-clock time so
// that a model file's bytes depend only on the data, the settings and the
// seed.
type Epoch struct {
	Epoch   int     `json:"epoch"` // 1-based
	LR      float64 `json:"lr"`
	Loss    float64 `json:"loss"`               // mean training objective over the epoch's batches
	ValLoss float64 `json:"val_loss,omitempty"` // reconstruction loss on the validation split
}

// Progress receives what the loop is doing. Implementations draw progress
// bars or log lines; all methods are called from the training goroutine.
type Progress interface {
	// Batch reports batch done (1-based) of total in epoch (1-based) and the
	// running mean loss of the epoch.
	Batch(epoch, done, total int, loss float64)
	// Epoch reports a finished epoch; samplesPerSec and elapsed are wall-clock.
	Epoch(e Epoch, samplesPerSec float64, elapsed time.Duration)
}

// Hooks let a caller act at epoch boundaries, for checkpoints.
type Hooks struct {
	// AfterEpoch runs after each epoch whose loss is finite, with the curve
	// so far. A returned error stops training.
	AfterEpoch func(curve []Epoch) error
}

// Result is what a run produced.
type Result struct {
	Curve []Epoch
	// BestEpoch is the epoch whose weights the model holds at the end (the
	// best validation loss with early stopping, else the last).
	BestEpoch int
	// Stopped says why training ended early ("" when it ran all epochs).
	Stopped string
	Samples int // samples processed
}

// ErrDiverged is wrapped by the error returned when the loss becomes NaN or
// infinite; the model then holds the weights of the last finished epoch.
var ErrDiverged = errors.New("loss is not finite")

// Run trains m on the rows of x, validating on val (nil or empty for none).
// The same rng seed gives the same weights, for the same worker count.
//
// A panic inside the model's graph (a shape mistake) is returned as an error.
func Run(ctx context.Context, m Model, x, val *tensor.Dense, cfg Config, rng *rand.Rand, prog Progress, hooks Hooks) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("train: %v", r)
		}
	}()
	cfg = cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if x.R == 0 {
		return nil, fmt.Errorf("train: no training samples")
	}
	params := m.Params()
	opt, err := optim.New(cfg.Optim, params)
	if err != nil {
		return nil, err
	}
	hasVal := val != nil && val.R > 0
	res = &Result{}
	good := snapshot(params) // weights of the last finite epoch
	var best []*tensor.Dense
	bestVal, bestEpoch := math.Inf(1), 0
	// fail restores the weights of the last finished epoch, which the
	// result then names as the ones the model holds.
	fail := func(err error) (*Result, error) {
		restore(params, good)
		res.BestEpoch = len(res.Curve)
		return res, err
	}

	idx := make([]int, x.R)
	for i := range idx {
		idx[i] = i
	}
	batch := tensor.New(cfg.Batch, x.C)
	var tape autodiff.Tape
	nb := (x.R + cfg.Batch - 1) / cfg.Batch
	for epoch := 0; epoch < cfg.Epochs; epoch++ {
		start := time.Now()
		lr := cfg.Schedule.LR(cfg.Optim.LR, epoch, cfg.Epochs)
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		var sum float64
		for b := 0; b < nb; b++ {
			if err := ctx.Err(); err != nil {
				return fail(err)
			}
			lo, hi := b*cfg.Batch, min((b+1)*cfg.Batch, x.R)
			batch.R, batch.Data = hi-lo, batch.Data[:(hi-lo)*x.C]
			for i, r := range idx[lo:hi] {
				copy(batch.Row(i), x.Row(r))
			}
			for _, p := range params {
				p.ZeroGrad()
			}
			tape.Reset()
			loss := m.Loss(&tape, batch, rng)
			lv := float64(loss.Value.Data[0])
			if math.IsNaN(lv) || math.IsInf(lv, 0) {
				return fail(fmt.Errorf("train: epoch %d batch %d: %w (%v); weights are those of epoch %d", epoch+1, b+1, ErrDiverged, lv, epoch))
			}
			tape.Backward(loss)
			if cfg.Clip > 0 {
				optim.ClipNorm(params, cfg.Clip)
			}
			opt.Step(lr)
			sum += lv
			res.Samples += hi - lo
			if prog != nil {
				prog.Batch(epoch+1, b+1, nb, sum/float64(b+1))
			}
		}
		e := Epoch{Epoch: epoch + 1, LR: lr, Loss: sum / float64(nb)}
		if hasVal {
			e.ValLoss = m.ReconLoss(val)
			if math.IsNaN(e.ValLoss) || math.IsInf(e.ValLoss, 0) {
				return fail(fmt.Errorf("train: epoch %d: validation %w; weights are those of epoch %d", epoch+1, ErrDiverged, epoch))
			}
		}
		if !allFinite(params) {
			return fail(fmt.Errorf("train: epoch %d: weights %w; weights are those of epoch %d", epoch+1, ErrDiverged, epoch))
		}
		copySnapshot(good, params)
		res.Curve = append(res.Curve, e)
		res.BestEpoch = e.Epoch
		if prog != nil {
			el := time.Since(start)
			prog.Epoch(e, float64(x.R)/el.Seconds(), el)
		}
		if hooks.AfterEpoch != nil {
			if err := hooks.AfterEpoch(res.Curve); err != nil {
				return res, err
			}
		}
		if cfg.Patience == 0 || !hasVal {
			continue
		}
		if e.ValLoss < bestVal {
			bestVal, bestEpoch = e.ValLoss, e.Epoch
			if best == nil {
				best = snapshot(params)
			} else {
				copySnapshot(best, params)
			}
		}
		res.BestEpoch = bestEpoch
		if e.Epoch-bestEpoch >= cfg.Patience {
			res.Stopped = fmt.Sprintf("no better validation loss for %d epochs; kept epoch %d", cfg.Patience, bestEpoch)
			break
		}
	}
	if best != nil {
		restore(params, best)
	}
	return res, nil
}

func snapshot(params []*autodiff.Var) []*tensor.Dense {
	s := make([]*tensor.Dense, len(params))
	for i, p := range params {
		s[i] = p.Value.Clone()
	}
	return s
}

func copySnapshot(dst []*tensor.Dense, params []*autodiff.Var) {
	for i, p := range params {
		copy(dst[i].Data, p.Value.Data)
	}
}

func restore(params []*autodiff.Var, s []*tensor.Dense) {
	for i, p := range params {
		copy(p.Value.Data, s[i].Data)
	}
}

func allFinite(params []*autodiff.Var) bool {
	for _, p := range params {
		for _, v := range p.Value.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return false
			}
		}
	}
	return true
}
