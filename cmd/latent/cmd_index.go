package main

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/latent-go/latent/distance"
	"github.com/latent-go/latent/embedding"
	"github.com/latent-go/latent/internal/atomicfile"
	"github.com/latent-go/latent/knn"
)

// indexCmd groups the HNSW verbs. The index file holds the vectors and the
// graph but not the keys: search and check read the same --data file for
// them, so that an index never disagrees with the table it names.
func indexCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "index",
		Short: "Build, search and check an approximate (HNSW) nearest-neighbour index",
		Long: `An HNSW index answers nearest-neighbour queries approximately, far faster
than exact search on large tables. 'index build' makes one from a vector
file, 'index search' queries it, 'index check' measures its recall@k against
exact search, 'index add' inserts the vectors of another file, 'index
delete' marks vectors deleted. The index keeps the vectors but not the keys:
give search, check, add and delete the --data file it was built from.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(indexBuildCmd(e), indexSearchCmd(e), indexCheckCmd(e), indexAddCmd(e), indexDeleteCmd(e))
	return cmd
}

type indexBuildOpts struct {
	vec      vectorFlags
	out      string
	metric   string
	m, efC   int
	efSearch int
	seed     uint64
	workers  int
}

func indexBuildCmd(e *env) *cobra.Command {
	o := &indexBuildOpts{}
	cmd := &cobra.Command{
		Use:   "build --data FILE --out index.hnsw [--metric cosine] [--m 16] [--ef-construction 200] [--seed N] [--workers N]",
		Short: "Build an HNSW index over the vectors of a file",
		Long: `Build an HNSW index over every vector of --data and write it to --out.
The same file, flags and seed always give the same index, byte for byte,
whatever the number of --workers: the vectors are inserted in rounds whose
graph searches run in parallel against the graph as it was before the
round, and are then linked in file order (see 'go doc knn.HNSW').

Cosine (the default) stores unit-length copies of the vectors; dot ranks by
-a·b on the vectors as they are. The two agree only on unit vectors.`,
		Example: `  latent index build --data glove.6B.100d.txt --out glove.hnsw
  latent index build --data codes.csv --out codes.hnsw --metric euclidean --m 32 --ef-construction 400`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runIndexBuild(e, o) },
	}
	fs := cmd.Flags()
	o.vec.register(fs, false)
	fs.StringVar(&o.out, "out", "", "index `FILE` to write")
	fs.StringVar(&o.metric, "metric", "cosine", "distance: cosine, euclidean, sqeuclidean, manhattan, dot")
	fs.IntVar(&o.m, "m", 16, "links per node (2·m on the bottom level)")
	fs.IntVar(&o.efC, "ef-construction", 200, "candidate list size while inserting")
	fs.IntVar(&o.efSearch, "ef", 50, "default candidate list size for searches, stored in the index")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the level generator")
	fs.IntVar(&o.workers, "workers", 0, "goroutines inserting in parallel (default: all cores); the index is the same for any number")
	return cmd
}

func checkWorkers(n int) error {
	if n < 0 {
		return usagef("--workers %d: want 0 (all cores) or more", n)
	}
	return nil
}

func hnswConfig(m, efC, ef int, seed uint64) (knn.HNSWConfig, error) {
	switch {
	case m < 2 || m > 4096:
		return knn.HNSWConfig{}, usagef("--m %d: want 2 to 4096", m)
	case efC < 1 || efC > 1<<20:
		return knn.HNSWConfig{}, usagef("--ef-construction %d: want 1 to %d", efC, 1<<20)
	case ef < 1 || ef > 1<<20:
		return knn.HNSWConfig{}, usagef("--ef %d: want 1 to %d", ef, 1<<20)
	}
	return knn.HNSWConfig{M: m, EfConstruction: efC, EfSearch: ef, Seed: seed}, nil
}

func runIndexBuild(e *env, o *indexBuildOpts) error {
	m, err := distance.Parse(o.metric)
	if err != nil {
		return usagef("--metric: %v", err)
	}
	cfg, err := hnswConfig(o.m, o.efC, o.efSearch, o.seed)
	if err != nil {
		return err
	}
	if err := checkWorkers(o.workers); err != nil {
		return err
	}
	if err := checkWritable(o.out); err != nil {
		return err
	}
	if _, err := o.vec.options(e); err != nil {
		return err
	}
	t, err := o.vec.load(e)
	if err != nil {
		return err
	}
	start := time.Now()
	h := knn.NewHNSW(t.Dim, m, cfg)
	h.AddBatch(t.Vectors, o.workers)
	took := time.Since(start)
	if err := atomicfile.Write(o.out, func(w io.Writer) error { _, err := h.WriteTo(w); return err }); err != nil {
		return err
	}
	if !o.vec.quiet {
		fmt.Fprintf(e.stderr, "indexed %d vectors of dimension %d by %s distance (M %d, efConstruction %d) in %.2fs\n",
			t.Len(), t.Dim, m, cfg.M, cfg.EfConstruction, took.Seconds())
	}
	fmt.Fprintf(e.stdout, "wrote %s: %d vectors, dimension %d, %s\n", o.out, t.Len(), t.Dim, m)
	return nil
}

// indexFlags are the flags search and check share.
type indexFlags struct {
	vec   vectorFlags
	index string
	k, ef int
	json  bool
}

func (f *indexFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	f.vec.register(fs, false)
	fs.StringVar(&f.index, "index", "", "index `FILE` written by 'latent index build'")
	fs.IntVarP(&f.k, "k", "k", 10, "neighbours per query")
	fs.IntVar(&f.ef, "ef", 0, "candidate list size (default: the one stored in the index); larger is slower and finds more")
	fs.BoolVar(&f.json, "json", false, "print JSON")
}

// open checks the flags and reads the index and its table; a missing,
// corrupt or mismatched index is bad input (exit 2).
func (f *indexFlags) open(e *env) (*knn.HNSW, *embedding.Table, error) {
	if f.index == "" {
		return nil, nil, usagef("--index is required")
	}
	if f.k < 1 {
		return nil, nil, usagef("-k %d: want at least 1", f.k)
	}
	if f.ef < 0 || f.ef > 1<<20 {
		return nil, nil, usagef("--ef %d out of range", f.ef)
	}
	if _, err := f.vec.options(e); err != nil {
		return nil, nil, err
	}
	file, err := os.Open(f.index)
	if err != nil {
		return nil, nil, badInput(err)
	}
	defer file.Close()
	h, err := knn.ReadHNSW(file)
	if err != nil {
		return nil, nil, badInput(fmt.Errorf("%s: %w", f.index, err))
	}
	t, err := f.vec.load(e)
	if err != nil {
		return nil, nil, err
	}
	if t.Len() != h.Len() || t.Dim != h.Dim() {
		return nil, nil, usagef("%s holds %d vectors of dimension %d; %s has %d of dimension %d: build the index from this file",
			f.index, h.Len(), h.Dim(), f.vec.data, t.Len(), t.Dim)
	}
	return h, t, nil
}

type indexSearchOpts struct {
	indexFlags
	queries   []string
	queryFile string
}

func indexSearchCmd(e *env) *cobra.Command {
	o := &indexSearchOpts{}
	cmd := &cobra.Command{
		Use:   "search --index FILE --data FILE (--query KEY... | --query-file FILE) [-k 10] [--ef 50] [--json]",
		Short: "Approximate nearest neighbours of keys or vectors, from an HNSW index",
		Long: `Like 'latent neighbors', but from an HNSW index: approximate and fast. --data
must be the file the index was built from (it supplies the keys). A --query
key is left out of its own neighbours. --json prints one object per query,
one per line (NDJSON).`,
		Example: `  latent index search --index glove.hnsw --data glove.6B.100d.txt --query king -k 5
  latent index search --index codes.hnsw --data codes.csv --query-file test.csv --ef 100 --json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runIndexSearch(e, o) },
	}
	o.register(cmd)
	cmd.Flags().StringArrayVar(&o.queries, "query", nil, "a `KEY` of the table to find the neighbours of (repeatable)")
	cmd.Flags().StringVar(&o.queryFile, "query-file", "", "a vector `FILE` whose every vector is a query")
	return cmd
}

func runIndexSearch(e *env, o *indexSearchOpts) error {
	if len(o.queries) == 0 && o.queryFile == "" {
		return usagef("give --query KEY or --query-file FILE")
	}
	if len(o.queries) > 0 && o.queryFile != "" {
		return usagef("give --query or --query-file, not both")
	}
	h, t, err := o.open(e)
	if err != nil {
		return err
	}
	q, names, self, err := o.vec.queries(e, t, o.queries, o.queryFile)
	if err != nil {
		return err
	}
	k := o.k
	if self != nil {
		k++
	}
	results := make([][]knn.Neighbor, len(names))
	for qi := range results {
		res := h.SearchEf(q[qi*t.Dim:(qi+1)*t.Dim], k, o.ef)
		if self != nil {
			res = dropSelf(res, self[qi], o.k)
		}
		results[qi] = res
	}
	return writeNeighbors(e.stdout, t, names, results, fmt.Sprintf("%s distance (approximate)", h.Metric()), o.json)
}

type indexCheckOpts struct {
	indexFlags
	queries int
	seed    uint64
}

// checkJSON is the --json output of 'index check'.
type checkJSON struct {
	Index    string          `json:"index"`
	Metric   distance.Metric `json:"metric"`
	Vectors  int             `json:"vectors"`
	Queries  int             `json:"queries"`
	K        int             `json:"k"`
	Ef       int             `json:"ef"`
	Recall   float64         `json:"recall"`
	HNSWQPS  float64         `json:"hnsw_queries_per_second"`
	ExactQPS float64         `json:"exact_queries_per_second"`
}

func indexCheckCmd(e *env) *cobra.Command {
	o := &indexCheckOpts{}
	cmd := &cobra.Command{
		Use:   "check --index FILE --data FILE [-k 10] [--queries 1000] [--ef 50] [--json]",
		Short: "Measure an HNSW index's recall@k against exact search",
		Long: `Search a sample of the table's own vectors (seeded, without replacement)
both in the index and exactly (knn.Flat), and report recall@k: the share of
the exact k nearest that the index finds, a vector at the same distance as
the k-th counting as found. Also prints both query rates (one goroutine).`,
		Example: `  latent index check --index glove.hnsw --data glove.6B.100d.txt --ef 100
  latent index check --index codes.hnsw --data codes.csv --queries 500 --json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runIndexCheck(e, o) },
	}
	o.register(cmd)
	cmd.Flags().IntVar(&o.queries, "queries", 1000, "number of sampled queries (at most the table's size)")
	cmd.Flags().Uint64Var(&o.seed, "seed", 1, "seed of the query sample")
	return cmd
}

func runIndexCheck(e *env, o *indexCheckOpts) error {
	if o.queries < 1 {
		return usagef("--queries %d: want at least 1", o.queries)
	}
	h, t, err := o.open(e)
	if err != nil {
		return err
	}
	if h.Live() < t.Len() {
		return usagef("%s has deleted vectors; check compares with exact search over all of %s", o.index, o.vec.data)
	}
	nq := min(o.queries, t.Len())
	if nq == 0 {
		return usagef("%s holds no vectors", o.vec.data)
	}
	r := rand.New(rand.NewPCG(o.seed, 0))
	rows := r.Perm(t.Len())[:nq]
	q := make([]float32, 0, nq*t.Dim)
	for _, i := range rows {
		q = append(q, t.Row(i)...)
	}
	k := min(o.k, t.Len())
	ef := o.ef
	if ef == 0 {
		ef = h.Config().EfSearch
	}
	start := time.Now()
	approx := make([][]knn.Neighbor, nq)
	for qi := range nq {
		approx[qi] = h.SearchEf(q[qi*t.Dim:(qi+1)*t.Dim], k, ef)
	}
	hTime := time.Since(start)
	flat := knn.NewFlat(t.Vectors, t.Dim, h.Metric())
	start = time.Now()
	exact := flat.SearchBatch(q, k, 1)
	fTime := time.Since(start)
	var found int
	for qi := range nq {
		want := map[int]bool{}
		for _, nb := range exact[qi] {
			want[nb.ID] = true
		}
		kth := exact[qi][k-1].Dist
		qv := q[qi*t.Dim : (qi+1)*t.Dim]
		for _, nb := range approx[qi] {
			if want[nb.ID] || float32(h.Metric().Distance64(qv, t.Row(nb.ID))) <= kth {
				found++
			}
		}
	}
	res := checkJSON{Index: filepath.Base(o.index), Metric: h.Metric(), Vectors: t.Len(), Queries: nq, K: k, Ef: max(ef, k),
		Recall:   float64(found) / float64(nq*k),
		HNSWQPS:  float64(nq) / max(hTime.Seconds(), 1e-9),
		ExactQPS: float64(nq) / max(fTime.Seconds(), 1e-9)}
	if o.json {
		return writeJSON(e.stdout, res)
	}
	fmt.Fprintf(e.stdout, "recall@%d %.4f over %d queries (ef %d, %s, %d vectors)\n", res.K, res.Recall, nq, res.Ef, res.Metric, res.Vectors)
	fmt.Fprintf(e.stdout, "queries/s: hnsw %.0f, exact %.0f (one goroutine)\n", res.HNSWQPS, res.ExactQPS)
	return nil
}

type indexAddOpts struct {
	indexFlags
	vectors string
	metric  string
	workers int
}

func indexAddCmd(e *env) *cobra.Command {
	o := &indexAddOpts{}
	cmd := &cobra.Command{
		Use:   "add --index FILE --data FILE --vectors FILE [--workers N]",
		Short: "Insert the vectors of another file into an HNSW index",
		Long: `Insert every vector of --vectors into the index, and append their keys (and
labels) and vectors to --data, the file the index was built from, so that
the two still match. Both files are rewritten atomically (a reader sees the
old file or the whole new one); --data keeps its format. The new vectors
must have the index's dimension and keys that are not in --data yet;
--metric, when given, must be the index's. The same files and --seed of the
index give the same bytes for any number of --workers.`,
		Example: `  latent index add --index words.hnsw --data words.txt --vectors new-words.txt
  latent index add --index codes.hnsw --data codes.csv --vectors more.csv --metric euclidean --workers 4`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runIndexAdd(e, o) },
	}
	o.register(cmd)
	fs := cmd.Flags()
	fs.StringVar(&o.vectors, "vectors", "", "vector `FILE` whose vectors (with their keys) to add")
	fs.StringVar(&o.metric, "metric", "", "the metric the index must have (default: whatever it has)")
	fs.IntVar(&o.workers, "workers", 0, "goroutines inserting in parallel (default: all cores)")
	return cmd
}

func runIndexAdd(e *env, o *indexAddOpts) error {
	if o.vectors == "" {
		return usagef("--vectors FILE is required")
	}
	if err := checkWorkers(o.workers); err != nil {
		return err
	}
	var want distance.Metric
	if o.metric != "" {
		m, err := distance.Parse(o.metric)
		if err != nil {
			return usagef("--metric: %v", err)
		}
		want = m
	}
	h, t, err := o.open(e)
	if err != nil {
		return err
	}
	if o.metric != "" && want != h.Metric() {
		return usagef("--metric %s: %s ranks by %s distance", want, o.index, h.Metric())
	}
	opt, _ := o.vec.options(e)
	opt.Format = ""
	nt, err := loadVectors(o.vectors, "", opt)
	if err != nil {
		return badInput(err)
	}
	if nt.Dim != h.Dim() {
		return usagef("--vectors %s has vectors of dimension %d; %s has dimension %d", o.vectors, nt.Dim, o.index, h.Dim())
	}
	for _, k := range nt.Keys {
		if _, dup := t.Index(k); dup {
			return usagef("--vectors %s: key %q is already in %s", o.vectors, k, o.vec.data)
		}
	}
	if t.Labels == nil && nt.Labels != nil {
		return usagef("--vectors %s has labels; %s has none", o.vectors, o.vec.data)
	}
	format, err := dataFormat(o.vec.data, o.vec.format)
	if err != nil {
		return err
	}
	merged := &embedding.Table{Keys: append(t.Keys, nt.Keys...), Dim: t.Dim, Vectors: append(t.Vectors, nt.Vectors...)}
	if t.Labels != nil {
		labels := nt.Labels
		if labels == nil {
			labels = make([]string, nt.Len())
		}
		merged.Labels = append(t.Labels, labels...)
	}
	if err := merged.Check(); err != nil {
		return badInput(err)
	}
	start := time.Now()
	first := h.AddBatch(nt.Vectors, o.workers)
	took := time.Since(start)
	// The data first: if writing the index then fails, the two files
	// disagree on the count, which every index verb detects and reports.
	if err := embedding.Save(o.vec.data, merged, embedding.Options{Format: format}); err != nil {
		return err
	}
	if err := atomicfile.Write(o.index, func(w io.Writer) error { _, err := h.WriteTo(w); return err }); err != nil {
		return err
	}
	if !o.vec.quiet {
		fmt.Fprintf(e.stderr, "added %d vectors (IDs %d to %d) in %.2fs\n", nt.Len(), first, first+nt.Len()-1, took.Seconds())
	}
	fmt.Fprintf(e.stdout, "%s: %d vectors (%d added), %s: %d keys\n", o.index, h.Len(), nt.Len(), o.vec.data, merged.Len())
	return nil
}

// dataFormat is the format to rewrite a --data file in: --format when given,
// else what the name says; a .txt or .vec file is GloVe (no header line) or
// word2vec text (a "count dimension" header) as its first line shows.
func dataFormat(path, format string) (string, error) {
	if format != "" {
		f, err := embedding.ParseFormat(format)
		if err != nil {
			return "", usagef("--format: %v", err)
		}
		return f, nil
	}
	lower := strings.ToLower(path)
	if strings.HasSuffix(lower, ".gz") {
		return "", usagef("%s is gzipped: 'index add' cannot rewrite it; give an uncompressed --data file", path)
	}
	if !strings.HasSuffix(lower, ".txt") && !strings.HasSuffix(lower, ".vec") {
		return "", nil // Save decides from the name
	}
	f, err := os.Open(path)
	if err != nil {
		return "", badInput(err)
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	fields := strings.Fields(line)
	if len(fields) == 2 {
		_, err1 := strconv.ParseInt(fields[0], 10, 64)
		_, err2 := strconv.ParseInt(fields[1], 10, 64)
		if err1 == nil && err2 == nil {
			return embedding.FormatWord2Vec, nil
		}
	}
	return embedding.FormatGloVe, nil
}

type indexDeleteOpts struct {
	indexFlags
	keys []string
}

func indexDeleteCmd(e *env) *cobra.Command {
	o := &indexDeleteOpts{}
	cmd := &cobra.Command{
		Use:   "delete --index FILE --data FILE --key KEY...",
		Short: "Mark vectors of an HNSW index deleted, by key",
		Long: `Mark the vectors of the given keys deleted: searches no longer return them,
but they stay in the graph (and in --data) so that the index still matches
the file and the paths through them still lead somewhere. The index is
rewritten in place, atomically.`,
		Example: `  latent index delete --index glove.hnsw --data glove.6B.100d.txt --key the --key a`,
		Args:    cobra.NoArgs,
		RunE:    func(c *cobra.Command, _ []string) error { return runIndexDelete(e, o) },
	}
	o.register(cmd)
	cmd.Flags().StringArrayVar(&o.keys, "key", nil, "a `KEY` to delete (repeatable)")
	return cmd
}

func runIndexDelete(e *env, o *indexDeleteOpts) error {
	if len(o.keys) == 0 {
		return usagef("give --key KEY")
	}
	h, t, err := o.open(e)
	if err != nil {
		return err
	}
	for _, key := range o.keys {
		i, ok := t.Index(key)
		if !ok {
			return usagef("--key %q: no such key in %s", key, o.vec.data)
		}
		h.Delete(i)
	}
	if err := atomicfile.Write(o.index, func(w io.Writer) error { _, err := h.WriteTo(w); return err }); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %d of %d vectors live\n", o.index, h.Live(), h.Len())
	return nil
}
