package main

import "github.com/spf13/cobra"

// wordsCmd groups the word-vector verbs: training word2vec and GloVe,
// querying vector files, and evaluating them.
func wordsCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "words",
		Short: "Train, query and evaluate word vectors",
		Long: `latent words trains word2vec and GloVe vectors from text, answers similarity,
analogy and odd-one-out queries on any vector file (word2vec text or binary,
GloVe, projector TSV, NPY, CSV), and evaluates vectors against human
similarity judgements, analogy questions and a downstream classifier.`,
	}
	c.AddCommand(wordsTrainCmd(e), wordsSimilarCmd(e), wordsAnalogyCmd(e), wordsOddoneCmd(e), wordsEvalCmd(e), wordsProbeCmd(e))
	return c
}
