package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/latent-go/latent/cluster"
	"github.com/latent-go/latent/internal/atomicfile"
)

type clusterOpts struct {
	vec        vectorFlags
	run        runFlags
	k, nInit   int
	maxIter    int
	sampleSize int
	out        string
}

// clusterSummary is what cluster prints.
type clusterSummary struct {
	Data              string   `json:"data"`
	Vectors           int      `json:"vectors"`
	Dim               int      `json:"dim"`
	K                 int      `json:"k"`
	NInit             int      `json:"n_init"`
	Iterations        int      `json:"iterations"`
	Converged         bool     `json:"converged"`
	Inertia           float64  `json:"inertia"`
	Silhouette        *float64 `json:"silhouette,omitempty"`
	SilhouetteSamples int      `json:"silhouette_samples,omitempty"`
	ARI               *float64 `json:"adjusted_rand_index,omitempty"`
	NMI               *float64 `json:"normalized_mutual_info,omitempty"`
	Classes           int      `json:"label_classes,omitempty"`
	Sizes             []int    `json:"sizes"`
	Out               string   `json:"out,omitempty"`
}

func clusterCmd(e *env) *cobra.Command {
	o := &clusterOpts{}
	cmd := &cobra.Command{
		Use:   "cluster --data FILE -k K [--n-init 10] [--labels FILE | --label-column NAME] [--out assignments.csv]",
		Short: "k-means clustering of vectors, with inertia, silhouette, ARI and NMI",
		Long: `Cluster the vectors of --data into K groups with k-means (k-means++
initialisation, Lloyd iterations, the best of --n-init runs by inertia, as
scikit-learn's KMeans does) and print the inertia and the silhouette score.
The silhouette is exact up to --sample-size vectors and computed on a seeded
random sample beyond. When the vectors have labels (a label column, a labels
file, NPY labels beside the file, projector metadata) the clustering is also
compared with them: adjusted Rand index and normalised mutual information.

--out writes each vector's key, cluster and label as CSV. The same --seed
gives the same clustering for any --workers.`,
		Example: `  latent cluster --data codes.csv -k 10
  latent cluster --data codes.npy -k 10 --n-init 20 --seed 7 --json --out clusters.csv
  latent cluster --data t10k-images-idx3-ubyte.gz --labels t10k-labels-idx1-ubyte.gz -k 10`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runCluster(e, o) },
	}
	fs := cmd.Flags()
	o.vec.register(fs, true)
	fs.IntVarP(&o.k, "k", "k", 8, "number of clusters")
	fs.IntVar(&o.nInit, "n-init", 10, "k-means++ initialisations; the run with the lowest inertia is kept")
	fs.IntVar(&o.maxIter, "max-iter", 300, "Lloyd iterations per run, at most")
	fs.IntVar(&o.sampleSize, "sample-size", 10000, "silhouette on at most this many vectors (a seeded sample beyond); 0: all")
	fs.StringVarP(&o.out, "out", "o", "", "write key,cluster[,label] per vector to this CSV `FILE`")
	fs.Uint64Var(&o.run.seed, "seed", 1, "random seed; the same seed gives the same clustering for any --workers")
	fs.IntVar(&o.run.workers, "workers", 0, "goroutines (default: all cores)")
	fs.BoolVar(&o.run.json, "json", false, "print one JSON object on stdout instead of a table")
	return cmd
}

func runCluster(e *env, o *clusterOpts) error {
	switch {
	case o.k < 1:
		return usagef("-k %d: want at least 1", o.k)
	case o.nInit < 1:
		return usagef("--n-init %d: want at least 1", o.nInit)
	case o.maxIter < 1:
		return usagef("--max-iter %d: want at least 1", o.maxIter)
	case o.sampleSize < 0:
		return usagef("--sample-size %d: want 0 (all) or more", o.sampleSize)
	}
	if err := o.run.apply(); err != nil {
		return err
	}
	if o.out != "" {
		if err := checkWritable(o.out); err != nil {
			return err
		}
	}
	t, err := o.vec.load(e)
	if err != nil {
		return err
	}
	n := t.Len()
	if o.k > n {
		return usagef("-k %d: %s has only %d vectors", o.k, o.vec.data, n)
	}
	rng := rand.New(rand.NewPCG(o.run.seed, 0x6b6d65616e73)) // "kmeans"
	km, err := cluster.FitKMeans(t.Vectors, n, t.Dim, cluster.KMeansConfig{K: o.k, NInit: o.nInit, MaxIter: o.maxIter, Workers: o.run.workers}, rng)
	if err != nil {
		return badInput(err)
	}
	s := clusterSummary{Data: o.vec.data, Vectors: n, Dim: t.Dim, K: o.k, NInit: o.nInit,
		Iterations: km.Iter, Converged: km.Converged, Inertia: km.Inertia, Sizes: make([]int, o.k)}
	for _, l := range km.Labels {
		s.Sizes[l]++
	}
	sopt := cluster.SilhouetteOptions{Workers: o.run.workers}
	if o.sampleSize > 0 && o.sampleSize < n {
		sopt.SampleSize = o.sampleSize
		sopt.Rand = rand.New(rand.NewPCG(o.run.seed, 0x73696c68)) // "silh"
	}
	if sil, err := cluster.Silhouette(t.Vectors, n, t.Dim, km.Labels, sopt); err == nil {
		s.Silhouette = &sil
		s.SilhouetteSamples = n
		if sopt.SampleSize > 0 {
			s.SilhouetteSamples = sopt.SampleSize
		}
	}
	if t.Labels != nil {
		truth, classes := cluster.Codes(t.Labels)
		ari, nmi := cluster.AdjustedRandIndex(truth, km.Labels), cluster.NMI(truth, km.Labels)
		s.ARI, s.NMI, s.Classes = &ari, &nmi, len(classes)
	}
	if o.out != "" {
		if err := writeAssignments(o.out, t.Keys, km.Labels, t.Labels); err != nil {
			return err
		}
		s.Out = o.out
	}
	if o.run.json {
		return writeJSON(e.stdout, s)
	}
	tw := newTable(e.stdout)
	tw.row("data", fmt.Sprintf("%s (%d vectors of dimension %d)", s.Data, n, t.Dim))
	conv := "converged"
	if !km.Converged {
		conv = "stopped at --max-iter"
	}
	tw.row("clusters", fmt.Sprintf("%d (best of %d k-means++ runs; %d iterations, %s)", o.k, o.nInit, km.Iter, conv))
	tw.row("inertia", strconv.FormatFloat(km.Inertia, 'g', 8, 64))
	if s.Silhouette != nil {
		how := "all vectors"
		if sopt.SampleSize > 0 {
			how = fmt.Sprintf("a sample of %d", sopt.SampleSize)
		}
		tw.row("silhouette", fmt.Sprintf("%.4f (%s)", *s.Silhouette, how))
	} else {
		tw.row("silhouette", "n/a (needs 2 to n-1 clusters)")
	}
	if s.ARI != nil {
		tw.row("adjusted Rand index", fmt.Sprintf("%.4f (vs %d label classes)", *s.ARI, s.Classes))
		tw.row("normalised mutual info", fmt.Sprintf("%.4f", *s.NMI))
	}
	sizes := make([]string, len(s.Sizes))
	for i, v := range s.Sizes {
		sizes[i] = strconv.Itoa(v)
	}
	tw.row("sizes", strings.Join(sizes, " "))
	if s.Out != "" {
		tw.row("assignments", s.Out)
	}
	return tw.flush()
}

// writeAssignments writes key,cluster[,label] per vector, atomically.
func writeAssignments(path string, keys []string, clusters []int, labels []string) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		head := []string{"key", "cluster"}
		if labels != nil {
			head = append(head, "label")
		}
		if err := cw.Write(head); err != nil {
			return err
		}
		for i, k := range keys {
			rec := []string{k, strconv.Itoa(clusters[i])}
			if labels != nil {
				rec = append(rec, labels[i])
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}
