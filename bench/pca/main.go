// Command pca times latent's PCA against scikit-learn's on the same images,
// alternating runs, and checks that the explained variances agree.
//
//	go run ./bench/pca [-data FILE] [-k 32] [-runs 3] [-threads 1]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/internal/f32"
	"github.com/latent-go/latent/projection/pca"
)

type peerResult struct {
	Seconds           float64   `json:"seconds"`
	Solver            string    `json:"solver"`
	ExplainedVariance []float64 `json:"explained_variance"`
}

// peerEnv limits the peer's BLAS to the same threads and lets OpenBLAS pick
// its fastest kernel (see bench/train).
func peerEnv(threads int) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "OPENBLAS_") || strings.HasPrefix(kv, "OMP_NUM_THREADS=") || strings.HasPrefix(kv, "MKL_NUM_THREADS=") {
			continue
		}
		env = append(env, kv)
	}
	n := strconv.Itoa(threads)
	return append(env, "OPENBLAS_NUM_THREADS="+n, "OMP_NUM_THREADS="+n, "MKL_NUM_THREADS="+n)
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
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
		cmd := exec.Command("/usr/bin/python3", "bench/peers/sklearn_pca.py", "--data", *data, "-k", strconv.Itoa(*k), "--solver", *solver)
		cmd.Env = peerEnv(*threads)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			log.Fatal(err)
		}
		if err := json.Unmarshal(out, &ref); err != nil {
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
		set.N, set.D, *k, *threads, median(ours), ref.Solver, median(theirs), median(theirs)/median(ours), worst)
}
