package autoencoder

import (
	"encoding/json"
	"os"
	"testing"
)

// TestPyTorchLoadsModelFile checks the model file's meaning from outside:
// testdata/torch_load.py reads testdata/digits-small.latent (written by
// "latent demo --bottleneck 4 --epochs 20") into a torch.nn.Sequential and
// records its codes and reconstructions of 20 digits; latent must compute the
// same from the same file.
func TestPyTorchLoadsModelFile(t *testing.T) {
	m, _, err := LoadFile("testdata/digits-small.latent")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("testdata/torch_load.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct{ X, Code, Reconstruction []float32 }
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	n := len(ref.X) / m.Config.Input
	code := make([]float32, n*m.Config.Code())
	m.Encode(code, ref.X, n)
	if i, ok := close32(code, ref.Code, 1e-5); !ok {
		t.Errorf("code[%d] = %v, torch %v", i, code[i], ref.Code[i])
	}
	rec := make([]float32, len(ref.X))
	m.Reconstruct(rec, ref.X, n)
	if i, ok := close32(rec, ref.Reconstruction, 1e-4); !ok {
		t.Errorf("reconstruction[%d] = %v, torch %v", i, rec[i], ref.Reconstruction[i])
	}
}
