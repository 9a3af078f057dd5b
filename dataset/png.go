package dataset

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ReadPNGDir reads a folder of PNG images of one size, either
// dir/<label>/*.png — the subfolder names become Labels — or dir/*.png
// without labels (not both). Files and folders are taken in sorted order,
// names starting with "." are skipped, and Keys are the paths relative to
// dir, with "/" separators.
//
// If every image is grayscale (including paletted images with a gray
// palette), a sample is its h*w gray levels, Shape [h w]; otherwise it is
// h*w*3 RGB values, Shape [h w 3], with gray images repeated into the three
// channels. Values are 0..255 (16-bit images keep fractions); transparent
// pixels are composited onto black.
func ReadPNGDir(dir string) (*Set, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	var top, keys, labels []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if isPNG(e) {
			top = append(top, e.Name())
			continue
		}
		if !e.IsDir() {
			continue
		}
		sub, err := os.ReadDir(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("dataset: %w", err)
		}
		for _, f := range sub {
			if !strings.HasPrefix(f.Name(), ".") && isPNG(f) {
				keys = append(keys, path.Join(e.Name(), f.Name()))
				labels = append(labels, e.Name())
			}
		}
	}
	switch {
	case len(top) > 0 && len(keys) > 0:
		return nil, fmt.Errorf("dataset: %s: PNG files both at the top and in label subfolders; use one layout", dir)
	case len(top) > 0:
		keys, labels = top, nil
	case len(keys) == 0:
		return nil, fmt.Errorf("dataset: %s: no PNG files (want DIR/*.png or DIR/LABEL/*.png)", dir)
	}

	// First pass: headers only, to check sizes and choose gray or RGB.
	var w, h int
	gray := true
	for i, k := range keys {
		file := filepath.Join(dir, filepath.FromSlash(k))
		cfg, err := pngConfig(file)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			w, h = cfg.Width, cfg.Height
			if w == 0 || h == 0 {
				return nil, fmt.Errorf("dataset: %s: empty image", file)
			}
		} else if cfg.Width != w || cfg.Height != h {
			return nil, fmt.Errorf("dataset: %s: size %dx%d, want %dx%d like %s", file, cfg.Width, cfg.Height, w, h, filepath.Join(dir, filepath.FromSlash(keys[0])))
		}
		gray = gray && isGrayModel(cfg.ColorModel)
	}
	c := 3
	shape := []int{h, w, 3}
	if gray {
		c, shape = 1, []int{h, w}
	}
	d := h * w * c
	s := &Set{X: make([]float32, len(keys)*d), N: len(keys), D: d, Keys: keys, Labels: labels, Shape: shape, Source: dir}
	for i, k := range keys {
		file := filepath.Join(dir, filepath.FromSlash(k))
		img, err := pngDecode(file)
		if err != nil {
			return nil, err
		}
		if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
			return nil, fmt.Errorf("dataset: %s: size %dx%d, want %dx%d", file, b.Dx(), b.Dy(), w, h)
		}
		pixels(s.Row(i), img, c)
	}
	return s, nil
}

func isPNG(e os.DirEntry) bool {
	return e.Type().IsRegular() && strings.EqualFold(filepath.Ext(e.Name()), ".png")
}

func pngConfig(file string) (image.Config, error) {
	f, err := os.Open(file)
	if err != nil {
		return image.Config{}, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		return image.Config{}, fmt.Errorf("dataset: %s: %v", file, err)
	}
	return cfg, nil
}

func pngDecode(file string) (image.Image, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %v", file, err)
	}
	return img, nil
}

// isGrayModel reports whether every colour of model m is an opaque gray.
func isGrayModel(m color.Model) bool {
	switch m {
	case color.GrayModel, color.Gray16Model:
		return true
	}
	p, ok := m.(color.Palette)
	if !ok {
		return false
	}
	for _, c := range p {
		r, g, b, a := c.RGBA()
		if r != g || g != b || a != 0xffff {
			return false
		}
	}
	return true
}

// pixels writes img into dst as c channels (1: gray, 3: RGB), 0..255.
func pixels(dst []float32, img image.Image, c int) {
	b := img.Bounds()
	if g, ok := img.(*image.Gray); ok && c == 1 {
		for y := range b.Dy() {
			row := g.Pix[y*g.Stride : y*g.Stride+b.Dx()]
			for x, v := range row {
				dst[y*b.Dx()+x] = float32(v)
			}
		}
		return
	}
	k := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA() // alpha-premultiplied: composited onto black
			if c == 1 {
				dst[k] = float32(r) / 257
				k++
				continue
			}
			dst[k] = float32(r) / 257
			dst[k+1] = float32(g) / 257
			dst[k+2] = float32(bl) / 257
			k += 3
		}
	}
}
