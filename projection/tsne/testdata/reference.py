#!/usr/bin/python3
"""Reference values for projection/tsne, from scikit-learn (Debian
python3-sklearn 1.2.1). Run from this folder:

    /usr/bin/python3 reference.py [--perplexity-only]

writes perplexity.json.gz: for the first 100 of scikit-learn's digits and
perplexities 5 and 30, the squared distances (float32) to the
k = min(n-1, int(3*perplexity+1)) nearest neighbours, the conditional
probabilities of sklearn.manifold._utils._binary_search_perplexity on them,
and the symmetric joint P of sklearn.manifold._t_sne._joint_probabilities_nn
(as i, j, value triplets);

and digits.json: TSNE(perplexity=30, n_iter=1000, init="pca",
learning_rate="auto", method="barnes_hut", angle=0.5, random_state=0) on all
1,797 digits (pixels as float32, unscaled): its KL divergence and
sklearn.manifold.trustworthiness of the map at n_neighbors 5 and 15.
"""
import gzip
import json
import sys

import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.manifold import TSNE, trustworthiness
from sklearn.manifold import _utils
from sklearn.manifold._t_sne import _joint_probabilities_nn
from sklearn.neighbors import NearestNeighbors


def f32(v):
    """v rounded to float32, in the shortest form that reads back the same."""
    return float(repr(np.float32(v)))


X = load_digits().data.astype(np.float32)

x = X[:100]
n = x.shape[0]
cases = []
for perplexity in (5.0, 30.0):
    k = min(n - 1, int(3.0 * perplexity + 1))
    nn = NearestNeighbors(n_neighbors=k).fit(x)
    graph = nn.kneighbors_graph(mode="distance")
    graph.sort_indices()
    graph.data **= 2
    sqd = graph.data.reshape(n, -1).astype(np.float32)
    ids = graph.indices.reshape(n, -1)
    cond = np.asarray(_utils._binary_search_perplexity(sqd, perplexity, 0))
    P = _joint_probabilities_nn(graph.copy(), perplexity, 0).tocoo()
    cases.append({
        "perplexity": perplexity,
        "n": n,
        "k": k,
        "ids": ids.astype(int).tolist(),
        "sqdist": [[f32(v) for v in row] for row in sqd],
        "conditional": [[f32(v) for v in row] for row in cond],
        "joint": [[int(i), int(j), f32(v)] for i, j, v in zip(P.row, P.col, P.data)],
    })
with gzip.open("perplexity.json.gz", "wt") as f:
    json.dump({"sklearn": sklearn.__version__, "cases": cases}, f, separators=(",", ":"))

if "--perplexity-only" in sys.argv:  # skip the slow TSNE run
    sys.exit(0)
tsne = TSNE(perplexity=30, n_iter=1000, init="pca", learning_rate="auto",
            method="barnes_hut", angle=0.5, random_state=0)
Y = tsne.fit_transform(X)
with open("digits.json", "w") as f:
    json.dump({
        "sklearn": sklearn.__version__,
        "kl_divergence": float(tsne.kl_divergence_),
        "n_iter": int(tsne.n_iter_),
        "trustworthiness_5": float(trustworthiness(X, Y, n_neighbors=5)),
        "trustworthiness_15": float(trustworthiness(X, Y, n_neighbors=15)),
    }, f, indent=1)
