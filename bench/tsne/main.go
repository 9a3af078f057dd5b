// Command tsne is the side-by-side benchmark of latent's t-SNE against
// scikit-learn's Barnes–Hut TSNE, on the same data in one run.
//
// The data is Fashion-MNIST reduced to 32 dimensions by PCA (fitted on the
// 60,000 training images scaled to [0, 1]); the first -n codes are
// embedded in 2-D by both sides with perplexity 30, 1,000 iterations, PCA
// initialisation, learning rate "auto" and θ = 0.5 — scikit-learn's
// TSNE(method="barnes_hut", ...) in bench/peers/sklearn_tsne.py, run with
// /usr/bin/python3 — in alternating runs with the same number of threads.
// The table gives the median seconds of each, their ratio, the KL
// divergence each reports (latent measures it as scikit-learn does), and
// the trustworthiness (k = 15) of each map, computed here by package
// quality. Then latent alone embeds all 60,000 codes once.
//
//	go run ./bench/tsne [-runs 3] [-threads 2] [-n 5000] [-full=true] [-json]
//
// Each side's time is the whole fit: neighbour search, calibration,
// initialisation and optimisation, not loading the data or starting
// Python. scikit-learn's OpenMP and OpenBLAS get the same thread count
// (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, n_jobs) and run without any
// OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE setting.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/latent-go/latent/bench/peer"
	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/internal/atomicfile"
	"github.com/latent-go/latent/projection/quality"
	"github.com/latent-go/latent/projection/tsne"
)

type result struct {
	Points         int       `json:"points"`
	Dims           int       `json:"dims"`
	Threads        int       `json:"threads"`
	Perplexity     float64   `json:"perplexity"`
	Iterations     int       `json:"iterations"`
	LatentSeconds  []float64 `json:"latent_seconds"`
	SklearnSeconds []float64 `json:"sklearn_seconds"`
	LatentKL       []float64 `json:"latent_kl"`
	SklearnKL      []float64 `json:"sklearn_kl"`
	SklearnIters   []int     `json:"sklearn_n_iter"`
	LatentMedian   float64   `json:"latent_median_seconds"`
	SklearnMedian  float64   `json:"sklearn_median_seconds"`
	Speedup        float64   `json:"speedup"`
	LatentTrust    float64   `json:"latent_trustworthiness_15"`
	SklearnTrust   float64   `json:"sklearn_trustworthiness_15"`
	FullPoints     int       `json:"full_points,omitempty"`
	FullSeconds    float64   `json:"full_seconds,omitempty"`
	FullKL         float64   `json:"full_kl,omitempty"`
}

func main() {
	home, _ := os.UserHomeDir()
	dataDir := flag.String("data", filepath.Join(home, ".cache/latent/fashion-mnist"), "folder with the Fashion-MNIST IDX files (scripts/get-data.sh fashion-mnist)")
	runs := flag.Int("runs", 3, "timed runs of each side (median reported)")
	threads := flag.Int("threads", runtime.NumCPU(), "threads for both sides")
	n := flag.Int("n", 5000, "points embedded by both sides (the first n codes)")
	dims := flag.Int("dims", 32, "PCA dimensions of the input")
	perplexity := flag.Float64("perplexity", 30, "perplexity")
	iterations := flag.Int("iterations", 1000, "iterations")
	full := flag.Bool("full", true, "also embed all 60,000 codes with latent, once")
	python := flag.String("python", "/usr/bin/python3", "Python with scikit-learn")
	asJSON := flag.Bool("json", false, "print JSON instead of a table")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("bench/tsne: ")

	script, err := peer.Setup(*threads, "sklearn_tsne.py")
	if err != nil {
		log.Fatal(err)
	}
	codes, _, err := peer.FashionPCA(*dataDir, *dims, false)
	if err != nil {
		log.Fatal(err)
	}
	all := len(codes) / *dims
	*n = min(*n, all)
	x := codes[:*n**dims]
	tmp, err := os.MkdirTemp("", "latent-bench-tsne")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	in, out := filepath.Join(tmp, "x.npy"), filepath.Join(tmp, "y.npy")
	if err := atomicfile.Write(in, func(w io.Writer) error { return dataset.WriteNPY(w, *n, *dims, x) }); err != nil {
		log.Fatal(err)
	}

	r := result{Points: *n, Dims: *dims, Threads: *threads, Perplexity: *perplexity, Iterations: *iterations}
	cfg := tsne.Config{Perplexity: *perplexity, Iterations: *iterations, Workers: *threads}
	var ours []float64
	var theirs []float32
	for run := range *runs {
		latent := func() {
			t0 := time.Now()
			y, kl, err := tsne.Embed(context.Background(), x, *n, *dims, cfg, nil)
			if err != nil {
				log.Fatal(err)
			}
			r.LatentSeconds = append(r.LatentSeconds, time.Since(t0).Seconds())
			r.LatentKL = append(r.LatentKL, kl)
			ours = y
		}
		sk := func() {
			res := runPeer(*python, peer.Env(*threads), script, in, strconv.FormatFloat(*perplexity, 'g', -1, 64),
				strconv.Itoa(*iterations), strconv.Itoa(*threads), strconv.Itoa(run), out)
			r.SklearnSeconds = append(r.SklearnSeconds, res.Seconds)
			r.SklearnKL = append(r.SklearnKL, res.KL)
			r.SklearnIters = append(r.SklearnIters, res.NIter)
			s, err := dataset.Load(out, dataset.Options{})
			if err != nil {
				log.Fatal(err)
			}
			theirs = s.X
		}
		peer.Alternate(run, latent, sk)
		log.Printf("run %d: latent %.2fs KL %.4f, scikit-learn %.2fs KL %.4f", run+1,
			r.LatentSeconds[run], r.LatentKL[run], r.SklearnSeconds[run], r.SklearnKL[run])
	}
	r.LatentMedian, r.SklearnMedian = peer.Median(r.LatentSeconds), peer.Median(r.SklearnSeconds)
	r.Speedup = r.SklearnMedian / r.LatentMedian
	ours32 := make([]float32, len(ours))
	for i, v := range ours {
		ours32[i] = float32(v)
	}
	if r.LatentTrust, err = quality.Trustworthiness(x, *dims, ours32, 2, 15, *threads); err != nil {
		log.Fatal(err)
	}
	if r.SklearnTrust, err = quality.Trustworthiness(x, *dims, theirs, 2, 15, *threads); err != nil {
		log.Fatal(err)
	}
	if *full && all > *n {
		log.Printf("embedding all %d codes", all)
		t0 := time.Now()
		_, kl, err := tsne.Embed(context.Background(), codes, all, *dims, cfg, func(it int, kl float64) {
			if it == 1 || it%100 == 0 {
				log.Printf("  iteration %d, %.0fs", it, time.Since(t0).Seconds())
			}
		})
		if err != nil {
			log.Fatal(err)
		}
		r.FullPoints, r.FullSeconds, r.FullKL = all, time.Since(t0).Seconds(), kl
	}

	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(r)
		return
	}
	fmt.Printf("Fashion-MNIST PCA-%d, first %d points, perplexity %g, %d iterations, %d threads, median of %d runs\n\n",
		*dims, *n, *perplexity, *iterations, *threads, *runs)
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tseconds\tKL (median)\ttrustworthiness(15)\t")
	fmt.Fprintf(tw, "latent\t%.2f\t%.4f\t%.4f\t\n", r.LatentMedian, peer.Median(r.LatentKL), r.LatentTrust)
	fmt.Fprintf(tw, "scikit-learn\t%.2f\t%.4f\t%.4f\t\n", r.SklearnMedian, peer.Median(r.SklearnKL), r.SklearnTrust)
	tw.Flush()
	fmt.Printf("\nlatent is %.1f× faster; KL latent − scikit-learn = %+.4f\n", r.Speedup, peer.Median(r.LatentKL)-peer.Median(r.SklearnKL))
	if r.FullPoints > 0 {
		fmt.Printf("latent on all %d points: %.1f s (neighbour search included), KL %.4f\n", r.FullPoints, r.FullSeconds, r.FullKL)
	}
}

type peerResult struct {
	Seconds float64 `json:"seconds"`
	KL      float64 `json:"kl"`
	NIter   int     `json:"n_iter"`
}

func runPeer(python string, env []string, args ...string) peerResult {
	var r peerResult
	if err := peer.Run(&r, env, python, args...); err != nil {
		log.Fatal(err)
	}
	return r
}
