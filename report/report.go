// Package report writes the run report of a trained autoencoder: one
// self-contained HTML file that shows what the model is, how its training
// went, how well it reconstructs data it has not seen next to PCA with the
// same bottleneck, and what its code space looks like.
//
// A report is one file because it travels: it is attached to an issue,
// mailed to a colleague or kept beside the model, and it must open years
// later on a machine without network access. So everything is inside it —
// figures as inline SVG (or PNG data URLs when an SVG would be very large),
// styles inline — and nothing refers to another file or to the network, and
// it needs no JavaScript. The same model and data give the same bytes.
//
// [New] fills a [Report] from a model and a data set; [Write] renders any
// Report, so a program may also build one by hand.
package report

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"regexp"

	"github.com/latent-go/latent/plot"
)

// Report is what a run report shows. Empty parts are left out.
type Report struct {
	// Title heads the page; Subtitle says what was evaluated on what.
	Title, Subtitle string
	// Generator names the program that wrote the report, for the footer.
	Generator string

	// Settings describe the model: architecture, variant, training.
	Settings []Setting

	// Curve is the training curve; CurveNote says what it shows.
	Curve     *plot.Figure
	CurveNote string

	// Comparison lists the reconstruction error of the autoencoder and,
	// when the model has a PCA baseline, of PCA with the same bottleneck and
	// of the training mean, in that order; Verdict sums it up in a sentence.
	Comparison []Score
	Verdict    string

	// Reconstructions shows originals next to reconstructions, as images;
	// ReconstructionTable does the same for tables.
	Reconstructions     *plot.Figure
	ReconstructionTable *Table
	ReconstructionNote  string

	// Map is the 2-d map of the codes coloured by label; MapNote says how it
	// was made.
	Map     *plot.Figure
	MapNote string

	// Traversal decodes a grid of codes, for models with a 2-d code.
	Traversal     *plot.Figure
	TraversalNote string
}

// Setting is one line of the model's description.
type Setting struct{ Name, Value string }

// Score is one row of the comparison with PCA.
type Score struct {
	// Method names the reconstruction, e.g. "PCA, 8 components".
	Method string
	// MSE is the mean squared error per feature, in the scaled space the
	// model was trained in.
	MSE float64
	// Relative is MSE over PCA's MSE (0 when there is no PCA row).
	Relative float64
}

// Table is a small table of text.
type Table struct {
	Header []string
	Rows   [][]string
}

// Figure is a figure with the name its file gets when figures are written
// one by one.
type Figure struct {
	Name   string
	Figure *plot.Figure
}

// Figures returns the report's figures with file names (without extension):
// "curve", "reconstructions", "map", "traversal".
func (r *Report) Figures() []Figure {
	var out []Figure
	for _, f := range []Figure{{"curve", r.Curve}, {"reconstructions", r.Reconstructions}, {"map", r.Map}, {"traversal", r.Traversal}} {
		if f.Figure != nil {
			out = append(out, f)
		}
	}
	return out
}

// maxInlineSVG is the largest figure embedded as SVG; larger ones (scatter
// plots of tens of thousands of points) are embedded as PNG, which is
// smaller and faster for a browser to draw.
const maxInlineSVG = 1 << 20

// Write renders r as one self-contained HTML document on w.
func Write(w io.Writer, r *Report) error {
	page := struct {
		*Report
		Figs                                 map[string]template.HTML
		HasCurve, HasReconstructions, HasMap bool
	}{Report: r, Figs: map[string]template.HTML{},
		HasCurve:           r.Curve != nil || r.CurveNote != "",
		HasReconstructions: r.Reconstructions != nil || r.ReconstructionTable != nil || r.ReconstructionNote != "",
		HasMap:             r.Map != nil || r.MapNote != "",
	}
	for _, f := range r.Figures() {
		h, err := embed(f.Figure, f.Name)
		if err != nil {
			return fmt.Errorf("report: figure %s: %w", f.Name, err)
		}
		page.Figs[f.Name] = h
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, page); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// svgProlog matches what precedes the <svg> element in a standalone SVG
// file, and svgNamespaces the namespace declarations, which HTML does not
// need for inline SVG.
var (
	svgProlog     = regexp.MustCompile(`(?s)\A.*?(<svg\b)`)
	svgNamespaces = regexp.MustCompile(`\s+xmlns(:xlink)?="[^"]*"`)
)

// embed returns the HTML that shows f: inline SVG, or an <img> with a PNG
// data URL when the SVG would be larger than maxInlineSVG.
func embed(f *plot.Figure, name string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := f.Encode(&buf, plot.SVG); err != nil {
		return "", err
	}
	if buf.Len() <= maxInlineSVG {
		svg := svgProlog.ReplaceAll(buf.Bytes(), []byte("$1"))
		svg = svgNamespaces.ReplaceAll(svg, nil)
		return template.HTML(bytes.TrimSpace(svg)), nil
	}
	buf.Reset()
	if err := f.Encode(&buf, plot.PNG); err != nil {
		return "", err
	}
	w, h := f.Size()
	img := fmt.Sprintf(`<img alt="%s" width="%.0f" height="%.0f" src="data:image/png;base64,%s"/>`,
		template.HTMLEscapeString(name), w*4/3, h*4/3, base64.StdEncoding.EncodeToString(buf.Bytes()))
	return template.HTML(img), nil
}

// The page is written as XHTML-compatible HTML (every element closed, no
// named entities but XML's), so that tests can check it with an XML parser.
var pageTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"mse": func(v float64) string { return fmt.Sprintf("%.6f", v) },
	"rel": func(v float64) string {
		if v == 0 {
			return ""
		}
		return fmt.Sprintf("%.2f×", v)
	},
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>{{.Title}}</title>
<style>
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; color: #222; background: #fff; margin: 0; line-height: 1.45; }
main { max-width: 980px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 8px 0 4px; }
h2 { font-size: 19px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #ddd; }
p.subtitle { color: #555; margin: 0 0 12px; }
p.note { color: #555; font-size: 14px; max-width: 760px; }
table { border-collapse: collapse; font-size: 14px; margin: 8px 0; }
th, td { padding: 4px 14px 4px 0; text-align: left; vertical-align: top; border-bottom: 1px solid #eee; }
th { font-weight: bold; border-bottom: 1px solid #ccc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { font-family: "Liberation Mono", Menlo, Consolas, monospace; }
table.settings td:first-child { color: #555; padding-right: 24px; }
figure { margin: 8px 0; overflow-x: auto; }
figure svg, figure img { max-width: 100%; height: auto; display: block; }
svg text { font-family: "Liberation Sans", Arial, Helvetica, sans-serif !important; }
svg image, figure img { image-rendering: pixelated; }
nav a { color: #1f77b4; margin-right: 14px; text-decoration: none; font-size: 14px; }
footer { margin-top: 48px; color: #888; font-size: 13px; }
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
{{with .Subtitle}}<p class="subtitle">{{.}}</p>
{{end}}<nav>{{if .Settings}}<a href="#model">Model</a>{{end}}{{if .HasCurve}}<a href="#training">Training</a>{{end}}{{if .Comparison}}<a href="#comparison">Autoencoder vs PCA</a>{{end}}{{if .HasReconstructions}}<a href="#reconstructions">Reconstructions</a>{{end}}{{if .HasMap}}<a href="#map">Code map</a>{{end}}{{if .Traversal}}<a href="#traversal">Traversal</a>{{end}}</nav>
{{if .Settings}}
<section id="model">
<h2>Model</h2>
<table class="settings">
{{range .Settings}}<tr><td>{{.Name}}</td><td>{{.Value}}</td></tr>
{{end}}</table>
</section>
{{end}}{{if .HasCurve}}
<section id="training">
<h2>Training curve</h2>
{{with .Figs.curve}}<figure>{{.}}</figure>
{{end}}{{with .CurveNote}}<p class="note">{{.}}</p>
{{end}}</section>
{{end}}{{if .Comparison}}
<section id="comparison">
<h2>Autoencoder versus PCA at the same bottleneck</h2>
<table>
<tr><th>reconstruction</th><th class="num">MSE</th><th class="num">vs PCA</th></tr>
{{range .Comparison}}<tr><td>{{.Method}}</td><td class="num">{{mse .MSE}}</td><td class="num">{{rel .Relative}}</td></tr>
{{end}}</table>
{{with .Verdict}}<p class="note">{{.}}</p>
{{end}}</section>
{{end}}{{if .HasReconstructions}}
<section id="reconstructions">
<h2>Reconstructions</h2>
{{with .Figs.reconstructions}}<figure>{{.}}</figure>
{{end}}{{with .ReconstructionTable}}<table>
<tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr>{{range $i, $c := .}}{{if $i}}<td class="num">{{$c}}</td>{{else}}<td>{{$c}}</td>{{end}}{{end}}</tr>
{{end}}</table>
{{end}}{{with .ReconstructionNote}}<p class="note">{{.}}</p>
{{end}}</section>
{{end}}{{if .HasMap}}
<section id="map">
<h2>The codes in two dimensions</h2>
{{with .Figs.map}}<figure>{{.}}</figure>
{{end}}{{with .MapNote}}<p class="note">{{.}}</p>
{{end}}</section>
{{end}}{{if .Traversal}}
<section id="traversal">
<h2>Latent traversal</h2>
<figure>{{.Figs.traversal}}</figure>
{{with .TraversalNote}}<p class="note">{{.}}</p>
{{end}}</section>
{{end}}
<footer>{{with .Generator}}Written by {{.}}. {{end}}Self-contained: no scripts, no network.</footer>
</main>
</body>
</html>
`))
