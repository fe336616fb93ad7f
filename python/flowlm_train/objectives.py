"""The corruption objectives and the weighted loss: the one place that must agree with FlowTrain.

Mirrors, name for name, Sources/FlowTrain/Corruption (CorruptionKnobs, HybridSchedule, Corruptor,
SubstituteSampler, PositionKind) and Sources/FlowTrain/Loss/WeightedCrossEntropy.swift:

* ``llada``   t ~ U[eps, 1]; each editable position masked with probability t; loss on masked positions, weight 1/t.
* ``bert``    rate ~ U[low, high]; each editable position selected with probability rate; a selected position is
              masked (0.8), substituted (0.1) or kept (0.1); loss on selected positions, weight 1.
* ``flowlm``  t ~ U[eps, 1]; m = t, s = min(peak·4m(1−m), 1−m); masked with m, substituted with s, kept otherwise;
              loss on every editable position with weights w_mask, w_sub, w_keep.
* ``uniform`` t ~ U[eps, 1]; substituted with probability t, kept otherwise; loss on every editable position.

A substitute is an ordinary token (never a reserved or excluded id) different from the original.
Loss: CE_i = logsumexp_{v≠MASK} z_iv − z_i,y_i;  loss = Σ_scored w_i·CE_i / D with D = Σ w_i ("sum_of_weights",
FlowTrain's default) or a fixed D.

The random streams differ from Swift's (torch.Generator here, FlowRandom there): the distributions are the
same, the individual draws are not. Loss equivalence is checked on batches flowlm exports (dump.py).
"""
from __future__ import annotations

import dataclasses
import enum
import math
from dataclasses import dataclass
from typing import Sequence

import torch

OBJECTIVES = ("llada", "bert", "flowlm", "uniform")


class PositionKind(enum.IntEnum):
    """What corruption did to a position (PositionKind.swift: same raw values, same names)."""

    IGNORED = 0
    MASKED = 1
    SUBSTITUTED = 2
    KEPT = 3

    @property
    def label(self) -> str:
        return self.name.lower()


SCORED_KINDS = (PositionKind.MASKED, PositionKind.SUBSTITUTED, PositionKind.KEPT)


class KnobError(ValueError):
    """A setting out of range; the message names it (FlowTrain's SettingError)."""

    def __str__(self) -> str:
        return "invalid setting: " + super().__str__()


@dataclass
class CorruptionKnobs:
    """Every knob of the corruption with FlowTrain's defaults (CorruptionKnobs.swift)."""

    objective: str
    minimum_noise: float = 1e-3          # minimumNoise: t ~ U[minimum_noise, 1]
    substitution_peak: float = 0.2       # substitutionPeak: s(1/2) for flowlm
    substitution_floor: float = 0.0      # substitutionFloor: s on a canvas with no masks, fading to 0 at r = 1
    weight_masked: float = 1.0           # weightMasked
    weight_substituted: float = 1.0      # weightSubstituted
    weight_kept: float = 1.0             # weightKept
    selection_rate_low: float = 0.15     # selectionRateLow (bert)
    selection_rate_high: float = 0.99    # selectionRateHigh (bert)
    bert_mask_fraction: float = 0.8      # bertMaskFraction
    bert_random_fraction: float = 0.1    # bertRandomFraction
    substitutes: str = "uniform"         # "uniform" or "unigram" (counts given to the Corruptor)

    def validate(self) -> "CorruptionKnobs":
        def require(ok: bool, message: str) -> None:
            if not ok:
                raise KnobError(message)

        require(self.objective in OBJECTIVES, f"objective must be one of {', '.join(OBJECTIVES)}, got {self.objective!r}")
        require(0 < self.minimum_noise <= 1, f"minimum noise must be in (0, 1], got {self.minimum_noise}")
        require(0 <= self.substitution_peak <= 1, f"substitution peak must be in [0, 1], got {self.substitution_peak}")
        require(0 <= self.substitution_floor <= 1, f"substitution floor must be in [0, 1], got {self.substitution_floor}")
        for name, w in (("mask", self.weight_masked), ("substitute", self.weight_substituted), ("keep", self.weight_kept)):
            require(math.isfinite(w) and w >= 0, f"{name} weight must be finite and non-negative, got {w}")
        require(0 < self.selection_rate_low <= self.selection_rate_high <= 1,
                "selection rate range must satisfy 0 < low ≤ high ≤ 1, "
                f"got [{self.selection_rate_low}, {self.selection_rate_high}]")
        require(self.bert_mask_fraction >= 0 and self.bert_random_fraction >= 0
                and self.bert_mask_fraction + self.bert_random_fraction <= 1,
                "bert mask and random fractions must be non-negative with a sum ≤ 1")
        require(self.substitutes in ("uniform", "unigram"), f"substitutes must be uniform or unigram, got {self.substitutes!r}")
        return self

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "CorruptionKnobs":
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise KnobError(f"unknown knob(s): {', '.join(unknown)}")
        return cls(**values).validate()

    @property
    def summary(self) -> str:
        """The same one-line text as CorruptionKnobs.summary (model cards, logs)."""
        if self.objective == "llada":
            return f"llada: t ~ U[{self.minimum_noise}, 1], mask rate t, loss on masked positions weighted 1/t"
        if self.objective == "bert":
            keep = 1 - self.bert_mask_fraction - self.bert_random_fraction
            return (f"bert: selection rate ~ U[{self.selection_rate_low}, {self.selection_rate_high}], "
                    f"mask/random/keep {self.bert_mask_fraction}/{self.bert_random_fraction}/{keep}")
        if self.objective == "flowlm":
            floor = f" + {self.substitution_floor}·(1−r)" if self.substitution_floor > 0 else ""
            return (f"flowlm: t ~ U[{self.minimum_noise}, 1], mask rate t, substitution {self.substitution_peak}·4r(1−r){floor}, "
                    f"weights mask/sub/keep {self.weight_masked}/{self.weight_substituted}/{self.weight_kept}, "
                    f"substitutes {self.substitutes}")
        return (f"uniform: t ~ U[{self.minimum_noise}, 1], substitution rate t, "
                f"weights sub/keep {self.weight_substituted}/{self.weight_kept}, substitutes {self.substitutes}")


def hybrid_mask_rate(t: torch.Tensor) -> torch.Tensor:
    """m(t) = t, clamped to [0, 1] (HybridSchedule.maskRate)."""
    return t.clamp(0.0, 1.0)


def hybrid_substitution_rate(mask_rate: torch.Tensor, peak: float, floor: float = 0.0) -> torch.Tensor:
    """s(r) = min(peak·4r(1−r) + floor·(1−r), 1−r) (HybridSchedule.substitutionRate)."""
    return torch.minimum(peak * 4 * mask_rate * (1 - mask_rate) + floor * (1 - mask_rate), 1 - mask_rate)


@dataclass
class SpecialIds:
    """The ids a model reserves (FlowCore.SpecialTokens); never corrupted, never drawn as substitutes."""

    pad: int
    cls: int
    sep: int
    mask: int
    unk: int | None = None

    @property
    def reserved(self) -> list[int]:
        return [i for i in (self.pad, self.cls, self.sep, self.mask, self.unk) if i is not None]


@dataclass
class CorruptedBatch:
    """A corrupted [B, T] batch. ``labels`` hold the clean ids everywhere; ``kinds`` decides what is scored."""

    input_ids: torch.Tensor       # [B, T] int64, what the model sees
    labels: torch.Tensor          # [B, T] int64, clean ids
    weights: torch.Tensor         # [B, T] float32, 0 where ignored
    kinds: torch.Tensor           # [B, T] uint8, PositionKind
    attention_mask: torch.Tensor  # [B, T] int64, 1 = real token
    noise_levels: torch.Tensor    # [B] float64, t (the selection rate for bert)

    def to(self, device) -> "CorruptedBatch":
        return CorruptedBatch(*(getattr(self, f.name).to(device) for f in dataclasses.fields(self)))


class Corruptor:
    """Applies one objective's corruption to whole [B, T] batches at once (on CPU, vectorised: cheap next to a forward)."""

    UNIGRAM_RETRIES = 64  # SubstituteSampler.unigramRetries

    def __init__(self, knobs: CorruptionKnobs, specials: SpecialIds, vocab_size: int,
                 excluded: Sequence[int] = (), unigram_counts: Sequence[float] | None = None):
        self.knobs = knobs.validate()
        self.specials = specials
        self.vocab_size = vocab_size
        # Reserved ids are never corrupted (Corruptor.isEditable); excluded ids are only never drawn as substitutes.
        self.is_reserved = torch.zeros(vocab_size, dtype=torch.bool)
        self.is_reserved[[i for i in specials.reserved if 0 <= i < vocab_size]] = True
        is_excluded = self.is_reserved.clone()
        is_excluded[[i for i in excluded if 0 <= i < vocab_size]] = True
        self.ordinary = torch.nonzero(~is_excluded).flatten()
        if self.ordinary.numel() < 2:
            raise KnobError(f"substitution needs at least 2 ordinary tokens, the vocabulary has {self.ordinary.numel()}")
        self.index_of = torch.full((vocab_size,), -1, dtype=torch.long)
        self.index_of[self.ordinary] = torch.arange(self.ordinary.numel())
        self.unigram = None
        if knobs.substitutes == "unigram":
            if unigram_counts is None or len(unigram_counts) != vocab_size:
                raise KnobError(f"unigram substitutes need counts for all {vocab_size} ids")
            counts = torch.tensor(unigram_counts, dtype=torch.float64)
            if not torch.isfinite(counts).all() or (counts < 0).any():
                raise KnobError("unigram counts must be finite and non-negative")
            mass = counts[self.ordinary]
            if int((mass > 0).sum()) < 2:
                raise KnobError("unigram substitutes need at least 2 ordinary tokens with a positive count")
            self.unigram = mass / mass.sum()

    def corrupt(self, clean: torch.Tensor, editable: torch.Tensor, attention_mask: torch.Tensor,
                generator: torch.Generator) -> CorruptedBatch:
        """``clean`` [B, T] ids, ``editable`` [B, T] bool (False on prompt and padding). CPU tensors."""
        k = self.knobs
        clean = clean.long()
        rows = clean.shape[0]
        editable = editable.bool() & ~self.is_reserved[clean]
        u = torch.rand(clean.shape, generator=generator, dtype=torch.float64)
        kinds = torch.zeros(clean.shape, dtype=torch.uint8)
        weights = torch.zeros(clean.shape, dtype=torch.float32)

        def assign(where: torch.Tensor, kind: PositionKind, weight) -> None:
            kinds[where] = kind
            w = weight if isinstance(weight, torch.Tensor) else torch.full(clean.shape, float(weight))
            weights[where] = w.expand(clean.shape)[where].float()

        if k.objective == "bert":
            noise = k.selection_rate_low + (k.selection_rate_high - k.selection_rate_low) * self._rows(rows, generator)
            selected = editable & (u < noise[:, None])
            v = torch.rand(clean.shape, generator=generator, dtype=torch.float64)
            mask_cut, random_cut = k.bert_mask_fraction, k.bert_mask_fraction + k.bert_random_fraction
            assign(selected & (v < mask_cut), PositionKind.MASKED, 1.0)
            assign(selected & (v >= mask_cut) & (v < random_cut), PositionKind.SUBSTITUTED, 1.0)
            assign(selected & (v >= random_cut), PositionKind.KEPT, 1.0)
        else:
            noise = k.minimum_noise + (1 - k.minimum_noise) * self._rows(rows, generator)
            t = noise[:, None]
            if k.objective == "llada":
                # Float(1 / t): the reciprocal in double, rounded once to float32.
                assign(editable & (u < t), PositionKind.MASKED, (1.0 / t).float())
            elif k.objective == "flowlm":
                m = hybrid_mask_rate(t)
                s = hybrid_substitution_rate(m, k.substitution_peak, k.substitution_floor)
                assign(editable & (u < m), PositionKind.MASKED, k.weight_masked)
                assign(editable & (u >= m) & (u < m + s), PositionKind.SUBSTITUTED, k.weight_substituted)
                assign(editable & (u >= m + s), PositionKind.KEPT, k.weight_kept)
            else:  # uniform
                assign(editable & (u < t), PositionKind.SUBSTITUTED, k.weight_substituted)
                assign(editable & (u >= t), PositionKind.KEPT, k.weight_kept)

        inputs = clean.clone()
        inputs[kinds == PositionKind.MASKED] = self.specials.mask
        substituted = kinds == PositionKind.SUBSTITUTED
        if substituted.any():
            inputs[substituted] = self.draw_substitutes(clean[substituted], generator)
        return CorruptedBatch(inputs, clean, weights, kinds, attention_mask.long(), noise)

    @staticmethod
    def _rows(rows: int, generator: torch.Generator) -> torch.Tensor:
        return torch.rand(rows, generator=generator, dtype=torch.float64)

    def draw_substitutes(self, originals: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """One substitute per original: an ordinary id other than the original (SubstituteSampler.draw)."""
        out = torch.full_like(originals, -1)
        pending = torch.ones_like(originals, dtype=torch.bool)
        if self.unigram is not None:
            for _ in range(self.UNIGRAM_RETRIES):
                idx = torch.nonzero(pending).flatten()
                if idx.numel() == 0:
                    break
                draws = self.ordinary[torch.multinomial(self.unigram, idx.numel(), replacement=True, generator=generator)]
                accept = draws != originals[idx]
                out[idx[accept]] = draws[accept]
                pending[idx[accept]] = False
        idx = torch.nonzero(pending).flatten()
        if idx.numel():
            n = self.ordinary.numel()
            original_index = self.index_of[originals[idx]]
            inside = original_index >= 0
            # Uniform over the n−1 others: draw among n−1 slots and step over the original's slot.
            u = torch.rand(idx.numel(), generator=generator, dtype=torch.float64)
            slot = torch.where(inside, (u * (n - 1)).long().clamp(max=n - 2), (u * n).long().clamp(max=n - 1))
            slot = slot + (inside & (slot >= original_index)).long()
            out[idx] = self.ordinary[slot]
        return out


def normalizer_for(weights: torch.Tensor, kinds: torch.Tensor, normalization: str | float = "sum_of_weights") -> torch.Tensor:
    """The denominator D (LossNormalization): Σ w over scored positions, or a fixed number."""
    if normalization == "sum_of_weights":
        return (weights.double() * (kinds != PositionKind.IGNORED)).sum()
    return torch.tensor(float(normalization), dtype=torch.float64)


def excluded_logits(logits: torch.Tensor, mask_token_id: int | None) -> torch.Tensor:
    """Float32 logits with the MASK logit at −inf: MASK is never a target nor a prediction."""
    z = logits.float()
    if mask_token_id is not None:
        z = z.index_fill(-1, torch.tensor([mask_token_id], device=z.device), float("-inf"))
    return z


@dataclass
class LossRows:
    """Per-row facts of one loss evaluation over N scored rows (CrossEntropyResult)."""

    weighted_sum: torch.Tensor  # Σ w_i·CE_i (differentiable)
    row_loss: torch.Tensor      # CE_i, detached
    predictions: torch.Tensor   # argmax with MASK left out
    weight_sum: torch.Tensor    # Σ w_i


def weighted_cross_entropy_rows(logits: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor,
                                mask_token_id: int | None) -> LossRows:
    """Σ w_i·CE_i over rows that are all scored ([N, V] logits, [N] labels and weights)."""
    if labels.numel() and mask_token_id is not None and bool((labels == mask_token_id).any()):
        raise ValueError(f"loss: the excluded token {mask_token_id} is a target")
    z = excluded_logits(logits, mask_token_id)
    ce = torch.nn.functional.cross_entropy(z, labels.long(), reduction="none")
    w = weights.float()
    return LossRows((w * ce).sum(), ce.detach(), z.detach().argmax(-1), w.double().sum())


def weighted_cross_entropy(logits: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor, kinds: torch.Tensor,
                           mask_token_id: int | None, normalization: str | float = "sum_of_weights") -> torch.Tensor:
    """loss = Σ_{kind≠ignored} w·CE / D over [..., V] logits (WeightedCrossEntropy.compute)."""
    scored = kinds.reshape(-1) != PositionKind.IGNORED
    rows = weighted_cross_entropy_rows(logits.reshape(-1, logits.shape[-1])[scored], labels.reshape(-1)[scored],
                                       weights.reshape(-1)[scored], mask_token_id)
    d = normalizer_for(weights, kinds, normalization).to(rows.weighted_sum.device)
    return rows.weighted_sum / d.float() if float(d) > 0 else rows.weighted_sum * 0
