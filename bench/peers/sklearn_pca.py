"""scikit-learn peer for bench/pca: fit PCA on IDX images and time it.

    /usr/bin/python3 bench/peers/sklearn_pca.py --data train-images-idx3-ubyte.gz -k 32

Pixels are scaled to [0, 1] in float32, as bench/pca does. Prints one JSON
object: the fit time of sklearn.decomposition.PCA(n_components=k) with its
default solver choice, and the explained variance and ratio.
"""
import argparse
import gzip
import json
import struct
import time

import numpy as np
from sklearn.decomposition import PCA


def read_idx(path):
    with (gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")) as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims[0], -1)


ap = argparse.ArgumentParser()
ap.add_argument("--data", required=True)
ap.add_argument("-k", type=int, default=32)
ap.add_argument("--solver", default="auto")
a = ap.parse_args()
x = read_idx(a.data).astype(np.float32) / np.float32(255)
start = time.perf_counter()
p = PCA(n_components=a.k, svd_solver=a.solver, random_state=0).fit(x)
secs = time.perf_counter() - start
print(json.dumps({"seconds": secs, "solver": p._fit_svd_solver,
                  "explained_variance": p.explained_variance_.tolist(),
                  "explained_variance_ratio": p.explained_variance_ratio_.tolist()}))
