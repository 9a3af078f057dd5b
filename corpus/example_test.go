package corpus_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/latent-go/latent/corpus"
)

func Example() {
	ctx := context.Background()
	text := "The cat sat on the mat.\nThe dog sat on the log.\n"
	src := &corpus.Source{Paths: []string{"-"}, Stdin: strings.NewReader(text)}
	defer src.Close()
	voc, err := corpus.BuildVocab(ctx, src, corpus.VocabOptions{MinCount: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(voc.Words, voc.Counts)
	enc, err := corpus.Encode(ctx, src, voc, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer enc.Close()
	enc.Each(ctx, func(ids []int32) error {
		fmt.Println(ids)
		return nil
	})
	// Output:
	// [the on sat] [4 2 2]
	// [0 2 1 0]
	// [0 2 1 0]
}

func ExampleTokenizer_Append() {
	fmt.Printf("%q\n", corpus.Tokenizer{}.Append(nil, "“Naïve” readers don’t pay $3.50—ever!"))
	// Output: ["naïve" "readers" "don't" "pay" "3.50" "ever"]
}
