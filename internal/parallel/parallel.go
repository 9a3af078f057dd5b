// Package parallel runs the iterations of a loop on several goroutines.
//
// The loops of latent's numerical code (t-SNE and UMAP gradients, k-means
// assignments, quality measures) give every item a result that does not
// depend on which goroutine computes it, so handing out work dynamically —
// the next chunk to whichever goroutine is free — keeps results identical
// for any number of workers while balancing uneven items.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Chunks calls fn on the chunks [lo, hi) of [0, n), chunk items each (the
// last may be shorter), from up to workers goroutines (GOMAXPROCS when
// workers ≤ 0), and returns when all are done. The chunks depend on n and
// chunk alone; which goroutine runs one is left to scheduling, so fn must
// make each item's result independent of the others. It panics if
// chunk < 1.
func Chunks(n, chunk, workers int, fn func(lo, hi int)) {
	if chunk < 1 {
		panic("parallel: chunk < 1")
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	chunks := (n + chunk - 1) / chunk
	workers = min(workers, chunks)
	if workers <= 1 {
		for lo := 0; lo < n; lo += chunk {
			fn(lo, min(lo+chunk, n))
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				fn(c*chunk, min((c+1)*chunk, n))
			}
		}()
	}
	wg.Wait()
}

// For calls fn(i) for every i in [0, n) from up to workers goroutines
// (GOMAXPROCS when workers ≤ 0), one item at a time, as Chunks does.
func For(n, workers int, fn func(i int)) {
	Chunks(n, 1, workers, func(i, _ int) { fn(i) })
}
