// Command hnsw is the side-by-side benchmark of latent's HNSW index
// (knn.HNSW) against hnswlib's, on the same data in one run.
//
// Data sets (-sets):
//
//   - fashion: Fashion-MNIST reduced to 32 dimensions by PCA (fitted on the
//     60,000 training images scaled to [0, 1], as in bench/knn); the 60,000
//     training codes are the base vectors, the 10,000 test codes the
//     queries; Euclidean distance (hnswlib's "l2").
//   - glove: the GloVe 6B 100-d word vectors (scripts/get-data.sh glove),
//     cosine distance (hnswlib's "cosine"); 10,000 words drawn at random
//     (seeded) are held out as the queries and the rest are the base, so
//     that no query is its own nearest neighbour.
//
// Both sides build with the same M (-m, 16) and efConstruction
// (-ef-construction, 200) on -threads threads — latent with
// knn.HNSW.AddBatch, hnswlib with add_items (bench/peers/hnswlib_bench.py,
// run with /usr/bin/python3) — in alternating runs; then each searches all
// the queries (k = 10, the same threads) at each ef of -efs. The table
// gives the median build seconds, and per ef the recall@10 of each side
// against the exact neighbours (knn.Flat; a vector as near as the 10th
// counts as found) and the median queries per second, so that query rates
// can be compared at equal recall. Each time is given twice: wall clock,
// and CPU seconds of the process (all threads; Go's getrusage, Python's
// time.process_time), which on a busy shared machine is the steadier of
// the two.
//
//	go run ./bench/hnsw [-sets fashion,glove] [-runs 3] [-threads 2] [-efs 10,20,40,80,160] [-json]
//
// With -peer=false only latent runs; with -add it builds with one Add per
// vector instead of AddBatch, to compare the recall of the two graphs.
//
// Only the build and the searches are timed on each side, not loading the
// data or starting Python.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/latent-go/latent/bench/peer"
	"github.com/latent-go/latent/distance"
	"github.com/latent-go/latent/knn"
)

// efResult is one row of the sweep.
type efResult struct {
	Ef             int       `json:"ef"`
	LatentRecall   float64   `json:"latent_recall"`
	HnswlibRecall  float64   `json:"hnswlib_recall"`
	LatentQPS      float64   `json:"latent_queries_per_sec"`
	HnswlibQPS     float64   `json:"hnswlib_queries_per_sec"`
	LatentSeconds  []float64 `json:"latent_seconds"`
	HnswlibSeconds []float64 `json:"hnswlib_seconds"`
	LatentCPU      []float64 `json:"latent_cpu_seconds"`
	HnswlibCPU     []float64 `json:"hnswlib_cpu_seconds"`
	LatentCPUQPS   float64   `json:"latent_queries_per_cpu_sec"`
	HnswlibCPUQPS  float64   `json:"hnswlib_queries_per_cpu_sec"`
}

type setResult struct {
	Set                 string     `json:"set"`
	Metric              string     `json:"metric"`
	Base                int        `json:"base"`
	Queries             int        `json:"queries"`
	Dim                 int        `json:"dim"`
	M                   int        `json:"m"`
	EfConstruction      int        `json:"ef_construction"`
	K                   int        `json:"k"`
	Threads             int        `json:"threads"`
	LatentBuildSeconds  []float64  `json:"latent_build_seconds"`
	HnswlibBuildSeconds []float64  `json:"hnswlib_build_seconds"`
	LatentBuild         float64    `json:"latent_build_median_seconds"`
	HnswlibBuild        float64    `json:"hnswlib_build_median_seconds"`
	LatentBuildCPU      []float64  `json:"latent_build_cpu_seconds"`
	HnswlibBuildCPU     []float64  `json:"hnswlib_build_cpu_seconds"`
	Sweep               []efResult `json:"sweep"`
}

func main() {
	home, _ := os.UserHomeDir()
	dataDir := flag.String("data", filepath.Join(home, ".cache/latent/fashion-mnist"), "folder with the Fashion-MNIST IDX files (scripts/get-data.sh fashion-mnist)")
	glovePath := flag.String("glove", filepath.Join(home, ".cache/latent/glove/glove.6B.100d.txt"), "GloVe 6B 100-d text file (scripts/get-data.sh glove)")
	sets := flag.String("sets", "fashion,glove", "data sets: fashion, glove")
	runs := flag.Int("runs", 3, "timed runs of each side (median reported)")
	threads := flag.Int("threads", runtime.NumCPU(), "threads for both sides, build and search")
	m := flag.Int("m", 16, "HNSW M")
	efc := flag.Int("ef-construction", 200, "HNSW efConstruction")
	efsFlag := flag.String("efs", "10,20,40,80,160", "ef values of the search sweep")
	k := flag.Int("k", 10, "neighbours per query")
	gloveQueries := flag.Int("glove-queries", 10000, "GloVe words held out as queries")
	python := flag.String("python", "/usr/bin/python3", "Python with hnswlib")
	withPeer := flag.Bool("peer", true, "run hnswlib too (false: latent only)")
	oneByOne := flag.Bool("add", false, "build latent's index with one Add per vector (one thread) instead of AddBatch, to compare the two graphs' recall")
	asJSON := flag.Bool("json", false, "print JSON instead of tables")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("bench/hnsw: ")

	script, err := peer.Setup(*threads, "hnswlib_bench.py")
	if err != nil {
		log.Fatal(err)
	}
	var efs []int
	for _, s := range strings.Split(*efsFlag, ",") {
		ef, err := strconv.Atoi(s)
		if err != nil || ef < 1 {
			log.Fatalf("-efs: bad value %q", s)
		}
		efs = append(efs, ef)
	}
	tmp, err := os.MkdirTemp("", "latent-bench-hnsw")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)

	var results []setResult
	for _, set := range strings.Split(*sets, ",") {
		var base, queries []float32
		var dim int
		var metric distance.Metric
		switch set {
		case "fashion":
			dim, metric = 32, distance.Euclidean
			if base, queries, err = peer.FashionPCA(*dataDir, dim, true); err != nil {
				log.Fatal(err)
			}
		case "glove":
			metric = distance.Cosine
			if base, queries, dim, err = peer.GloVeHeldOut(*glovePath, *gloveQueries); err != nil {
				log.Fatal(err)
			}
		default:
			log.Fatalf("-sets: unknown set %q", set)
		}
		r := setResult{Set: set, Metric: metric.String(), Base: len(base) / dim, Queries: len(queries) / dim, Dim: dim,
			M: *m, EfConstruction: *efc, K: *k, Threads: *threads}
		results = append(results, bench(r, base, queries, metric, efs, tmp, script, *python, *withPeer, *oneByOne, *runs))
	}

	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(results)
		return
	}
	for _, r := range results {
		fmt.Printf("%s: %d base vectors, %d queries, dimension %d, %s, M %d, efConstruction %d, k %d, %d threads, median of %d runs\n\n",
			r.Set, r.Base, r.Queries, r.Dim, r.Metric, r.M, r.EfConstruction, r.K, r.Threads, *runs)
		tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
		lc, hc := median(r.LatentBuildCPU), median(r.HnswlibBuildCPU)
		fmt.Fprintln(tw, "build\tlatent\thnswlib\tlatent/hnswlib\t")
		fmt.Fprintf(tw, "wall seconds\t%.2f\t%.2f\t%.2f×\t\n", r.LatentBuild, r.HnswlibBuild, r.LatentBuild/r.HnswlibBuild)
		fmt.Fprintf(tw, "CPU seconds\t%.2f\t%.2f\t%.2f×\t\n", lc, hc, lc/hc)
		tw.Flush()
		fmt.Println()
		tw = tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "ef\tlatent recall@10\thnswlib recall@10\tlatent q/s\thnswlib q/s\tratio\tlatent q/CPU-s\thnswlib q/CPU-s\tratio\t")
		for _, e := range r.Sweep {
			fmt.Fprintf(tw, "%d\t%.4f\t%.4f\t%.0f\t%.0f\t%.2f×\t%.0f\t%.0f\t%.2f×\t\n", e.Ef, e.LatentRecall, e.HnswlibRecall,
				e.LatentQPS, e.HnswlibQPS, e.LatentQPS/e.HnswlibQPS, e.LatentCPUQPS, e.HnswlibCPUQPS, e.LatentCPUQPS/e.HnswlibCPUQPS)
		}
		tw.Flush()
		fmt.Println()
	}
}

// bench runs both sides on one data set.
func bench(r setResult, base, queries []float32, metric distance.Metric, efs []int, tmp, script, python string, withPeer, oneByOne bool, runs int) setResult {
	dim, nq := r.Dim, r.Queries
	t0 := time.Now()
	exact := knn.NewFlat(base, dim, metric).SearchBatch(queries, r.K, r.Threads)
	log.Printf("%s: exact neighbours of %d queries in %.1fs", r.Set, nq, time.Since(t0).Seconds())
	basePath, queryPath := filepath.Join(tmp, r.Set+"-base.npy"), filepath.Join(tmp, r.Set+"-queries.npy")
	if err := peer.WriteNPY(basePath, base, r.Base, dim); err != nil {
		log.Fatal(err)
	}
	if err := peer.WriteNPY(queryPath, queries, nq, dim); err != nil {
		log.Fatal(err)
	}
	space := "l2"
	if metric == distance.Cosine {
		space = "cosine"
	}
	efStrs := make([]string, len(efs))
	for i, ef := range efs {
		efStrs[i] = strconv.Itoa(ef)
	}
	r.Sweep = make([]efResult, len(efs))
	for i, ef := range efs {
		r.Sweep[i].Ef = ef
	}
	env := peer.Env(r.Threads)
	for run := range runs {
		latent := func() {
			h := knn.NewHNSW(dim, metric, knn.HNSWConfig{M: r.M, EfConstruction: r.EfConstruction, Seed: 1})
			t0, c0 := time.Now(), cpuSeconds()
			if oneByOne {
				for i := 0; i < len(base); i += dim {
					h.Add(base[i : i+dim])
				}
			} else {
				h.AddBatch(base, r.Threads)
			}
			r.LatentBuildSeconds = append(r.LatentBuildSeconds, time.Since(t0).Seconds())
			r.LatentBuildCPU = append(r.LatentBuildCPU, cpuSeconds()-c0)
			for i, ef := range efs {
				t0, c0 := time.Now(), cpuSeconds()
				res := searchAll(h, queries, dim, r.K, ef, r.Threads)
				r.Sweep[i].LatentSeconds = append(r.Sweep[i].LatentSeconds, time.Since(t0).Seconds())
				r.Sweep[i].LatentCPU = append(r.Sweep[i].LatentCPU, cpuSeconds()-c0)
				ids := make([][]int, len(res))
				for qi, nb := range res {
					for _, x := range nb {
						ids[qi] = append(ids[qi], x.ID)
					}
				}
				r.Sweep[i].LatentRecall = recall(ids, exact, base, queries, dim, metric)
			}
			log.Printf("%s run %d: latent build %.2fs", r.Set, run+1, r.LatentBuildSeconds[run])
		}
		hl := func() {
			if !withPeer {
				return
			}
			prefix := filepath.Join(tmp, r.Set+"-ids-")
			var out struct {
				Build     float64   `json:"build_seconds"`
				Search    []float64 `json:"search_seconds"`
				BuildCPU  float64   `json:"build_cpu_seconds"`
				SearchCPU []float64 `json:"search_cpu_seconds"`
			}
			if err := peer.Run(&out, env, python, script, basePath, queryPath, space, strconv.Itoa(r.M), strconv.Itoa(r.EfConstruction),
				strconv.Itoa(r.Threads), strconv.Itoa(r.K), strings.Join(efStrs, ","), prefix); err != nil {
				log.Fatal(err)
			}
			if len(out.Search) != len(efs) {
				log.Fatalf("hnswlib returned %d search times for %d ef values", len(out.Search), len(efs))
			}
			r.HnswlibBuildSeconds = append(r.HnswlibBuildSeconds, out.Build)
			r.HnswlibBuildCPU = append(r.HnswlibBuildCPU, out.BuildCPU)
			for i, ef := range efs {
				r.Sweep[i].HnswlibSeconds = append(r.Sweep[i].HnswlibSeconds, out.Search[i])
				r.Sweep[i].HnswlibCPU = append(r.Sweep[i].HnswlibCPU, out.SearchCPU[i])
				found, err := peer.ReadInts(prefix+strconv.Itoa(ef)+".npy", r.K)
				if err != nil {
					log.Fatal(err)
				}
				r.Sweep[i].HnswlibRecall = recall(found, exact, base, queries, dim, metric)
			}
			log.Printf("%s run %d: hnswlib build %.2fs", r.Set, run+1, out.Build)
		}
		peer.Alternate(run, latent, hl)
	}
	r.LatentBuild = peer.Median(r.LatentBuildSeconds)
	if withPeer {
		r.HnswlibBuild = peer.Median(r.HnswlibBuildSeconds)
	}
	for i := range r.Sweep {
		e := &r.Sweep[i]
		e.LatentQPS = float64(nq) / peer.Median(e.LatentSeconds)
		e.LatentCPUQPS = float64(nq) / peer.Median(e.LatentCPU)
		if withPeer {
			e.HnswlibQPS = float64(nq) / peer.Median(e.HnswlibSeconds)
			e.HnswlibCPUQPS = float64(nq) / peer.Median(e.HnswlibCPU)
		}
	}
	return r
}

// searchAll searches every query on threads goroutines, each taking
// contiguous blocks of queries, as hnswlib's knn_query shares them out.
func searchAll(h *knn.HNSW, queries []float32, dim, k, ef, threads int) [][]knn.Neighbor {
	nq := len(queries) / dim
	out := make([][]knn.Neighbor, nq)
	const block = 64
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next += block
				mu.Unlock()
				if i >= nq {
					return
				}
				for qi := i; qi < min(i+block, nq); qi++ {
					out[qi] = h.SearchEf(queries[qi*dim:(qi+1)*dim], k, ef)
				}
			}
		}()
	}
	wg.Wait()
	return out
}

// recall is the mean recall@k of the found IDs against the exact
// neighbours; a found vector as near as the exact k-th (by the float64
// reference distance) counts, so that ties do not count against a side.
func recall(found [][]int, exact [][]knn.Neighbor, base, queries []float32, dim int, m distance.Metric) float64 {
	var hit, total int
	for qi, ex := range exact {
		want := make(map[int]bool, len(ex))
		for _, nb := range ex {
			want[nb.ID] = true
		}
		q := queries[qi*dim : (qi+1)*dim]
		kth := m.Distance64(q, base[ex[len(ex)-1].ID*dim:(ex[len(ex)-1].ID+1)*dim])
		for _, id := range found[qi] {
			if id < 0 {
				continue
			}
			if want[id] || m.Distance64(q, base[id*dim:(id+1)*dim]) <= kth {
				hit++
			}
		}
		total += len(ex)
	}
	return float64(hit) / float64(total)
}

// median is peer.Median, 0 for no values (hnswlib's with -peer=false).
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	return peer.Median(v)
}

// cpuSeconds is the CPU time this process has used, user and system, all
// threads: on a shared machine it is steadier than the wall clock, which
// also counts the time other processes hold the cores.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		log.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
