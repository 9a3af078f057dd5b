"""Reference values for glove/ref_test.go: a few epochs of the GloVe
AdaGrad updates on a tiny fixed co-occurrence list, computed in float64
with numpy from the published update equations (Pennington et al. 2014;
the Stanford tool's glove.c arithmetic: the step divides by the square
root of the accumulator from before the step, and the accumulators sum
squared steps eta*g).

Run: /usr/bin/python3 glove/testdata/make_ref.py > glove/testdata/ref.json
"""
import json

import numpy as np

V, DIM = 5, 4
XMAX, ALPHA, ETA, EPOCHS = 2.0, 0.75, 0.05, 6

rng = np.random.RandomState(7)
# Parameters as float32 values (what the Go side stores), then promoted.
W = ((rng.uniform(size=(V, DIM + 1)) - 0.5) / DIM).astype(np.float32).astype(np.float64)
C = ((rng.uniform(size=(V, DIM + 1)) - 0.5) / DIM).astype(np.float32).astype(np.float64)
init_w, init_c = W.copy(), C.copy()
GW = np.ones((V, DIM + 1))
GC = np.ones((V, DIM + 1))

# Stored pairs (a <= b would be the counter's order; any order is legal):
# (a, b, X_ab). Each is visited as (a, b) then, when a != b, as (b, a).
pairs = [(0, 1, 3.5), (2, 2, 1.0), (1, 3, 0.25), (4, 0, 7.0), (3, 2, 1.5), (1, 4, 0.5), (0, 0, 2.5)]


def step(i, j, x):
    """One AdaGrad step on 1/2 f(x) (w_i.c_j + b_i + b~_j - log x)^2; returns the term."""
    f = 1.0 if x >= XMAX else (x / XMAX) ** ALPHA
    logx = np.float64(np.float32(np.log(x)))
    f = np.float64(np.float32(f))
    diff = W[i, :DIM] @ C[j, :DIM] + W[i, DIM] + C[j, DIM] - logx
    fdiff = f * diff
    cost = 0.5 * fdiff * diff
    fdiff *= ETA
    t1 = fdiff * C[j, :DIM]
    t2 = fdiff * W[i, :DIM]
    W[i, :DIM] -= t1 / np.sqrt(GW[i, :DIM])
    C[j, :DIM] -= t2 / np.sqrt(GC[j, :DIM])
    GW[i, :DIM] += t1 * t1
    GC[j, :DIM] += t2 * t2
    W[i, DIM] -= fdiff / np.sqrt(GW[i, DIM])
    C[j, DIM] -= fdiff / np.sqrt(GC[j, DIM])
    GW[i, DIM] += fdiff * fdiff
    GC[j, DIM] += fdiff * fdiff
    return cost


costs = []
for epoch in range(EPOCHS):
    total, n = 0.0, 0
    for a, b, x in pairs:
        total += step(a, b, x)
        n += 1
        if a != b:
            total += step(b, a, x)
            n += 1
    costs.append(total / n)

json.dump({
    "tool": "numpy %s, glove/testdata/make_ref.py" % np.__version__,
    "v": V, "dim": DIM, "xmax": XMAX, "alpha": ALPHA, "eta": ETA, "epochs": EPOCHS,
    "pairs": pairs,
    "init_w": init_w.ravel().tolist(), "init_c": init_c.ravel().tolist(),
    "w": W.ravel().tolist(), "c": C.ravel().tolist(),
    "gw": GW.ravel().tolist(), "gc": GC.ravel().tolist(),
    "costs": costs,
}, __import__("sys").stdout, indent=1)
