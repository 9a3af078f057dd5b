// Command umap is the side-by-side benchmark of latent's UMAP against
// umap-learn, on the same data in one run.
//
// The data is Fashion-MNIST reduced to 32 dimensions by PCA (fitted on the
// 60,000 training images scaled to [0, 1]); the first -n codes (all by
// default) are embedded in 2-D by both sides with n_neighbors 15 and
// umap-learn's other defaults — umap.UMAP(n_neighbors=15) in
// bench/peers/umap_learn.py, run with /usr/bin/python3 — in alternating
// runs with the same number of threads (GOMAXPROCS and -workers for
// latent; NUMBA_NUM_THREADS, OMP_NUM_THREADS and the BLAS pools for
// umap-learn, which runs without a seed so that its layout is parallel).
// The table gives the median seconds of each, their ratio, and the
// trustworthiness (k = 15) of each side's last map, computed here by
// package quality on a seeded sample of -trust-sample points (0: all).
//
//	go run ./bench/umap [-runs 3] [-threads 2] [-n 60000] [-warm=true] [-trust-sample 10000] [-json]
//
// Each side's time is the whole fit: neighbour search, graph,
// initialisation and layout; not loading the data or starting Python.
// umap-learn's first fit in a fresh process includes numba's JIT
// compilation (tens of seconds), which is what a user pays for a map; with
// -warm a second fit in the same process is timed too. The ratio is
// against the first fit ("cold"); the warm ratio is printed beside it.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/latent-go/latent/bench/peer"
	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/internal/atomicfile"
	"github.com/latent-go/latent/projection/quality"
	"github.com/latent-go/latent/projection/umap"
)

type result struct {
	Points          int       `json:"points"`
	Dims            int       `json:"dims"`
	Threads         int       `json:"threads"`
	Neighbors       int       `json:"n_neighbors"`
	LatentSeconds   []float64 `json:"latent_seconds"`
	PeerSeconds     []float64 `json:"umap_learn_seconds"`
	PeerWarmSeconds []float64 `json:"umap_learn_warm_seconds,omitempty"`
	LatentMedian    float64   `json:"latent_median_seconds"`
	PeerMedian      float64   `json:"umap_learn_median_seconds"`
	PeerWarmMedian  float64   `json:"umap_learn_warm_median_seconds,omitempty"`
	Speedup         float64   `json:"speedup"`
	SpeedupWarm     float64   `json:"speedup_warm,omitempty"`
	TrustSample     int       `json:"trust_sample"`
	LatentTrust     float64   `json:"latent_trustworthiness_15"`
	PeerTrust       float64   `json:"umap_learn_trustworthiness_15"`
	LatentInit      string    `json:"latent_init"`
	LatentEdges     int       `json:"latent_edges"`
}

func main() {
	home, _ := os.UserHomeDir()
	dataDir := flag.String("data", filepath.Join(home, ".cache/latent/fashion-mnist"), "folder with the Fashion-MNIST IDX files (scripts/get-data.sh fashion-mnist)")
	runs := flag.Int("runs", 3, "timed runs of each side (median reported)")
	threads := flag.Int("threads", runtime.NumCPU(), "threads for both sides")
	n := flag.Int("n", 60000, "points embedded by both sides (the first n codes)")
	dims := flag.Int("dims", 32, "PCA dimensions of the input")
	neighbors := flag.Int("neighbors", 15, "n_neighbors")
	warm := flag.Bool("warm", true, "also time a second, warm umap-learn fit in the same process")
	trustSample := flag.Int("trust-sample", 10000, "points (seeded sample) the trustworthiness is measured on; 0: all")
	python := flag.String("python", "/usr/bin/python3", "Python with umap-learn")
	asJSON := flag.Bool("json", false, "print JSON instead of a table")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("bench/umap: ")

	script, err := peer.Setup(*threads, "umap_learn.py")
	if err != nil {
		log.Fatal(err)
	}
	codes, _, err := peer.FashionPCA(*dataDir, *dims, false)
	if err != nil {
		log.Fatal(err)
	}
	*n = min(*n, len(codes) / *dims)
	x := codes[:*n**dims]
	tmp, err := os.MkdirTemp("", "latent-bench-umap")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	in, out := filepath.Join(tmp, "x.npy"), filepath.Join(tmp, "y.npy")
	if err := atomicfile.Write(in, func(w io.Writer) error { return dataset.WriteNPY(w, *n, *dims, x) }); err != nil {
		log.Fatal(err)
	}

	r := result{Points: *n, Dims: *dims, Threads: *threads, Neighbors: *neighbors}
	var ours, theirs []float32
	for run := range *runs {
		latent := func() {
			t0 := time.Now()
			m, err := umap.Fit(context.Background(), x, *n, *dims,
				umap.Config{NNeighbors: *neighbors, Seed: uint64(run), Workers: *threads}, nil)
			if err != nil {
				log.Fatal(err)
			}
			r.LatentSeconds = append(r.LatentSeconds, time.Since(t0).Seconds())
			ours, r.LatentInit, r.LatentEdges = m.Embedding, m.Init.String(), m.Edges
		}
		other := func() {
			w := "0"
			if *warm {
				w = "1"
			}
			var res struct {
				Seconds     float64 `json:"seconds"`
				WarmSeconds float64 `json:"warm_seconds"`
			}
			env := append(peer.Env(*threads), "NUMBA_NUM_THREADS="+strconv.Itoa(*threads))
			if err := peer.Run(&res, env, *python, script, in, strconv.Itoa(*neighbors), "none", w, out); err != nil {
				log.Fatal(err)
			}
			r.PeerSeconds = append(r.PeerSeconds, res.Seconds)
			if *warm {
				r.PeerWarmSeconds = append(r.PeerWarmSeconds, res.WarmSeconds)
			}
			s, err := dataset.Load(out, dataset.Options{})
			if err != nil {
				log.Fatal(err)
			}
			theirs = s.X
		}
		peer.Alternate(run, latent, other)
		log.Printf("run %d: latent %.1fs, umap-learn %.1fs (warm %.1fs)", run+1,
			r.LatentSeconds[run], r.PeerSeconds[run], at(r.PeerWarmSeconds, run))
	}
	r.LatentMedian, r.PeerMedian = peer.Median(r.LatentSeconds), peer.Median(r.PeerSeconds)
	r.Speedup = r.PeerMedian / r.LatentMedian
	if *warm {
		r.PeerWarmMedian = peer.Median(r.PeerWarmSeconds)
		r.SpeedupWarm = r.PeerWarmMedian / r.LatentMedian
	}
	xs, ys, zs := x, ours, theirs
	r.TrustSample = *n
	if *trustSample > 0 && *trustSample < *n {
		idx := rand.New(rand.NewPCG(1, 2)).Perm(*n)[:*trustSample]
		slices.Sort(idx)
		xs, ys, zs = pick(x, *dims, idx), pick(ours, 2, idx), pick(theirs, 2, idx)
		r.TrustSample = *trustSample
	}
	log.Printf("trustworthiness on %d points", r.TrustSample)
	if r.LatentTrust, err = quality.Trustworthiness(xs, *dims, ys, 2, 15, *threads); err != nil {
		log.Fatal(err)
	}
	if r.PeerTrust, err = quality.Trustworthiness(xs, *dims, zs, 2, 15, *threads); err != nil {
		log.Fatal(err)
	}

	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(r)
		return
	}
	fmt.Printf("Fashion-MNIST PCA-%d, %d points, n_neighbors %d, %d threads, median of %d runs\n\n",
		*dims, *n, *neighbors, *threads, *runs)
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tseconds\ttrustworthiness(15)\t")
	fmt.Fprintf(tw, "latent\t%.1f\t%.4f\t\n", r.LatentMedian, r.LatentTrust)
	fmt.Fprintf(tw, "umap-learn, first fit (JIT included)\t%.1f\t%.4f\t\n", r.PeerMedian, r.PeerTrust)
	if *warm {
		fmt.Fprintf(tw, "umap-learn, second fit (warm)\t%.1f\t\t\n", r.PeerWarmMedian)
	}
	tw.Flush()
	fmt.Printf("\nlatent is %.1f× faster than umap-learn's first fit", r.Speedup)
	if *warm {
		fmt.Printf(" (%.1f× than its warm fit)", r.SpeedupWarm)
	}
	fmt.Printf("; trustworthiness latent − umap-learn = %+.4f (on %d points)\n", r.LatentTrust-r.PeerTrust, r.TrustSample)
}

func at(v []float64, i int) float64 {
	if i < len(v) {
		return v[i]
	}
	return 0
}

// pick returns the rows idx of the n×d matrix x.
func pick(x []float32, d int, idx []int) []float32 {
	out := make([]float32, 0, len(idx)*d)
	for _, i := range idx {
		out = append(out, x[i*d:(i+1)*d]...)
	}
	return out
}
