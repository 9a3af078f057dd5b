package autoencoder

import (
	"bytes"
	"os"
	"testing"
)

// FuzzLoad feeds mutated model files to Load: it must return an error or a
// usable model, never panic, and never allocate far beyond the input size.
func FuzzLoad(f *testing.F) {
	good, err := os.ReadFile("testdata/digits-small.latent")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:100])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, _, err := Load(bytes.NewReader(b), int64(len(b)), "fuzz.latent")
		if err != nil {
			return
		}
		x := make([]float32, m.Config.Input)
		code := make([]float32, m.Config.Code())
		m.Encode(code, x, 1)
	})
}
