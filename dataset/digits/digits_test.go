package digits_test

import (
	"fmt"
	"testing"

	"github.com/latent-go/latent/dataset/digits"
)

// The reference values come from scikit-learn 1.2.1 (Debian python3-sklearn):
//
//	d = sklearn.datasets.load_digits()
//	numpy.bincount(d.target)  # [178 182 177 183 181 182 181 179 174 180]
//	d.data[0].sum()           # 294.0
//	d.data.sum()              # 561718.0
func TestLoad(t *testing.T) {
	s := digits.Load()
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	if s.N != 1797 || s.D != 64 || len(s.X) != 1797*64 {
		t.Fatalf("N, D, len(X) = %d, %d, %d; want 1797, 64, %d", s.N, s.D, len(s.X), 1797*64)
	}
	if fmt.Sprint(s.Shape) != "[8 8]" {
		t.Errorf("Shape = %v, want [8 8]", s.Shape)
	}
	want := []int{178, 182, 177, 183, 181, 182, 181, 179, 174, 180}
	got := make([]int, 10)
	for _, l := range s.Labels {
		var d int
		if _, err := fmt.Sscan(l, &d); err != nil || d < 0 || d > 9 || fmt.Sprint(d) != l {
			t.Fatalf("bad label %q", l)
		}
		got[d]++
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("label counts = %v, want %v", got, want)
	}
	var sum0, sum float64
	for _, v := range s.Row(0) {
		sum0 += float64(v)
	}
	for _, v := range s.X {
		if v < 0 || v > 16 || v != float32(int(v)) {
			t.Fatalf("pixel %v is not an integer in 0..16", v)
		}
		sum += float64(v)
	}
	if sum0 != 294 || sum != 561718 {
		t.Errorf("sum of image 0 = %v, of all = %v; want 294, 561718", sum0, sum)
	}
	if s.Labels[0] != "0" || s.Labels[9] != "9" || s.Keys[0] != "digit-0000" || s.Keys[1796] != "digit-1796" {
		t.Errorf("first labels/keys: %v %v %v %v", s.Labels[0], s.Labels[9], s.Keys[0], s.Keys[1796])
	}
	// Load returns a fresh copy each time.
	s.X[0] = 99
	if digits.Load().X[0] == 99 {
		t.Error("Load shares memory between calls")
	}
}

func ExampleLoad() {
	s := digits.Load()
	fmt.Println(s.N, s.D, s.Shape, s.Labels[3])
	for y := range 8 {
		for _, v := range s.Row(0)[y*8 : y*8+8] {
			fmt.Print("._:-=+*#%@"[int(v)*9/16 : int(v)*9/16+1])
		}
		fmt.Println()
	}
	// Output:
	// 1797 64 [8 8] 3
	// ..:#+...
	// ..#%+%:.
	// ._%_.*=.
	// .:*..==.
	// .:=..+=.
	// .:*..*-.
	// ._#:+*..
	// ..-#+...
}
