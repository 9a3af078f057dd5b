// Command train is the side-by-side training benchmark: it trains the
// reference autoencoder (784-512-128-32-128-512-784, ReLU, sigmoid output,
// binary cross-entropy, Adam 1e-3, batch 256) on Fashion-MNIST with the latent
// binary and with PyTorch (bench/peers/torch_ae.py), alternating runs, and
// prints the median whole-process throughput of each, their ratio and their
// peak memory.
//
//	go run ./bench/train [-runs 3] [-threads 1,2] [-variants plain,denoising,contractive] [-json]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/latent-go/latent/bench/peer"
)

// run is one measured process.
type run struct {
	seconds float64
	peakMB  float64
	out     []byte
}

func measure(env []string, name string, args ...string) (run, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = env
	cmd.Stderr = os.Stderr
	start := time.Now()
	out, err := cmd.Output()
	if err != nil {
		return run{}, fmt.Errorf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	r := run{seconds: time.Since(start).Seconds(), out: out}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.peakMB = float64(ru.Maxrss) / 1024 // kilobytes on Linux
	}
	return r, nil
}

// result is one row of the table.
type result struct {
	Variant       string    `json:"variant"`
	Threads       int       `json:"threads"`
	LatentSPS     float64   `json:"latent_samples_per_sec"`
	TorchSPS      float64   `json:"torch_samples_per_sec"`
	Ratio         float64   `json:"ratio"`
	LatentPeakMB  float64   `json:"latent_peak_mb"`
	TorchPeakMB   float64   `json:"torch_peak_mb"`
	LatentSeconds []float64 `json:"latent_seconds"`
	TorchSeconds  []float64 `json:"torch_seconds"`
}

func main() {
	home, _ := os.UserHomeDir()
	data := flag.String("data", filepath.Join(home, ".cache/latent/fashion-mnist/train-images-idx3-ubyte.gz"), "training images (IDX)")
	runs := flag.Int("runs", 3, "runs of each side")
	threads := flag.String("threads", "1,2", "thread counts")
	variants := flag.String("variants", "plain,denoising,contractive", "variants")
	epochs := flag.Int("epochs", 3, "epochs per run")
	asJSON := flag.Bool("json", false, "print JSON")
	flag.Parse()
	if _, err := os.Stat(*data); err != nil {
		log.Fatalf("%v (run scripts/get-data.sh fashion-mnist)", err)
	}
	bin := filepath.Join(os.TempDir(), "latent-bench")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/latent").CombinedOutput(); err != nil {
		log.Fatalf("go build: %v\n%s", err, out)
	}
	const samples = 60000
	var results []result
	for _, v := range strings.Split(*variants, ",") {
		for _, ts := range strings.Split(*threads, ",") {
			t, err := strconv.Atoi(ts)
			if err != nil {
				log.Fatal(err)
			}
			largs := []string{"train", "--data", *data, "--layers", "512,128,32", "--activation", "relu",
				"--output-activation", "sigmoid", "--loss", "bce", "--optimizer", "adam", "--lr", "1e-3",
				"--batch", "256", "--epochs", strconv.Itoa(*epochs), "--val-split", "0", "--workers", ts,
				"--quiet", "--json", "--out", filepath.Join(os.TempDir(), "latent-bench.latent")}
			switch v {
			case "denoising":
				largs = append(largs, "--variant", "denoising", "--noise", "gaussian:0.2")
			case "contractive":
				largs = append(largs, "--variant", "contractive", "--contractive", "1e-4")
			}
			pargs := []string{"bench/peers/torch_ae.py", "--data", *data, "--threads", ts, "--epochs", strconv.Itoa(*epochs), "--variant", v}
			r := result{Variant: v, Threads: t}
			var lpeak, tpeak []float64
			for i := 0; i < *runs; i++ {
				lr, err := measure(os.Environ(), bin, largs...)
				if err != nil {
					log.Fatal(err)
				}
				tr, err := measure(peer.Env(t), "/usr/bin/python3", pargs...)
				if err != nil {
					log.Fatal(err)
				}
				r.LatentSeconds = append(r.LatentSeconds, lr.seconds)
				r.TorchSeconds = append(r.TorchSeconds, tr.seconds)
				lpeak, tpeak = append(lpeak, lr.peakMB), append(tpeak, tr.peakMB)
				fmt.Fprintf(os.Stderr, "%s threads=%d run %d: latent %.1fs, torch %.1fs\n", v, t, i+1, lr.seconds, tr.seconds)
			}
			work := float64(samples * *epochs)
			r.LatentSPS, r.TorchSPS = work/peer.Median(r.LatentSeconds), work/peer.Median(r.TorchSeconds)
			r.Ratio = r.LatentSPS / r.TorchSPS
			r.LatentPeakMB, r.TorchPeakMB = peer.Median(lpeak), peer.Median(tpeak)
			results = append(results, r)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(results)
		return
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "variant\tthreads\tlatent samples/s\tPyTorch samples/s\tratio\tlatent peak MB\tPyTorch peak MB")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.0f\t%.2f×\t%.0f\t%.0f\n", r.Variant, r.Threads, r.LatentSPS, r.TorchSPS, r.Ratio, r.LatentPeakMB, r.TorchPeakMB)
	}
	tw.Flush()
}
