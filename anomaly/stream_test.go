package anomaly

import (
	"bytes"
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/latent-go/latent/autoencoder"
	"github.com/latent-go/latent/nn"
)

func streamModel(t *testing.T) *autoencoder.Model {
	t.Helper()
	m, err := autoencoder.New(autoencoder.Config{Input: 3, Layers: []int{2}, Activation: nn.Tanh, OutputActivation: nn.Linear, Loss: nn.MSE},
		rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestStreamCSV(t *testing.T) {
	m := streamModel(t)
	s := NewScorer(m, MSE)
	cal := NewCalibrator([]float64{0.1, 0.2, 0.3})
	in := "a,b,c\n1,2,3\n\n1,2\n4,5,6\nx,1,2\n7,8,9\n"
	var out, errs bytes.Buffer
	st, err := s.Stream(context.Background(), strings.NewReader(in), &out, &errs, StreamOptions{Rule: Rule{Threshold: 0}, Cal: cal, Explain: 1, Names: []string{"a", "b", "c"}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 3 || st.Bad != 2 || st.Flagged != 3 {
		t.Errorf("stats %+v", st)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "2,") || !strings.HasPrefix(lines[1], "5,") || !strings.HasPrefix(lines[2], "7,") {
		t.Errorf("output lines %q", lines)
	}
	for _, l := range lines {
		if !strings.Contains(l, ",true,") || !strings.Contains(l, ":") {
			t.Errorf("line %q: want a flag and an explanation", l)
		}
	}
	if e := errs.String(); !strings.Contains(e, "line 4: want 3 values, got 2") || !strings.Contains(e, `line 6: field 1 ("x"): not a number`) {
		t.Errorf("errors %q", e)
	}
	// The same record scores the same alone as in a stream.
	want := s.ScoreRaw([]float32{4, 5, 6}, 1, nil)[0]
	var one bytes.Buffer
	s.Stream(context.Background(), strings.NewReader("4,5,6\n"), &one, &errs, StreamOptions{Rule: Rule{Threshold: 1e9}, Cal: cal})
	if got := strings.Split(one.String(), ",")[1]; got != strings.Split(lines[1], ",")[1] {
		t.Errorf("alone %s, in stream %s (score %v)", got, strings.Split(lines[1], ",")[1], want)
	}
}

func TestStreamStrictAndNDJSON(t *testing.T) {
	s := NewScorer(streamModel(t), MSE)
	var out, errs bytes.Buffer
	_, err := s.Stream(context.Background(), strings.NewReader("1,2,3\n1,NaN,3\n4,5,6\n"), &out, &errs, StreamOptions{Strict: true, Rule: Rule{Threshold: 1}})
	if err == nil || !strings.Contains(err.Error(), "line 2") || strings.Count(out.String(), "\n") != 1 {
		t.Errorf("strict: err %v, output %q", err, out.String())
	}
	out.Reset()
	in := `[1,2,3]` + "\n" + `{"features":[4,5,6]}` + "\n" + `{"b":2,"a":1,"c":3}` + "\n" + `{"a":1}` + "\n" + `[1,2]` + "\n"
	st, err := s.Stream(context.Background(), strings.NewReader(in), &out, &errs, StreamOptions{NDJSON: true, Rule: Rule{Threshold: 1e9}, Names: []string{"a", "b", "c"}})
	if err != nil || st.Records != 3 || st.Bad != 2 {
		t.Fatalf("ndjson: %+v %v", st, err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if lines[0] != strings.Replace(lines[2], `"line":3`, `"line":1`, 1) || !strings.Contains(lines[0], `"p_value":null`) {
		t.Errorf("ndjson lines %q", lines)
	}
}
