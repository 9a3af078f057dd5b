"""PyTorch peer for bench/train: train the reference autoencoder on IDX images.

    /usr/bin/python3 bench/peers/torch_ae.py --data train-images-idx3-ubyte.gz \
        --threads 1 --epochs 3 [--variant plain|denoising|contractive]

784-512-128-32-128-512-784, ReLU hidden layers, linear code, sigmoid output
(binary cross-entropy from logits), Adam lr 1e-3, batch 256, pixels / 255.
Denoising adds Gaussian noise (sigma 0.2) to the inputs; contractive adds
1e-4 * ||dh/dx||_F^2 per sample, the Jacobian taken row by row with autograd
(create_graph=True), the usual PyTorch route for a deep encoder. Prints one
JSON object: samples/s over the training loop, wall seconds, final loss, and
optionally test MSE/BCE (--test IDX) for the loss-curve comparison.
"""
import argparse
import gzip
import json
import struct
import time

import numpy as np
import torch


def read_idx(path):
    with (gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")) as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    x = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims[0], -1)
    return x.astype(np.float32) / 255.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--test")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--variant", default="plain")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x = torch.from_numpy(read_idx(a.data))
    widths = [784, 512, 128, 32]
    enc, dec = [], []
    for i in range(3):
        enc += [torch.nn.Linear(widths[i], widths[i + 1])] + ([torch.nn.ReLU()] if i < 2 else [])
    for i in range(3, 0, -1):
        dec += [torch.nn.Linear(widths[i], widths[i - 1])] + ([torch.nn.ReLU()] if i > 1 else [])
    encoder, decoder = torch.nn.Sequential(*enc), torch.nn.Sequential(*dec)
    params = list(encoder.parameters()) + list(decoder.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    bce = torch.nn.BCEWithLogitsLoss()
    n = x.shape[0]
    g = torch.Generator().manual_seed(a.seed)
    start = time.perf_counter()
    loss = None
    for _ in range(a.epochs):
        perm = torch.randperm(n, generator=g)
        for i in range(0, n, a.batch):
            xb = x[perm[i:i + a.batch]]
            inp = xb
            if a.variant == "denoising":
                inp = xb + 0.2 * torch.randn_like(xb)
            if a.variant == "contractive":
                inp = inp.clone().requires_grad_(True)
            h = encoder(inp)
            loss = bce(decoder(h), xb)
            if a.variant == "contractive":
                pen = 0.0
                for j in range(h.shape[1]):
                    gj, = torch.autograd.grad(h[:, j].sum(), inp, create_graph=True)
                    pen = pen + (gj ** 2).sum()
                loss = loss + 1e-4 * pen / xb.shape[0]
            opt.zero_grad()
            loss.backward()
            opt.step()
    secs = time.perf_counter() - start
    out = {"samples_per_sec": n * a.epochs / secs, "seconds": secs, "final_loss": float(loss),
           "threads": a.threads, "variant": a.variant, "torch": torch.__version__}
    if a.test:
        xt = torch.from_numpy(read_idx(a.test))
        with torch.no_grad():
            z = decoder(encoder(xt))
            out["test_bce"] = float(bce(z, xt))
            out["test_mse"] = float(((torch.sigmoid(z) - xt) ** 2).mean())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
