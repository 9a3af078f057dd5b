"""gensim's word2vec, the peer of bench/words.

    python3 gensim_w2v.py TOKENS.txt OUT.bin SEED WORKERS [key=value ...]

Trains gensim.models.Word2Vec on TOKENS.txt (one sentence per line, tokens
separated by spaces, read with LineSentence) and writes the vectors to
OUT.bin in word2vec binary format. Settings default to the benchmark's
(skip-gram, negative 5, window 5, dim 100, min_count 5, sample 1e-3,
5 epochs) and may be overridden as key=value (sg, negative, window,
vector_size, min_count, sample, epochs, hs).

Prints one JSON object: the seconds of train() alone (the vocabulary scan is
timed apart) and the CPU seconds of the process during it, the word counts train() returns (effective words, after
min_count and subsampling, and raw words), and effective words per second,
the figure gensim logs.
"""
import json
import sys
import time

from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence


def main():
    path, out, seed, workers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    params = dict(sg=1, hs=0, negative=5, window=5, vector_size=100, min_count=5, sample=1e-3, epochs=5)
    for kv in sys.argv[5:]:
        k, v = kv.split("=", 1)
        params[k] = type(params[k])(float(v)) if k in params else v
    epochs = params.pop("epochs")
    model = Word2Vec(seed=seed, workers=workers, epochs=epochs, **params)
    sentences = LineSentence(path)
    t0 = time.perf_counter()
    model.build_vocab(sentences)
    vocab_seconds = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    effective, raw = model.train(sentences, total_examples=model.corpus_count, epochs=epochs)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    model.wv.save_word2vec_format(out, binary=True)
    import gensim
    json.dump({
        "gensim": gensim.__version__,
        "vocab": len(model.wv),
        "vocab_seconds": vocab_seconds,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "effective_words": effective,
        "raw_words": raw,
        "effective_words_per_sec": effective / seconds,
        "raw_words_per_sec": raw / seconds,
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()
