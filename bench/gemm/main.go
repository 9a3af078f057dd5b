// Command gemm times latent's matrix product, f32.Gemm, and PyTorch's
// torch.matmul on the same products, side by side on the same machine.
//
// For each thread count it runs rounds that alternate latent and the peer
// script bench/peers/gemm.py (one Python process per round), each taking the
// median of several timed calls after a warm-up, and reports per product the
// median over rounds. Torch runs with torch.set_num_threads(T) and
// OPENBLAS_NUM_THREADS=T, OMP_NUM_THREADS=T (Debian's torch calls OpenBLAS,
// which does not follow set_num_threads); latent with f32.SetWorkers(T).
//
// Run it from the repository root:
//
//	go run ./bench/gemm [-threads 1,2] [-rounds 3] [-reps 15] [-json]
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/latent-go/latent/bench/peer"
	"github.com/latent-go/latent/internal/f32"
)

// product is one C = op(A)·op(B), op(A) m×k, op(B) k×n.
type product struct {
	Name   string `json:"name"`
	M      int    `json:"m"`
	N      int    `json:"n"`
	K      int    `json:"k"`
	TransA bool   `json:"transA"`
	TransB bool   `json:"transB"`
}

// products are the layer-sized products and the three products of training
// a dense layer on a batch of 256 (784→512 and 512→128): y = x·Wᵀ,
// dW = dYᵀ·x, dX = dY·W. The same list is in internal/f32's BenchmarkGemm.
var products = []product{
	{"256x784*784x512", 256, 512, 784, false, false},
	{"256x512*512x128", 256, 128, 512, false, false},
	{"512^3", 512, 512, 512, false, false},
	{"y=xWT/784-512", 256, 512, 784, false, true},
	{"dW=dYTx/784-512", 512, 784, 256, true, false},
	{"dX=dYW/784-512", 256, 784, 512, false, false},
	{"y=xWT/512-128", 256, 128, 512, false, true},
	{"dW=dYTx/512-128", 128, 512, 256, true, false},
	{"dX=dYW/512-128", 256, 512, 128, false, false},
}

func (p product) flops() float64 { return 2 * float64(p.M) * float64(p.N) * float64(p.K) }

func (p product) trans() string {
	t := func(b bool) string {
		if b {
			return "T"
		}
		return "N"
	}
	return t(p.TransA) + t(p.TransB)
}

type options struct {
	threads        []int
	rounds         int
	reps, warmup   int
	python         string
	script         string
	match          *regexp.Regexp
	jsonOut        bool
	stdout, stderr io.Writer
}

// row is one line of the result.
type row struct {
	Product      string  `json:"product"`
	Trans        string  `json:"trans"`
	M            int     `json:"m"`
	N            int     `json:"n"`
	K            int     `json:"k"`
	Threads      int     `json:"threads"`
	LatentGFLOPS float64 `json:"latent_gflops"`
	TorchGFLOPS  float64 `json:"torch_gflops"`
	Ratio        float64 `json:"ratio"`
}

// peerOutput is what bench/peers/gemm.py prints.
type peerOutput struct {
	Torch         string            `json:"torch"`
	Threads       int               `json:"threads"`
	Config        []string          `json:"config"`
	BLASLibraries []string          `json:"blas_libraries"`
	Env           map[string]string `json:"env"`
	Results       []peerResult      `json:"results"`
}

type peerResult struct {
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"`
}

// peerInfo says which torch and BLAS ran.
type peerInfo struct {
	Torch            string   `json:"version"`
	Config           []string `json:"config"`
	BLASLibraries    []string `json:"blas_libraries"`
	OpenBLASCoreType string   `json:"openblas_coretype"`
}

type report struct {
	CPU      string    `json:"cpu"`
	GOOS     string    `json:"goos"`
	GOARCH   string    `json:"goarch"`
	Go       string    `json:"go"`
	Kernel   string    `json:"latent_kernel"`
	Rounds   int       `json:"rounds"`
	Reps     int       `json:"reps"`
	Peer     *peerInfo `json:"torch"`
	Rows     []row     `json:"results"`
	Duration string    `json:"duration"`
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gemm:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gemm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	threads := fs.String("threads", "1,2", "comma-separated thread counts")
	o := options{stdout: stdout, stderr: stderr}
	fs.IntVar(&o.rounds, "rounds", 3, "alternating rounds of latent and torch")
	fs.IntVar(&o.reps, "reps", 15, "timed calls per product and round (their median counts)")
	fs.IntVar(&o.warmup, "warmup", 3, "untimed calls before the timed ones")
	fs.StringVar(&o.python, "python", "/usr/bin/python3", "Python with torch")
	fs.StringVar(&o.script, "script", "", "peer script (default: bench/peers/gemm.py in the module)")
	only := fs.String("run", "", "only products whose name matches this regexp")
	fs.BoolVar(&o.jsonOut, "json", false, "print one JSON object instead of the table")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, f := range strings.Split(*threads, ",") {
		t, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || t < 1 {
			return fmt.Errorf("-threads: bad count %q", f)
		}
		o.threads = append(o.threads, t)
	}
	var err error
	if o.match, err = regexp.Compile(*only); err != nil {
		return fmt.Errorf("-run: %v", err)
	}
	if o.rounds < 1 || o.reps < 1 || o.warmup < 0 {
		return fmt.Errorf("-rounds and -reps must be at least 1")
	}
	if o.script == "" {
		if o.script, err = findScript(); err != nil {
			return err
		}
	}
	return bench(o)
}

// findScript looks for bench/peers/gemm.py in the module that holds the
// working directory.
func findScript() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "bench", "peers", "gemm.py")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("bench/peers/gemm.py not found above the working directory; use -script")
		}
		dir = parent
	}
}

func bench(o options) error {
	start := time.Now()
	var ps []product
	for _, p := range products {
		if o.match.MatchString(p.Name) {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		return fmt.Errorf("-run matches no product")
	}
	rep := report{CPU: cpuModel(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, Go: runtime.Version(),
		Kernel: f32.GemmKernel(), Rounds: o.rounds, Reps: o.reps}
	defer f32.SetWorkers(f32.Workers())
	for _, t := range o.threads {
		f32.SetWorkers(t)
		ours := make([][]float64, len(ps)) // seconds per product, one per round
		theirs := make([][]float64, len(ps))
		for r := 0; r < o.rounds; r++ {
			fmt.Fprintf(o.stderr, "threads %d, round %d/%d\n", t, r+1, o.rounds)
			timeLatent := func() {
				for i, p := range ps {
					ours[i] = append(ours[i], timeGemm(p, o.warmup, o.reps))
				}
			}
			timeTorch := func() error {
				out, err := runPeer(o, t, ps)
				if err != nil {
					return err
				}
				rep.Peer = &peerInfo{out.Torch, out.Config, out.BLASLibraries, out.Env["OPENBLAS_CORETYPE"]}
				for i, p := range ps {
					j := slices.IndexFunc(out.Results, func(x peerResult) bool { return x.Name == p.Name })
					if j < 0 {
						return fmt.Errorf("peer: no result for %s", p.Name)
					}
					theirs[i] = append(theirs[i], out.Results[j].Seconds)
				}
				return nil
			}
			// Alternate who goes first, so that neither always runs on a
			// machine warmed (or loaded) by the other.
			if r%2 == 0 {
				timeLatent()
				if err := timeTorch(); err != nil {
					return err
				}
			} else {
				if err := timeTorch(); err != nil {
					return err
				}
				timeLatent()
			}
		}
		for i, p := range ps {
			l := p.flops() / peer.Median(ours[i]) / 1e9
			tr := p.flops() / peer.Median(theirs[i]) / 1e9
			rep.Rows = append(rep.Rows, row{Product: p.Name, Trans: p.trans(), M: p.M, N: p.N, K: p.K,
				Threads: t, LatentGFLOPS: round1(l), TorchGFLOPS: round1(tr), Ratio: round2(l / tr)})
		}
	}
	rep.Duration = time.Since(start).Round(time.Second).String()
	if o.jsonOut {
		enc := json.NewEncoder(o.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printTable(o.stdout, &rep)
	return nil
}

// timeGemm returns the median seconds of reps calls of f32.Gemm on p.
func timeGemm(p product, warmup, reps int) float64 {
	rng := rand.New(rand.NewPCG(uint64(p.M), uint64(p.N*p.K)))
	a := randMatrix(rng, p.M*p.K)
	b := randMatrix(rng, p.K*p.N)
	c := make([]float32, p.M*p.N)
	lda, ldb := p.K, p.N
	if p.TransA {
		lda = p.M
	}
	if p.TransB {
		ldb = p.K
	}
	call := func() { f32.Gemm(p.TransA, p.TransB, p.M, p.N, p.K, 1, a, lda, b, ldb, 0, c, p.N) }
	for range warmup {
		call()
	}
	ts := make([]float64, reps)
	for i := range ts {
		t0 := time.Now()
		call()
		ts[i] = time.Since(t0).Seconds()
	}
	return peer.Median(ts)
}

func randMatrix(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

// runPeer runs the torch script once for all products.
func runPeer(o options, threads int, ps []product) (*peerOutput, error) {
	in, err := json.Marshal(ps)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(o.python, o.script, "--threads", strconv.Itoa(threads),
		"--reps", strconv.Itoa(o.reps), "--warmup", strconv.Itoa(o.warmup))
	cmd.Env = peer.Env(threads)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stderr = o.stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %v", o.python, o.script, err)
	}
	var po peerOutput
	if err := json.Unmarshal(out, &po); err != nil {
		return nil, fmt.Errorf("%s: output: %v", o.script, err)
	}
	return &po, nil
}

func printTable(w io.Writer, rep *report) {
	fmt.Fprintf(w, "cpu: %s, %s/%s, %s, latent kernel %s\n", rep.CPU, rep.GOOS, rep.GOARCH, rep.Go, rep.Kernel)
	if p := rep.Peer; p != nil {
		fmt.Fprintf(w, "torch %s: %s; BLAS %s; OPENBLAS_CORETYPE=%q\n",
			p.Torch, strings.Join(p.Config, ", "), strings.Join(p.BLASLibraries, " "), p.OpenBLASCoreType)
	}
	fmt.Fprintf(w, "median of %d rounds of the median of %d calls; GFLOP/s = 2mnk/time\n\n", rep.Rounds, rep.Reps)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "product\top\tm\tn\tk\tthreads\tlatent GFLOP/s\ttorch GFLOP/s\tlatent/torch\t")
	for _, r := range rep.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%.1f\t%.1f\t%.2f\t\n",
			r.Product, r.Trans, r.M, r.N, r.K, r.Threads, r.LatentGFLOPS, r.TorchGFLOPS, r.Ratio)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n(%s)\n", rep.Duration)
}

func round1(x float64) float64 { return float64(int64(x*10+0.5)) / 10 }
func round2(x float64) float64 { return float64(int64(x*100+0.5)) / 100 }

// cpuModel returns the CPU's model name from /proc/cpuinfo, where there is one.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	model, family := "", ""
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "model name":
			if model == "" {
				model = strings.TrimSpace(v)
			}
		case "cpu family":
			if family == "" {
				family = strings.TrimSpace(v)
			}
		}
	}
	if family != "" {
		model += " (family " + family + ")"
	}
	return model
}
