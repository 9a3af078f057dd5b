// Package peer holds what the side-by-side benchmarks share: the
// environment a Python peer runs in, and medians.
package peer

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/latent-go/latent/internal/f32"
)

// Env is the environment for a peer limited to threads threads: its BLAS
// and OpenMP pools sized to match (torch.set_num_threads alone leaves
// OpenBLAS's own pool on every core), and without OPENBLAS_CORETYPE or
// OPENBLAS_L2_SIZE, which some machines set to pin older OpenBLAS builds to
// a conservative kernel, so the peer runs its fastest kernel (on the
// development machine, 120 GFLOP/s on a 512³ product instead of 50).
func Env(threads int) []string {
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

// Median returns the median of v (the mean of the middle two for an even
// count); v is not modified.
func Median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Run runs a peer command in env and decodes the one JSON object it prints
// into v; the peer's stderr passes through.
func Run(v any, env []string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Env = env
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	if err := json.Unmarshal(out, v); err != nil {
		return fmt.Errorf("%s printed %q: %v", name, out, err)
	}
	return nil
}

// Alternate runs a and b in round run, swapping their order every other
// round so that neither side always gets the warmer (or busier) machine.
func Alternate(run int, a, b func()) {
	if run%2 == 0 {
		a()
		b()
		return
	}
	b()
	a()
}

// Setup gives latent's side threads goroutines (GOMAXPROCS and the GEMM
// workers) and returns the path of the peer script bench/peers/name,
// checking that it is there: the suites run from the repository root.
func Setup(threads int, name string) (string, error) {
	runtime.GOMAXPROCS(threads)
	f32.SetWorkers(threads)
	script := filepath.Join("bench", "peers", name)
	if _, err := os.Stat(script); err != nil {
		return "", fmt.Errorf("run from the repository root: %w", err)
	}
	return script, nil
}
