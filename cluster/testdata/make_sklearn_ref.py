#!/usr/bin/python3
"""Reference values for cluster's tests, from scikit-learn.

Data: sklearn.datasets.load_digits() (1,797 images, 64 pixels 0..16; the
order of latent's dataset/digits), as float32 for KMeans like latent.

- KMeans(n_clusters=10, n_init=10, random_state=s).fit(X).inertia_ for
  seeds 0..4 (latent's inertia must be within 1% of these).
- silhouette_score(X, labels) on fixed label vectors: the true digits, the
  digits mod 3, and seeded random labels in 0..4.
- adjusted_rand_score and normalized_mutual_info_score (default arithmetic
  normalisation) for fixed pairs of label vectors, including edge cases.

Run with Debian's python3-sklearn:  /usr/bin/python3 make_sklearn_ref.py
"""
import json

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits
from sklearn.metrics import (adjusted_rand_score, normalized_mutual_info_score,
                             silhouette_score)

digits = load_digits()
X = digits.data
y = digits.target
rng = np.random.RandomState(0)
rand5 = rng.randint(0, 5, size=len(y))
rand10 = rng.randint(0, 10, size=len(y))

out = {"tool": "scikit-learn %s" % sklearn.__version__}

out["kmeans"] = {
    "call": "KMeans(n_clusters=10, n_init=10, random_state=s).fit(load_digits().data.astype(float32))",
    "inertia": [float(KMeans(n_clusters=10, n_init=10, random_state=s).fit(X.astype(np.float32)).inertia_) for s in range(5)],
}
km_labels = KMeans(n_clusters=10, n_init=10, random_state=0).fit(X.astype(np.float32)).labels_

labelings = {
    "digits": y.tolist(),
    "mod3": (y % 3).tolist(),
    "rand5": rand5.tolist(),
    "rand10": rand10.tolist(),
    "kmeans": km_labels.tolist(),
}
out["labelings"] = labelings
out["silhouette"] = {
    name: float(silhouette_score(X, np.array(labelings[name]))) for name in ["digits", "mod3", "rand5", "kmeans"]
}
out["silhouette_manhattan_digits"] = float(silhouette_score(X, y, metric="manhattan"))
out["silhouette_cosine_digits"] = float(silhouette_score(X, y, metric="cosine"))

pairs = [
    ("digits", "kmeans"),
    ("digits", "mod3"),
    ("digits", "rand10"),
    ("rand5", "rand10"),
    ("kmeans", "mod3"),
]
out["pairs"] = []
for a, b in pairs:
    A, B = np.array(labelings[a]), np.array(labelings[b])
    out["pairs"].append({"a": a, "b": b,
                         "ari": float(adjusted_rand_score(A, B)),
                         "nmi": float(normalized_mutual_info_score(A, B))})

# Small edge cases, labels given inline.
small = [
    ([0, 0, 1, 1], [0, 0, 1, 1]),
    ([0, 0, 1, 1], [1, 1, 0, 0]),
    ([0, 0, 1, 1], [0, 1, 0, 1]),
    ([0, 0, 0, 0], [0, 0, 0, 0]),
    ([0, 0, 0, 0], [0, 1, 2, 3]),
    ([0, 1, 2, 3], [0, 1, 2, 3]),
    ([0, 0, 1, 2], [0, 0, 1, 1]),
    ([5, 5, 7, 7, 7, 9], [1, 1, 1, 2, 2, 3]),
    ([0], [0]),
]
out["small"] = [{"a": a, "b": b, "ari": float(adjusted_rand_score(a, b)),
                 "nmi": float(normalized_mutual_info_score(a, b))} for a, b in small]

with open("sklearn_cluster.json", "w") as f:
    json.dump(out, f)
    f.write("\n")
print(out["kmeans"], out["silhouette"])
