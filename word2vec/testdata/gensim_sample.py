# Makes gensim_sample.json, the reference for TestKeepProbsGensim: gensim's
# subsampling keep values (sample_int) for a vocabulary with known counts.
# Run with Debian's python3-gensim (4.2):  /usr/bin/python3 gensim_sample.py
import json
from gensim.models import Word2Vec

# Word i occurs counts[i] times, a Zipf-like spread from very frequent to rare.
counts = [200000, 90000, 30000, 12000, 5000, 2000, 800, 300, 100, 40, 12, 5]
words = ["w%d" % i for i in range(len(counts))]
out = {"words": words, "counts": counts, "cases": []}
for sample in [1e-3, 1e-4, 1e-5]:
    m = Word2Vec(vector_size=4, min_count=1, sample=sample)
    m.build_vocab_from_freq(dict(zip(words, counts)))
    out["cases"].append({
        "sample": sample,
        "sample_int": [int(m.wv.get_vecattr(w, "sample_int")) for w in words],
    })
with open("gensim_sample.json", "w") as f:
    json.dump(out, f, indent=1)
