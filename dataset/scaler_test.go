package dataset

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestFitScaler(t *testing.T) {
	// Column 0 varies, column 1 is constant, column 2 is negative.
	s := &Set{X: []float32{
		0, 5, -1,
		2, 5, -3,
		4, 5, -2,
		10, 5, -6,
	}, N: 4, D: 3}

	mm, err := FitScaler("minmax", s)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(mm.A, mm.B) != "[0 5 -6] [0.1 1 0.2]" {
		t.Errorf("minmax A, B = %v, %v", mm.A, mm.B)
	}
	x := append([]float32(nil), s.X...)
	mm.Transform(x)
	want := []float32{0, 0, 1, 0.2, 0, 0.6, 0.4, 0, 0.8, 1, 0, 0}
	for i := range want {
		if math.Abs(float64(x[i]-want[i])) > 1e-6 {
			t.Errorf("minmax x[%d] = %v, want %v", i, x[i], want[i])
		}
	}
	mm.Inverse(x)
	for i := range x {
		if math.Abs(float64(x[i]-s.X[i])) > 1e-5 {
			t.Errorf("minmax inverse x[%d] = %v, want %v", i, x[i], s.X[i])
		}
	}

	st, err := FitScaler("standard", s)
	if err != nil {
		t.Fatal(err)
	}
	// Column 0: mean 4, population variance (16+4+0+36)/4 = 14.
	if st.A[0] != 4 || math.Abs(float64(st.B[0])-1/math.Sqrt(14)) > 1e-7 || st.A[1] != 5 || st.B[1] != 1 {
		t.Errorf("standard A, B = %v, %v", st.A, st.B)
	}
	x = append(x[:0], s.X...)
	st.Transform(x)
	for j := range s.D {
		var sum, sq float64
		for i := range s.N {
			v := float64(x[i*s.D+j])
			sum += v
			sq += v * v
		}
		wantVar := 1.0
		if j == 1 {
			wantVar = 0 // constant column: all zero, not NaN
		}
		if math.Abs(sum/4) > 1e-6 || math.Abs(sq/4-wantVar) > 1e-5 {
			t.Errorf("standard column %d: mean %v, variance %v", j, sum/4, sq/4)
		}
	}

	none, err := FitScaler("", s)
	if err != nil || none.Kind != "none" {
		t.Fatalf("none: %+v %v", none, err)
	}
	x = append(x[:0], s.X...)
	none.Transform(x)
	none.Inverse(x)
	if fmt.Sprint(x) != fmt.Sprint(s.X) {
		t.Error("none changed x")
	}

	if _, err := FitScaler("robust", s); err == nil || err.Error() != `dataset: unknown scaler "robust" (want none, minmax, global or standard)` {
		t.Errorf("unknown kind: %v", err)
	}
}

func TestScalerTinyRange(t *testing.T) {
	// A range whose inverse overflows float32 is treated as constant.
	s := &Set{X: []float32{1e-45, 0}, N: 2, D: 1}
	sc, err := FitScaler("minmax", s)
	if err != nil || sc.B[0] != 1 {
		t.Errorf("B = %v, %v", sc.B, err)
	}
}

func TestScalerJSON(t *testing.T) {
	s := &Set{X: []float32{1, 2, 3, 5}, N: 2, D: 2}
	sc, _ := FitScaler("minmax", s)
	b, err := json.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"kind":"minmax","a":[1,2],"b":[0.5,0.33333334]}` {
		t.Errorf("JSON = %s", b)
	}
	var back Scaler
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Validate(2); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(back) != fmt.Sprint(*sc) {
		t.Errorf("round trip %v != %v", back, *sc)
	}
	none, _ := json.Marshal(&Scaler{Kind: "none"})
	if string(none) != `{"kind":"none"}` {
		t.Errorf("none JSON = %s", none)
	}
}

func TestScalerValidate(t *testing.T) {
	tests := []struct {
		sc  Scaler
		err string
	}{
		{Scaler{Kind: "none"}, ""},
		{Scaler{Kind: "standard", A: []float32{0}, B: []float32{1}}, ""},
		{Scaler{Kind: "zscore"}, `unknown scaler "zscore"`},
		{Scaler{Kind: "none", A: []float32{1}}, `scaler "none" with parameters`},
		{Scaler{Kind: "minmax", A: []float32{0}, B: []float32{1}}, `scaler "minmax" has 1/1 parameters, want 2`},
		{Scaler{Kind: "minmax", A: []float32{0, 0}, B: []float32{1, 0}}, "bad parameters for feature 1"},
		{Scaler{Kind: "minmax", A: []float32{float32(math.NaN()), 0}, B: []float32{1, 1}}, "bad parameters for feature 0"},
	}
	for _, tt := range tests {
		d := 2
		if tt.err == "" {
			d = len(tt.sc.A)
		}
		err := tt.sc.Validate(d)
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("Validate(%+v) = %v, want %q", tt.sc, err, tt.err)
		}
	}
}

func TestScalerPanics(t *testing.T) {
	sc := &Scaler{Kind: "minmax", A: []float32{0, 0}, B: []float32{1, 1}}
	defer func() {
		if r := recover(); r == nil || !strings.HasPrefix(fmt.Sprint(r), "dataset: ") {
			t.Errorf("recover() = %v", r)
		}
	}()
	sc.Transform(make([]float32, 3))
}

func TestGlobalScaler(t *testing.T) {
	s := &Set{X: []float32{0, 10, 5, 255, 20, 30}, N: 3, D: 2}
	sc, err := FitScaler("global", s)
	if err != nil {
		t.Fatal(err)
	}
	x := []float32{0, 255, 51, 102}
	sc.Transform(x)
	want := []float32{0, 1, 0.2, 0.4}
	for i := range x {
		if math.Abs(float64(x[i]-want[i])) > 1e-6 {
			t.Fatalf("global transform = %v, want %v", x, want)
		}
	}
	if err := sc.Validate(2); err != nil {
		t.Fatal(err)
	}
}
