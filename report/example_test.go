package report_test

import (
	"bytes"
	"fmt"
	"log"
	"strings"

	"github.com/latent-go/latent/plot"
	"github.com/latent-go/latent/report"
)

// A report built by hand; report.New builds one from a model and data.
// Parts left empty are left out of the page.
func ExampleWrite() {
	r := &report.Report{
		Title:    "A hand-made report",
		Settings: []report.Setting{{Name: "architecture", Value: "4→2→4"}},
		Curve:    plot.Curves([]float64{0.30, 0.21, 0.17}, nil, "Training curve"),
		Comparison: []report.Score{
			{Method: "autoencoder", MSE: 0.012, Relative: 0.8},
			{Method: "PCA, 2 components", MSE: 0.015, Relative: 1},
		},
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, r); err != nil {
		log.Fatal(err)
	}
	for _, line := range strings.Split(buf.String(), "\n") {
		if h, ok := strings.CutPrefix(line, "<h2>"); ok {
			fmt.Println(strings.TrimSuffix(h, "</h2>"))
		}
	}
	// Output:
	// Model
	// Training curve
	// Autoencoder versus PCA at the same bottleneck
}
