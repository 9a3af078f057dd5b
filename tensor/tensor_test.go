package tensor

import (
	"fmt"
	"testing"
)

func TestMatMulShapes(t *testing.T) {
	a := FromSlice(2, 3, []float32{1, 2, 3, 4, 5, 6})
	b := FromSlice(3, 2, []float32{1, 0, 0, 1, 1, 1})
	tests := []struct {
		name string
		a    *Dense
		ta   bool
		b    *Dense
		tb   bool
		want []float32
		r, c int
	}{
		{"ab", a, false, b, false, []float32{4, 5, 10, 11}, 2, 2},
		{"aTbT", a, true, b, true, []float32{1, 4, 5, 2, 5, 7, 3, 6, 9}, 3, 3},
		{"aaT", a, false, a, true, []float32{14, 32, 32, 77}, 2, 2},
	}
	for _, tc := range tests {
		dst := New(tc.r, tc.c)
		MatMul(dst, tc.a, tc.ta, tc.b, tc.tb, 1, 0)
		for i, v := range tc.want {
			if dst.Data[i] != v {
				t.Errorf("%s: got %v, want %v", tc.name, dst.Data, tc.want)
				break
			}
		}
	}
}

func TestMatMulPanicsOnMismatch(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Fatal("no panic")
		}
	}()
	MatMul(New(2, 2), New(2, 3), false, New(2, 2), false, 1, 0)
}

func ExampleMatMul() {
	a := FromSlice(2, 2, []float32{1, 2, 3, 4})
	id := FromSlice(2, 2, []float32{1, 0, 0, 1})
	dst := New(2, 2)
	MatMul(dst, a, true, id, false, 1, 0)
	fmt.Println(dst.Data)
	// Output: [1 3 2 4]
}
