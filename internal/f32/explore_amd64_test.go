//go:build !purego

package f32

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"
)

var candFns = map[string]struct {
	mr, nr int
	fn     func(kc int, a, b, c []float32, ldc int, alpha, beta float32)
}{
	"z14x32": {14, 32, kernAVX512_14x32},
	"z12x32": {12, 32, kernAVX512_12x32},
	"z8x48":  {8, 48, kernAVX512_8x48},
	"z6x64":  {6, 64, kernAVX512_6x64},
	"y6x16":  {6, 16, kernAVX2_6x16},
	"y4x24":  {4, 24, kernAVX2_4x24},
}

func minTime(kr *gemmKernel, tA, tB bool, m, n, k int, reps int) float64 {
	rng := rand.New(rand.NewPCG(1, 2))
	a := randSlice(rng, m*k)
	bb := randSlice(rng, k*n)
	c := make([]float32, m*n)
	lda, ldb := k, n
	if tA {
		lda = m
	}
	if tB {
		ldb = k
	}
	best := 1e9
	g := gemmArgs{transA: tA, transB: tB, m: m, n: n, k: k, alpha: 1, a: a, b: bb, c: c, lda: lda, ldb: ldb, ldc: n}
	for r := 0; r < reps; r++ {
		t0 := time.Now()
		kr.gemm(&g)
		best = min(best, time.Since(t0).Seconds())
	}
	return 2 * float64(m*n*k) / best / 1e9
}

func TestTune(t *testing.T) {
	if os.Getenv("TUNE") == "" {
		t.Skip("TUNE not set")
	}
	withWorkers(t, 1)
	names := strings.Split(os.Getenv("TUNE"), ",")
	kcs := []int{256}
	ncs := []int{512}
	fmt.Sscan(os.Getenv("KCS"), &kcs[0])
	if s := os.Getenv("KCS"); s != "" {
		kcs = nil
		for _, f := range strings.Split(s, ",") {
			var v int
			fmt.Sscan(f, &v)
			kcs = append(kcs, v)
		}
	}
	if s := os.Getenv("NCS"); s != "" {
		ncs = nil
		for _, f := range strings.Split(s, ",") {
			var v int
			fmt.Sscan(f, &v)
			ncs = append(ncs, v)
		}
	}
	for _, name := range names {
		cf := candFns[name]
		for _, kc := range kcs {
			for _, nc := range ncs {
				nc = nc / cf.nr * cf.nr
				kr := &gemmKernel{name: name, mr: cf.mr, nr: cf.nr, kc: kc, nc: nc, fn: cf.fn}
				line := fmt.Sprintf("%-7s kc=%4d nc=%4d:", name, kc, nc)
				sum := 0.0
				for _, s := range benchShapes {
					g := minTime(kr, s.tA, s.tB, s.m, s.n, s.k, 15)
					sum += 1 / g
					line += fmt.Sprintf(" %6.1f", g)
				}
				fmt.Printf("%s | hmean %.1f\n", line, float64(len(benchShapes))/sum)
			}
		}
	}
}
