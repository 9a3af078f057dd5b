package probe_test

import (
	"fmt"
	"strings"

	"github.com/latent-go/latent/probe"
)

// A bag-of-words probe on a toy task: is a sentence about weather or food?
func ExampleCrossValidate() {
	var docs []probe.Document
	for _, s := range []string{
		"weather: rain and wind today", "weather: sunny and warm", "weather: cold wind and snow",
		"weather: rain later, then sun", "food: bread and cheese", "food: warm soup and bread",
		"food: cheese and wine", "food: soup for dinner",
	} {
		label, text, _ := strings.Cut(s, ": ")
		docs = append(docs, probe.Document{Label: label, Tokens: strings.Fields(text)})
	}
	res, err := probe.CrossValidate(docs, &probe.TFIDF{MinDF: 1}, probe.Config{Folds: 2, C: 10, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("labels %v, F1 of %q, %d folds\n", res.Labels, res.Positive, len(res.Folds))
	fmt.Printf("accuracy %.2f\n", res.Mean.Accuracy)
	// Output:
	// labels [food weather], F1 of "food", 2 folds
	// accuracy 0.88
}
