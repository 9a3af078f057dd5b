package f32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// withKernel makes Gemm use kr until the test ends.
func withKernel(tb testing.TB, kr *gemmKernel) {
	old := kernel
	kernel = kr
	tb.Cleanup(func() { kernel = old })
}

// withWorkers sets the worker count until the test ends.
func withWorkers(tb testing.TB, n int) {
	old := Workers()
	SetWorkers(n)
	tb.Cleanup(func() { SetWorkers(old) })
}

// withGoPacking makes the packing routines run in Go until the test ends.
func withGoPacking(tb testing.TB) {
	t8, t4, cp := packT8, packT4, packCopy
	packT8, packT4, packCopy = nil, nil, nil
	tb.Cleanup(func() { packT8, packT4, packCopy = t8, t4, cp })
}

// packings returns the packing routines to test: Go, and assembly where the
// CPU has it.
func packings() []string {
	if packT8 != nil {
		return []string{"asm", "go"}
	}
	return []string{"go"}
}

// gemmCase is one call of Gemm with its matrices laid out in larger slices:
// offsets, padded leading dimensions, NaN everywhere Gemm must not write.
type gemmCase struct {
	tA, tB        bool
	m, n, k       int
	alpha, beta   float32
	a, b, c       []float32 // sub-slices passed to Gemm
	lda, ldb, ldc int
	cFull         []float32 // c with its offset and tail
	cOff          int
}

func newGemmCase(rng *rand.Rand, tA, tB bool, m, n, k int, alpha, beta float32) *gemmCase {
	g := &gemmCase{tA: tA, tB: tB, m: m, n: n, k: k, alpha: alpha, beta: beta}
	ar, ac := m, k
	if tA {
		ar, ac = k, m
	}
	br, bc := k, n
	if tB {
		br, bc = n, k
	}
	g.lda = ac + rng.IntN(4)
	g.ldb = bc + rng.IntN(4)
	g.ldc = n + rng.IntN(4)
	g.a = subSlice(rng, (ar-1)*g.lda+ac)
	g.b = subSlice(rng, (br-1)*g.ldb+bc)
	g.cOff = 1 + rng.IntN(3)
	g.cFull = make([]float32, g.cOff+m*g.ldc+3)
	nan := float32(math.NaN())
	for i := range g.cFull {
		g.cFull[i] = nan
	}
	g.c = g.cFull[g.cOff : g.cOff+(m-1)*g.ldc+n]
	if beta != 0 {
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				g.c[i*g.ldc+j] = float32(rng.NormFloat64())
			}
		}
	}
	return g
}

// subSlice returns n random values at an offset of 1 to 3 in a longer slice.
func subSlice(rng *rand.Rand, n int) []float32 {
	off := 1 + rng.IntN(3)
	return randSlice(rng, off+n+2)[off : off+n]
}

func (g *gemmCase) String() string {
	return fmt.Sprintf("tA=%v tB=%v m=%d n=%d k=%d alpha=%v beta=%v lda=%d ldb=%d ldc=%d",
		g.tA, g.tB, g.m, g.n, g.k, g.alpha, g.beta, g.lda, g.ldb, g.ldc)
}

func (g *gemmCase) run(c []float32) {
	Gemm(g.tA, g.tB, g.m, g.n, g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.beta, c, g.ldc)
}

// check compares the result of Gemm in got (a copy of cFull) with the plain
// loop: each element within 2(k+2)ε of (|alpha|·Σ|a||b| + |beta·c|), and
// every element outside C untouched (still NaN).
func (g *gemmCase) check(t *testing.T, got []float32) {
	t.Helper()
	want := append([]float32(nil), g.cFull...)
	gemmLoop(g.tA, g.tB, g.m, g.n, g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.beta, want[g.cOff:], g.ldc)
	const eps = 1.0 / (1 << 23)
	inC := func(p int) (i, j int, ok bool) {
		p -= g.cOff
		if p < 0 {
			return 0, 0, false
		}
		i, j = p/g.ldc, p%g.ldc
		return i, j, i < g.m && j < g.n
	}
	for p := range got {
		i, j, ok := inC(p)
		if !ok {
			if math.Float32bits(got[p]) != math.Float32bits(g.cFull[p]) {
				t.Fatalf("%v: wrote %v at %d, outside C", g, got[p], p-g.cOff)
			}
			continue
		}
		var mag float64
		for l := 0; l < g.k; l++ {
			mag += math.Abs(float64(g.opA(i, l)) * float64(g.opB(l, j)))
		}
		mag *= math.Abs(float64(g.alpha))
		if g.beta != 0 {
			mag += math.Abs(float64(g.beta) * float64(g.cFull[p]))
		}
		tol := 2*float64(g.k+2)*eps*mag + 1e-30
		if d := math.Abs(float64(got[p]) - float64(want[p])); !(d <= tol) {
			t.Fatalf("%v: c[%d][%d] = %v, want %v (tolerance %g)", g, i, j, got[p], want[p], tol)
		}
	}
}

func (g *gemmCase) opA(i, l int) float32 {
	if g.tA {
		return g.a[l*g.lda+i]
	}
	return g.a[i*g.lda+l]
}

func (g *gemmCase) opB(l, j int) float32 {
	if g.tB {
		return g.b[j*g.ldb+l]
	}
	return g.b[l*g.ldb+j]
}

var alphaBetas = [][2]float32{{1, 0}, {1, 1}, {0.5, -2}, {-1.5, 0}, {0, 1}, {2, 0.25}}

// gemmShapes returns m, n, k triples: edges of every register tile and
// depth block, and random ones.
func gemmShapes(rng *rand.Rand) [][3]int {
	shapes := [][3]int{
		{1, 1, 1}, {1, 7, 3}, {7, 1, 3}, {3, 5, 1}, {2, 2, 2},
		{4, 2, 4}, {6, 16, 8}, {14, 32, 16}, {13, 31, 17}, {15, 33, 5},
		{28, 64, 255}, {29, 65, 257}, {5, 3, 520}, {17, 100, 300},
		{64, 64, 64}, {65, 31, 129}, {200, 9, 3}, {3, 600, 7},
	}
	for range 40 {
		shapes = append(shapes, [3]int{1 + rng.IntN(70), 1 + rng.IntN(90), 1 + rng.IntN(300)})
	}
	return shapes
}

func TestGemmKernels(t *testing.T) {
	for _, kr := range gemmKernels() {
		for _, pack := range packings() {
			t.Run(kr.name+"/pack="+pack, func(t *testing.T) {
				testGemmKernel(t, kr, pack)
			})
		}
	}
}

func testGemmKernel(t *testing.T, kr *gemmKernel, pack string) {
	withKernel(t, kr)
	withWorkers(t, 1)
	if pack == "go" {
		withGoPacking(t)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, s := range gemmShapes(rng) {
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				ab := alphaBetas[rng.IntN(len(alphaBetas))]
				g := newGemmCase(rng, tA, tB, s[0], s[1], s[2], ab[0], ab[1])
				got := append([]float32(nil), g.cFull...)
				g.run(got[g.cOff : g.cOff+len(g.c)])
				g.check(t, got)
			}
		}
	}
}

// TestPack compares the packing routines with the loops that define them.
func TestPack(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, pack := range packings() {
		t.Run(pack, func(t *testing.T) {
			if pack == "go" {
				withGoPacking(t)
			}
			for range 200 {
				rows, n := 1+rng.IntN(20), 1+rng.IntN(40)
				lds, ldd := n+rng.IntN(3), rows+rng.IntN(3)
				src := subSlice(rng, (rows-1)*lds+n)
				dst := make([]float32, (n-1)*ldd+rows)
				transposeBlock(dst, ldd, src, lds, rows, n)
				for r := 0; r < rows; r++ {
					for l := 0; l < n; l++ {
						if dst[l*ldd+r] != src[r*lds+l] {
							t.Fatalf("transposeBlock rows=%d n=%d: dst[%d][%d] = %v, want %v", rows, n, l, r, dst[l*ldd+r], src[r*lds+l])
						}
					}
				}
				w := 1 + rng.IntN(40)
				lds, ldd = w+rng.IntN(3), w+rng.IntN(3)
				src = subSlice(rng, (rows-1)*lds+w)
				dst = make([]float32, (rows-1)*ldd+w)
				copyBlock(dst, ldd, src, lds, w, rows)
				for r := 0; r < rows; r++ {
					for j := 0; j < w; j++ {
						if dst[r*ldd+j] != src[r*lds+j] {
							t.Fatalf("copyBlock rows=%d w=%d: dst[%d][%d] = %v, want %v", rows, w, r, j, dst[r*ldd+j], src[r*lds+j])
						}
					}
				}
			}
		})
	}
}

func TestGemmAlphaBeta(t *testing.T) {
	for _, kr := range gemmKernels() {
		t.Run(kr.name, func(t *testing.T) {
			withKernel(t, kr)
			rng := rand.New(rand.NewPCG(5, 6))
			for _, ab := range alphaBetas {
				for _, s := range [][3]int{{1, 1, 1}, {31, 47, 261}, {40, 70, 9}} {
					g := newGemmCase(rng, rng.IntN(2) == 0, rng.IntN(2) == 0, s[0], s[1], s[2], ab[0], ab[1])
					got := append([]float32(nil), g.cFull...)
					g.run(got[g.cOff : g.cOff+len(g.c)])
					g.check(t, got)
				}
			}
		})
	}
}

// TestGemmWorkers checks that the bytes of the result do not depend on the
// number of workers.
func TestGemmWorkers(t *testing.T) {
	shapes := [][3]int{{300, 270, 130}, {64, 1000, 50}, {513, 67, 300}, {100, 100, 600}, {37, 2000, 20}, {5, 4000, 100}}
	for _, kr := range gemmKernels() {
		t.Run(kr.name, func(t *testing.T) {
			withKernel(t, kr)
			rng := rand.New(rand.NewPCG(7, 8))
			for _, s := range shapes {
				if s[0]*s[1]*s[2] < parallelMin {
					t.Fatalf("shape %v too small to be split", s)
				}
				for _, tA := range []bool{false, true} {
					for _, tB := range []bool{false, true} {
						g := newGemmCase(rng, tA, tB, s[0], s[1], s[2], 1.25, 0.5)
						var first []float32
						for _, w := range []int{1, 2, 3, 8} {
							withWorkers(t, w)
							got := append([]float32(nil), g.cFull...)
							g.run(got[g.cOff : g.cOff+len(g.c)])
							if first == nil {
								g.check(t, got)
								first = got
								continue
							}
							for p := range got {
								if math.Float32bits(got[p]) != math.Float32bits(first[p]) {
									t.Fatalf("%v: workers=%d: element %d is %v, with 1 worker %v", g, w, p, got[p], first[p])
								}
							}
						}
					}
				}
			}
		})
	}
}

// TestGemmConcurrent runs parallel products from several goroutines at once,
// sharing the helper goroutines, and checks each against the serial result.
func TestGemmConcurrent(t *testing.T) {
	withWorkers(t, 3)
	rng := rand.New(rand.NewPCG(13, 14))
	const callers = 4
	var cases [callers]*gemmCase
	var want [callers][]float32
	for i := range cases {
		cases[i] = newGemmCase(rng, i%2 == 0, i/2 == 0, 100+i*7, 130+i*11, 90+i*5, 1, 0.5)
		if g := cases[i]; g.m*g.n*g.k < parallelMin {
			t.Fatalf("%v: too small to be split", g)
		}
		SetWorkers(1)
		want[i] = append([]float32(nil), cases[i].cFull...)
		cases[i].run(want[i][cases[i].cOff : cases[i].cOff+len(cases[i].c)])
	}
	SetWorkers(3)
	errs := make(chan string, callers)
	for i := range cases {
		go func() {
			g := cases[i]
			for range 10 {
				got := append([]float32(nil), g.cFull...)
				g.run(got[g.cOff : g.cOff+len(g.c)])
				for p := range got {
					if math.Float32bits(got[p]) != math.Float32bits(want[i][p]) {
						errs <- fmt.Sprintf("%v: element %d is %v, serially %v", g, p, got[p], want[i][p])
						return
					}
				}
			}
			errs <- ""
		}()
	}
	for range callers {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}

// TestGemmBetaZeroNaN checks that beta = 0 ignores NaN and Inf in C, also
// when k = 0.
func TestGemmBetaZeroNaN(t *testing.T) {
	for _, kr := range gemmKernels() {
		withKernel(t, kr)
		for _, k := range []int{0, 1, 40} {
			m, n := 19, 37
			a := make([]float32, m*k)
			b := make([]float32, k*n)
			for i := range a {
				a[i] = 1
			}
			for i := range b {
				b[i] = 2
			}
			c := make([]float32, m*n)
			for i := range c {
				c[i] = float32(math.NaN())
				if i%2 == 1 {
					c[i] = float32(math.Inf(-1))
				}
			}
			Gemm(false, false, m, n, k, 1, a, max(k, 1), b, n, 0, c, n)
			for i, v := range c {
				if v != float32(2*k) {
					t.Fatalf("%s: k=%d: c[%d] = %v, want %v", kr.name, k, i, v, 2*k)
				}
			}
		}
	}
}

func TestGemmPanics(t *testing.T) {
	a := make([]float32, 12)
	cases := map[string]func(){
		"short A":   func() { Gemm(false, false, 4, 3, 4, 1, a[:15-4], 4, a, 3, 0, a, 3) },
		"short C":   func() { Gemm(false, false, 3, 4, 3, 1, a, 3, a, 4, 0, a[:11], 4) },
		"small ldb": func() { Gemm(false, true, 3, 4, 3, 1, a, 3, a, 2, 0, a, 4) },
		"negative":  func() { Gemm(false, false, -1, 4, 3, 1, a, 3, a, 4, 0, a, 4) },
	}
	for name, f := range cases {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestGemmAllocs(t *testing.T) {
	for _, kr := range gemmKernels() {
		withKernel(t, kr)
		rng := rand.New(rand.NewPCG(9, 10))
		g := newGemmCase(rng, false, true, 128, 128, 64, 1, 0)
		c := append([]float32(nil), g.c...)
		for _, w := range []int{1, 2} {
			withWorkers(t, w)
			if n := testing.AllocsPerRun(20, func() { g.run(c) }); n != 0 {
				t.Errorf("%s, %d workers: %v allocations per call", kr.name, w, n)
			}
		}
	}
}

// benchShapes are the products the benchmarks time: square and layer-sized
// ones, then the three products of training a dense layer on a batch of 256
// (784→512 and 512→128): y = x·Wᵀ, dW = dYᵀ·x, dX = dY·W.
var benchShapes = []struct {
	name    string
	tA, tB  bool
	m, n, k int
}{
	{"256x784*784x512", false, false, 256, 512, 784},
	{"256x512*512x128", false, false, 256, 128, 512},
	{"512^3", false, false, 512, 512, 512},
	{"y=xWT/784-512", false, true, 256, 512, 784},
	{"dW=dYTx/784-512", true, false, 512, 784, 256},
	{"dX=dYW/784-512", false, false, 256, 784, 512},
	{"y=xWT/512-128", false, true, 256, 128, 512},
	{"dW=dYTx/512-128", true, false, 128, 512, 256},
	{"dX=dYW/512-128", false, false, 256, 512, 128},
}

func benchGemm(b *testing.B, tA, tB bool, m, n, k int) {
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
	Gemm(tA, tB, m, n, k, 1, a, lda, bb, ldb, 0, c, n)
	b.ResetTimer()
	for b.Loop() {
		Gemm(tA, tB, m, n, k, 1, a, lda, bb, ldb, 0, c, n)
	}
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkGemm times the default kernel on 1 and 2 workers.
func BenchmarkGemm(b *testing.B) {
	for _, s := range benchShapes {
		for _, w := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/w=%d", s.name, w), func(b *testing.B) {
				withWorkers(b, w)
				benchGemm(b, s.tA, s.tB, s.m, s.n, s.k)
			})
		}
	}
}

// BenchmarkGemmKernel times every kernel this CPU runs on one worker.
func BenchmarkGemmKernel(b *testing.B) {
	for _, kr := range gemmKernels() {
		for _, s := range benchShapes {
			b.Run(kr.name+"/"+s.name, func(b *testing.B) {
				withKernel(b, kr)
				withWorkers(b, 1)
				benchGemm(b, s.tA, s.tB, s.m, s.n, s.k)
			})
		}
	}
}
