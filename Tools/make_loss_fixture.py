#!/usr/bin/env python3
# Writes Fixtures/train/weighted_ce.safetensors: the weighted cross-entropy FlowTrain computes
# (docs/DECISIONS.md, "Loss normalisation"), done the PyTorch way with autograd, for
# Tests/FlowTrainTests/WeightedCrossEntropyTests.swift.
#
# Pinned peer (see Tools/requirements.txt): torch==2.13.0+cpu
#
#   z = logits with the MASK column set to -inf
#   ce = F.cross_entropy(z, labels, reduction="none", ignore_index=-100)
#   loss = (weights * ce).sum() / weights[labels != -100].sum()
# Tensors: logits [N,V] F32, labels [N] I64 (-100 = ignored row), weights [N] F32, loss [1] F32,
#          row_loss [N] F32 (0 on ignored rows), grad [N,V] F32 (d loss / d logits).
# Metadata: mask_id. Run: python3 Tools/make_loss_fixture.py
import os

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Fixtures", "train", "weighted_ce.safetensors")
N, V, MASK = 16, 13, 4


def main():
    torch.manual_seed(7)
    logits = (torch.randn(N, V) * 3.0).requires_grad_(True)
    labels = torch.randint(5, V, (N,))
    labels[[2, 9, 14]] = -100  # ignored rows (prompt, padding)
    labels[5] = 0  # a reserved-but-not-excluded id can still be a target
    weights = torch.rand(N) * 3.0
    weights[7] = 0.0  # scored with weight 0 (e.g. w_keep = 0): counted in metrics, not in the loss
    weights[labels == -100] = 0.0
    masked = logits.clone()
    masked[:, MASK] = float("-inf")
    row_loss = F.cross_entropy(masked, labels, reduction="none", ignore_index=-100)
    loss = (weights * row_loss).sum() / weights[labels != -100].sum()
    loss.backward()
    tensors = {
        "logits": logits.detach(),
        "labels": labels.to(torch.int64),
        "weights": weights,
        "loss": loss.detach().reshape(1),
        "row_loss": row_loss.detach(),
        "grad": logits.grad.detach(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    save_file({k: v.contiguous() for k, v in tensors.items()}, OUT, metadata={"mask_id": str(MASK), "torch": torch.__version__})
    print(f"wrote {OUT}: loss {loss.item():.6f}")


if __name__ == "__main__":
    main()
