#!/usr/bin/python3
"""scikit-learn side of bench/tsne: Barnes-Hut t-SNE on the same data.

  sklearn_tsne.py DATA.npy PERPLEXITY N_ITER THREADS SEED OUT.npy

runs TSNE(n_components=2, method="barnes_hut", angle=0.5,
perplexity=PERPLEXITY, n_iter=N_ITER, init="pca", learning_rate="auto",
n_jobs=THREADS, random_state=SEED) on DATA (float32) and times fit_transform
alone, which includes the neighbour search and the calibration as latent's
timing does. Prints one JSON line with the seconds, kl_divergence_ and
n_iter_, and writes the map (float32) to OUT.

Threads: the neighbour search uses n_jobs, the gradient OpenMP
(OMP_NUM_THREADS), the PCA initialisation OpenBLAS (OPENBLAS_NUM_THREADS);
bench/tsne sets all three to THREADS.

Run by bench/tsne with Debian's /usr/bin/python3 (python3-sklearn).
"""
import json
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.manifold import TSNE

warnings.simplefilter("ignore")

data, perplexity, n_iter, threads, seed, out = sys.argv[1:7]
x = np.load(data).astype(np.float32)
tsne = TSNE(n_components=2, method="barnes_hut", angle=0.5, perplexity=float(perplexity),
            n_iter=int(n_iter), init="pca", learning_rate="auto", n_jobs=int(threads),
            random_state=int(seed))
t0 = time.perf_counter()
y = tsne.fit_transform(x)
seconds = time.perf_counter() - t0
np.save(out, y.astype(np.float32))
print(json.dumps({"seconds": seconds, "kl": float(tsne.kl_divergence_), "n_iter": int(tsne.n_iter_),
                  "sklearn": sklearn.__version__}))
