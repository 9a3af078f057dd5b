package dataset_test

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/latent-go/latent/dataset"
)

// Read a small table with a label column, split it with a seed, fit a
// scaler on the training rows only and apply it to every row: the
// validation row may fall outside [0, 1], as new data will.
func Example() {
	in := `sepal,petal,species
5.1,1.4,setosa
7.0,4.7,versicolor
6.3,6.0,virginica
4.9,1.4,setosa
`
	s, err := dataset.ReadCSV(strings.NewReader(in), "iris.csv", dataset.Options{LabelColumn: "species"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.N, "samples of", s.D, "features:", s.Columns, s.Labels)

	train, val := dataset.Split(s.N, 0.25, rand.New(rand.NewPCG(1, 2)))
	fmt.Println(len(train), "train,", len(val), "validation")

	sc, _ := dataset.FitScaler("minmax", s.Subset(train))
	sc.Transform(s.X)
	for i := range s.N {
		fmt.Printf("%-10s %.3f\n", s.Labels[i], s.Row(i))
	}

	_, err = dataset.ReadCSV(strings.NewReader("a,b\n1,2\n3,x\n"), "bad.csv", dataset.Options{})
	fmt.Println(err)
	// Output:
	// 4 samples of 2 features: [sepal petal] [setosa versicolor virginica setosa]
	// 3 train, 1 validation
	// setosa     [0.095 0.000]
	// versicolor [1.000 1.000]
	// virginica  [0.667 1.394]
	// setosa     [0.000 0.000]
	// dataset: bad.csv line 3 field 2 ("x"): not a number
}
