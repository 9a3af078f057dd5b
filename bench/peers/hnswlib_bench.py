#!/usr/bin/python3
"""hnswlib side of bench/hnsw: build an HNSW index and search it at several ef.

  hnswlib_bench.py BASE.npy QUERIES.npy SPACE M EF_CONSTRUCTION THREADS K EFS OUT_PREFIX

SPACE is hnswlib's "l2" or "cosine" (hnswlib normalises the vectors itself
for cosine). The script times Index.add_items over BASE (the build, with
THREADS threads) and then, for each ef of the comma-separated EFS,
Index.knn_query over all of QUERIES (k = K, THREADS threads) after
set_ef(ef); it writes the neighbour IDs of each ef to OUT_PREFIX<ef>.npy
(int64, one row per query) and prints one JSON line with the seconds, wall
clock and CPU (time.process_time, all threads of the process).

Only the build and the queries are timed, not loading the arrays or
starting Python. Run by bench/hnsw with Debian's /usr/bin/python3
(python3-hnswlib).
"""
import json
import sys
import time

import hnswlib
import numpy as np

base = np.load(sys.argv[1])
queries = np.load(sys.argv[2])
space = sys.argv[3]
m, efc, threads, k = (int(a) for a in sys.argv[4:8])
efs = [int(e) for e in sys.argv[8].split(",")]
prefix = sys.argv[9]

index = hnswlib.Index(space=space, dim=base.shape[1])
index.init_index(max_elements=base.shape[0], ef_construction=efc, M=m, random_seed=100)
index.set_num_threads(threads)
t0, c0 = time.perf_counter(), time.process_time()
index.add_items(base, np.arange(base.shape[0]), num_threads=threads)
build, build_cpu = time.perf_counter() - t0, time.process_time() - c0

search, search_cpu = [], []
for ef in efs:
    index.set_ef(ef)
    t0, c0 = time.perf_counter(), time.process_time()
    labels, _ = index.knn_query(queries, k=k, num_threads=threads)
    search.append(time.perf_counter() - t0)
    search_cpu.append(time.process_time() - c0)
    np.save(prefix + str(ef) + ".npy", labels.astype(np.int64))

print(json.dumps({"build_seconds": build, "search_seconds": search,
                  "build_cpu_seconds": build_cpu, "search_cpu_seconds": search_cpu}))
