#!/usr/bin/env python3
# Runs torch.optim.AdamW for a few steps on random tensors and writes every intermediate state into
# Fixtures/train/adamw.safetensors, the golden reference for FlowTrain's AdamW (Tests/FlowTrainTests/AdamWTests.swift).
#
# Pinned peer (see Tools/requirements.txt): torch==2.13.0+cpu
#
# Four parameters with two param groups, as FlowTrain decays them (docs/DECISIONS.md, "Weight decay"):
#   "weight_a" [6,10] and "weight_c" [4,10] decay; "bias_b" [10] and "norm_d" [10] do not.
# Their flat concatenation (a, b, c, d) is the arena [120]; decay ranges 0:60 and 70:110.
# Tensors written (all F32, flat [120] unless noted):
#   arena.initial                 parameters before the first step
#   grad.step{k}, arena.step{k}   gradient fed to step k (1-based) and parameters after it
#   exp_avg.final, exp_avg_sq.final   optimizer moments after the last step
# Metadata: steps, lrs (comma-separated Python reprs, one per step), betas, eps, weight_decay, decay_ranges.
# Run: python3 Tools/make_adamw_fixture.py
import os

import torch
from safetensors.torch import save_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Fixtures", "train", "adamw.safetensors")

LRS = [1e-2, 5e-3, 2e-2, 1e-3, 7.5e-3]
BETAS = (0.9, 0.999)
EPS = 1e-8
WEIGHT_DECAY = 0.1


def main():
    torch.manual_seed(20261125)
    shapes = [("weight_a", (6, 10), True), ("bias_b", (10,), False), ("weight_c", (4, 10), True), ("norm_d", (10,), False)]
    params = [torch.nn.Parameter(torch.randn(*shape) * 0.5) for _, shape, _ in shapes]
    decay = [p for p, (_, _, d) in zip(params, shapes) if d]
    no_decay = [p for p, (_, _, d) in zip(params, shapes) if not d]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": WEIGHT_DECAY}, {"params": no_decay, "weight_decay": 0.0}],
        lr=LRS[0], betas=BETAS, eps=EPS, foreach=False, fused=False,
    )

    def flat(tensors):
        return torch.cat([t.detach().reshape(-1) for t in tensors]).clone()

    out = {"arena.initial": flat(params)}
    for k, lr in enumerate(LRS, start=1):
        for group in opt.param_groups:
            group["lr"] = lr
        # Gradients of mixed scales, a few exact zeros, one large outlier: all regimes of the update.
        grads = [torch.randn(*p.shape) * (10.0 ** torch.randint(-3, 2, p.shape)) for p in params]
        grads[0].view(-1)[:3] = 0.0
        grads[2].view(-1)[5] = 50.0
        for p, g in zip(params, grads):
            p.grad = g
        opt.step()
        out[f"grad.step{k}"] = flat(grads)
        out[f"arena.step{k}"] = flat(params)
    out["exp_avg.final"] = flat([opt.state[p]["exp_avg"] for p in params])
    out["exp_avg_sq.final"] = flat([opt.state[p]["exp_avg_sq"] for p in params])
    metadata = {
        "steps": str(len(LRS)),
        "lrs": ",".join(repr(x) for x in LRS),
        "betas": f"{BETAS[0]!r},{BETAS[1]!r}",
        "eps": repr(EPS),
        "weight_decay": repr(WEIGHT_DECAY),
        "decay_ranges": "0:60,70:110",
        "torch": torch.__version__,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    save_file({k: v.contiguous().float() for k, v in out.items()}, OUT, metadata=metadata)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
