package f32

import (
	"math/rand/v2"
	"testing"
)

// sqDistSpec and dotSpec are the doc comments' loops, written out plainly.
func sqDistSpec(q, row []float32) float32 {
	d := len(q)
	n := d - d%16
	var acc [16]float32
	for j := 0; j < n; j++ {
		t := q[j] - row[j]
		acc[j%16] += float32(t * t)
	}
	s := sum16f(&acc)
	for j := n; j < d; j++ {
		t := q[j] - row[j]
		s += float32(t * t)
	}
	return s
}

func dotSpec(q, row []float32) float32 {
	d := len(q)
	n := d - d%16
	var acc [16]float32
	for j := 0; j < n; j++ {
		acc[j%16] += float32(q[j] * row[j])
	}
	s := sum16f(&acc)
	for j := n; j < d; j++ {
		s += float32(q[j] * row[j])
	}
	return s
}

// TestDistRows checks every distance kernel against the specification bit
// for bit, for dimensions around the multiples of 16, rows picked in any
// order (repeats included), and the pair forms.
func TestDistRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	defer func(k *distKernel) { dk = k }(dk)
	for _, k := range distKernels() {
		dk = k
		for _, d := range []int{1, 3, 15, 16, 17, 31, 32, 33, 48, 100, 128, 300} {
			const rows = 37
			x := make([]float32, rows*d)
			for i := range x {
				x[i] = float32(rng.NormFloat64() * 3)
			}
			q := make([]float32, d)
			for i := range q {
				q[i] = float32(rng.NormFloat64())
			}
			ids := make([]int32, 50)
			for i := range ids {
				ids[i] = int32(rng.IntN(rows))
			}
			ids[0], ids[1] = rows-1, 0 // the last row: no reading past x
			sq := make([]float32, len(ids)+1)
			dot := make([]float32, len(ids)+1)
			sq[len(ids)], dot[len(ids)] = -7, -7
			SqDistRows(sq, q, x, ids)
			DotRows(dot, q, x, ids)
			for i, id := range ids {
				row := x[int(id)*d : int(id)*d+d]
				if want := sqDistSpec(q, row); sq[i] != want {
					t.Fatalf("%s d=%d: SqDistRows[%d] = %v, want %v", k.name, d, i, sq[i], want)
				}
				if want := dotSpec(q, row); dot[i] != want {
					t.Fatalf("%s d=%d: DotRows[%d] = %v, want %v", k.name, d, i, dot[i], want)
				}
			}
			if sq[len(ids)] != -7 || dot[len(ids)] != -7 {
				t.Fatalf("%s d=%d: wrote past len(ids)", k.name, d)
			}
			row := x[5*d : 6*d]
			if got, want := SqDist(q, row), sqDistSpec(q, row); got != want {
				t.Fatalf("%s d=%d: SqDist %v, want %v", k.name, d, got, want)
			}
			if got, want := Dot16(q, row), dotSpec(q, row); got != want {
				t.Fatalf("%s d=%d: Dot16 %v, want %v", k.name, d, got, want)
			}
			SqDistRows(sq, q, x, nil) // no rows: nothing happens
		}
	}
}

func BenchmarkSqDistRows(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, d := range []int{32, 100} {
		const rows = 4096
		x := make([]float32, rows*d)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		q := x[:d]
		ids := make([]int32, 32)
		for i := range ids {
			ids[i] = int32(rng.IntN(rows))
		}
		dst := make([]float32, len(ids))
		for _, k := range distKernels() {
			b.Run(k.name+"/d="+itoa(d), func(b *testing.B) {
				defer func(old *distKernel) { dk = old }(dk)
				dk = k
				for b.Loop() {
					SqDistRows(dst, q, x, ids)
				}
				b.ReportMetric(float64(b.N*len(ids))/b.Elapsed().Seconds()/1e6, "Mdist/s")
			})
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
