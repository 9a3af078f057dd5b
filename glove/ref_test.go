package glove

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

// TestAgainstNumpy replays testdata/ref.json, made by testdata/make_ref.py
// (numpy, float64, the same published update equations): a few epochs of
// AdaGrad over a fixed list of pairs in a fixed order with one worker.
func TestAgainstNumpy(t *testing.T) {
	b, err := os.ReadFile("testdata/ref.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		V, Dim           int
		XMax, Alpha, Eta float64
		Epochs           int
		Pairs            [][3]float64
		InitW            []float64 `json:"init_w"`
		InitC            []float64 `json:"init_c"`
		W, C, GW, GC     []float64
		Costs            []float64
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	m := newModel(ref.V, ref.Dim, ref.Eta, rand.New(rand.NewPCG(0, 0)))
	for _, side := range []struct {
		tab  []float32
		init []float64
	}{{m.w, ref.InitW}, {m.c, ref.InitC}} {
		for i := range ref.V {
			p, g := m.row(side.tab, i)
			for k := range p {
				p[k] = float32(side.init[i*(ref.Dim+1)+k])
				if g[k] != 1 {
					t.Fatalf("accumulator starts at %v, want 1", g[k])
				}
			}
		}
	}
	recs := make([]rec, len(ref.Pairs))
	for i, p := range ref.Pairs {
		recs[i] = rec{pack(uint32(p[0]), uint32(p[1])), prepared(p[2], ref.XMax, ref.Alpha)}
	}
	for e := range ref.Epochs {
		cost, n, err := m.trainRecs(context.Background(), recs)
		if err != nil {
			t.Fatal(err)
		}
		if got := cost / float64(n); math.Abs(got-ref.Costs[e]) > 1e-6*(1+ref.Costs[e]) {
			t.Errorf("epoch %d: cost %v, numpy %v", e+1, got, ref.Costs[e])
		}
	}
	for _, c := range []struct {
		name string
		tab  []float32
		acc  bool
		want []float64
	}{{"W", m.w, false, ref.W}, {"W̃", m.c, false, ref.C}, {"G", m.w, true, ref.GW}, {"G̃", m.c, true, ref.GC}} {
		if len(c.want) != ref.V*(ref.Dim+1) {
			t.Fatalf("%s: numpy has %d values", c.name, len(c.want))
		}
		for i := range ref.V {
			p, g := m.row(c.tab, i)
			if c.acc {
				p = g
			}
			for k, got := range p {
				w := c.want[i*(ref.Dim+1)+k]
				if math.Abs(float64(got)-w) > 1e-6*(1+math.Abs(w)) {
					t.Errorf("%s[%d][%d] = %v, numpy %v", c.name, i, k, got, w)
				}
			}
		}
	}
	// The reference must have moved the parameters well beyond the
	// tolerance, or the comparison would prove nothing.
	var moved float64
	for i, w := range ref.W {
		moved = math.Max(moved, math.Abs(w-ref.InitW[i]))
	}
	if moved < 1e-3 {
		t.Fatalf("reference parameters moved only %v", moved)
	}
}
