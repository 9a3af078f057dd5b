#!/usr/bin/python3
"""scikit-learn side of bench/knn: exact k-NN and k-means on the same data.

  sklearn_knn.py knn    BASE.npy QUERIES.npy METRIC K OUT_IDS.npy
  sklearn_knn.py kmeans BASE.npy K N_INIT SEED OUT_LABELS.npy

knn fits NearestNeighbors(n_neighbors=K, algorithm="brute", metric=METRIC)
on BASE and times kneighbors(QUERIES) alone; kmeans times
KMeans(n_clusters=K, n_init=N_INIT, random_state=SEED).fit(BASE) alone
(algorithm "lloyd", scikit-learn's default). Both print one JSON line with
the seconds (and the inertia), and write the neighbour IDs or labels.

Threads: scikit-learn uses OpenMP and OpenBLAS threads; bench/knn sets
OMP_NUM_THREADS and OPENBLAS_NUM_THREADS.

Run by bench/knn with Debian's /usr/bin/python3 (python3-sklearn).
"""
import json
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.neighbors import NearestNeighbors

warnings.simplefilter("ignore")

task = sys.argv[1]
base = np.load(sys.argv[2])
if task == "knn":
    queries = np.load(sys.argv[3])
    metric, k, out = sys.argv[4], int(sys.argv[5]), sys.argv[6]
    nn = NearestNeighbors(n_neighbors=k, algorithm="brute", metric=metric).fit(base)
    t0 = time.perf_counter()
    dist, ids = nn.kneighbors(queries)
    seconds = time.perf_counter() - t0
    np.save(out, ids.astype(np.int64))
    print(json.dumps({"seconds": seconds, "sklearn": sklearn.__version__}))
elif task == "kmeans":
    k, n_init, seed, out = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    km = KMeans(n_clusters=k, n_init=n_init, random_state=seed)
    t0 = time.perf_counter()
    km.fit(base)
    seconds = time.perf_counter() - t0
    np.save(out, km.labels_.astype(np.int64))
    print(json.dumps({"seconds": seconds, "inertia": float(km.inertia_), "iterations": int(km.n_iter_),
                      "sklearn": sklearn.__version__}))
else:
    sys.exit("unknown task " + task)
