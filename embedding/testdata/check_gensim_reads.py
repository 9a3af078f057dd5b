#!/usr/bin/python3
"""Checks that gensim reads the files latent writes.

TestWriteGolden (go test ./embedding -run TestWriteGolden -update) writes
latent.txt, latent.bin and latent_glove.txt from gensim_vectors.json with
latent's writers. This script loads them with gensim's
KeyedVectors.load_word2vec_format and checks that keys and vectors are
exactly those of gensim_vectors.json.

Run with Debian's python3-gensim:  /usr/bin/python3 check_gensim_reads.py
"""
import json
import sys

import numpy as np
from gensim.models import KeyedVectors

with open("gensim_vectors.json", encoding="utf-8") as f:
    ref = json.load(f)
want = np.array(ref["vectors"], dtype=np.float32)

ok = True
for name, kwargs in [("latent.txt", {"binary": False}),
                     ("latent.bin", {"binary": True}),
                     ("latent_glove.txt", {"binary": False, "no_header": True})]:
    kv = KeyedVectors.load_word2vec_format(name, **kwargs)
    same_keys = list(kv.index_to_key) == ref["keys"]
    same_vecs = kv.vectors.dtype == np.float32 and np.array_equal(kv.vectors.view(np.uint32), want.view(np.uint32))
    print("%-18s keys %s, vectors %s" % (name, "identical" if same_keys else "DIFFER",
                                         "bit-identical" if same_vecs else "DIFFER"))
    ok = ok and same_keys and same_vecs
sys.exit(0 if ok else 1)
