package main

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/latent-go/latent/embedding"
)

type wordsEvalOpts struct {
	vec           vectorFlags
	similarity    []string
	analogy       []string
	restrict      int
	oov           string
	caseSensitive bool
	json          bool
}

func wordsEvalCmd(e *env) *cobra.Command {
	o := &wordsEvalOpts{}
	cmd := &cobra.Command{
		Use:   "eval VECTORS --similarity FILE... --analogy FILE [--restrict 300000] [--oov skip|zero] [--json]",
		Short: "Score word vectors on similarity judgements and analogy questions",
		Long: `Evaluate word vectors intrinsically, with the rules of gensim's
evaluate_word_pairs and evaluate_word_analogies (agreement to 0.001 is
tested):

--similarity FILE: word pairs with human scores ("word1<TAB>word2<TAB>score",
  '#' comments, as WordSim-353 and SimLex-999 are distributed with gensim;
  the authors' files with a header line are read too). Reported: Spearman
  and Pearson correlation of the cosines with the human scores, the pairs
  used, and the pairs with an out-of-vocabulary word.
--analogy FILE: ": section" lines, then "a b c d" questions (the Google set,
  questions-words.txt). Each question asks for b − a + c among the known
  words, a, b and c excluded; it is right when the best answer is d.
  Reported: accuracy per section and in total, for 3CosAdd and 3CosMul.

The vocabulary is the first --restrict words of the file (default 300000,
gensim's; 0: all): a word beyond it counts as unknown, and only those words
can be answers. Words are compared upper-cased, the first of several case
variants standing for all, unless --case-sensitive.

--oov says what happens to a pair or question with an unknown word:
  skip  left out of the correlation or accuracy (gensim's default); the OOV
        count says how much was left out
  zero  kept, as similarity 0 or a wrong answer (gensim's dummy4unknown)
The OOV fraction is always shown: scores of vector sets with different
vocabularies are only comparable together with it.

Malformed lines in the evaluation files are errors naming file and line
(exit 2); gensim skips them.`,
		Example: `  D=/path/to/wordsim   # WordSim-353, SimLex-999, questions-words.txt
  latent words eval ~/.cache/latent/glove/glove.6B.100d.txt \
      --similarity $D/wordsim353.tsv,$D/simlex999.txt --analogy $D/questions-words.txt
  latent words eval vectors.bin --similarity ws353.tsv --oov zero --restrict 0 --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runWordsEval(e, o, args[0]) },
	}
	fs := cmd.Flags()
	fs.StringSliceVar(&o.similarity, "similarity", nil, "word-similarity `FILE`s (comma-separated or repeated)")
	fs.StringSliceVar(&o.analogy, "analogy", nil, "analogy question `FILE`s (comma-separated or repeated)")
	fs.IntVar(&o.restrict, "restrict", embedding.DefaultRestrict, "vocabulary cut-off: the first `N` words of the file are known; 0: all")
	fs.StringVar(&o.oov, "oov", "skip", "out-of-vocabulary policy: skip or zero")
	fs.BoolVar(&o.caseSensitive, "case-sensitive", false, "match words exactly instead of upper-cased")
	fs.BoolVar(&o.json, "json", false, "print one JSON object on stdout instead of tables")
	wordVectorFlags(fs, &o.vec)
	return cmd
}

// wordsEvalSummary is what words eval prints with --json.
type wordsEvalSummary struct {
	Vectors       string                        `json:"vectors"`
	Words         int                           `json:"words"`
	Dim           int                           `json:"dim"`
	Restrict      int                           `json:"restrict"`
	OOVPolicy     embedding.OOVPolicy           `json:"oov_policy"`
	CaseSensitive bool                          `json:"case_sensitive"`
	Similarity    []*embedding.SimilarityResult `json:"similarity"`
	Analogies     []*embedding.AnalogyResult    `json:"analogies"`
}

func runWordsEval(e *env, o *wordsEvalOpts, path string) error {
	if len(o.similarity) == 0 && len(o.analogy) == 0 {
		return usagef("nothing to evaluate: give --similarity and/or --analogy files")
	}
	if o.restrict < 0 {
		return usagef("--restrict %d: want 0 (all words) or more", o.restrict)
	}
	policy, err := embedding.ParseOOVPolicy(o.oov)
	if err != nil {
		return usagef("--oov %q: want skip or zero", o.oov)
	}
	opt := embedding.EvalOptions{Restrict: o.restrict, OOV: policy, CaseSensitive: o.caseSensitive}
	if o.restrict == 0 {
		opt.Restrict = -1 // the whole table
	}
	// Read the evaluation files first: a typo there should not cost a
	// minute of loading vectors.
	pairs := make([][]embedding.Pair, len(o.similarity))
	for i, f := range o.similarity {
		if pairs[i], err = embedding.LoadPairs(f); err != nil {
			return badInput(err)
		}
	}
	questions := make([][]embedding.Section, len(o.analogy))
	for i, f := range o.analogy {
		if questions[i], err = embedding.LoadAnalogies(f); err != nil {
			return badInput(err)
		}
	}
	t, err := loadWordVectors(e, &o.vec, path)
	if err != nil {
		return err
	}
	sum := wordsEvalSummary{Vectors: path, Words: t.Len(), Dim: t.Dim, OOVPolicy: policy, CaseSensitive: o.caseSensitive,
		Similarity: []*embedding.SimilarityResult{}, Analogies: []*embedding.AnalogyResult{}}
	sum.Restrict = t.Len()
	if o.restrict > 0 {
		sum.Restrict = min(o.restrict, t.Len())
	}
	for i, f := range o.similarity {
		r, err := embedding.ScorePairs(t, pairs[i], filepath.Base(f), opt)
		if err != nil {
			return badInput(err)
		}
		sum.Similarity = append(sum.Similarity, r)
	}
	if len(o.analogy) > 0 {
		s := embedding.NewSpace(t)
		for i, f := range o.analogy {
			start := time.Now()
			r := embedding.ScoreAnalogies(s, questions[i], filepath.Base(f), opt)
			if !o.vec.quiet {
				fmt.Fprintf(e.stderr, "answered %s in %s\n", filepath.Base(f), time.Since(start).Round(time.Millisecond))
			}
			sum.Analogies = append(sum.Analogies, r)
		}
	}
	if o.json {
		return writeJSON(e.stdout, sum)
	}
	return printWordsEval(e, &sum)
}

func pctOf(n, of int) string {
	if of == 0 {
		return "0 (0.0%)"
	}
	return fmt.Sprintf("%d (%.1f%%)", n, 100*float64(n)/float64(of))
}

func corrString(v float64) string {
	if math.IsNaN(v) {
		return "NaN"
	}
	return strconv.FormatFloat(v, 'f', 4, 64)
}

func accuracyString(s embedding.SectionResult) string {
	if s.Scored == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f%% (%d/%d)", 100*s.Accuracy, s.Correct, s.Scored)
}

func printWordsEval(e *env, s *wordsEvalSummary) error {
	cs := "case-insensitive"
	if s.CaseSensitive {
		cs = "case-sensitive"
	}
	policy := "skip (left out of the scores)"
	if s.OOVPolicy == embedding.OOVZero {
		policy = "zero (similarity 0, answer wrong)"
	}
	fmt.Fprintf(e.stdout, "vectors %s: %d words, dimension %d\n", s.Vectors, s.Words, s.Dim)
	fmt.Fprintf(e.stdout, "vocabulary: the first %d words, %s; out-of-vocabulary items: %s\n", s.Restrict, cs, policy)
	var nan bool
	if len(s.Similarity) > 0 {
		fmt.Fprintln(e.stdout)
		tw := newTable(e.stdout)
		tw.row("similarity", "pairs", "used", "OOV", "Spearman", "Pearson")
		for _, r := range s.Similarity {
			tw.row(r.File, strconv.Itoa(r.Pairs), strconv.Itoa(r.Used), pctOf(r.OOV, r.Pairs), corrString(r.Spearman), corrString(r.Pearson))
			nan = nan || math.IsNaN(r.Spearman) || math.IsNaN(r.Pearson)
		}
		if err := tw.flush(); err != nil {
			return err
		}
		if nan {
			fmt.Fprintln(e.stdout, "NaN: fewer than two pairs used, or the scores or cosines are all equal")
		}
	}
	for _, a := range s.Analogies {
		fmt.Fprintf(e.stdout, "\nanalogies %s: %d questions, OOV %s\n", a.File, a.Questions, pctOf(a.OOV, a.Questions))
		tw := newTable(e.stdout)
		head := []string{"section", "questions", "OOV"}
		for _, m := range a.Methods {
			head = append(head, m.Method.String())
		}
		tw.row(head...)
		for i, sec := range a.Methods[0].Sections {
			cells := []string{sec.Name, strconv.Itoa(sec.Questions), strconv.Itoa(sec.OOV)}
			for _, m := range a.Methods {
				cells = append(cells, accuracyString(m.Sections[i]))
			}
			tw.row(cells...)
		}
		all := a.Methods[0].Overall
		cells := []string{"total", strconv.Itoa(all.Questions), strconv.Itoa(all.OOV)}
		for _, m := range a.Methods {
			cells = append(cells, accuracyString(m.Overall))
		}
		tw.row(cells...)
		if err := tw.flush(); err != nil {
			return err
		}
	}
	return nil
}
