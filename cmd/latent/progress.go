package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/latent-go/latent/train"
)

// progress reports training on stderr: a bar redrawn in place on a
// terminal, one log line per epoch otherwise, nothing with --quiet.
type progress struct {
	w        io.Writer
	tty      bool
	quiet    bool
	epochs   int
	batch    int // samples per batch, for samples/s
	start    time.Time
	epStart  time.Time
	lastDraw time.Time
	lastVal  float64
}

func newProgress(w io.Writer, quiet bool, epochs, batch int) *progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	now := time.Now()
	return &progress{w: w, tty: tty, quiet: quiet, epochs: epochs, batch: batch, start: now, epStart: now}
}

// Batch redraws the bar at most ten times a second.
func (p *progress) Batch(epoch, done, total int, loss float64) {
	if p.quiet || !p.tty {
		return
	}
	now := time.Now()
	if done == 1 {
		p.epStart = now
	}
	if done != total && now.Sub(p.lastDraw) < 100*time.Millisecond {
		return
	}
	p.lastDraw = now
	const width = 24
	frac := float64(done) / float64(total)
	bar := strings.Repeat("█", int(frac*width)) + strings.Repeat("░", width-int(frac*width))
	el := now.Sub(p.epStart).Seconds()
	rate := float64(done*p.batch) / max(el, 1e-9)
	// ETA over the whole run: remaining batches of this epoch plus whole epochs left.
	perBatch := el / float64(done)
	eta := time.Duration((float64(total-done) + float64((p.epochs-epoch)*total)) * perBatch * float64(time.Second))
	val := ""
	if p.lastVal > 0 {
		val = fmt.Sprintf(" val %.5f", p.lastVal)
	}
	fmt.Fprintf(p.w, "\r\033[Kepoch %d/%d %s loss %.5f%s %.0f samples/s ETA %s", epoch, p.epochs, bar, loss, val, rate, eta.Round(time.Second))
}

// Epoch ends the bar's line, or writes a log line.
func (p *progress) Epoch(e train.Epoch, samplesPerSec float64, elapsed time.Duration) {
	p.lastVal = e.ValLoss
	if p.quiet {
		return
	}
	val := ""
	if e.ValLoss > 0 {
		val = fmt.Sprintf(" val_loss %.6f", e.ValLoss)
	}
	line := fmt.Sprintf("epoch %d/%d loss %.6f%s lr %.3g %.0f samples/s %s", e.Epoch, p.epochs, e.Loss, val, e.LR, samplesPerSec, elapsed.Round(time.Millisecond))
	// About twenty lines per run stay on screen or in the log: the first
	// epoch, every n-th, the last. On a terminal the bar shows the rest.
	if every := max(1, p.epochs/20); e.Epoch != 1 && e.Epoch%every != 0 && e.Epoch != p.epochs {
		return
	}
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
	fmt.Fprintln(p.w, line)
}
