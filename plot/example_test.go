package plot_test

import (
	"bytes"
	"fmt"
	"image/png"
	"log"

	"github.com/latent-go/latent/plot"
)

// A scatter of 2-d codes coloured by label, written as PNG. Save writes it
// to a file instead, in the format the extension names.
func ExampleScatter() {
	xs := []float64{0.1, 0.3, 0.2, 2.1, 2.4, 2.2}
	ys := []float64{1.0, 1.2, 0.9, 0.1, 0.3, 0.2}
	labels := []string{"cat", "cat", "cat", "dog", "dog", "dog"}
	f := plot.Scatter(xs, ys, labels, "Codes of six images")
	f.XLabel, f.YLabel = "code 1", "code 2"

	var buf bytes.Buffer
	if err := f.Encode(&buf, plot.PNG); err != nil {
		log.Fatal(err)
	}
	cfg, err := png.DecodeConfig(&buf)
	if err != nil {
		log.Fatal(err)
	}
	w, h := f.Size()
	fmt.Printf("%gx%g points, %dx%d pixels at %d DPI\n", w, h, cfg.Width, cfg.Height, plot.DefaultDPI)
	// Output: 480x380 points, 960x760 pixels at 144 DPI
}

// A training curve with the kept epoch marked.
func ExampleCurves() {
	loss := []float64{0.9, 0.5, 0.35, 0.3, 0.28}
	val := []float64{0.8, 0.55, 0.42, 0.41, 0.43}
	f := plot.Curves(loss, val, "Training curve")
	f.Mark(4, "kept epoch 4")
	var buf bytes.Buffer
	if err := f.Encode(&buf, plot.SVG); err != nil {
		log.Fatal(err)
	}
	fmt.Println(bytes.Contains(buf.Bytes(), []byte("kept epoch 4")))
	// Output: true
}
