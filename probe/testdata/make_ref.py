"""Reference values for package probe, from scikit-learn.

Run with Debian's Python:  /usr/bin/python3 make_ref.py
It writes ref.json beside itself: logistic-regression coefficients on the breast-cancer
(two labels) and iris (three labels) tables standardised, with the
inputs themselves, and a TF-IDF matrix of small tokenised documents.
"""
import json
import os
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.preprocessing import StandardScaler


def logreg(x, y, c):
    # Newton-CG warns that it did not converge when it cannot improve on
    # the float64 optimum any further: that is what this reference wants.
    warnings.simplefilter("ignore")
    # The same objective as solver="lbfgs", solved by Newton-CG: scipy's
    # L-BFGS-B stops on a relative decrease of the objective (ftol) long
    # before the coefficients settle to 1e-4; Newton-CG converges.
    m = LogisticRegression(C=c, solver="newton-cg", tol=1e-10, max_iter=10000)
    m.fit(x, y)
    pred = m.predict(x)
    avg = "binary" if len(set(y)) == 2 else "macro"
    return {
        "x": np.round(x, 6).tolist(),
        "y": [int(v) for v in y],
        "c": c,
        "coef": m.coef_.tolist(),
        "intercept": m.intercept_.tolist(),
        "accuracy": accuracy_score(y, pred),
        "f1": f1_score(y, pred, average=avg),
    }


def standardised(loader):
    x, y = loader(return_X_y=True)
    return np.round(StandardScaler().fit_transform(x), 6), y


out = {}
x, y = standardised(load_breast_cancer)
out["binary"] = logreg(x, y, 0.5)
x, y = standardised(load_iris)
out["multinomial"] = logreg(x, y, 2.0)

docs = [
    "the cat sat on the mat",
    "the dog sat on the log",
    "cats and dogs are pets",
    "the mat is red and the log is brown",
    "a dog and a cat",
]
train = [d.split() for d in docs[:4]]
test = [d.split() for d in docs]
v = TfidfVectorizer(analyzer=lambda toks: toks, min_df=2)
v.fit(train)
m = v.transform(test).toarray()
out["tfidf"] = {
    "train": train,
    "test": test,
    "vocabulary": sorted(v.vocabulary_, key=v.vocabulary_.get),
    "matrix": m.tolist(),
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "ref.json"), "w") as f:
    json.dump(out, f)
