#!/usr/bin/python3
"""Write safetensors golden files by hand, independently of the Go code.

The safetensors Python package is not available here, so this script
follows the format's specification (https://github.com/huggingface/safetensors,
README "Format") with nothing but struct, json and numpy:

  8 bytes  N, little-endian u64: the header length
  N bytes  UTF-8 JSON header {name: {"dtype", "shape", "data_offsets"}, ...,
           optional "__metadata__": {str: str}}, padded with spaces
  rest     the byte buffer; data_offsets are relative to its start

Outputs (run: /usr/bin/python3 make_golden.py, from this folder):

  golden.safetensors        canonical layout, the one latent's Write produces:
                            compact JSON, "__metadata__" first with sorted
                            keys, tensors sorted by name in header and buffer,
                            header padded with spaces to a multiple of 8.
  golden_loose.safetensors  the same tensors written the way other writers
                            may: indented JSON, tensors in the header in
                            reverse name order, buffer in yet another order,
                            no padding, an unknown extra field.
  golden.json               the expected content: metadata, and for each
                            tensor its dtype, shape and data as hex.
"""
import json
import struct

import numpy as np


def bf16(values):
    """Round-toward-zero bfloat16 bytes: the top 16 bits of each float32."""
    bits = np.asarray(values, dtype="<f4").view("<u4") >> 16
    return bits.astype("<u2").tobytes()


manifest = {
    "format": "latent-model",
    "version": 1,
    "layers": [{"kind": "dense", "in": 3, "out": 2, "activation": "relu"}],
    "note": "quotes \" and backslashes \\ survive",
}

metadata = {
    "latent": json.dumps(manifest, indent=2),
    "format": "pt",
    "tricky": "tab\tnewline\ncr\r quote\" backslash\\ <html>&amp; "
    "ctl\x01\x1f del\x7f sep\u2028\u2029 emoji \U0001F600 ünï 层",
    "": "empty key",
    "empty": "",
}

tensors = {
    "encoder.weight": ("F32", [2, 3], np.array([[0.5, -1.25, 3.0], [1e-8, -0.0, 65504.0]], dtype="<f4").tobytes()),
    "decoder.bias": ("F32", [3], np.array([0.1, 0.2, 0.3], dtype="<f4").tobytes()),
    "empty": ("F32", [0, 4], b""),
    "scalar": ("F64", [], np.array(3.141592653589793, dtype="<f8").tobytes()),
    "steps": ("I64", [2], np.array([-1, 2**40], dtype="<i8").tobytes()),
    "mask": ("U8", [5], bytes([0, 1, 254, 255, 7])),
    "half": ("BF16", [2], bf16([1.0, -2.5])),
    "packed": ("F4", [2, 3], bytes([0x12, 0x34, 0x56])),
    "ünïcødé/层": ("F32", [1, 1], np.array([42.0], dtype="<f4").tobytes()),
}


def dumps(obj, **kw):
    return json.dumps(obj, ensure_ascii=False, **kw).encode("utf-8")


def write(path, header_names, buffer_names, indent=None, pad=True, extra=False):
    offsets, buf = {}, b""
    for name in buffer_names:
        data = tensors[name][2]
        offsets[name] = [len(buf), len(buf) + len(data)]
        buf += data
    header = {"__metadata__": {k: metadata[k] for k in sorted(metadata)}}
    for name in header_names:
        dtype, shape, _ = tensors[name]
        info = {"dtype": dtype, "shape": shape, "data_offsets": offsets[name]}
        if extra:
            info["comment"] = {"ignored": [1, 2, 3]}
        header[name] = info
    if indent is None:
        h = dumps(header, separators=(",", ":"))
    else:
        h = dumps(header, indent=indent)
    if pad:
        h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        f.write(buf)


names = sorted(tensors)  # code-point order == UTF-8 byte order == Go's sort
write("golden.safetensors", names, names)
write("golden_loose.safetensors", names[::-1], names[3:] + names[:3], indent=1, pad=False, extra=True)

expect = {
    "metadata": metadata,
    "tensors": [
        {"name": n, "dtype": tensors[n][0], "shape": tensors[n][1], "hex": tensors[n][2].hex()}
        for n in names
    ],
}
with open("golden.json", "w", encoding="utf-8") as f:
    json.dump(expect, f, ensure_ascii=False, indent=1)
    f.write("\n")
