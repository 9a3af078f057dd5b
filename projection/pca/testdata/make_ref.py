#!/usr/bin/python3
"""Reference values for latent's PCA, from scikit-learn.

Run from this folder: /usr/bin/python3 make_ref.py   (writes ref.json)

For each case it fits sklearn.decomposition.PCA(n_components=k,
svd_solver="full") and
records mean_, components_, explained_variance_, explained_variance_ratio_,
noise_variance_, the mean squared reconstruction error
inverse_transform(transform(X[:100])) − X[:100], and the codes of the first
five rows. The inputs are stored too, so the Go test needs neither Python
nor the scikit-learn data files.

svd_solver="full" (the exact LAPACK SVD) is named because the default,
"auto", picks the approximate randomized solver for digits (more than 500
rows, k < 80% of the features), whose components differ from the exact
ones by ~1e-4 there.

The data are float32, as latent holds them; PCA is fitted on the float64
copy of those float32 values so that the reference is exact to float64
rounding rather than to float32.

Sign convention: scikit-learn 1.5 changed PCA's svd_flip to
u_based_decision=False: each component's entry of largest absolute value is
made positive. Older versions (Debian bookworm ships 1.2.1) decide from the
columns of U instead. latent follows the current (1.5+) rule, so besides
components_ as fitted here, this script records "components_v": the same
components with that rule applied (and the matching codes), which the Go
test compares with their signs, and it records how clear-cut each
component's largest entry is (a near-tie would make the rule fragile).
"""
import json

import numpy as np
import sklearn
from sklearn.datasets import load_digits, load_iris
from sklearn.decomposition import PCA


def case(name, x32, k, store_x, whiten=False):
    x = x32.astype(np.float64)
    pca = PCA(n_components=k, whiten=whiten, svd_solver="full").fit(x)
    comps = pca.components_
    idx = np.argmax(np.abs(comps), axis=1)  # first maximum, like the Go code
    signs = np.sign(comps[np.arange(k), idx])
    comps_v = comps * signs[:, None]
    # Gap between the largest and second largest |entry| of each component.
    srt = np.sort(np.abs(comps), axis=1)
    gap = srt[:, -1] - srt[:, -2]
    rec = pca.inverse_transform(pca.transform(x[:100]))
    codes = pca.transform(x[:5])
    out = {
        "name": name,
        "n": x.shape[0],
        "d": x.shape[1],
        "k": k,
        "whiten": whiten,
        "mean": pca.mean_.tolist(),
        "components": comps.ravel().tolist(),
        "components_v": comps_v.ravel().tolist(),
        "codes_v": (codes * signs[None, :]).ravel().tolist(),
        "explained_variance": pca.explained_variance_.tolist(),
        "explained_variance_ratio": pca.explained_variance_ratio_.tolist(),
        "noise_variance": float(pca.noise_variance_),
        "recon_mse_100": float(np.mean((rec - x[:100]) ** 2)),
        "min_sign_gap": float(gap.min()),
    }
    out.update(store_x)
    return out


digits = load_digits()
raw = digits.data.astype(np.int64)  # pixel counts 0..16
digits32 = (raw / 16.0).astype(np.float32)  # exact: a power-of-two divisor
iris32 = load_iris().data.astype(np.float32)

cases = [
    # Digits: store the small integers and the divisor, not 115k floats.
    case("digits", digits32, 8, {"x_int": raw.ravel().tolist(), "x_div": 16}),
    # Iris: store the float32 values themselves (repr of the exact value).
    case("iris", iris32, 2, {"x": [float(v) for v in iris32.ravel()]}),
    case("iris_whiten", iris32, 3, {"x": [float(v) for v in iris32.ravel()]}, whiten=True),
]

with open("ref.json", "w") as f:
    json.dump({"sklearn": sklearn.__version__, "numpy": np.__version__, "cases": cases}, f)
    f.write("\n")
for c in cases:
    print(c["name"], "min sign gap", c["min_sign_gap"], "mse", c["recon_mse_100"])
