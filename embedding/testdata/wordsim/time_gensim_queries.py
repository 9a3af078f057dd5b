#!/usr/bin/python3
"""Time gensim's word-vector queries on GloVe 6B 100-d, to set beside
`latent words similar` (go test ./embedding -bench Full) in reports.

    /usr/bin/python3 time_gensim_queries.py [~/.cache/latent/glove/glove.6B.100d.txt]

Prints the load time, then the median of 20 runs of most_similar("king"),
most_similar_cosmul(king + woman − man) and doesnt_match; the first query
after loading (which computes the norms) is timed on its own.
"""
import os
import statistics
import sys
import time
import warnings

from gensim.models import KeyedVectors

warnings.simplefilter("ignore")
path = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser("~/.cache/latent/glove/glove.6B.100d.txt")
t = time.perf_counter()
kv = KeyedVectors.load_word2vec_format(path, binary=False, no_header=True)
print("load %.1f s (%d words)" % (time.perf_counter() - t, len(kv)))
t = time.perf_counter()
kv.most_similar("king", topn=10)
print("first most_similar (norms computed) %.1f ms" % (1000 * (time.perf_counter() - t)))


def median_ms(f):
    runs = []
    for _ in range(20):
        t = time.perf_counter()
        f()
        runs.append(time.perf_counter() - t)
    return 1000 * statistics.median(runs)


print("most_similar king: %.1f ms" % median_ms(lambda: kv.most_similar("king", topn=10)))
print("most_similar king+woman-man: %.1f ms" % median_ms(lambda: kv.most_similar(positive=["king", "woman"], negative=["man"], topn=10)))
print("most_similar_cosmul king+woman-man: %.1f ms" % median_ms(lambda: kv.most_similar_cosmul(positive=["king", "woman"], negative=["man"], topn=10)))
print("doesnt_match: %.1f ms" % median_ms(lambda: kv.doesnt_match(["breakfast", "cereal", "dinner", "lunch"])))
