"""AdamW parameter groups and the learning-rate schedule (Sources/FlowTrain/Optim).

Weight decay: matrices and embeddings decay; biases and normalisation weights do not (WeightDecayRule, by name;
for ModernBERT it is the same as "decay only tensors with ≥ 2 dimensions", which Tools/make_train_fixtures.py uses).
Schedule: linear warm-up where step 0 already gets peak/warmup, then cosine, linear or constant decay to
peak·final_ratio at total_steps (LearningRateSchedule.swift). Steps are 0-based optimiser steps.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

DECAYS = ("cosine", "linear", "constant")


def decays(name: str) -> bool:
    """WeightDecayRule.decays: no decay for biases and for any component named like a norm."""
    lower = name.lower()
    if lower.endswith("bias"):
        return False
    return not any(c.endswith("norm") or c == "ln" or c.startswith("layernorm") for c in lower.split("."))


def parameter_groups(model: torch.nn.Module, weight_decay: float) -> list[dict]:
    """Two AdamW groups; a tied weight appears once (named_parameters removes duplicates)."""
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if p.requires_grad:
            (decay if decays(name) else no_decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


@dataclass
class LearningRateSchedule:
    peak: float
    warmup_steps: int
    total_steps: int
    decay: str = "cosine"
    final_ratio: float = 0.1

    def __post_init__(self):
        self.warmup_steps = max(0, self.warmup_steps)
        self.total_steps = max(1, self.total_steps)
        if self.decay not in DECAYS:
            raise ValueError(f"schedule: decay must be one of {', '.join(DECAYS)}, got {self.decay!r}")

    def learning_rate(self, step: int) -> float:
        if step < self.warmup_steps:
            return self.peak * (step + 1) / self.warmup_steps
        floor = self.peak * self.final_ratio
        span = max(1, self.total_steps - self.warmup_steps)
        progress = min(1.0, max(0.0, (step - self.warmup_steps) / span))
        if self.decay == "constant":
            return self.peak
        if self.decay == "linear":
            return self.peak + (floor - self.peak) * progress
        return floor + (self.peak - floor) * 0.5 * (1 + math.cos(math.pi * progress))

    def lambda_lr(self, optimizer: torch.optim.Optimizer) -> torch.optim.lr_scheduler.LambdaLR:
        """A LambdaLR whose lr after k scheduler steps equals learning_rate(k); optimizer lr must equal peak."""
        peak = self.peak
        return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: self.learning_rate(step) / peak if peak else 0.0)


def build_optimizer(model: torch.nn.Module, lr: float, weight_decay: float = 0.01, betas=(0.9, 0.999),
                    eps: float = 1e-8, fused: bool | None = None) -> torch.optim.AdamW:
    """torch.optim.AdamW with FlowTrain's AdamWConfig defaults and decay groups."""
    return torch.optim.AdamW(parameter_groups(model, weight_decay), lr=lr, betas=betas, eps=eps, fused=fused)
