#!/usr/bin/python3
"""Time torch.matmul on the products that bench/gemm times for latent.

Reads a JSON list of products from stdin, each
{"name": str, "m": int, "n": int, "k": int, "transA": bool, "transB": bool}
(C = op(A)·op(B), op(A) m×k, op(B) k×n; a transposed operand is stored
transposed and passed as a .t() view, as latent's Gemm receives it), and
prints one JSON object: the torch version and BLAS in use, and for each
product the median seconds of --reps timed calls after --warmup untimed ones.

Run it with OPENBLAS_NUM_THREADS (and OMP_NUM_THREADS) set to --threads:
torch.set_num_threads does not reach the OpenBLAS that Debian's torch calls.
bench/gemm does that.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch


def blas_libraries():
    """The BLAS shared libraries mapped into this process."""
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if "blas" in path.lower() or "mkl" in path.lower():
                libs.add(path)
    return sorted(libs)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--reps", type=int, default=15)
    p.add_argument("--warmup", type=int, default=3)
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    products = json.load(sys.stdin)
    results = []
    for pr in products:
        m, n, k = pr["m"], pr["n"], pr["k"]
        a = torch.randn(k, m).t() if pr["transA"] else torch.randn(m, k)
        b = torch.randn(n, k).t() if pr["transB"] else torch.randn(k, n)
        c = torch.empty(m, n)
        for _ in range(args.warmup):
            torch.matmul(a, b, out=c)
        times = []
        for _ in range(args.reps):
            t0 = time.perf_counter()
            torch.matmul(a, b, out=c)
            times.append(time.perf_counter() - t0)
        results.append({"name": pr["name"], "seconds": statistics.median(times)})

    config = []
    for line in torch.__config__.show().splitlines():
        line = line.strip().lstrip("- ")
        if line.startswith("Build settings:"):
            config += [s.strip() for s in line[len("Build settings:"):].split(",")
                       if s.strip().startswith(("BLAS_INFO=", "USE_MKLDNN=", "USE_OPENMP="))]
        elif "MKL" in line or "CPU capability" in line:
            config.append(line)
    json.dump(
        {
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "config": config,
            "blas_libraries": blas_libraries(),
            "env": {v: os.environ.get(v, "") for v in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")},
            "results": results,
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
