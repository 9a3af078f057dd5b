"""Reference values for anomaly/metrics_test.go.

Run with Debian's python3-sklearn and python3-scipy:
    /usr/bin/python3 make_ref.py > ref.json
"""
import json

import numpy as np
from scipy.stats import beta
from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve

rng = np.random.default_rng(7)
cases = []
for n, ties in [(40, False), (200, True), (1000, True)]:
    y = (rng.random(n) < 0.2).astype(int)
    s = rng.normal(size=n) + 1.2 * y
    if ties:
        s = np.round(s, 1)  # many tied scores
    fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
    cases.append({
        "scores": s.tolist(), "labels": y.tolist(),
        "roc_auc": roc_auc_score(y, s),
        "average_precision": average_precision_score(y, s),
        "roc_fpr": fpr.tolist(), "roc_tpr": tpr.tolist(),
    })


def clopper_pearson(k, n, conf=0.95):
    a = (1 - conf) / 2
    lo = 0.0 if k == 0 else beta.ppf(a, k, n - k + 1)
    hi = 1.0 if k == n else beta.ppf(1 - a, k + 1, n - k)
    return [k, n, lo, hi]


intervals = [clopper_pearson(k, n) for k, n in [(0, 10), (3, 10), (10, 10), (17, 323), (1, 1000), (50, 1000)]]
print(json.dumps({"cases": cases, "clopper_pearson": intervals}))
