// Command pca times latent's PCA against scikit-learn's on the same images,
// alternating runs, and checks that the explained variances agree.
//
//	go run ./bench/pca [-data FILE] [-k 32] [-runs 3] [-threads 1]
package main

import (
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/latent-go/latent/bench/peer"
	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/internal/f32"
	"github.com/latent-go/latent/projection/pca"
)

type peerResult struct {
	Seconds           float64   `json:"seconds"`
	Solver            string    `json:"solver"`
	ExplainedVariance []float64 `json:"explained_variance"`
}

func main() {
	home, _ := os.UserHomeDir()
	data := flag.String("data", filepath.Join(home, ".cache/latent/fashion-mnist/train-images-idx3-ubyte.gz"), "IDX images")
	k := flag.Int("k", 32, "components")
	runs := flag.Int("runs", 3, "runs of each side")
	threads := flag.Int("threads", 1, "threads")
	solver := flag.String("solver", "auto", "scikit-learn's svd_solver (auto picks randomized here; full is exact)")
	flag.Parse()
	runtime.GOMAXPROCS(*threads)
	f32.SetWorkers(*threads)
	set, err := dataset.Load(*data, dataset.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for i := range set.X {
		set.X[i] /= 255
	}
	var ours, theirs []float64
	var p *pca.PCA
	var ref peerResult
	for r := 0; r < *runs; r++ {
		start := time.Now()
		p, err = pca.Fit(set.X, set.N, set.D, *k)
		if err != nil {
			log.Fatal(err)
		}
		ours = append(ours, time.Since(start).Seconds())
		if err := peer.Run(&ref, peer.Env(*threads), "/usr/bin/python3", "bench/peers/sklearn_pca.py", "--data", *data, "-k", strconv.Itoa(*k), "--solver", *solver); err != nil {
			log.Fatal(err)
		}
		theirs = append(theirs, ref.Seconds)
		fmt.Fprintf(os.Stderr, "run %d: latent %.2fs, scikit-learn (%s) %.2fs\n", r+1, ours[r], ref.Solver, ref.Seconds)
	}
	var worst float64
	for i, v := range p.ExplainedVariance {
		worst = max(worst, math.Abs(v-ref.ExplainedVariance[i])/ref.ExplainedVariance[i])
	}
	fmt.Printf("PCA %d×%d → %d, %d thread(s): latent %.2fs, scikit-learn (%s solver) %.2fs, speed ratio %.1f×; explained variance max relative difference %.1e\n",
		set.N, set.D, *k, *threads, peer.Median(ours), ref.Solver, peer.Median(theirs), peer.Median(theirs)/peer.Median(ours), worst)
}
