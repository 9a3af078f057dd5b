#!/usr/bin/python3
"""Reference neighbour lists for knn's tests, from scikit-learn.

Base vectors: the first 500 images of sklearn.datasets.load_digits() (64
pixel values 0..16); queries: the next 100. For each metric,
NearestNeighbors(n_neighbors=10, algorithm="brute", metric=M).fit(base)
.kneighbors(queries) gives the IDs and distances written to
sklearn_digits_knn.json.

Run with Debian's python3-sklearn:  /usr/bin/python3 make_sklearn_ref.py
"""
import json

import sklearn
from sklearn.datasets import load_digits
from sklearn.neighbors import NearestNeighbors

X = load_digits().data  # float64, the order of dataset/digits
base, queries = X[:500], X[500:600]
out = {
    "tool": "scikit-learn %s NearestNeighbors(n_neighbors=10, algorithm='brute', metric=M).fit(digits[:500]).kneighbors(digits[500:600])" % sklearn.__version__,
    "base": [0, 500],
    "queries": [500, 600],
    "k": 10,
    "metrics": {},
}
for metric in ["euclidean", "cosine", "manhattan"]:
    nn = NearestNeighbors(n_neighbors=10, algorithm="brute", metric=metric).fit(base)
    dist, ids = nn.kneighbors(queries)
    out["metrics"][metric] = {"ids": ids.tolist(), "dists": dist.tolist()}
with open("sklearn_digits_knn.json", "w") as f:
    json.dump(out, f)
    f.write("\n")
