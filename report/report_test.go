package report_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/latent-go/latent/autoencoder"
	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/dataset/digits"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/plot"
	"github.com/latent-go/latent/report"
	"github.com/latent-go/latent/tensor"
	"github.com/latent-go/latent/train"
)

// fitted is a model trained for a test, with the data to report on.
type fitted struct {
	model *autoencoder.Model
	man   *autoencoder.Manifest
	test  *dataset.Set
}

var (
	modelsOnce sync.Once
	models     map[string]fitted
)

// trainModels trains a few tiny models once for all tests: on digits with
// a 2-d code, on digits as a denoising model with a 6-d code, and on a
// labelled table with a 1-d code.
func trainModels(t *testing.T) map[string]fitted {
	t.Helper()
	modelsOnce.Do(func() {
		models = map[string]fitted{}
		set := digits.Load()
		trIdx, teIdx := dataset.Split(set.N, 0.2, rand.New(rand.NewPCG(1, 2)))
		trainSet, testSet := set.Subset(trIdx), set.Subset(teIdx)
		table := irisLike()
		for _, c := range []struct {
			name               string
			set, test          *dataset.Set
			layers             []int
			variant, noiseSpec string
		}{
			{"digits-2d", trainSet, testSet, []int{16, 2}, autoencoder.Vanilla, ""},
			{"digits-denoising", trainSet, testSet, []int{16, 6}, autoencoder.Denoising, "gaussian:0.2"},
			{"table-1d", table, table, []int{3, 1}, autoencoder.Vanilla, ""},
		} {
			cfg := autoencoder.Config{Layers: c.layers, Activation: nn.ReLU, CodeActivation: nn.Linear,
				OutputActivation: nn.Sigmoid, Loss: nn.MSE, Variant: c.variant, Noise: c.noiseSpec}
			f, err := autoencoder.Fit(context.Background(), c.set, autoencoder.FitOptions{Config: cfg, ValSplit: 0.2, Seed: 3,
				Train: train.Config{Epochs: 4, Batch: 32, Optim: optim.Config{Name: "adam", LR: 3e-3}}})
			if err != nil {
				panic(err)
			}
			man := &autoencoder.Manifest{Format: autoencoder.Format, FormatVersion: autoencoder.FormatVersion,
				LatentVersion: "test", Config: f.Model.Config, Scaler: f.Model.Scaler, Info: f.Info}
			models[c.name] = fitted{f.Model, man, c.test}
		}
	})
	return models
}

// irisLike returns a small labelled table with named columns and keys.
func irisLike() *dataset.Set {
	rng := rand.New(rand.NewPCG(5, 6))
	s := &dataset.Set{N: 90, D: 4, Columns: []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}, Source: "flowers.csv"}
	for i := range s.N {
		c := i % 3
		for j := range s.D {
			s.X = append(s.X, float32(1+c*(j+1))+float32(rng.NormFloat64())*0.3)
		}
		s.Labels = append(s.Labels, []string{"setosa", "versicolor", "virginica"}[c])
		s.Keys = append(s.Keys, fmt.Sprintf("flower-%02d", i))
	}
	return s
}

func render(t *testing.T, r *report.Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := report.Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// checkPage parses the page as XML, which the report is written to allow:
// every element closed, every attribute quoted. It fails on any reference
// to something outside the file: a src or href that is not a data: URL or a
// #fragment, a URL with a scheme anywhere, or a script.
func checkPage(t *testing.T, page string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(page))
	d.Strict = true
	elements := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the page is not well-formed: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		elements++
		if se.Name.Local == "script" || se.Name.Local == "link" || se.Name.Local == "iframe" {
			t.Errorf("the page has a <%s> element", se.Name.Local)
		}
		for _, a := range se.Attr {
			if a.Name.Local != "src" && a.Name.Local != "href" {
				continue
			}
			if !strings.HasPrefix(a.Value, "data:image/png;base64,") && !strings.HasPrefix(a.Value, "#") {
				t.Errorf("<%s %s=%.40q> refers outside the file", se.Name.Local, a.Name.Local, a.Value)
			}
		}
	}
	if elements < 10 {
		t.Errorf("only %d elements", elements)
	}
	for _, bad := range []string{"http://", "https://", "//cdn", "<script", "url(http"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
}

func TestNew(t *testing.T) {
	ms := trainModels(t)
	for _, tt := range []struct {
		model string
		want  []string // substrings of the page
		not   []string
	}{
		{"digits-2d", []string{
			`<section id="model">`, `<section id="training">`, `<section id="comparison">`,
			`<section id="reconstructions">`, `<section id="map">`, `<section id="traversal">`,
			"64→16→2→16→64 (dense, bottleneck 2)", "PCA, 2 components", "training mean",
			"The 2-d codes", "code 1", "Originals and reconstructions", "PCA-2", "<svg", "<image",
		}, []string{"noisy input"}},
		{"digits-denoising", []string{
			"denoising (noise gaussian:0.2)", "noisy input", "PCA-6", "projected by PCA",
			"hold", "% of the codes&#39; variance",
		}, []string{`<section id="traversal">`}},
		{"table-1d", []string{
			"4→3→1→3→4", "sepal_length", "flower-00 (setosa): original", "flower-00 (setosa): autoencoder",
			"The 1-d code of each sample", "Values in the data&#39;s own units",
		}, []string{`<section id="traversal">`, "<image"}},
	} {
		t.Run(tt.model, func(t *testing.T) {
			f := ms[tt.model]
			r, err := report.New(f.model, f.man, f.test, report.Options{ModelName: tt.model + ".latent"})
			if err != nil {
				t.Fatal(err)
			}
			page := render(t, r)
			checkPage(t, page)
			// The numbers in the comparison are those of Evaluate.
			x := tensor.FromSlice(f.test.N, f.test.D, slices.Clone(f.test.X))
			f.model.Scaler.Transform(x.Data)
			ev := f.model.Evaluate(x)
			want := append(slices.Clone(tt.want),
				fmt.Sprintf("%.6f", autoencoder.Mean(ev.AE)),
				fmt.Sprintf("%.6f", autoencoder.Mean(ev.PCA)),
				fmt.Sprintf("%.6f", autoencoder.Mean(ev.Mean)),
				"latent report: "+tt.model+".latent",
				fmt.Sprintf("%d samples of %d features", f.test.N, f.test.D))
			for _, w := range want {
				if !strings.Contains(page, w) {
					t.Errorf("the page lacks %q", w)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(page, w) {
					t.Errorf("the page has %q", w)
				}
			}
			// The same inputs give the same bytes.
			r2, err := report.New(f.model, f.man, f.test, report.Options{ModelName: tt.model + ".latent"})
			if err != nil {
				t.Fatal(err)
			}
			if render(t, r2) != page {
				t.Error("two reports of the same model and data differ")
			}
		})
	}
}

// TestFigures checks the figures offered for writing one by one.
func TestFigures(t *testing.T) {
	f := trainModels(t)["digits-2d"]
	r, err := report.New(f.model, f.man, f.test, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, fig := range r.Figures() {
		names = append(names, fig.Name)
		if err := fig.Figure.Encode(io.Discard, plot.PNG); err != nil {
			t.Errorf("%s: %v", fig.Name, err)
		}
	}
	if want := []string{"curve", "reconstructions", "map", "traversal"}; !slices.Equal(names, want) {
		t.Errorf("figures %v, want %v", names, want)
	}
}

func TestNewWrongWidth(t *testing.T) {
	f := trainModels(t)["table-1d"]
	wide := &dataset.Set{X: make([]float32, 10), N: 2, D: 5, Source: "wide.csv"}
	_, err := report.New(f.model, f.man, wide, report.Options{})
	if err == nil || !strings.Contains(err.Error(), "wide.csv has 5 features per sample; the model expects 4") {
		t.Errorf("error %v", err)
	}
}

// TestLargeMapAsPNG checks that a figure too large for inline SVG — a
// scatter of 30,000 points — is embedded as a PNG.
func TestLargeMapAsPNG(t *testing.T) {
	if testing.Short() {
		t.Skip("30,000 points")
	}
	rng := rand.New(rand.NewPCG(1, 1))
	xs, ys := make([]float64, 30000), make([]float64, 30000)
	for i := range xs {
		xs[i], ys[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	page := render(t, &report.Report{Title: "big", Map: plot.Scatter(xs, ys, nil, "many points")})
	checkPage(t, page)
	if !strings.Contains(page, `<img alt="map" width="560" height="507" src="data:image/png;base64,`) {
		t.Errorf("the map is not an embedded PNG: %.300s", page[strings.Index(page, `<section id="map">`):])
	}
	if len(page) > 1<<20 {
		t.Errorf("page of %d bytes", len(page))
	}
}

// TestHandMade checks a report built by hand: empty parts are left out.
func TestHandMade(t *testing.T) {
	page := render(t, &report.Report{Title: "Only <numbers> & words", Comparison: []report.Score{{Method: "autoencoder", MSE: 0.125}}})
	checkPage(t, page)
	for _, w := range []string{"Only &lt;numbers&gt; &amp; words", `<section id="comparison">`, "0.125000"} {
		if !strings.Contains(page, w) {
			t.Errorf("the page lacks %q", w)
		}
	}
	for _, w := range []string{`id="model"`, `id="training"`, `id="reconstructions"`, `id="map"`, `id="traversal"`} {
		if strings.Contains(page, w) {
			t.Errorf("the page has the empty section %q", w)
		}
	}
}
