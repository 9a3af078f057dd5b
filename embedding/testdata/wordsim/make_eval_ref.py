#!/usr/bin/python3
"""Reference figures for embedding's word-vector evaluation, from gensim.

Writes eval_ref.json beside this script (run with Debian's python3-gensim
4.2, scipy 1.10, numpy 1.24):

    /usr/bin/python3 make_eval_ref.py              # small file + mixed-case table
    /usr/bin/python3 make_eval_ref.py --full       # also GloVe 6B 100-d (slow)

Vector sets:
  small  glove-small.txt.gz (see make_small_vectors.py), read with
         KeyedVectors.load_word2vec_format(no_header=True).
  mixed  the small table with every row i < 3000, i % 7 == 3, whose key starts
         with an ASCII lower-case letter given a capital first letter, and a copy
         of each such row appended at the end under the lower-case key with
         the vector negated. It exercises gensim's case handling: the first of
         several case variants wins when case-insensitive, and an answer that
         is a case variant of a question word is passed over.
  full   ~/.cache/latent/glove/glove.6B.100d.txt (341,479 words).

Similarity: KeyedVectors.evaluate_word_pairs(path, restrict_vocab=R,
case_insensitive=C, dummy4unknown=D); Pearson and Spearman are the
statistics of scipy.stats.pearsonr / spearmanr it returns.

Analogies, 3CosAdd: KeyedVectors.evaluate_word_analogies(path,
restrict_vocab=R, case_insensitive=C, dummy4unknown=D).

Analogies, 3CosMul: gensim has no evaluation for it, and its
most_similar_cosmul ignores restrict_vocab. So analogies() below repeats
evaluate_word_analogies line by line (same parsing, vocabulary, OOV rule,
top-5 and ignore rule) with most_similar_cosmul(topn=None) cut to the first R
rows as the scorer. Run with most_similar as the scorer the same loop must
reproduce evaluate_word_analogies exactly; the script checks that on the
small tables.
"""
import gzip
import json
import logging
import os
import sys
import time
import warnings

import numpy as np
import scipy
import gensim
from gensim import matutils
from gensim.models import KeyedVectors

warnings.simplefilter("ignore")
logging.basicConfig(level=logging.WARNING)
here = os.path.dirname(os.path.abspath(__file__))
PAIRS = ["wordsim353.tsv", "simlex999.txt"]
QUESTIONS = "questions-words.txt"


def load_small():
    return KeyedVectors.load_word2vec_format(os.path.join(here, "glove-small.txt.gz"), binary=False, no_header=True)


def mixed(kv):
    keys = list(kv.index_to_key)
    vecs = kv.vectors.copy()
    extra_keys, extra_vecs = [], []
    for i in range(min(3000, len(keys))):
        k = keys[i]
        if i % 7 == 3 and "a" <= k[0] <= "z":
            keys[i] = k[0].upper() + k[1:]
            extra_keys.append(k)
            extra_vecs.append(-vecs[i])
    m = KeyedVectors(kv.vector_size, dtype=np.float32)
    m.add_vectors(keys + extra_keys, np.vstack([vecs, np.array(extra_vecs, dtype=np.float32)]))
    return m


def cosadd(kv, pos, neg, topn, restrict):
    return kv.most_similar(positive=pos, negative=neg, topn=topn, restrict_vocab=restrict)


def cosmul(kv, pos, neg, topn, restrict):
    dists = kv.most_similar_cosmul(positive=pos, negative=neg, topn=None)[:restrict]
    inputs = {kv.get_index(w) for w in pos + neg}
    best = matutils.argsort(dists, topn=topn + len(inputs), reverse=True)
    return [(kv.index_to_key[i], float(dists[i])) for i in best if i not in inputs][:topn]


def analogies(kv, path, restrict, case_insensitive, dummy4unknown, solve):
    """evaluate_word_analogies' loop with the scorer solve."""
    ok_keys = kv.index_to_key[:restrict]
    up = (lambda w: w.upper()) if case_insensitive else (lambda w: w)
    ok_vocab = {up(k): kv.get_index(k) for k in reversed(ok_keys)}
    oov = quads = 0
    sections, section = [], None
    with open(path, "rb") as fin:
        for line_no, line in enumerate(fin):
            line = line.decode("utf8")
            if line.startswith(": "):
                if section:
                    sections.append(section)
                section = {"section": line.lstrip(": ").strip(), "correct": 0, "incorrect": 0}
                continue
            try:
                a, b, c, expected = [up(w) for w in line.split()]
            except ValueError:
                continue
            quads += 1
            if any(w not in ok_vocab for w in (a, b, c, expected)):
                oov += 1
                if dummy4unknown:
                    section["incorrect"] += 1
                continue
            saved, kv.key_to_index = kv.key_to_index, ok_vocab
            try:
                sims = solve(kv, [b, c], [a], 5, restrict)
            finally:
                kv.key_to_index = saved
            ignore = {a, b, c}
            predicted = None
            for word, _ in sims:
                predicted = up(word)
                if predicted in ok_vocab and predicted not in ignore:
                    break
            section["correct" if predicted == expected else "incorrect"] += 1
    if section:
        sections.append(section)
    return sections, oov, quads


def summarise(sections, oov, quads):
    c = sum(s["correct"] for s in sections)
    n = c + sum(s["incorrect"] for s in sections)
    return {
        "sections": [{"section": s["section"], "correct": s["correct"], "answered": s["correct"] + s["incorrect"]} for s in sections],
        "correct": c, "answered": n, "accuracy": c / n if n else 0.0,
        "oov": oov, "questions": quads, "oov_ratio": 100.0 * oov / quads,
    }


def run(name, kv, out, settings, check_loop):
    for restrict, case_insensitive in settings:
        for pairs in PAIRS:
            for dummy in (False, True):
                t = time.time()
                pearson, spearman, oov_ratio = kv.evaluate_word_pairs(
                    os.path.join(here, pairs), restrict_vocab=restrict,
                    case_insensitive=case_insensitive, dummy4unknown=dummy)
                out["similarity"].append({
                    "vectors": name, "pairs": pairs, "restrict": restrict,
                    "case_insensitive": case_insensitive, "dummy4unknown": dummy,
                    "pearson": float(pearson[0]), "spearman": float(spearman.correlation),
                    "oov_ratio": float(oov_ratio), "seconds": round(time.time() - t, 3)})
        qpath = os.path.join(here, QUESTIONS)
        for dummy in ((False, True) if check_loop else (False,)):
            t = time.time()
            score, secs = kv.evaluate_word_analogies(qpath, restrict_vocab=restrict,
                                                     case_insensitive=case_insensitive, dummy4unknown=dummy)
            took = time.time() - t
            total = secs[-1]
            gsecs = [{"section": s["section"], "correct": len(s["correct"]), "incorrect": len(s["incorrect"])} for s in secs[:-1]]
            if check_loop:
                mine, oov, quads = analogies(kv, qpath, restrict, case_insensitive, dummy, cosadd)
                if mine != gsecs:
                    sys.exit("make_eval_ref: the analogy loop does not reproduce evaluate_word_analogies on %s" % name)
            else:
                # gensim does not return the OOV count; count it with the
                # same loop and a scorer that answers nothing.
                _, oov, quads = analogies(kv, qpath, restrict, case_insensitive, dummy, lambda *args: [])
            rec = summarise(gsecs, oov, quads)
            assert abs(rec["accuracy"] - score) < 1e-12 and total["section"] == "Total accuracy"
            rec.update({"vectors": name, "method": "3cosadd", "restrict": restrict,
                        "case_insensitive": case_insensitive, "dummy4unknown": dummy, "seconds": round(took, 1)})
            out["analogies"].append(rec)
            print(name, "3cosadd", restrict, case_insensitive, dummy, rec["accuracy"], round(took, 1), "s", flush=True)

            t = time.time()
            secs, oov, quads = analogies(kv, qpath, restrict, case_insensitive, dummy, cosmul)
            rec = summarise(secs, oov, quads)
            rec.update({"vectors": name, "method": "3cosmul", "restrict": restrict,
                        "case_insensitive": case_insensitive, "dummy4unknown": dummy,
                        "seconds": round(time.time() - t, 1)})
            out["analogies"].append(rec)
            print(name, "3cosmul", restrict, case_insensitive, dummy, rec["accuracy"], rec["seconds"], "s", flush=True)


def main():
    full = "--full" in sys.argv[1:]
    dest = os.path.join(here, "eval_ref.json")
    out = {"tool": "gensim %s, scipy %s, numpy %s" % (gensim.__version__, scipy.__version__, np.__version__),
           "script": "make_eval_ref.py", "similarity": [], "analogies": []}
    if full and os.path.exists(dest):
        # Keep the small-table figures; recompute only the full ones.
        with open(dest) as f:
            old = json.load(f)
        out["similarity"] = [r for r in old["similarity"] if r["vectors"] != "full"]
        out["analogies"] = [r for r in old["analogies"] if r["vectors"] != "full"]
    else:
        small = load_small()
        run("small", small, out, [(300000, True), (2000, True), (2000, False)], True)
        run("mixed", mixed(small), out, [(300000, True), (300000, False), (4000, True)], True)
    if full:
        path = os.path.expanduser("~/.cache/latent/glove/glove.6B.100d.txt")
        t = time.time()
        kv = KeyedVectors.load_word2vec_format(path, binary=False, no_header=True)
        out["full_load_seconds"] = round(time.time() - t, 1)
        run("full", kv, out, [(300000, True)], False)
    with open(dest + ".tmp", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    os.replace(dest + ".tmp", dest)
    print("wrote", dest)


if __name__ == "__main__":
    main()
