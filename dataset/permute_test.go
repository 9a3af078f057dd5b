package dataset

import (
	"fmt"
	"testing"
)

func TestPermuteAndSlice(t *testing.T) {
	s := &Set{X: []float32{0, 0, 1, 1, 2, 2, 3, 3, 4, 4}, N: 5, D: 2, Labels: []string{"a", "b", "c", "d", "e"}}
	order := []int{3, 0, 4, 1, 2}
	want := s.Subset(order)
	s.Permute(order)
	if fmt.Sprint(s.X) != fmt.Sprint(want.X) || fmt.Sprint(s.Labels) != fmt.Sprint(want.Labels) {
		t.Fatalf("Permute: %v %v, want %v %v", s.X, s.Labels, want.X, want.Labels)
	}
	v := s.Slice(1, 3)
	if v.N != 2 || fmt.Sprint(v.X) != "[0 0 4 4]" || fmt.Sprint(v.Labels) != "[a e]" {
		t.Errorf("Slice: %+v", v)
	}
	defer func() {
		if recover() == nil {
			t.Error("Permute accepted a non-permutation")
		}
	}()
	s.Permute([]int{0, 0, 1, 2, 3})
}
