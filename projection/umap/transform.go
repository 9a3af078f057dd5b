package umap

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/latent-go/latent/internal/parallel"
)

// Transform returns the positions (m×Dims, row-major) in m's map of the
// rows of the rows×D matrix x, leaving m unchanged. It follows umap-learn's
// UMAP.transform: each new point's NNeighbors nearest training points
// (exact), memberships calibrated with local connectivity reduced by one,
// a start at the membership-weighted mean of their positions (or at a
// training point it coincides with), then Epochs/3 epochs of the layout
// (100 when Epochs was automatic and the training set has at most 10,000
// points, 30 otherwise) at a quarter of the learning rate, moving only the
// new point, against the fixed training map.
//
// Every new point is placed on its own: its calibration uses only its own
// distances, its edges are pruned and scheduled relative to its own
// strongest edge, and its negative samples come from a random stream
// seeded by Seed and the point's values. So transforming a subset of rows
// gives exactly the corresponding rows of transforming them all, and the
// result does not depend on Workers. (umap-learn scales these by the
// strongest edge and the mean distance of the whole batch, chooses the
// epochs by the batch size and shares one random stream, so its result for
// a point depends on the others.)
//
// It panics if len(x) is not rows·D. It returns an error if x holds NaN or
// ±Inf, or ctx.Err() if ctx is cancelled.
func (m *Model) Transform(ctx context.Context, x []float32, rows int) ([]float32, error) {
	if rows < 0 || len(x) != rows*m.D {
		panic(fmt.Sprintf("umap: Transform: %d values for %d×%d", len(x), rows, m.D))
	}
	if err := checkFinite(x, m.D); err != nil {
		return nil, err
	}
	cfg := m.Config
	k := cfg.NNeighbors
	dims := m.Dims
	epochs := cfg.Epochs / 3
	if cfg.Epochs == 0 {
		epochs = 30
		if m.N <= 10000 {
			epochs = 100
		}
	}
	epochs = max(epochs, 1)
	out := make([]float32, rows*dims)
	for lo := 0; lo < rows; lo += searchBlock {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hi := min(lo+searchBlock, rows)
		res := m.index.SearchBatch(x[lo*m.D:hi*m.D], k, cfg.Workers)
		nb := hi - lo
		ids := make([]int32, nb*k)
		dists := make([]float32, nb*k)
		for r, list := range res {
			for t, v := range list {
				ids[r*k+t], dists[r*k+t] = int32(v.ID), max(v.Dist, 0)
			}
		}
		sigma, rho := smoothKNN(dists, nb, k, max(0, cfg.LocalConnectivity-1), true, cfg.Workers)
		parallel.Chunks(nb, 64, cfg.Workers, func(a, b int) {
			p := newPlacer(m, k, epochs)
			for r := a; r < b; r++ {
				i := lo + r
				p.place(out[i*dims:(i+1)*dims], x[i*m.D:(i+1)*m.D], ids[r*k:(r+1)*k], dists[r*k:(r+1)*k], sigma[r], rho[r])
			}
		})
	}
	return out, nil
}

// placer is one goroutine's scratch space for Transform.
type placer struct {
	m                    *Model
	epochs               int
	w, eps, nextS, nextN []float32
	a, b, twoAB, twoGB   float32
	alpha0               float32
	negRate              float32
}

func newPlacer(m *Model, k, epochs int) *placer {
	a, b := float32(m.A), float32(m.B)
	return &placer{m: m, epochs: epochs, w: make([]float32, k), eps: make([]float32, k),
		nextS: make([]float32, k), nextN: make([]float32, k), a: a, b: b,
		twoAB: -2 * a * b, twoGB: 2 * float32(m.Config.RepulsionStrength) * b,
		alpha0: float32(m.Config.LearningRate / 4), negRate: float32(m.Config.NegativeSampleRate)}
}

// pointSeed derives a point's random stream from the seed and its values.
func pointSeed(seed uint64, x []float32) uint64 {
	h := mix(seed ^ 0x7472616e73666f72) // "transfor"
	for _, v := range x {
		h = mix(h ^ uint64(math.Float32bits(v)))
	}
	return h
}

// place writes the position of one new point with neighbours ids at
// distances dists to cur.
func (p *placer) place(cur, x []float32, ids []int32, dists []float32, sigma, rho float32) {
	emb := p.m.Embedding
	dims := len(cur)
	clear(cur)
	var sum, top float32
	exact := -1
	for t, d := range dists {
		w := membership(d, sigma, rho)
		p.w[t] = w
		sum += w
		top = max(top, w)
		if w == 1 && exact < 0 {
			exact = t
		}
	}
	switch {
	case exact >= 0:
		copy(cur, emb[int(ids[exact])*dims:])
	case sum > 0:
		for t, id := range ids {
			f := p.w[t] / sum
			for c := range cur {
				cur[c] += f * emb[int(id)*dims+c]
			}
		}
	}
	if top == 0 {
		return
	}
	cut := top / float32(p.epochs)
	for t, w := range p.w {
		p.eps[t] = -1
		if w >= cut && w > 0 {
			p.eps[t] = top / w
			p.nextS[t] = p.eps[t]
			p.nextN[t] = p.eps[t] / p.negRate
		}
	}
	var rng rand.PCG
	rng.Seed(pointSeed(p.m.Config.Seed, x), 0x706c616365) // "place"
	n := p.m.N
	for ep := 0; ep < p.epochs; ep++ {
		alpha := p.alpha0
		if ep > 0 {
			alpha = p.alpha0 * (1 - float32(ep-1)/float32(p.epochs))
		}
		fe := float32(ep)
		for t, id := range ids {
			if p.eps[t] < 0 || p.nextS[t] > fe {
				continue
			}
			other := emb[int(id)*dims : (int(id)+1)*dims]
			if d2 := sqDist(cur, other); d2 > 0 {
				pb := powf(d2, p.b)
				c := p.twoAB * pb / (d2 * (p.a*pb + 1))
				for i := range cur {
					cur[i] += clip4(c*(cur[i]-other[i])) * alpha
				}
			}
			p.nextS[t] += p.eps[t]
			epn := p.eps[t] / p.negRate
			neg := int((fe - p.nextN[t]) / epn)
			for range neg {
				k := randIndex(&rng, n)
				other := emb[k*dims : (k+1)*dims]
				if d2 := sqDist(cur, other); d2 > 0 {
					c := p.twoGB / ((0.001 + d2) * (p.a*powf(d2, p.b) + 1))
					for i := range cur {
						cur[i] += clip4(c*(cur[i]-other[i])) * alpha
					}
				} else {
					for i := range cur {
						cur[i] += 4 * alpha
					}
				}
			}
			p.nextN[t] += float32(neg) * epn
		}
	}
}
