#!/usr/bin/python3
"""Reference values for projection/quality, from scikit-learn (Debian
python3-sklearn 1.2.1). Run from this folder:

    /usr/bin/python3 reference.py

writes sklearn.json: two data sets — 150 points in 6 dimensions and 120
points in 40 dimensions (wide enough for the matrix-product path), each
three Gaussian blobs with labels, values rounded to 3 decimals so that the
float32 data is exactly what scikit-learn saw — with a 2-D map of each (a
random linear projection plus noise), and for k in 5, 10, 20:
sklearn.manifold.trustworthiness(x, y, n_neighbors=k), the same with x and
y swapped (the continuity of y), and sklearn.metrics.silhouette_score(y,
labels).
"""
import json

import numpy as np
import sklearn
from sklearn.manifold import trustworthiness
from sklearn.metrics import silhouette_score

rng = np.random.default_rng(6)
cases = []
for name, n, d in (("narrow", 150, 6), ("wide", 120, 40)):
    labels = rng.integers(0, 3, size=n)
    centers = rng.normal(scale=3.0, size=(3, d))
    x = np.round(centers[labels] + rng.normal(size=(n, d)), 3).astype(np.float32)
    proj = rng.normal(size=(d, 2))
    y = np.round(x @ proj + rng.normal(scale=2.0, size=(n, 2)), 3).astype(np.float32)
    case = {"name": name, "n": n, "d": d,
            "x": x.astype(float).round(3).tolist(), "y": y.astype(float).round(3).tolist(),
            "labels": [str(v) for v in labels],
            "silhouette": float(silhouette_score(y.astype(np.float64), labels)),
            "k": [], "trustworthiness": [], "continuity": []}
    for k in (5, 10, 20):
        case["k"].append(k)
        case["trustworthiness"].append(float(trustworthiness(x, y, n_neighbors=k)))
        case["continuity"].append(float(trustworthiness(y, x, n_neighbors=k)))
    cases.append(case)
with open("sklearn.json", "w") as f:
    json.dump({"sklearn": sklearn.__version__, "cases": cases}, f, separators=(",", ":"))
