// Command knn is the side-by-side benchmark of latent's exact nearest
// neighbour search and k-means against scikit-learn's, on the same data in
// one run.
//
// The data is Fashion-MNIST reduced to 32 dimensions by PCA (fitted on the
// 60,000 training images, scaled to [0, 1]): the 60,000 training codes are
// the base vectors, the 10,000 test codes the queries. For each metric
// (Euclidean, cosine), latent's knn.Flat.SearchBatch and scikit-learn's
// NearestNeighbors(algorithm="brute").kneighbors (bench/peers/sklearn_knn.py,
// run with /usr/bin/python3) are timed in alternating runs; the table gives
// the median queries per second of each, their ratio, and how many queries
// got identical neighbour sets. Then k-means (k=10, 10 initialisations) on
// the base vectors: median seconds and the inertia of each side's result,
// both recomputed here in float64.
//
// With -set glove, the k-NN comparison runs on the GloVe 6B 100-d word
// vectors instead (scripts/get-data.sh glove): -glove-queries words drawn
// with a fixed seed are held out as the queries and the rest is the base,
// as in bench/hnsw; k-means is skipped.
//
//	go run ./bench/knn [-set fashion|glove] [-runs 3] [-threads 2] [-k 10] [-json]
//
// Only the search (or the fit) is timed on each side, not loading the data
// or starting Python.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/latent-go/latent/bench/peer"
	"github.com/latent-go/latent/cluster"
	"github.com/latent-go/latent/distance"
	"github.com/latent-go/latent/knn"
)

type knnResult struct {
	Metric         string    `json:"metric"`
	K              int       `json:"k"`
	Threads        int       `json:"threads"`
	LatentQPS      float64   `json:"latent_queries_per_sec"`
	SklearnQPS     float64   `json:"sklearn_queries_per_sec"`
	Ratio          float64   `json:"ratio"`
	Identical      int       `json:"identical_sets"`
	TiesOnly       int       `json:"differ_only_by_ties"`
	Different      int       `json:"different_sets"`
	Queries        int       `json:"queries"`
	LatentSeconds  []float64 `json:"latent_seconds"`
	SklearnSeconds []float64 `json:"sklearn_seconds"`
}

type kmeansResult struct {
	K              int       `json:"k"`
	NInit          int       `json:"n_init"`
	Threads        int       `json:"threads"`
	LatentSeconds  []float64 `json:"latent_seconds"`
	SklearnSeconds []float64 `json:"sklearn_seconds"`
	LatentMedian   float64   `json:"latent_median_seconds"`
	SklearnMedian  float64   `json:"sklearn_median_seconds"`
	Speedup        float64   `json:"speedup"`
	LatentInertia  []float64 `json:"latent_inertia"`
	SklearnInertia []float64 `json:"sklearn_inertia"`
	InertiaRatio   float64   `json:"median_inertia_ratio"`
}

func main() {
	home, _ := os.UserHomeDir()
	dataDir := flag.String("data", filepath.Join(home, ".cache/latent/fashion-mnist"), "folder with the Fashion-MNIST IDX files (scripts/get-data.sh fashion-mnist)")
	set := flag.String("set", "fashion", "data: fashion (PCA codes of Fashion-MNIST) or glove (GloVe 6B 100-d, k-NN only)")
	glovePath := flag.String("glove", filepath.Join(home, ".cache/latent/glove/glove.6B.100d.txt"), "GloVe 6B 100-d text file (scripts/get-data.sh glove)")
	gloveQueries := flag.Int("glove-queries", 2000, "GloVe words held out as queries")
	runs := flag.Int("runs", 3, "timed runs of each side (median reported)")
	threads := flag.Int("threads", runtime.NumCPU(), "threads for both sides")
	k := flag.Int("k", 10, "neighbours per query")
	dims := flag.Int("dims", 32, "PCA dimensions")
	metrics := flag.String("metrics", "euclidean,cosine", "metrics to compare (empty: k-means only)")
	clusters := flag.Int("clusters", 10, "k-means clusters (0 skips k-means)")
	nInit := flag.Int("n-init", 10, "k-means initialisations")
	python := flag.String("python", "/usr/bin/python3", "Python with scikit-learn")
	asJSON := flag.Bool("json", false, "print JSON instead of tables")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("bench/knn: ")

	script, err := peer.Setup(*threads, "sklearn_knn.py")
	if err != nil {
		log.Fatal(err)
	}

	var base, queries []float32
	d := *dims
	title := fmt.Sprintf("Fashion-MNIST PCA-%d", d)
	switch *set {
	case "fashion":
		base, queries, err = peer.FashionPCA(*dataDir, d, true)
	case "glove":
		base, queries, d, err = peer.GloVeHeldOut(*glovePath, *gloveQueries)
		title = fmt.Sprintf("GloVe 6B %d-d", d)
		*clusters = 0
	default:
		err = fmt.Errorf("-set %q: want fashion or glove", *set)
	}
	if err != nil {
		log.Fatal(err)
	}
	nb, nq := len(base)/d, len(queries)/d
	tmp, err := os.MkdirTemp("", "latent-bench-knn")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	basePath, queryPath := filepath.Join(tmp, "base.npy"), filepath.Join(tmp, "queries.npy")
	if err := peer.WriteNPY(basePath, base, nb, d); err != nil {
		log.Fatal(err)
	}
	if err := peer.WriteNPY(queryPath, queries, nq, d); err != nil {
		log.Fatal(err)
	}
	env := peer.Env(*threads)

	var knnResults []knnResult
	for _, name := range strings.Split(*metrics, ",") {
		if name == "" {
			continue
		}
		m, err := distance.Parse(name)
		if err != nil {
			log.Fatal(err)
		}
		idx := knn.NewFlat(base, d, m)
		r := knnResult{Metric: m.String(), K: *k, Threads: *threads, Queries: nq}
		var ours [][]knn.Neighbor
		var theirs [][]int
		for run := range *runs {
			latent := func() {
				t0 := time.Now()
				ours = idx.SearchBatch(queries, *k, *threads)
				r.LatentSeconds = append(r.LatentSeconds, time.Since(t0).Seconds())
			}
			sk := func() {
				out := filepath.Join(tmp, "ids.npy")
				res := runPeer(*python, env, script, "knn", basePath, queryPath, m.String(), strconv.Itoa(*k), out)
				r.SklearnSeconds = append(r.SklearnSeconds, res.Seconds)
				var err error
				if theirs, err = peer.ReadInts(out, *k); err != nil {
					log.Fatal(err)
				}
			}
			peer.Alternate(run, latent, sk)
			log.Printf("%s run %d: latent %.3fs, scikit-learn %.3fs", m, run+1, r.LatentSeconds[run], r.SklearnSeconds[run])
		}
		r.LatentQPS = float64(nq) / peer.Median(r.LatentSeconds)
		r.SklearnQPS = float64(nq) / peer.Median(r.SklearnSeconds)
		r.Ratio = r.LatentQPS / r.SklearnQPS
		r.Identical, r.TiesOnly, r.Different = compareSets(ours, theirs, base, queries, d, m)
		knnResults = append(knnResults, r)
	}

	var km *kmeansResult
	if *clusters > 0 {
		km = &kmeansResult{K: *clusters, NInit: *nInit, Threads: *threads}
		for run := range *runs {
			seed := uint64(run + 1)
			latent := func() {
				t0 := time.Now()
				res, err := cluster.FitKMeans(base, nb, d, cluster.KMeansConfig{K: *clusters, NInit: *nInit, Workers: *threads}, rand.New(rand.NewPCG(seed, 0)))
				if err != nil {
					log.Fatal(err)
				}
				km.LatentSeconds = append(km.LatentSeconds, time.Since(t0).Seconds())
				km.LatentInertia = append(km.LatentInertia, inertiaOf(base, nb, d, *clusters, res.Labels))
			}
			sk := func() {
				out := filepath.Join(tmp, "labels.npy")
				res := runPeer(*python, env, script, "kmeans", basePath, strconv.Itoa(*clusters), strconv.Itoa(*nInit), strconv.Itoa(int(seed)), out)
				km.SklearnSeconds = append(km.SklearnSeconds, res.Seconds)
				labels, err := peer.ReadInts(out, 1)
				if err != nil {
					log.Fatal(err)
				}
				flat := make([]int, len(labels))
				for i, l := range labels {
					flat[i] = l[0]
				}
				km.SklearnInertia = append(km.SklearnInertia, inertiaOf(base, nb, d, *clusters, flat))
			}
			peer.Alternate(run, latent, sk)
			log.Printf("k-means run %d: latent %.3fs inertia %.1f, scikit-learn %.3fs inertia %.1f", run+1,
				km.LatentSeconds[run], km.LatentInertia[run], km.SklearnSeconds[run], km.SklearnInertia[run])
		}
		km.LatentMedian, km.SklearnMedian = peer.Median(km.LatentSeconds), peer.Median(km.SklearnSeconds)
		km.Speedup = km.SklearnMedian / km.LatentMedian
		km.InertiaRatio = peer.Median(km.LatentInertia) / peer.Median(km.SklearnInertia)
	}

	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(map[string]any{"set": *set, "knn": knnResults, "kmeans": km, "base": nb, "queries": nq, "dims": d})
		return
	}
	fmt.Printf("%s: %d base vectors, %d queries, k=%d, %d threads, median of %d runs\n\n", title, nb, nq, *k, *threads, *runs)
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	if len(knnResults) > 0 {
		fmt.Fprintln(tw, "metric\tlatent q/s\tsklearn q/s\tlatent/sklearn\tidentical sets\tnear-ties only\tdifferent\t")
		for _, r := range knnResults {
			fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.1f×\t%d/%d\t%d\t%d\t\n", r.Metric, r.LatentQPS, r.SklearnQPS, r.Ratio, r.Identical, r.Queries, r.TiesOnly, r.Different)
		}
		tw.Flush()
	}
	if km != nil {
		fmt.Println()
		tw = tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "k-means\tlatent s\tsklearn s\tspeed-up\tlatent inertia\tsklearn inertia\tlatent/sklearn inertia\t")
		fmt.Fprintf(tw, "k=%d n_init=%d\t%.2f\t%.2f\t%.1f×\t%.6g\t%.6g\t%.5f\t\n", km.K, km.NInit, km.LatentMedian, km.SklearnMedian, km.Speedup,
			peer.Median(km.LatentInertia), peer.Median(km.SklearnInertia), km.InertiaRatio)
		tw.Flush()
	}
}

type peerResult struct {
	Seconds float64 `json:"seconds"`
	Inertia float64 `json:"inertia"`
}

func runPeer(python string, env []string, args ...string) peerResult {
	var r peerResult
	if err := peer.Run(&r, env, python, args...); err != nil {
		log.Fatal(err)
	}
	return r
}

// compareSets counts queries whose neighbour ID sets are identical, those
// that differ only by vectors tied with latent's k-th neighbour to float32
// resolution (scikit-learn computes cosine distances in float32, so it
// cannot order such near-ties), and the rest.
func compareSets(ours [][]knn.Neighbor, theirs [][]int, base, queries []float32, d int, m distance.Metric) (identical, ties, different int) {
	for qi, nb := range ours {
		mine := make([]int, len(nb))
		for i, v := range nb {
			mine[i] = v.ID
		}
		a, b := slices.Clone(mine), slices.Clone(theirs[qi])
		slices.Sort(a)
		slices.Sort(b)
		if slices.Equal(a, b) {
			identical++
			continue
		}
		q := queries[qi*d : (qi+1)*d]
		kth := m.Distance64(q, base[mine[len(mine)-1]*d:(mine[len(mine)-1]+1)*d])
		// A tie: scikit-learn's extra neighbour is as near as our k-th to
		// 1e-6 relative (1e-6 absolute for cosine, whose float32 values
		// near 1 − cos ≈ 0 cannot resolve less).
		tol := 1e-6 * math.Abs(kth)
		if m == distance.Cosine {
			tol = 1e-6
		}
		tie := true
		for _, id := range theirs[qi] {
			if !slices.Contains(mine, id) {
				if dd := m.Distance64(q, base[id*d:(id+1)*d]); math.Abs(dd-kth) > tol {
					tie = false
				}
			}
		}
		if tie {
			ties++
		} else {
			different++
		}
		// Say how far scikit-learn's choice is from ours, in the reference
		// distance, so that a difference can be judged.
		for _, id := range theirs[qi] {
			if !slices.Contains(mine, id) {
				dd := m.Distance64(q, base[id*d:(id+1)*d])
				log.Printf("%s query %d: scikit-learn has %d at %.9g, latent's %d-th neighbour is at %.9g (relative gap %.2g)",
					m, qi, id, dd, len(mine), kth, (dd-kth)/math.Abs(kth))
			}
		}
	}
	return identical, ties, different
}

// inertiaOf is the k-means objective of a labelling: Σ ‖x − mean of its
// cluster‖², in float64.
func inertiaOf(x []float32, n, d, k int, labels []int) float64 {
	sum := make([]float64, k*d)
	count := make([]int, k)
	for i, l := range labels {
		count[l]++
		for j := range d {
			sum[l*d+j] += float64(x[i*d+j])
		}
	}
	centers := make([]float32, k*d)
	for c := range k {
		for j := range d {
			if count[c] > 0 {
				centers[c*d+j] = float32(sum[c*d+j] / float64(count[c]))
			}
		}
	}
	return cluster.Inertia(x, n, d, centers, labels)
}
