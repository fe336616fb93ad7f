"""The dumped-batch format (`flowlm train --dump-batch FILE`) and the PyTorch loss on it.

A dump is one safetensors file (docs/scale-out.md, "Dumped batches"):

  tensors   input_ids [B,T] I64|I32   what the model sees (after corruption)
            labels [B,T] I64|I32      the clean ids (−100 allowed where kinds = 0)
            weights [B,T] F32         loss weight per position (0 where kinds = 0)
            kinds [B,T] U8            0 ignored, 1 masked, 2 substituted, 3 kept
            attention_mask [B,T] I64|I32|U8|BOOL   1 = attended
            normalizer [1] F64|F32    D in loss = Σ w·CE / D
            noise_levels [B] F64      optional: t per row (the selection rate for bert)
            loss [1] F32              optional: the exporter's loss with the model's weights
  metadata  format "flowlm-batch", version "1", objective, knobs (a JSON object of CorruptionKnobs; snake_case or
            Swift's camelCase names), normalization ("sum_of_weights" or a number), mask_token_id, model (the model
            directory, absolute or relative to the dump file), and optionally seed and step.

Usage: python -m flowlm_train.dump FILE [--model DIR] [--tolerance 1e-4]  (exit 1 when the losses differ).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from .metrics import KindMetrics
from .objectives import CorruptedBatch, CorruptionKnobs, PositionKind, weighted_cross_entropy_rows

FORMAT, VERSION = "flowlm-batch", "1"
REQUIRED = ("input_ids", "labels", "weights", "kinds", "attention_mask", "normalizer")


class DumpError(ValueError):
    def __init__(self, path, problem: str):
        super().__init__(f"{path}: {problem}")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def knobs_from_json(text: str, objective: str) -> CorruptionKnobs:
    """Knobs as written by either side: snake_case (Python) or camelCase (Swift's Codable)."""
    values = {_snake(k): v for k, v in json.loads(text).items()}
    values.setdefault("objective", objective)
    substitutes = values.get("substitutes")
    if isinstance(substitutes, dict):  # Swift's enum with associated values: {"uniform": {}} or {"unigram": {...}}
        values["substitutes"] = next(iter(substitutes))
    return CorruptionKnobs.from_dict(values)


@dataclass
class BatchDump:
    path: Path
    batch: CorruptedBatch
    normalizer: float
    knobs: CorruptionKnobs
    normalization: str
    mask_token_id: int
    model_dir: Path | None
    reported_loss: float | None
    metadata: dict


def write_batch_dump(path, batch: CorruptedBatch, knobs: CorruptionKnobs, normalizer: float, mask_token_id: int,
                     model_dir, loss: float | None = None, normalization: str = "sum_of_weights", **extra) -> None:
    tensors = {
        "input_ids": batch.input_ids.long().contiguous(), "labels": batch.labels.long().contiguous(),
        "weights": batch.weights.float().contiguous(), "kinds": batch.kinds.to(torch.uint8).contiguous(),
        "attention_mask": batch.attention_mask.long().contiguous(),
        "normalizer": torch.tensor([normalizer], dtype=torch.float64),
        "noise_levels": batch.noise_levels.double().contiguous(),
    }
    if loss is not None:
        tensors["loss"] = torch.tensor([loss], dtype=torch.float32)
    metadata = {"format": FORMAT, "version": VERSION, "objective": knobs.objective, "knobs": json.dumps(knobs.to_dict()),
                "normalization": normalization, "mask_token_id": str(mask_token_id), "model": str(model_dir),
                **{k: str(v) for k, v in extra.items()}}
    save_file(tensors, str(path), metadata=metadata)


def read_batch_dump(path) -> BatchDump:
    path = Path(path)
    try:
        with safe_open(str(path), framework="pt") as f:
            metadata = f.metadata() or {}
            tensors = {k: f.get_tensor(k) for k in f.keys()}
    except FileNotFoundError:
        raise DumpError(path, "no such file") from None
    except Exception as error:  # safetensors raises its own SafetensorError
        raise DumpError(path, f"not a safetensors file: {error}") from None
    if metadata.get("format") != FORMAT:
        raise DumpError(path, f"__metadata__.format is {metadata.get('format')!r}, expected {FORMAT!r}")
    if metadata.get("version") != VERSION:
        raise DumpError(path, f"unsupported dump version {metadata.get('version')!r}")
    missing = [k for k in REQUIRED if k not in tensors]
    if missing:
        raise DumpError(path, f"missing tensor(s) {', '.join(missing)}")
    shape = tensors["input_ids"].shape
    if len(shape) != 2 or any(tensors[k].shape != shape for k in REQUIRED[1:5]):
        raise DumpError(path, "input_ids, labels, weights, kinds and attention_mask must share one [B, T] shape")
    kinds = tensors["kinds"].to(torch.uint8)
    if kinds.numel() and int(kinds.max()) > 3:
        raise DumpError(path, "kinds holds a value above 3")
    try:
        knobs = knobs_from_json(metadata.get("knobs", "{}"), metadata.get("objective", ""))
        mask = int(metadata["mask_token_id"])
    except (KeyError, ValueError, TypeError) as error:
        raise DumpError(path, f"bad metadata: {error}") from None
    labels = tensors["labels"].long()
    labels = torch.where(kinds == PositionKind.IGNORED, torch.zeros_like(labels), labels)
    rows = shape[0]
    batch = CorruptedBatch(tensors["input_ids"].long(), labels, tensors["weights"].float(), kinds,
                           tensors["attention_mask"].long(), tensors.get("noise_levels", torch.zeros(rows, dtype=torch.float64)))
    model = metadata.get("model")
    model_dir = None
    if model:
        model_dir = Path(model) if Path(model).is_absolute() else (path.parent / model)
    reported = float(tensors["loss"].reshape(-1)[0]) if "loss" in tensors else None
    return BatchDump(path, batch, float(tensors["normalizer"].reshape(-1)[0]), knobs,
                     metadata.get("normalization", "sum_of_weights"), mask, model_dir, reported, metadata)


@dataclass
class DumpLoss:
    loss: float
    reported_loss: float | None
    metrics: KindMetrics

    @property
    def difference(self) -> float | None:
        return None if self.reported_loss is None else abs(self.loss - self.reported_loss)


@torch.no_grad()
def loss_on_dump(dump: BatchDump, model=None, model_dir=None, attn_implementation: str = "eager") -> DumpLoss:
    """Σ w·CE / normalizer on the dump's batch with the model's weights (float32, eval mode, MASK logit −inf)."""
    if model is None:
        from transformers import AutoModelForMaskedLM

        directory = model_dir or dump.model_dir
        if directory is None:
            raise DumpError(dump.path, "no model directory in the dump; pass one")
        model = AutoModelForMaskedLM.from_pretrained(str(directory), attn_implementation=attn_implementation,
                                                     dtype=torch.float32)
    model.eval()
    b = dump.batch
    logits = model(input_ids=b.input_ids, attention_mask=b.attention_mask).logits
    scored = (b.kinds != PositionKind.IGNORED).reshape(-1)
    rows = weighted_cross_entropy_rows(logits.reshape(-1, logits.shape[-1])[scored], b.labels.reshape(-1)[scored],
                                       b.weights.reshape(-1)[scored], dump.mask_token_id)
    metrics = KindMetrics()
    metrics.add(rows.row_loss, rows.predictions, b.labels.reshape(-1)[scored], b.kinds.reshape(-1)[scored],
                b.weights.reshape(-1)[scored])
    loss = float(rows.weighted_sum.double() / dump.normalizer) if dump.normalizer > 0 else 0.0
    return DumpLoss(loss, dump.reported_loss, metrics)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flowlm_train.dump", description=__doc__.split("\n\n")[0])
    parser.add_argument("file")
    parser.add_argument("--model", help="model directory (default: the one named in the dump)")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    parser.add_argument("--attn", default="eager", choices=["eager", "sdpa"])
    args = parser.parse_args(argv)
    try:
        dump = read_batch_dump(args.file)
        result = loss_on_dump(dump, model_dir=args.model, attn_implementation=args.attn)
    except (DumpError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    report = {"file": str(dump.path), "objective": dump.knobs.objective, "loss": result.loss,
              "reported_loss": result.reported_loss, "difference": result.difference, **result.metrics.as_fields()}
    print(json.dumps(report))
    return 0 if result.difference is None or result.difference <= args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
