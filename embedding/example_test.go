package embedding_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/latent-go/latent/embedding"
)

func Example() {
	in := `3 4
king 0.5 0.7 -0.1 0.2
queen 0.45 0.72 0.3 0.2
apple -0.6 0.1 0.8 0.05
`
	t, err := embedding.ReadWord2VecText(strings.NewReader(in), "vectors.txt", embedding.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	i, _ := t.Index("queen")
	fmt.Println(t.Len(), "vectors of dimension", t.Dim, "- queen is row", i, t.Row(i))

	// Written as GloVe (no header line), the same table reads back.
	embedding.WriteGloVe(os.Stdout, t)
	// Output:
	// 3 vectors of dimension 4 - queen is row 1 [0.45 0.72 0.3 0.2]
	// king 0.5 0.7 -0.1 0.2
	// queen 0.45 0.72 0.3 0.2
	// apple -0.6 0.1 0.8 0.05
}

// Problems name the file and the line.
func Example_errors() {
	for _, in := range []string{
		"2 3\nking 1 2 3\nqueen 1 2\n",
		"2 3\nking 1 2 3\nking 4 5 6\n",
		"5 3\nking 1 2 3\n",
	} {
		_, err := embedding.ReadWord2VecText(strings.NewReader(in), "vec.txt", embedding.Options{})
		fmt.Println(err)
	}
	// Output:
	// embedding: vec.txt line 3: want 3 values, got 2
	// embedding: vec.txt line 3: duplicate key "king" (first on line 2)
	// embedding: vec.txt: the header promises 5 vectors, the file has 1
}

func ExampleParseSize() {
	for _, s := range []string{"512MB", "2GiB", "1.5G"} {
		n, _ := embedding.ParseSize(s)
		fmt.Println(s, n, embedding.FormatSize(n))
	}
	// Output:
	// 512MB 512000000 488.3 MiB
	// 2GiB 2147483648 2 GiB
	// 1.5G 1610612736 1.5 GiB
}
