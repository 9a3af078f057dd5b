"""Load a latent model file in PyTorch and record what it computes.

Run with Debian's python3-torch:
    /usr/bin/python3 torch_load.py digits-small.latent > torch_load.json

It reads the safetensors container by hand (8-byte little-endian header
length, JSON header, raw little-endian buffer) so that it needs nothing but
torch and numpy; with the safetensors package installed,
safetensors.torch.load_file(path) gives the same tensors. It rebuilds the
network as torch.nn.Sequential from the manifest, applies the stored scaler,
and writes codes and reconstructions of the first 20 digits for
autoencoder/torch_load_test.go to compare.
"""
import json
import struct
import sys

import numpy as np
import torch
from sklearn.datasets import load_digits

path = sys.argv[1]
with open(path, "rb") as f:
    (n,) = struct.unpack("<Q", f.read(8))
    header = json.loads(f.read(n))
    buf = f.read()
dtypes = {"F32": np.float32, "F64": np.float64}
tensors = {}
for name, t in header.items():
    if name == "__metadata__":
        continue
    b, e = t["data_offsets"]
    tensors[name] = torch.from_numpy(np.frombuffer(buf[b:e], dtype=dtypes[t["dtype"]]).reshape(t["shape"]).copy())
man = json.loads(header["__metadata__"]["latent"])
cfg = man["config"]
acts = {"relu": torch.nn.ReLU(), "tanh": torch.nn.Tanh(), "sigmoid": torch.nn.Sigmoid(),
        "linear": torch.nn.Identity(), "gelu": torch.nn.GELU(), "leakyrelu": torch.nn.LeakyReLU(0.01)}


def sequential(part, n, last_act):
    mods = []
    for i in range(n):
        w = tensors[f"{part}.{i}.weight"]
        lin = torch.nn.Linear(w.shape[1], w.shape[0])
        lin.weight.data, lin.bias.data = w, tensors[f"{part}.{i}.bias"]
        mods += [lin, acts[last_act if i == n - 1 else cfg["activation"]]]
    return torch.nn.Sequential(*mods)


L = len(cfg["layers"])
encoder = sequential("encoder", L, cfg["code_activation"])
decoder = sequential("decoder", L, cfg["output_activation"])
x = load_digits().data[:20].astype(np.float32)
sc = man["scaler"]
a, b = np.array(sc["a"], np.float32), np.array(sc["b"], np.float32)
xs = torch.from_numpy((x - a) * b)
with torch.no_grad():
    code = encoder(xs)
    rec = decoder(code).numpy() / b + a
print(json.dumps({"torch": torch.__version__, "x": x.ravel().tolist(),
                  "code": code.numpy().ravel().tolist(), "reconstruction": rec.ravel().tolist()}))
