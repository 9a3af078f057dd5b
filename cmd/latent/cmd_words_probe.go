package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/latent-go/latent/corpus"
	"github.com/latent-go/latent/probe"
)

type wordsProbeOpts struct {
	vec      vectorFlags
	data     string
	folds    int
	c        float64
	minDF    int
	positive string
	seed     uint64
	json     bool
}

// probeRow is one feature set's cross-validated scores.
type probeRow struct {
	Features string `json:"features"`
	// Coverage is the fraction of tokens that have a vector, and Empty
	// the documents with none (their mean vector is zero); both absent for
	// the bag of words.
	Coverage *float64 `json:"token_coverage,omitempty"`
	Empty    *int     `json:"documents_without_vectors,omitempty"`
	*probe.Result
}

// probeSummary is what words probe prints.
type probeSummary struct {
	Data      string     `json:"data"`
	Documents int        `json:"documents"`
	Folds     int        `json:"folds"`
	C         float64    `json:"c"`
	Seed      uint64     `json:"seed"`
	Rows      []probeRow `json:"results"`
}

func wordsProbeCmd(e *env) *cobra.Command {
	o := &wordsProbeOpts{}
	cmd := &cobra.Command{
		Use:   "probe VECTORS... --data DIR|FILE.tsv [--folds 5] [--c 1] [--json]",
		Short: "Judge word vectors by a document classifier built on them",
		Long: `Represent each labelled document by the mean of its word vectors and
measure how well a logistic regression tells the labels apart: stratified
k-fold cross-validated accuracy and F1, for each VECTORS file, next to a
bag-of-words baseline (TF-IDF over the words in at least --min-df training
documents, as scikit-learn's TfidfVectorizer). Documents are tokenised as
'latent words train' tokenises a corpus (lower-cased, punctuation dropped).

--data is a folder with one sub-folder per label holding one text file per
document (scripts/get-data.sh spam writes the SpamAssassin mails so), or a
file of "label<TAB>text" lines. With two labels F1 is that of --positive
(default: the rarer label); with more it is the macro F1. Every feature set
sees the same folds for a given --seed. The classifier is scikit-learn's
LogisticRegression(C=--c): L2-penalised, multinomial beyond two labels.`,
		Example: `  scripts/get-data.sh spam glove
  latent words probe ~/.cache/latent/glove/glove.6B.100d.txt --data ~/.cache/latent/spam
  latent words probe w2v.txt glove.txt --data reviews.tsv --folds 10 --json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runWordsProbe(e, o, args) },
	}
	fs := cmd.Flags()
	fs.StringVar(&o.data, "data", "", "labelled documents: a `DIR` of label sub-folders, or a label<TAB>text file")
	fs.IntVar(&o.folds, "folds", 5, "cross-validation folds")
	fs.Float64Var(&o.c, "c", 1, "inverse L2 regularisation strength of the logistic regression")
	fs.IntVar(&o.minDF, "min-df", 2, "bag of words: keep words in at least this many training documents")
	fs.StringVar(&o.positive, "positive", "", "with two labels, the label whose F1 is reported (default: the rarer)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the fold assignment")
	fs.StringVar(&o.vec.format, "format", "", "vector file format when the name does not say: word2vec, word2vec-binary, glove, tsv, npy, csv")
	fs.StringVar(&o.vec.maxMemory, "max-memory", "", "refuse vector files that need more memory than `SIZE` (e.g. 2GiB)")
	fs.BoolVarP(&o.vec.quiet, "quiet", "q", false, "no messages on stderr")
	fs.BoolVar(&o.json, "json", false, "print one JSON object on stdout instead of a table")
	return cmd
}

func runWordsProbe(e *env, o *wordsProbeOpts, files []string) error {
	switch {
	case o.data == "":
		return usagef("--data is required: a folder of label sub-folders or a label<TAB>text file")
	case o.folds < 2:
		return usagef("--folds %d: want at least 2", o.folds)
	case !(o.c > 0):
		return usagef("--c %g: want a positive number", o.c)
	case o.minDF < 1:
		return usagef("--min-df %d: want at least 1", o.minDF)
	}
	opt, err := o.vec.options(e)
	if err != nil {
		return err
	}
	docs, err := probe.ReadDocuments(o.data, corpus.Tokenizer{}.Append)
	if err != nil {
		return badInput(err)
	}
	cfg := probe.Config{Folds: o.folds, C: o.c, Positive: o.positive, Seed: o.seed}
	s := probeSummary{Data: o.data, Documents: len(docs), Folds: o.folds, C: o.c, Seed: o.seed}
	for _, f := range files {
		t, err := loadVectors(f, o.vec.format, opt)
		if err != nil {
			return badInput(err)
		}
		v := probe.TableVectors(t)
		res, err := probe.CrossValidate(docs, probe.MeanVectors{Vectors: v}, cfg)
		if err != nil {
			return badInput(err)
		}
		known, total, empty := probe.Coverage(docs, v)
		cov := float64(known) / float64(max(total, 1))
		s.Rows = append(s.Rows, probeRow{Features: "mean vectors: " + filepath.Base(f), Coverage: &cov, Empty: &empty, Result: res})
	}
	res, err := probe.CrossValidate(docs, &probe.TFIDF{MinDF: o.minDF}, cfg)
	if err != nil {
		return badInput(err)
	}
	s.Rows = append(s.Rows, probeRow{Features: "bag of words (tf-idf)", Result: res})
	if o.json {
		return writeJSON(e.stdout, s)
	}
	first := s.Rows[0].Result
	counts := ""
	for i, l := range first.Labels {
		if i > 0 {
			counts += ", "
		}
		counts += fmt.Sprintf("%s %d", l, first.Counts[i])
	}
	f1 := "macro F1"
	if first.Positive != "" {
		f1 = "F1 (" + first.Positive + ")"
	}
	fmt.Fprintf(e.stdout, "%d documents (%s); logistic regression C=%g, %d-fold stratified cross-validation, seed %d\n\n",
		len(docs), counts, o.c, o.folds, o.seed)
	tw := newTable(e.stdout)
	tw.row("features", "dims", "accuracy", f1, "token coverage")
	for _, r := range s.Rows {
		cov := "-"
		if r.Coverage != nil {
			cov = fmt.Sprintf("%.1f%% (%d documents without vectors)", 100**r.Coverage, *r.Empty)
		}
		tw.row(r.Features, fmt.Sprint(r.Dims),
			fmt.Sprintf("%.4f ± %.4f", r.Mean.Accuracy, r.Std.Accuracy),
			fmt.Sprintf("%.4f ± %.4f", r.Mean.F1, r.Std.F1), cov)
	}
	return tw.flush()
}
