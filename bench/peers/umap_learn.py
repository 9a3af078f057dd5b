#!/usr/bin/python3
"""umap-learn side of bench/umap: UMAP on the same data.

  umap_learn.py DATA.npy N_NEIGHBORS SEED|none WARM OUT.npy

runs umap.UMAP(n_neighbors=N_NEIGHBORS, random_state=SEED) — every other
parameter at its default: min_dist 0.1, 2 components, spectral
initialisation, 200 epochs above 10,000 points — on DATA (float32) and
times fit_transform alone, which includes the nearest-neighbour search
(NN-descent), the fuzzy graph, the spectral initialisation and the layout,
as latent's timing does. With SEED "none" umap-learn runs its layout in
parallel (a seed makes it single-threaded, for reproducibility).

The first fit in a fresh process includes numba's JIT compilation of
umap-learn's and pynndescent's kernels: that is what a user pays for one
map. With WARM = 1 a second fit runs in the same process, after the
compilation ("warm"). Prints one JSON line with both times (warm_seconds 0
when not run) and the import time, and writes the first map (float32) to
OUT.

Threads: numba's pool (NUMBA_NUM_THREADS) and OpenMP/BLAS; bench/umap
sets them all to its -threads.

Run by bench/umap with Debian's /usr/bin/python3 (umap-learn 0.5.3).
"""
import json
import sys
import time
import warnings

t0 = time.perf_counter()
import numpy as np
import umap
import_seconds = time.perf_counter() - t0

warnings.simplefilter("ignore")

data, n_neighbors, seed, warm, out = sys.argv[1:6]
x = np.load(data).astype(np.float32)
random_state = None if seed == "none" else int(seed)
t0 = time.perf_counter()
y = umap.UMAP(n_neighbors=int(n_neighbors), random_state=random_state).fit_transform(x)
seconds = time.perf_counter() - t0
np.save(out, y.astype(np.float32))
warm_seconds = 0.0
if warm == "1":
    t0 = time.perf_counter()
    umap.UMAP(n_neighbors=int(n_neighbors), random_state=random_state).fit_transform(x)
    warm_seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "warm_seconds": warm_seconds, "import_seconds": import_seconds,
                  "umap_learn": umap.__version__}))
