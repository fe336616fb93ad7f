"""The weighted loss against an independent float64 reference and against FlowTrain's golden step fixture, and the
dumped-batch format: the loss computed on a dump equals the exporter's within 1e-4 for every objective."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file
from transformers import ModernBertConfig, ModernBertForMaskedLM

from conftest import REPO_ROOT, TINY_CONFIG
from flowlm_train import dump as dump_module
from flowlm_train.dump import DumpError, loss_on_dump, read_batch_dump, write_batch_dump
from flowlm_train.objectives import (CorruptedBatch, CorruptionKnobs, Corruptor, PositionKind, SpecialIds,
                                     normalizer_for, weighted_cross_entropy)
from flowlm_train.optim import LearningRateSchedule, decays

SPECIALS = SpecialIds(pad=0, cls=2, sep=3, mask=4, unk=1)
VOCAB = 64


def reference_loss(logits: np.ndarray, labels, weights, kinds, mask: int, normalizer: float) -> float:
    """float64, written from the definition: CE over all ids but MASK, Σ w·CE over scored rows / D."""
    z = logits.astype(np.float64).reshape(-1, logits.shape[-1])
    keep = np.arange(z.shape[1]) != mask
    total = 0.0
    for row, y, w, k in zip(z, labels.reshape(-1), weights.reshape(-1), kinds.reshape(-1)):
        if k == 0:
            continue
        m = row[keep].max()
        total += float(w) * (m + math.log(np.exp(row[keep] - m).sum()) - row[y])
    return total / normalizer


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory) -> Path:
    torch.manual_seed(7)
    config = ModernBertConfig(vocab_size=VOCAB, pad_token_id=0, cls_token_id=2, sep_token_id=3, mask_token_id=4,
                              bos_token_id=2, eos_token_id=3, **TINY_CONFIG)
    model = ModernBertForMaskedLM(config)
    out = tmp_path_factory.mktemp("model")
    model.save_pretrained(out)
    return out


def corrupted(objective: str, seed: int = 0, rows: int = 4, length: int = 16) -> CorruptedBatch:
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(5, VOCAB, (rows, length), generator=g)
    ids[:, 0] = SPECIALS.cls
    attention = torch.ones(rows, length, dtype=torch.long)
    for b, n in enumerate([length, length - 3, length - 6, length][:rows]):
        ids[b, n - 1] = SPECIALS.sep
        ids[b, n:] = SPECIALS.pad
        attention[b, n:] = 0
    editable = (attention == 1) & (ids != SPECIALS.cls) & (ids != SPECIALS.sep)
    knobs = CorruptionKnobs(objective, weight_kept=0.5 if objective in ("flowlm", "uniform") else 1.0)
    return Corruptor(knobs, SPECIALS, VOCAB).corrupt(ids, editable, attention, torch.Generator().manual_seed(seed + 1))


def test_weighted_loss_matches_a_float64_reference_and_ignores_the_mask_logit():
    b = corrupted("flowlm")
    logits = torch.randn(*b.input_ids.shape, VOCAB) * 3
    d = float(normalizer_for(b.weights, b.kinds))
    loss = float(weighted_cross_entropy(logits, b.labels, b.weights, b.kinds, SPECIALS.mask))
    expected = reference_loss(logits.numpy(), b.labels.numpy(), b.weights.numpy(), b.kinds.numpy(), SPECIALS.mask, d)
    assert loss == pytest.approx(expected, rel=1e-6)
    bumped = logits.clone()
    bumped[..., SPECIALS.mask] += 100  # MASK's logit plays no part
    assert float(weighted_cross_entropy(bumped, b.labels, b.weights, b.kinds, SPECIALS.mask)) == pytest.approx(loss, rel=1e-7)
    assert float(weighted_cross_entropy(logits, b.labels, b.weights, b.kinds, SPECIALS.mask, normalization=2.0)) == \
        pytest.approx(expected * d / 2.0, rel=1e-6)


def test_golden_training_step_loss_of_flowtrain():
    """Fixtures/train/<case>/step.safetensors (Tools/make_train_fixtures.py): the loss FlowTrain must reproduce."""
    for case in ("default", "biases"):
        root = REPO_ROOT / "Fixtures" / "train" / case
        if not root.exists():
            pytest.skip("FlowTrain fixtures not present")
        step = load_file(str(root / "step.safetensors"))
        model = ModernBertForMaskedLM.from_pretrained(root, attn_implementation="eager").eval()
        labels = step["labels"]
        kinds = torch.where(labels == -100, 0, 1).to(torch.uint8)
        with torch.no_grad():
            logits = model(input_ids=step["input_ids"], attention_mask=step["attention_mask"]).logits
        loss = weighted_cross_entropy(logits, labels.clamp(min=0), step["weights"], kinds, int(step["mask_token_id"]),
                                      normalization=float(step["normalizer"][0]))
        assert float(loss) == pytest.approx(float(step["loss"][0]), rel=1e-5)


@pytest.mark.parametrize("objective", ["llada", "bert", "flowlm", "uniform"])
def test_dumped_batch_loss_equals_the_exporters_within_1e_4(objective, tiny_model_dir, tmp_path):
    b = corrupted(objective, seed=10 * ["llada", "bert", "flowlm", "uniform"].index(objective))
    model = ModernBertForMaskedLM.from_pretrained(tiny_model_dir, attn_implementation="eager").eval()
    with torch.no_grad():
        logits = model(input_ids=b.input_ids, attention_mask=b.attention_mask).logits
    d = float(normalizer_for(b.weights, b.kinds))
    expected = reference_loss(logits.numpy(), b.labels.numpy(), b.weights.numpy(), b.kinds.numpy(), SPECIALS.mask, d)
    path = tmp_path / f"{objective}.safetensors"
    knobs = CorruptionKnobs(objective, weight_kept=0.5 if objective in ("flowlm", "uniform") else 1.0)
    write_batch_dump(path, b, knobs, d, SPECIALS.mask, tiny_model_dir.name, loss=expected)
    (tmp_path / tiny_model_dir.name).symlink_to(tiny_model_dir)  # the model path is relative to the dump
    dumped = read_batch_dump(path)
    assert dumped.knobs == knobs and dumped.model_dir == tmp_path / tiny_model_dir.name
    result = loss_on_dump(dumped)  # loads the model named in the dump, with sdpa/eager as flowlm would not care
    assert result.difference is not None and result.difference < 1e-4
    assert dump_module.main([str(path)]) == 0
    assert result.metrics.positions(PositionKind.MASKED) == int((b.kinds == PositionKind.MASKED).sum())


def test_a_dump_written_by_swift_with_camel_case_knobs_and_minus_100_labels_reads(tiny_model_dir, tmp_path):
    b = corrupted("flowlm")
    labels = torch.where(b.kinds == 0, torch.full_like(b.labels, -100), b.labels)
    path = tmp_path / "swift.safetensors"
    save_file({"input_ids": b.input_ids.int(), "labels": labels.int(), "weights": b.weights, "kinds": b.kinds,
               "attention_mask": b.attention_mask.int(), "normalizer": torch.tensor([float(b.weights.sum())])},
              str(path), metadata={"format": "flowlm-batch", "version": "1", "objective": "flowlm",
                                   "knobs": json.dumps({"minimumNoise": 0.001, "substitutionPeak": 0.3, "weightKept": 0.5,
                                                        "substitutes": {"uniform": {}}}),
                                   "mask_token_id": "4", "model": str(tiny_model_dir)})
    dumped = read_batch_dump(path)
    assert dumped.knobs.substitution_peak == 0.3 and dumped.knobs.weight_kept == 0.5
    assert loss_on_dump(dumped).loss > 0


def test_bad_dumps_name_the_file_and_problem(tmp_path):
    path = tmp_path / "bad.safetensors"
    save_file({"input_ids": torch.zeros(1, 2, dtype=torch.long)}, str(path), metadata={"format": "other"})
    with pytest.raises(DumpError, match="bad.safetensors: __metadata__.format"):
        read_batch_dump(path)
    save_file({"input_ids": torch.zeros(1, 2, dtype=torch.long)}, str(path), metadata={"format": "flowlm-batch", "version": "1"})
    with pytest.raises(DumpError, match="missing tensor"):
        read_batch_dump(path)
    path.write_bytes(b"not safetensors")
    with pytest.raises(DumpError, match="not a safetensors file"):
        read_batch_dump(path)


def test_decay_rule_is_the_two_dimensional_rule_for_modernbert(tiny_model_dir):
    model = ModernBertForMaskedLM.from_pretrained(tiny_model_dir)
    for name, p in model.named_parameters():
        assert decays(name) == (p.dim() >= 2), name


def test_schedule_warms_up_from_the_first_step_and_decays_to_the_floor():
    s = LearningRateSchedule(peak=1e-3, warmup_steps=4, total_steps=20, decay="cosine", final_ratio=0.1)
    assert s.learning_rate(0) == pytest.approx(2.5e-4)
    assert s.learning_rate(3) == pytest.approx(1e-3)
    assert s.learning_rate(4) == pytest.approx(1e-3)
    assert s.learning_rate(12) == pytest.approx(1e-4 + 0.9e-3 * 0.5)
    assert s.learning_rate(20) == pytest.approx(1e-4)
    linear = LearningRateSchedule(peak=1e-3, warmup_steps=0, total_steps=10, decay="linear", final_ratio=0.0)
    assert linear.learning_rate(5) == pytest.approx(5e-4)
    opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1e-3)
    sched = s.lambda_lr(opt)
    seen = []
    for _ in range(6):
        seen.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    assert seen == pytest.approx([s.learning_rate(k) for k in range(6)])
