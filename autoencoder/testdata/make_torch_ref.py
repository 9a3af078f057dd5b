"""Reference values for autoencoder/torch_test.go, computed with PyTorch.

Run with Debian's python3-torch:  /usr/bin/python3 make_torch_ref.py > torch_ref.json

For each case it builds a small autoencoder with fixed random weights in
PyTorch's nn.Linear layout, runs a forward pass on a fixed batch, records the
loss (reconstruction loss plus the variant's penalty), the gradients, and the
weights after three optimiser steps. The Go test loads the same weights and
compares.
"""
import json

import numpy as np
import torch

torch.set_default_dtype(torch.float32)


def act(name):
    return {
        "relu": torch.relu,
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "linear": lambda z: z,
        "gelu": torch.nn.functional.gelu,
        "leakyrelu": lambda z: torch.nn.functional.leaky_relu(z, 0.01),
    }[name]


def case(name, rng, inp, layers, activation, code_act, out_act, loss, optimizer,
         lr, weight_decay=0.0, contractive=0.0, l2=0.0, l1=0.0, sparsity_l1=0.0,
         kl=None, batch=5):
    widths = [inp] + layers
    enc = [(widths[i + 1], widths[i]) for i in range(len(layers))]
    dec = [(widths[i - 1], widths[i]) for i in range(len(widths) - 1, 0, -1)]
    params = []
    for (o, i) in enc + dec:
        w = torch.tensor(rng.uniform(-0.6, 0.6, size=(o, i)), dtype=torch.float32, requires_grad=True)
        b = torch.tensor(rng.uniform(-0.2, 0.2, size=(o,)), dtype=torch.float32, requires_grad=True)
        params += [w, b]
    x = torch.tensor(rng.uniform(0.05, 0.95, size=(batch, inp)), dtype=torch.float32)
    init = [p.detach().clone() for p in params]
    L = len(layers)

    def encode(x):
        h = x
        for l in range(L):
            w, b = params[2 * l], params[2 * l + 1]
            a = act(code_act if l == L - 1 else activation)
            h = a(h @ w.T + b)
        return h

    def decode_raw(h):
        for l in range(L):
            w, b = params[2 * (L + l)], params[2 * (L + l) + 1]
            z = h @ w.T + b
            if l == L - 1:
                return z
            h = act(activation)(z)

    def objective():
        h = encode(x)
        z = decode_raw(h)
        if loss == "bce":
            total = torch.nn.functional.binary_cross_entropy_with_logits(z, x)
        elif loss == "poisson":
            total = torch.nn.functional.poisson_nll_loss(z, x, log_input=True)
        else:
            total = torch.nn.functional.mse_loss(act(out_act)(z), x)
        if contractive:
            # Exact ||dh/dx||_F^2 per sample through autograd, summed, / batch.
            jac = 0.0
            for s in range(batch):
                J = torch.autograd.functional.jacobian(lambda v: encode(v.unsqueeze(0))[0], x[s], create_graph=True)
                jac = jac + (J ** 2).sum()
            total = total + contractive * jac / batch
        if sparsity_l1:
            total = total + sparsity_l1 * h.abs().sum() / batch
        if kl is not None:
            rho, wgt = kl
            rh = h.mean(0).clamp(1e-6, 1 - 1e-6)
            total = total + wgt * (rho * torch.log(rho / rh) + (1 - rho) * torch.log((1 - rho) / (1 - rh))).sum()
        weights = params[0::2]
        if l2:
            total = total + l2 * sum((w ** 2).sum() for w in weights)
        if l1:
            total = total + l1 * sum(w.abs().sum() for w in weights)
        return total, h, z

    if optimizer == "adam":
        opt = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    elif optimizer == "adamw":
        opt = torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    elif optimizer == "sgd":
        opt = torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=weight_decay)
    else:
        opt = torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True, weight_decay=weight_decay)

    total, h, z = objective()
    opt.zero_grad()
    total.backward()
    grads = [p.grad.detach().clone() for p in params]
    loss0 = float(total)
    code0 = h.detach().clone()
    opt.step()
    for _ in range(2):
        opt.zero_grad()
        t, _, _ = objective()
        t.backward()
        opt.step()

    flat = lambda ts: [t.reshape(-1).tolist() for t in ts]
    return {
        "name": name, "input": inp, "layers": layers, "activation": activation,
        "code_activation": code_act, "output_activation": out_act, "loss": loss,
        "optimizer": optimizer, "lr": lr, "weight_decay": weight_decay,
        "contractive": contractive, "l1": l1, "l2": l2, "sparsity_l1": sparsity_l1,
        "kl": kl, "x": x.reshape(-1).tolist(), "batch": batch,
        "init": flat(init), "objective": loss0, "code": code0.reshape(-1).tolist(),
        "grads": flat(grads), "after3": flat([p.detach() for p in params]),
    }


rng = np.random.default_rng(20261128)
cases = [
    case("mse-relu-adam", rng, 6, [4, 2], "relu", "linear", "sigmoid", "mse", "adam", 1e-2),
    case("bce-tanh-adamw", rng, 6, [5, 3], "tanh", "linear", "sigmoid", "bce", "adamw", 1e-2, weight_decay=0.05),
    case("poisson-gelu-sgd", rng, 5, [4, 2], "gelu", "tanh", "linear", "poisson", "sgd", 5e-2, weight_decay=1e-3),
    case("mse-leaky-nesterov-l1l2", rng, 6, [3], "leakyrelu", "sigmoid", "linear", "mse", "nesterov", 5e-2, l1=1e-3, l2=1e-2),
    case("contractive-deep-tanh", rng, 5, [4, 3], "tanh", "sigmoid", "sigmoid", "mse", "adam", 1e-2, contractive=0.1),
    case("contractive-one-layer", rng, 6, [3], "relu", "sigmoid", "sigmoid", "bce", "adam", 1e-2, contractive=0.5),
    case("sparse-l1", rng, 6, [4, 3], "relu", "relu", "sigmoid", "mse", "adam", 1e-2, sparsity_l1=1e-2),
    case("sparse-kl", rng, 6, [4, 3], "relu", "sigmoid", "sigmoid", "bce", "adam", 1e-2, kl=(0.1, 0.05)),
]
print(json.dumps({"torch": torch.__version__, "cases": cases}))
