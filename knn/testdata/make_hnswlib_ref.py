#!/usr/bin/python3
"""Reference recall curves for knn's HNSW tests, from hnswlib.

Data: sklearn.datasets.load_digits() (1,797 images of 64 pixel values
0..16, the order of dataset/digits), as float32; base vectors: the first
1,500; queries: the other 297. For each space (l2, cosine), M (4, 8) and
ef (10, 20, 40, 80), an hnswlib index (efConstruction 40, one thread,
random_seed 100) answers the queries with k = 10, and recall@10 is the
share of the exact 10 nearest (numpy, float64) it finds, a neighbour as
near as the exact 10th counting as found. The small M and efConstruction
keep the recall below 1, where the curves say something. Written to
hnswlib_digits_recall.json.

Run with Debian's python3-hnswlib:  /usr/bin/python3 make_hnswlib_ref.py
"""
import json

import hnswlib
import numpy as np
from sklearn.datasets import load_digits

X = load_digits().data.astype(np.float32)
base, queries = X[:1500], X[1500:]
K, EFC = 10, 40


def distances(space, q, b):
    q64, b64 = q.astype(np.float64), b.astype(np.float64)
    if space == "l2":
        return ((q64[:, None, :] - b64[None, :, :]) ** 2).sum(-1)
    qn = q64 / np.linalg.norm(q64, axis=1, keepdims=True)
    bn = b64 / np.linalg.norm(b64, axis=1, keepdims=True)
    return 1 - qn @ bn.T


out = {
    "tool": "hnswlib %s Index(space, 64).init_index(1500, ef_construction=40, M=M, random_seed=100); "
            "add_items(digits[:1500], num_threads=1); set_ef(ef); knn_query(digits[1500:], k=10)"
            % getattr(hnswlib, "__version__", "(Debian python3-hnswlib)"),
    "base": [0, 1500], "queries": [1500, 1797], "k": K, "ef_construction": EFC,
    "curves": [],
}
for space in ["l2", "cosine"]:
    d = distances(space, queries, base)
    kth = np.sort(d, axis=1)[:, K - 1]
    for m in [4, 8]:
        index = hnswlib.Index(space=space, dim=base.shape[1])
        index.init_index(max_elements=len(base), ef_construction=EFC, M=m, random_seed=100)
        index.set_num_threads(1)
        index.add_items(base, np.arange(len(base)), num_threads=1)
        for ef in [10, 20, 40, 80]:
            index.set_ef(ef)
            labels, _ = index.knn_query(queries, k=K, num_threads=1)
            found = sum(int(d[i, j] <= kth[i] + 1e-9 * max(1.0, abs(kth[i]))) for i in range(len(queries)) for j in labels[i])
            out["curves"].append({"space": space, "m": m, "ef": ef, "recall": found / (K * len(queries))})
with open("hnswlib_digits_recall.json", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
