package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/distance"
	"github.com/latent-go/latent/embedding"
	"github.com/latent-go/latent/knn"
)

// vectorFlags are the input flags of the verbs that read a vector table.
type vectorFlags struct {
	data, format, maxMemory string
	labels, labelColumn     string
	quiet                   bool
}

func (v *vectorFlags) register(fs *pflag.FlagSet, withLabels bool) {
	fs.StringVar(&v.data, "data", "", "vectors `FILE`: word2vec .txt/.vec/.bin, GloVe, projector .tsv, .npy, .csv (as 'latent encode' writes), IDX; optionally .gz")
	fs.StringVar(&v.format, "format", "", "input format when the name does not say: word2vec, word2vec-binary, glove, tsv, npy, csv, idx")
	fs.StringVar(&v.maxMemory, "max-memory", "", "refuse inputs that need more memory than `SIZE` (e.g. 512MB, 2GiB)")
	fs.BoolVarP(&v.quiet, "quiet", "q", false, "no messages on stderr")
	if withLabels {
		fs.StringVar(&v.labels, "labels", "", "labels `FILE` (one per line, IDX or NPY), one per vector")
		fs.StringVar(&v.labelColumn, "label-column", "", "CSV column (name or 0-based index) holding the labels (default: the column named label)")
	}
}

// options turns the flags into embedding options; errors are usage errors.
func (v *vectorFlags) options(e *env) (embedding.Options, error) {
	opt := embedding.Options{LabelColumn: v.labelColumn}
	if v.maxMemory != "" {
		n, err := embedding.ParseSize(v.maxMemory)
		if err != nil || n <= 0 {
			return opt, usagef("--max-memory %q: want a size such as 512MB or 2GiB", v.maxMemory)
		}
		opt.MaxMemory = n
	}
	if v.format != "" && !isDatasetFormat(v.format) {
		f, err := embedding.ParseFormat(v.format)
		if err != nil {
			return opt, usagef("--format: %v", err)
		}
		opt.Format = f
	}
	if !v.quiet {
		opt.Log = e.stderr
	}
	return opt, nil
}

// load reads the table --data names, with labels from --labels; problems
// with the files are bad input (exit 2).
func (v *vectorFlags) load(e *env) (*embedding.Table, error) {
	if v.data == "" {
		return nil, usagef("--data is required")
	}
	opt, err := v.options(e)
	if err != nil {
		return nil, err
	}
	t, err := loadVectors(v.data, v.format, opt)
	if err != nil {
		return nil, badInput(err)
	}
	if v.labels != "" {
		if t.Labels != nil {
			return nil, usagef("%s already has labels; drop --labels %s", v.data, v.labels)
		}
		labels, err := dataset.ReadLabels(v.labels)
		if err != nil {
			return nil, badInput(err)
		}
		if len(labels) != t.Len() {
			return nil, usagef("--labels %s: %d labels for %d vectors in %s", v.labels, len(labels), t.Len(), v.data)
		}
		t.Labels = labels
	}
	return t, nil
}

func isDatasetFormat(f string) bool { return f == "idx" || f == "png" }

// loadVectors reads a vector table; IDX files and PNG folders (image data,
// not embeddings) go through package dataset, rows named by their number.
func loadVectors(path, format string, opt embedding.Options) (*embedding.Table, error) {
	lower := strings.ToLower(strings.TrimSuffix(strings.ToLower(path), ".gz"))
	st, statErr := os.Stat(path)
	isDir := statErr == nil && st.IsDir()
	if isDatasetFormat(format) || isDir || strings.HasSuffix(lower, ".idx") || strings.HasSuffix(lower, "-ubyte") {
		s, err := dataset.Load(path, dataset.Options{Format: format})
		if err != nil {
			return nil, err
		}
		keys := s.Keys
		if keys == nil {
			keys = make([]string, s.N)
			for i := range keys {
				keys[i] = strconv.Itoa(i)
			}
		}
		t, err := embedding.New(keys, s.D, s.X)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		t.Labels = s.Labels
		return t, nil
	}
	return embedding.Load(path, opt)
}

type neighborsOpts struct {
	vec       vectorFlags
	queries   []string
	queryFile string
	k         int
	metric    string
	workers   int
	asJSON    bool
}

// neighborJSON is one neighbour in --json output.
type neighborJSON struct {
	Key      string  `json:"key"`
	Label    string  `json:"label,omitempty"`
	Distance float32 `json:"distance"`
}

// queryJSON is one line of --json output.
type queryJSON struct {
	Query     string         `json:"query"`
	Neighbors []neighborJSON `json:"neighbors"`
}

func neighborsCmd(e *env) *cobra.Command {
	o := &neighborsOpts{}
	cmd := &cobra.Command{
		Use:   "neighbors --data FILE (--query KEY... | --query-file FILE) [-k 10] [--metric cosine]",
		Short: "Exact nearest neighbours of keys or vectors in a vector table",
		Long: `Find the k nearest neighbours, exactly, of each query among the vectors of
--data. A query is a key of the table (--query, repeatable; the key itself is
left out of its own neighbours) or every vector of another file
(--query-file, same dimension, any format --data reads).

Metrics: cosine (1 - cos, the default, for word vectors), euclidean,
sqeuclidean, manhattan, dot (-a·b: for vectors trained for inner products;
not the same as cosine unless the vectors have unit length). Ties are broken
by the order of the vectors in the file, so results are reproducible.

--json prints one JSON object per query, one per line (NDJSON).`,
		Example: `  latent neighbors --data glove.6B.100d.txt --query king --query paris -k 5
  latent neighbors --data codes.csv --query-file test-codes.csv -k 10 --metric euclidean --json
  latent neighbors --data GoogleNews-vectors-negative300.bin.gz --query cat --max-memory 8GiB`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runNeighbors(e, o) },
	}
	fs := cmd.Flags()
	o.vec.register(fs, false)
	fs.StringArrayVar(&o.queries, "query", nil, "a `KEY` of the table to find the neighbours of (repeatable)")
	fs.StringVar(&o.queryFile, "query-file", "", "a vector `FILE` whose every vector is a query")
	fs.IntVarP(&o.k, "k", "k", 10, "neighbours per query")
	fs.StringVar(&o.metric, "metric", "cosine", "distance: cosine, euclidean, sqeuclidean, manhattan, dot")
	fs.IntVar(&o.workers, "workers", 0, "goroutines searching (default: all cores); results do not depend on it")
	fs.BoolVar(&o.asJSON, "json", false, "print one JSON object per query (NDJSON)")
	return cmd
}

func runNeighbors(e *env, o *neighborsOpts) error {
	m, err := distance.Parse(o.metric)
	if err != nil {
		return usagef("--metric: %v", err)
	}
	if o.k < 1 {
		return usagef("-k %d: want at least 1", o.k)
	}
	if o.workers < 0 || o.workers > 4096 {
		return usagef("--workers %d out of range", o.workers)
	}
	if len(o.queries) == 0 && o.queryFile == "" {
		return usagef("give --query KEY or --query-file FILE")
	}
	if len(o.queries) > 0 && o.queryFile != "" {
		return usagef("give --query or --query-file, not both")
	}
	if _, err := o.vec.options(e); err != nil {
		return err
	}
	t, err := o.vec.load(e)
	if err != nil {
		return err
	}
	q, names, self, err := o.vec.queries(e, t, o.queries, o.queryFile)
	if err != nil {
		return err
	}
	idx := knn.NewFlat(t.Vectors, t.Dim, m)
	k := o.k
	if self != nil {
		k++ // the key itself is among its nearest
	}
	results := idx.SearchBatch(q, k, o.workers)
	for qi, res := range results {
		if self != nil {
			results[qi] = dropSelf(res, self[qi], o.k)
		}
	}
	if err := writeNeighbors(e.stdout, t, names, results, fmt.Sprintf("%s distance", m), o.asJSON); err != nil {
		return err
	}
	if o.asJSON {
		return nil
	}
	if !o.vec.quiet {
		fmt.Fprintf(e.stderr, "searched %d vectors of dimension %d from %s\n", t.Len(), t.Dim, filepath.Base(o.vec.data))
	}
	return nil
}

// dropSelf removes the query's own row from its results, keeping k.
func dropSelf(res []knn.Neighbor, self, k int) []knn.Neighbor {
	out := make([]knn.Neighbor, 0, k)
	for _, nb := range res {
		if nb.ID != self && len(out) < k {
			out = append(out, nb)
		}
	}
	return out
}

// queries gathers the query vectors: the rows of t named by keys (self holds
// each one's row, to be left out of its own results), or every vector of the
// file queryFile, which must have t's dimension.
func (v *vectorFlags) queries(e *env, t *embedding.Table, keys []string, queryFile string) (q []float32, names []string, self []int, err error) {
	if queryFile != "" {
		opt, _ := v.options(e)
		opt.Format = ""
		qt, err := loadVectors(queryFile, "", opt)
		if err != nil {
			return nil, nil, nil, badInput(err)
		}
		if qt.Dim != t.Dim {
			return nil, nil, nil, usagef("--query-file %s has vectors of dimension %d; %s has %d", queryFile, qt.Dim, v.data, t.Dim)
		}
		return qt.Vectors, qt.Keys, nil, nil
	}
	for _, key := range keys {
		i, ok := t.Index(key)
		if !ok {
			return nil, nil, nil, usagef("--query %q: no such key in %s", key, v.data)
		}
		q = append(q, t.Row(i)...)
		names = append(names, key)
		self = append(self, i)
	}
	return q, names, self, nil
}

// writeNeighbors prints each query's neighbours: one JSON line per query
// with asJSON, else a table per query headed "NAME: K nearest by HOW".
func writeNeighbors(w io.Writer, t *embedding.Table, names []string, results [][]knn.Neighbor, how string, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		for qi, res := range results {
			line := queryJSON{Query: names[qi], Neighbors: make([]neighborJSON, len(res))}
			for j, nb := range res {
				line.Neighbors[j] = neighborJSON{Key: t.Keys[nb.ID], Distance: nb.Dist}
				if t.Labels != nil {
					line.Neighbors[j].Label = t.Labels[nb.ID]
				}
			}
			if err := enc.Encode(line); err != nil {
				return err
			}
		}
		return nil
	}
	for qi, res := range results {
		if qi > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s: %d nearest by %s\n", names[qi], len(res), how)
		tw := newTable(w)
		for j, nb := range res {
			key := t.Keys[nb.ID]
			if t.Labels != nil {
				key += " [" + t.Labels[nb.ID] + "]"
			}
			tw.row(fmt.Sprintf("%4d", j+1), key, strconv.FormatFloat(float64(nb.Dist), 'g', 6, 32))
		}
		if err := tw.flush(); err != nil {
			return err
		}
	}
	return nil
}
