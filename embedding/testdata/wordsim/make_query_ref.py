#!/usr/bin/python3
"""Reference answers for embedding's queries and correlation statistics.

Writes query_ref.json beside this script (Debian python3-gensim 4.2,
scipy 1.10):

    /usr/bin/python3 make_query_ref.py

queries: gensim KeyedVectors.most_similar, most_similar_cosmul and
doesnt_match on glove-small.txt.gz (read with load_word2vec_format,
no_header=True). most_similar_cosmul is only asked without a cut-off: gensim
ignores its restrict_vocab.

stats: scipy.stats.pearsonr and spearmanr on small edge cases (ties, two
values, constant input: nan).
"""
import json
import os
import warnings

import numpy as np
import scipy
import scipy.stats
import gensim
from gensim.models import KeyedVectors

warnings.simplefilter("ignore")
here = os.path.dirname(os.path.abspath(__file__))
kv = KeyedVectors.load_word2vec_format(os.path.join(here, "glove-small.txt.gz"), binary=False, no_header=True)

queries = []


def q(method, positive, negative=(), topn=10, restrict=None):
    f = kv.most_similar if method == "3cosadd" else kv.most_similar_cosmul
    kw = {"restrict_vocab": restrict} if restrict else {}
    res = f(positive=list(positive), negative=list(negative), topn=topn, **kw)
    queries.append({"method": method, "positive": list(positive), "negative": list(negative),
                    "k": topn, "restrict": restrict or 0,
                    "answers": [[k, float(s)] for k, s in res]})


q("3cosadd", ["king"])
q("3cosadd", ["tiger"], topn=5)
q("3cosadd", ["king"], restrict=1000)
q("3cosadd", ["king", "woman"], ["man"])
q("3cosadd", ["paris", "germany"], ["france"], topn=3)
q("3cosadd", ["walking", "swam"], ["walked"], restrict=3000)
q("3cosadd", ["good", "bad", "better"], ["worse", "best"], topn=5)
q("3cosmul", ["king", "woman"], ["man"])
q("3cosmul", ["paris", "germany"], ["france"], topn=3)
q("3cosmul", ["computer"], topn=5)
q("3cosmul", ["good", "bad", "better"], ["worse", "best"], topn=5)

oddone = []
for words in (["breakfast", "cereal", "dinner", "lunch"], ["cat", "dog", "car", "mouse"],
              ["france", "germany", "italy", "paris", "spain"]):
    oddone.append({"words": words, "answer": kv.doesnt_match(words)})

stats = []
cases = [
    ("ties", [1, 2, 2, 3, 4, 4, 4, 5], [2.5, 1, 3, 3, 5, 4, 9, 7]),
    ("two", [1, 2], [5, 3]),
    ("constant", [1, 2, 3, 4], [7, 7, 7, 7]),
    ("anti", [1, 2, 3, 4, 5], [10, 8, 6, 4, 2]),
    ("random", list(np.round(np.random.default_rng(7).normal(size=40), 1)),
     list(np.round(np.random.default_rng(8).normal(size=40), 1))),
]
for name, x, y in cases:
    p = scipy.stats.pearsonr(x, y)[0]
    s = scipy.stats.spearmanr(x, y).correlation
    stats.append({"name": name, "x": [float(v) for v in x], "y": [float(v) for v in y],
                  "pearson": None if np.isnan(p) else float(p),
                  "spearman": None if np.isnan(s) else float(s)})

out = {"tool": "gensim %s, scipy %s, numpy %s" % (gensim.__version__, scipy.__version__, np.__version__),
       "script": "make_query_ref.py", "queries": queries, "oddone": oddone, "stats": stats}
with open(os.path.join(here, "query_ref.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
