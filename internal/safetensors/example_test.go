package safetensors_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/latent-go/latent/internal/safetensors"
)

func Example() {
	f := &safetensors.File{Metadata: map[string]string{"latent": `{"format":1}`}}
	f.AddF32("encoder.0.weight", []int{2, 3}, []float32{1, 2, 3, 4, 5, 6})
	f.AddF32("encoder.0.bias", []int{2}, []float32{0.5, -0.5})

	var buf bytes.Buffer
	if err := safetensors.Write(&buf, f); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d bytes, header %q\n", buf.Len(), buf.Bytes()[8:buf.Len()-32])

	g, err := safetensors.Read(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		log.Fatal(err)
	}
	w, shape, err := g.F32("encoder.0.weight")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(shape, w, g.Metadata["latent"])
	// Output:
	// 224 bytes, header "{\"__metadata__\":{\"latent\":\"{\\\"format\\\":1}\"},\"encoder.0.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"encoder.0.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[8,32]}}   "
	// [2 3] [1 2 3 4 5 6] {"format":1}
}
