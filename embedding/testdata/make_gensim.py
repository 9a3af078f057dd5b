#!/usr/bin/python3
"""Word-vector files written by gensim, for embedding's cross-check tests.

Builds a small KeyedVectors (keys with non-ASCII letters, values of very
different magnitudes, exact float32) and writes it with
KeyedVectors.save_word2vec_format in every variant gensim has:

  gensim.txt           binary=False (word2vec text, "count dim" header)
  gensim_noheader.txt  binary=False, write_header=False (GloVe layout)
  gensim.bin           binary=True
  gensim_noheader.bin  binary=True, write_header=False

and the exact values to gensim_vectors.json (keys, and the float32 values
as float64 numbers, which represent them exactly). The Go tests read every
file and compare with the JSON bit for bit.

Run with Debian's python3-gensim:  /usr/bin/python3 make_gensim.py
"""
import json

import gensim
import numpy as np
from gensim.models import KeyedVectors

keys = ["the", "king", "queen", "café", "naïve", "東京", "Zürich", "e=mc²",
        "don't", "a.b", "x_1", "UPPER", "mixedCase", "ü", "日本語", "end"]
dim = 7
rng = np.random.RandomState(7)
vectors = rng.standard_normal((len(keys), dim)).astype(np.float32)
vectors[1] *= 1e-6          # tiny values
vectors[2] *= 1e6           # large values
vectors[3, :] = 0.0         # a zero vector
vectors[4, 0] = -0.0        # a negative zero
vectors[5] = np.array([1, -1, 0.5, -0.25, 3, 1e-38, 3.4e38], dtype=np.float32)

kv = KeyedVectors(vector_size=dim)
kv.add_vectors(keys, vectors)
kv.save_word2vec_format("gensim.txt", binary=False)
kv.save_word2vec_format("gensim_noheader.txt", binary=False, write_header=False)
kv.save_word2vec_format("gensim.bin", binary=True)
kv.save_word2vec_format("gensim_noheader.bin", binary=True, write_header=False)

with open("gensim_vectors.json", "w", encoding="utf-8") as f:
    json.dump({
        "tool": "gensim %s KeyedVectors.save_word2vec_format" % gensim.__version__,
        "keys": list(kv.index_to_key),
        "dim": dim,
        "vectors": [[float(v) for v in row] for row in kv.vectors],
    }, f, ensure_ascii=False)
    f.write("\n")
