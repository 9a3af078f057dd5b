package pca

import ("testing"; "time"; "os"; "runtime")

func TestZZPhases(t *testing.T) {
	x, n, d, err := readIDXImages(os.Getenv("LATENT_IDX_IMAGES"))
	if err != nil { t.Skip() }
	for _, k := range []string{"", "dense", "sparse"} {
		forceKernel = k
		t0 := time.Now()
		c, _, _ := covariance(x, n, d, runtime.GOMAXPROCS(0))
		t1 := time.Now()
		topEigen(c, d, 32)
		t.Logf("kernel %q cov %v eig %v", k, t1.Sub(t0), time.Since(t1))
	}
	z := 0
	for _, v := range x { if v == 0 { z++ } }
	t.Logf("zero fraction %.3f", float64(z)/float64(len(x)))
}
