"""Loss and accuracy by corruption kind (Sources/FlowTrain/Loss/KindMetrics.swift).

Per-kind losses are plain means of CE (unweighted) so they compare across objectives; ``objective_loss`` is
Σ w·CE / Σ w, the loss the optimiser minimises under "sum_of_weights" normalisation. The tallies live in one
float64 vector so that a single all-reduce merges them across ranks.
"""
from __future__ import annotations

import torch

from .objectives import SCORED_KINDS, PositionKind

_FIELDS = 3  # positions, correct, loss sum per kind


class KindMetrics:
    def __init__(self, device: torch.device | str = "cpu"):
        self.values = torch.zeros(len(PositionKind) * _FIELDS + 2, dtype=torch.float64, device=device)

    def add(self, row_loss: torch.Tensor, predictions: torch.Tensor, labels: torch.Tensor, kinds: torch.Tensor,
            weights: torch.Tensor) -> None:
        """Rows already restricted to scored positions ([N] each)."""
        row_loss = row_loss.double()
        correct = (predictions == labels).double()
        for kind in SCORED_KINDS:
            sel = kinds == kind
            base = int(kind) * _FIELDS
            self.values[base] += sel.sum()
            self.values[base + 1] += (correct * sel).sum()
            self.values[base + 2] += (row_loss * sel).sum()
        self.values[-2] += (weights.double() * row_loss).sum()
        self.values[-1] += weights.double().sum()

    def merge(self, other: "KindMetrics") -> None:
        self.values += other.values.to(self.values.device)

    def all_reduce(self) -> None:
        from .distributed import all_reduce_sum

        all_reduce_sum(self.values)

    def positions(self, kind: PositionKind) -> int:
        return int(self.values[int(kind) * _FIELDS])

    def mean_loss(self, kind: PositionKind) -> float | None:
        n = self.positions(kind)
        return float(self.values[int(kind) * _FIELDS + 2]) / n if n else None

    def accuracy(self, kind: PositionKind) -> float | None:
        n = self.positions(kind)
        return float(self.values[int(kind) * _FIELDS + 1]) / n if n else None

    @property
    def objective_loss(self) -> float | None:
        w = float(self.values[-1])
        return float(self.values[-2]) / w if w > 0 else None

    @property
    def weight_sum(self) -> float:
        return float(self.values[-1])

    @property
    def mean_loss_all_kinds(self) -> float | None:
        n = sum(self.positions(k) for k in SCORED_KINDS)
        s = sum(float(self.values[int(k) * _FIELDS + 2]) for k in SCORED_KINDS)
        return s / n if n else None

    def as_fields(self, prefix: str = "") -> dict:
        """The log fields of these tallies, as TrainingLogRecord writes them: ``loss`` (the weighted objective, null
        when not finite or absent), then ``loss_<kind>`` and ``acc_<kind>`` only for kinds that occurred."""
        out = {prefix + "loss": finite_or_none(self.objective_loss)}
        for kind in SCORED_KINDS:
            loss, accuracy = self.mean_loss(kind), self.accuracy(kind)
            if loss is not None and accuracy is not None:
                out[f"{prefix}loss_{kind.label}"] = finite_or_none(loss)
                out[f"{prefix}acc_{kind.label}"] = accuracy
        return out


def finite_or_none(x: float | None) -> float | None:
    """JSON has no NaN: a missing or non-finite value is written as null (TrainingLogRecord.number)."""
    import math

    return x if x is not None and math.isfinite(x) else None
