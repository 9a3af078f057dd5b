#!/usr/bin/python3
"""Writes the NPY (and IDX) files the dataset tests read, with numpy, and
expected.json holding each file's shape and values (flattened, C order).

Run from this folder with Debian's python3-numpy:

    /usr/bin/python3 make_npy.py

The outputs are committed; the Go tests do not need Python.
"""
import gzip
import json

import numpy as np

rng = np.random.default_rng(20240601)
expected = {}


def save(name, arr, version=None, fortran=False):
    if fortran:
        arr = np.asfortranarray(arr)
    with open(name, "wb") as f:
        np.lib.format.write_array(f, arr, version=version)
    expected[name] = {
        "dtype": arr.dtype.str,
        "shape": list(arr.shape),
        "values": [float(v) for v in np.ascontiguousarray(arr).ravel()],
    }


f4 = (rng.standard_normal((5, 4)) * 10).astype("<f4")
f4[0, 0] = np.float32(1e-40)  # a subnormal
f4[0, 1] = np.finfo(np.float32).max
save("f4_2d.npy", f4)
save("f8_2d.npy", rng.standard_normal((3, 7)).astype("<f8"))
save("f8_2d_be.npy", rng.standard_normal((2, 3)).astype(">f8"))
save("u1_2d.npy", rng.integers(0, 256, (4, 6)).astype("|u1"))
save("f4_3d.npy", rng.standard_normal((3, 2, 4)).astype("<f4"))
save("f4_1d.npy", np.arange(5, dtype="<f4") / 4)
save("f4_2d_v2.npy", f4, version=(2, 0))
save("f4_2d_v3.npy", f4, version=(3, 0))
save("f4_fortran.npy", f4, fortran=True)
save("i8_labels.npy", rng.integers(0, 10, 5).astype("<i8"))
save("i4_labels.npy", rng.integers(-3, 10, 5).astype("<i4"))


def save_idx(name, arr, code):
    """IDX as in the MNIST distribution: magic, big-endian dims and data."""
    head = bytes([0, 0, code, arr.ndim]) + b"".join(
        int(d).to_bytes(4, "big") for d in arr.shape)
    data = head + arr.astype(arr.dtype.newbyteorder(">")).tobytes()
    if name.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    with open(name, "wb") as f:
        f.write(data)
    expected[name] = {
        "dtype": "idx-0x%02x" % code,
        "shape": list(arr.shape),
        "values": [float(v) for v in arr.ravel()],
    }


images = rng.integers(0, 256, (4, 3, 2)).astype(np.uint8)
save_idx("images.idx", images, 0x08)
save_idx("images.idx.gz", images, 0x08)
save_idx("labels.idx", rng.integers(0, 10, 4).astype(np.uint8), 0x08)
save_idx("f4_2d.idx", f4, 0x0D)

with open("expected.json", "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
    f.write("\n")
