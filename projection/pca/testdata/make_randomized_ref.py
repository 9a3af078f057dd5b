#!/usr/bin/python3
"""Reference values for latent's randomized PCA solver, from scikit-learn.

Run from this folder: /usr/bin/python3 make_randomized_ref.py  (writes
randomized_ref.json)

The input is 400 rows of 30 features with a decaying spectrum (numpy
RandomState(3): Gaussian factors scaled by 0.8^j, mixed by a random
rotation, shifted by a random mean), stored as integers x_int/1000 so that
both sides read the same float32 values. For k = 3 and k = 8 it records
sklearn.decomposition.PCA(n_components=k, svd_solver="randomized",
random_state=0) and svd_solver="full": explained_variance_ and
explained_variance_ratio_.
"""
import json

import numpy as np
import sklearn
from sklearn.decomposition import PCA

rng = np.random.RandomState(3)
n, d = 400, 30
z = rng.normal(size=(n, d)) * (0.8 ** np.arange(d)) * 10
rot, _ = np.linalg.qr(rng.normal(size=(d, d)))
x = z @ rot + rng.normal(size=d) * 5
x_int = np.round(x * 1000).astype(np.int64)
x = (x_int / 1000).astype(np.float32)
cases = []
for k in (3, 8):
    r = PCA(n_components=k, svd_solver="randomized", random_state=0).fit(x)
    f = PCA(n_components=k, svd_solver="full").fit(x)
    cases.append({"k": k,
                  "randomized_explained_variance": r.explained_variance_.tolist(),
                  "randomized_explained_variance_ratio": r.explained_variance_ratio_.tolist(),
                  "full_explained_variance": f.explained_variance_.tolist()})
json.dump({"sklearn": sklearn.__version__, "n": n, "d": d, "x_int": x_int.ravel().tolist(),
           "x_div": 1000, "cases": cases}, open("randomized_ref.json", "w"))
