#!/usr/bin/python3
"""Reference values for projection/umap's tests, from umap-learn 0.5.

    /usr/bin/python3 make_reference.py > reference.json

Writes one JSON object:
  x, n, d, k: 150 points in 5 dimensions (three Gaussian blobs, numpy
      RandomState(6)), float32, and n_neighbors = k = 15;
  sigmas, rhos: umap.umap_.smooth_knn_dist on their exact k nearest
      neighbours (the point itself first, from sklearn's NearestNeighbors);
  graph: umap.umap_.fuzzy_simplicial_set(x, k, None, "euclidean",
      knn_indices=..., knn_dists=...) as sorted (row, col, value) triples;
  ab: umap.umap_.find_ab_params(spread, min_dist) for a few pairs;
  digits_trustworthiness: sklearn.manifold.trustworthiness (k = 15) of
      UMAP(random_state=s).fit_transform on scikit-learn's 1,797 digits
      (raw pixels 0..16, as dataset/digits holds them) for s = 1, 2, 3.
"""
import json

import numpy as np
import umap
from sklearn.datasets import load_digits
from sklearn.manifold import trustworthiness
from sklearn.neighbors import NearestNeighbors
from umap.umap_ import find_ab_params, fuzzy_simplicial_set, smooth_knn_dist

rng = np.random.RandomState(6)
n, d, k = 150, 5, 15
centres = rng.normal(scale=4, size=(3, d))
x = (centres[np.arange(n) % 3] + rng.normal(size=(n, d))).astype(np.float32)

nn = NearestNeighbors(n_neighbors=k).fit(x.astype(np.float64))
dists, ids = nn.kneighbors(x.astype(np.float64))
assert (ids[:, 0] == np.arange(n)).all()
dists = dists.astype(np.float32)
sigmas, rhos = smooth_knn_dist(dists, float(k))
graph, _, _ = fuzzy_simplicial_set(x, k, None, "euclidean", knn_indices=ids, knn_dists=dists)
g = graph.tocoo()
triples = sorted(zip(g.row.tolist(), g.col.tolist(), g.data.tolist()))

ab = []
for spread, min_dist in [(1.0, 0.1), (1.0, 0.001), (1.0, 0.5), (2.0, 0.25), (0.5, 0.05), (1.0, 1.0)]:
    a, b = find_ab_params(spread, min_dist)
    ab.append({"spread": spread, "min_dist": min_dist, "a": float(a), "b": float(b)})

xd = load_digits().data.astype(np.float32)
digits_tw = [
    float(trustworthiness(xd, umap.UMAP(random_state=s).fit_transform(xd), n_neighbors=15))
    for s in (1, 2, 3)
]

print(json.dumps({
    "umap_learn": umap.__version__,
    "n": n, "d": d, "k": k,
    "x": x.ravel().tolist(),
    "ids": ids.ravel().tolist(),
    "sigmas": sigmas.tolist(), "rhos": rhos.tolist(),
    "graph": triples,
    "ab": ab,
    "digits_trustworthiness": digits_tw,
}))
