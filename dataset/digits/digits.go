// Package digits embeds scikit-learn's 8x8 handwritten digits — 1,797
// images of the digits 0 to 9, each 64 pixels valued 0..16 — so that every
// latent binary, test and example has real data to train on without a
// download. It is small enough to train an autoencoder on in seconds and
// real enough for the comparison with PCA to mean something.
//
// The data is the test set of the UCI "Optical Recognition of Handwritten
// Digits" data set as shipped with scikit-learn (BSD-3-Clause; see LICENSE).
package digits

import (
	"bytes"
	_ "embed"
	"fmt"

	"github.com/latent-go/latent/dataset"
)

// digitsCSV is sklearn/datasets/data/digits.csv.gz, unchanged: 1,797 rows
// of 64 pixel values followed by the digit, no header.
//
//go:embed digits.csv.gz
var digitsCSV []byte

// N and D are the number of images and of pixels per image.
const (
	N = 1797
	D = 64
)

// Load returns a fresh copy of the data set: X holds the raw pixel values
// 0..16 (scale them with a dataset.Scaler), Shape is [8 8], Labels are the
// digits "0".."9" and Keys are "digit-0000".."digit-1796" in file order
// (the order of sklearn.datasets.load_digits). Callers may modify it.
func Load() *dataset.Set {
	s, err := dataset.ReadCSV(bytes.NewReader(digitsCSV), "digits.csv.gz", dataset.Options{Header: "no", LabelColumn: "64"})
	if err != nil || s.N != N || s.D != D {
		panic(fmt.Sprintf("digits: embedded data is corrupt: %v", err)) // cannot happen: tested
	}
	s.Shape = []int{8, 8}
	s.Keys = make([]string, s.N)
	for i := range s.Keys {
		s.Keys[i] = fmt.Sprintf("digit-%04d", i)
	}
	s.Source = "digits"
	return s
}
