package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/latent-go/latent/embedding"
)

// wordVectorFlags are the vector-file flags of the words query and eval
// verbs, which take the file as their first argument.
func wordVectorFlags(fs *pflag.FlagSet, v *vectorFlags) {
	fs.StringVar(&v.format, "format", "", "vector file format when the name does not say: word2vec, word2vec-binary, glove, tsv, npy, csv")
	fs.StringVar(&v.maxMemory, "max-memory", "", "refuse vector files that need more memory than `SIZE` (e.g. 2GiB)")
	fs.BoolVarP(&v.quiet, "quiet", "q", false, "no messages on stderr")
}

// loadWordVectors reads the vector file and says on stderr how long it
// took, apart from the query time.
func loadWordVectors(e *env, v *vectorFlags, path string) (*embedding.Table, error) {
	opt, err := v.options(e)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	t, err := loadVectors(path, v.format, opt)
	if err != nil {
		return nil, badInput(err)
	}
	if !v.quiet {
		fmt.Fprintf(e.stderr, "loaded %s: %d vectors of dimension %d in %s\n", path, t.Len(), t.Dim, time.Since(start).Round(time.Millisecond))
	}
	return t, nil
}

// queryError makes an unknown word bad input (exit 2).
func queryError(err error) error {
	var uw *embedding.UnknownWordError
	if errors.As(err, &uw) {
		return usageError{fmt.Errorf("%w: not in the vector file (words are matched exactly, case included)", err)}
	}
	return err
}

// answer normalises the vectors and answers the queries in one batch,
// saying on stderr how long each step took.
func answer(e *env, v *vectorFlags, t *embedding.Table, qs []embedding.Query) ([][]embedding.Neighbor, error) {
	start := time.Now()
	s := embedding.NewSpace(t)
	norm := time.Since(start)
	start = time.Now()
	res, err := s.NearestBatch(qs)
	if err != nil {
		return nil, queryError(err)
	}
	if !v.quiet {
		fmt.Fprintf(e.stderr, "normalised the vectors in %s, answered %d queries in %s\n", norm.Round(time.Millisecond), len(qs), time.Since(start).Round(100*time.Microsecond))
	}
	return res, nil
}

// answerJSON is one query's answers in --json output.
type answerJSON struct {
	Query     string               `json:"query"`
	Method    string               `json:"method,omitempty"`
	Neighbors []embedding.Neighbor `json:"neighbors"`
}

type queryOpts struct {
	vec      vectorFlags
	k        int
	restrict int
	json     bool
}

func (o *queryOpts) register(fs *pflag.FlagSet) {
	fs.IntVarP(&o.k, "k", "k", 10, "answers per query")
	fs.IntVar(&o.restrict, "restrict", 0, "only the first `N` words of the file are answers (files list frequent words first); 0: all")
	fs.BoolVar(&o.json, "json", false, "print one JSON object on stdout instead of a table")
	wordVectorFlags(fs, &o.vec)
}

func (o *queryOpts) check() error {
	if o.k < 1 {
		return usagef("-k %d: want at least 1", o.k)
	}
	if o.restrict < 0 {
		return usagef("--restrict %d: want 0 (all words) or more", o.restrict)
	}
	return nil
}

// printAnswers prints answers as a numbered table, or JSON.
func printAnswers(e *env, o *queryOpts, path string, answers []answerJSON) error {
	if o.json {
		return writeJSON(e.stdout, struct {
			Vectors  string       `json:"vectors"`
			K        int          `json:"k"`
			Restrict int          `json:"restrict"`
			Results  []answerJSON `json:"results"`
		}{path, o.k, o.restrict, answers})
	}
	tw := newTable(e.stdout)
	for i, a := range answers {
		if i > 0 {
			tw.row("")
		}
		title := a.Query
		if a.Method != "" {
			title += " (" + a.Method + ")"
		}
		tw.row(title)
		for j, n := range a.Neighbors {
			tw.row("  "+strconv.Itoa(j+1), n.Key, strconv.FormatFloat(n.Score, 'f', 4, 64))
		}
	}
	return tw.flush()
}

func wordsSimilarCmd(e *env) *cobra.Command {
	o := &queryOpts{}
	cmd := &cobra.Command{
		Use:   "similar VECTORS WORD... [-k 10] [--restrict N] [--json]",
		Short: "List the words nearest each WORD by cosine similarity",
		Long: `For each WORD, list the -k words of the vector file whose vectors have the
largest cosine similarity with its vector, best first (gensim's
most_similar). The word itself is never an answer; ties go to the word
earlier in the file. Words are matched exactly, case included; an unknown
word is an error (exit 2).

--restrict N keeps only the first N words of the file as answers: vector
files list frequent words first, so this drops rare words and misspellings.

The vectors are normalised once after loading; every WORD is then answered
in one pass over the matrix. The load time goes to stderr.`,
		Example: `  latent words similar ~/.cache/latent/glove/glove.6B.100d.txt king
  latent words similar vectors.txt king queen paris -k 5 --restrict 50000
  latent words similar vectors.bin frog --json`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(c *cobra.Command, args []string) error { return runWordsSimilar(e, o, args[0], args[1:]) },
	}
	o.register(cmd.Flags())
	return cmd
}

func runWordsSimilar(e *env, o *queryOpts, path string, words []string) error {
	if err := o.check(); err != nil {
		return err
	}
	t, err := loadWordVectors(e, &o.vec, path)
	if err != nil {
		return err
	}
	qs := make([]embedding.Query, len(words))
	for i, w := range words {
		qs[i] = embedding.Query{Positive: []string{w}, K: o.k, Restrict: o.restrict}
	}
	res, err := answer(e, &o.vec, t, qs)
	if err != nil {
		return err
	}
	answers := make([]answerJSON, len(words))
	for i, w := range words {
		answers[i] = answerJSON{Query: w, Neighbors: res[i]}
	}
	return printAnswers(e, o, path, answers)
}

type analogyOpts struct {
	queryOpts
	method             string
	positive, negative []string
}

func wordsAnalogyCmd(e *env) *cobra.Command {
	o := &analogyOpts{}
	cmd := &cobra.Command{
		Use:   "analogy VECTORS A B C | VECTORS --positive W,... [--negative W,...] [--method 3cosadd|3cosmul|both]",
		Short: "Answer A − B + C (king man woman: queen)",
		Long: `Answer a word analogy: "latent words analogy VECTORS A B C" finds the words
nearest A − B + C, read "B is to A as C is to ?": king man woman asks what
is to woman as king is to man, and the answer is queen. (In an analogy test
file the same question is written "man king woman queen".) It is gensim's
most_similar(positive=[A, C], negative=[B]).

With --positive and --negative any number of words add and subtract
(comma-separated or repeated flags), e.g. --positive paris,germany
--negative france.

--method chooses the scoring:
  3cosadd  cosine with the normalised sum of unit vectors, positives minus
           negatives (Mikolov et al. 2013; gensim most_similar); the default
  3cosmul  Π (1+cos(x,p))/2 over positives / (Π (1+cos(x,n))/2 over
           negatives + 1e-6) (Levy & Goldberg 2014; gensim
           most_similar_cosmul), less dominated by one large similarity
  both     both lists
The question words are never answers. --restrict N keeps only the first N
words of the file as answers.`,
		Example: `  latent words analogy ~/.cache/latent/glove/glove.6B.100d.txt king man woman
  latent words analogy vectors.txt king man woman --method 3cosmul -k 3
  latent words analogy vectors.txt --positive paris,germany --negative france --restrict 100000`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runWordsAnalogy(e, o, args[0], args[1:]) },
	}
	fs := cmd.Flags()
	fs.StringVar(&o.method, "method", "3cosadd", "scoring: 3cosadd, 3cosmul or both")
	fs.StringSliceVar(&o.positive, "positive", nil, "words to add (instead of A B C)")
	fs.StringSliceVar(&o.negative, "negative", nil, "words to subtract")
	o.register(fs)
	return cmd
}

func runWordsAnalogy(e *env, o *analogyOpts, path string, words []string) error {
	if err := o.check(); err != nil {
		return err
	}
	var methods []embedding.Method
	if strings.EqualFold(o.method, "both") {
		methods = []embedding.Method{embedding.CosAdd, embedding.CosMul}
	} else {
		m, err := embedding.ParseMethod(o.method)
		if err != nil {
			return usagef("--method %q: want 3cosadd, 3cosmul or both", o.method)
		}
		methods = []embedding.Method{m}
	}
	pos, neg := o.positive, o.negative
	switch {
	case len(words) > 0 && (len(pos) > 0 || len(neg) > 0):
		return usagef("give either A B C or --positive/--negative, not both")
	case len(words) > 0 && len(words) != 3:
		return usagef("want three words A B C (A − B + C), got %d", len(words))
	case len(words) == 3:
		pos, neg = []string{words[0], words[2]}, []string{words[1]}
	case len(pos) == 0:
		return usagef("want three words A B C, or --positive (and --negative) words")
	}
	t, err := loadWordVectors(e, &o.vec, path)
	if err != nil {
		return err
	}
	var qs []embedding.Query
	for _, m := range methods {
		qs = append(qs, embedding.Query{Positive: pos, Negative: neg, Method: m, K: o.k, Restrict: o.restrict})
	}
	res, err := answer(e, &o.vec, t, qs)
	if err != nil {
		return err
	}
	title := strings.Join(pos, " + ")
	if len(neg) > 0 {
		title += " − " + strings.Join(neg, " − ")
	}
	if len(words) == 3 {
		title = words[0] + " − " + words[1] + " + " + words[2]
	}
	var answers []answerJSON
	for i, m := range methods {
		answers = append(answers, answerJSON{Query: title, Method: m.String(), Neighbors: res[i]})
	}
	return printAnswers(e, &o.queryOpts, path, answers)
}

type oddoneOpts struct {
	vec  vectorFlags
	json bool
}

func wordsOddoneCmd(e *env) *cobra.Command {
	o := &oddoneOpts{}
	cmd := &cobra.Command{
		Use:   "oddone VECTORS WORD WORD... [--json]",
		Short: "Say which word does not belong with the others",
		Long: `Print the WORD that fits least with the others: the one whose vector has
the smallest cosine with the mean of all the words' unit vectors (gensim's
doesnt_match). Words are matched exactly; an unknown word is an error
(exit 2), where gensim would drop it.`,
		Example: `  latent words oddone ~/.cache/latent/glove/glove.6B.100d.txt breakfast cereal dinner lunch
  latent words oddone vectors.txt france germany italy paris spain --json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runWordsOddone(e, o, args[0], args[1:]) },
	}
	fs := cmd.Flags()
	fs.BoolVar(&o.json, "json", false, "print one JSON object on stdout")
	wordVectorFlags(fs, &o.vec)
	return cmd
}

func runWordsOddone(e *env, o *oddoneOpts, path string, words []string) error {
	if len(words) < 3 {
		// With two words both are equally far from their mean.
		return usagef("want at least three words, got %d", len(words))
	}
	t, err := loadWordVectors(e, &o.vec, path)
	if err != nil {
		return err
	}
	odd, err := embedding.NewSpace(t).OddOneOut(words)
	if err != nil {
		return queryError(err)
	}
	if o.json {
		return writeJSON(e.stdout, struct {
			Vectors string   `json:"vectors"`
			Words   []string `json:"words"`
			OddOne  string   `json:"odd_one_out"`
		}{path, words, odd})
	}
	_, err = fmt.Fprintln(e.stdout, odd)
	return err
}
