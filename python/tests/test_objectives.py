"""Corruption statistics over many draws, against the formulas FlowTrain defines (objectives.py docstring)."""
from __future__ import annotations

import pytest
import torch

from flowlm_train.objectives import (CorruptionKnobs, Corruptor, KnobError, PositionKind, SpecialIds,
                                     hybrid_substitution_rate)

SPECIALS = SpecialIds(pad=0, cls=2, sep=3, mask=4, unk=1)
VOCAB, ROWS, LENGTH, PROMPT = 40, 6000, 40, 6


def clean_batch(seed: int = 0):
    """[CLS] prompt(6) [SEP] response … [SEP] [PAD]…; a few reserved ids inside the response; only the response is
    editable."""
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(5, VOCAB, (ROWS, LENGTH), generator=g)
    ids[:, 0], ids[:, PROMPT + 1] = SPECIALS.cls, SPECIALS.sep
    ids[:, -4] = SPECIALS.sep
    ids[:, -3:] = SPECIALS.pad
    ids[:, 20] = SPECIALS.unk  # a reserved id in the response: never corrupted, never scored
    editable = torch.zeros(ROWS, LENGTH, dtype=torch.bool)
    editable[:, PROMPT + 2:LENGTH - 4] = True
    attention = (ids != SPECIALS.pad).long()
    return ids, editable, attention


def corrupt(objective: str, seed: int = 1, **knobs):
    ids, editable, attention = clean_batch()
    corruptor = Corruptor(CorruptionKnobs(objective, **knobs), SPECIALS, VOCAB, excluded=[39])
    return ids, editable, corruptor.corrupt(ids, editable, attention, torch.Generator().manual_seed(seed))


def binned(noise: torch.Tensor, values: torch.Tensor, bins: int = 5):
    """(mean noise, mean value) per equal-width noise bin."""
    edges = torch.linspace(float(noise.min()), float(noise.max()) + 1e-9, bins + 1)
    out = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (noise >= lo) & (noise < hi)
        out.append((float(noise[sel].mean()), float(values[sel].mean())))
    return out


def fractions(batch, editable_count: int):
    counts = {k: (batch.kinds == k).sum(1).double() / editable_count for k in PositionKind}
    return counts


@pytest.mark.parametrize("objective", ["llada", "bert", "flowlm", "uniform"])
def test_protected_positions_are_never_touched(objective):
    ids, editable, b = corrupt(objective)
    protected = ~editable | (ids == SPECIALS.unk)
    assert torch.equal(b.input_ids[protected], ids[protected])
    assert (b.kinds[protected] == PositionKind.IGNORED).all()
    assert (b.weights[protected] == 0).all()
    assert torch.equal(b.labels, ids)
    sub = b.kinds == PositionKind.SUBSTITUTED
    if objective != "llada":
        assert sub.sum() > 1000
    drawn = b.input_ids[sub]
    assert not torch.isin(drawn, torch.tensor(SPECIALS.reserved + [39])).any(), "a reserved or excluded id was drawn"
    assert (drawn != ids[sub]).all(), "a substitute equals the original"
    assert (b.input_ids[b.kinds == PositionKind.MASKED] == SPECIALS.mask).all()
    kept = b.kinds == PositionKind.KEPT
    assert torch.equal(b.input_ids[kept], ids[kept])


def test_flowlm_rates_follow_the_hybrid_schedule():
    ids, editable, b = corrupt("flowlm", substitution_peak=0.2, weight_masked=1.5, weight_substituted=2.0, weight_kept=0.5)
    n = int((editable & (ids != SPECIALS.unk))[0].sum())
    f = fractions(b, n)
    t = b.noise_levels
    assert float(t.min()) >= 1e-3 and float(t.max()) <= 1
    for mean_t, masked in binned(t, f[PositionKind.MASKED]):
        assert abs(masked - mean_t) < 0.02
    for mean_t, sub in binned(t, f[PositionKind.SUBSTITUTED]):
        assert abs(sub - 0.2 * 4 * mean_t * (1 - mean_t)) < 0.02
    assert torch.allclose(f[PositionKind.MASKED] + f[PositionKind.SUBSTITUTED] + f[PositionKind.KEPT], torch.ones(ROWS, dtype=torch.float64))
    for kind, w in ((PositionKind.MASKED, 1.5), (PositionKind.SUBSTITUTED, 2.0), (PositionKind.KEPT, 0.5)):
        assert (b.weights[b.kinds == kind] == w).all()


def test_llada_masks_at_rate_t_with_weight_one_over_t():
    ids, editable, b = corrupt("llada")
    n = int((editable & (ids != SPECIALS.unk))[0].sum())
    f = fractions(b, n)
    assert f[PositionKind.SUBSTITUTED].sum() == 0 and f[PositionKind.KEPT].sum() == 0
    for mean_t, masked in binned(b.noise_levels, f[PositionKind.MASKED]):
        assert abs(masked - mean_t) < 0.02
    rows, cols = torch.nonzero(b.kinds == PositionKind.MASKED, as_tuple=True)
    expected = (1.0 / b.noise_levels[rows]).float()
    assert torch.equal(b.weights[rows, cols], expected)


def test_bert_selects_then_splits_80_10_10():
    ids, editable, b = corrupt("bert")
    n = int((editable & (ids != SPECIALS.unk))[0].sum())
    f = fractions(b, n)
    selected = f[PositionKind.MASKED] + f[PositionKind.SUBSTITUTED] + f[PositionKind.KEPT]
    rate = b.noise_levels
    assert float(rate.min()) >= 0.15 and float(rate.max()) <= 0.99
    for mean_rate, s in binned(rate, selected):
        assert abs(s - mean_rate) < 0.02
    total = sum(int((b.kinds == k).sum()) for k in (1, 2, 3))
    for kind, share in ((PositionKind.MASKED, 0.8), (PositionKind.SUBSTITUTED, 0.1), (PositionKind.KEPT, 0.1)):
        assert abs(int((b.kinds == kind).sum()) / total - share) < 0.01
    assert (b.weights[b.kinds != PositionKind.IGNORED] == 1).all()


def test_uniform_substitutes_at_rate_t_and_scores_everything():
    ids, editable, b = corrupt("uniform")
    n = int((editable & (ids != SPECIALS.unk))[0].sum())
    f = fractions(b, n)
    assert f[PositionKind.MASKED].sum() == 0
    for mean_t, sub in binned(b.noise_levels, f[PositionKind.SUBSTITUTED]):
        assert abs(sub - mean_t) < 0.02
    assert torch.allclose(f[PositionKind.SUBSTITUTED] + f[PositionKind.KEPT], torch.ones(ROWS, dtype=torch.float64))


def test_substitutes_are_uniform_over_ordinary_ids_and_unigram_follows_counts():
    ids, _, b = corrupt("uniform")
    drawn = b.input_ids[b.kinds == PositionKind.SUBSTITUTED]
    counts = torch.bincount(drawn, minlength=VOCAB)[5:39].double()
    assert float(counts.std() / counts.mean()) < 0.05  # 34 ordinary ids, each ~1/34
    unigram = torch.zeros(VOCAB)
    unigram[5:39] = torch.arange(1, 35).double()
    unigram[10] = 0  # a zero count is never drawn
    originals = torch.full((200_000,), 5)
    corruptor = Corruptor(CorruptionKnobs("flowlm", substitutes="unigram"), SPECIALS, VOCAB, excluded=[39],
                          unigram_counts=unigram.tolist())
    drawn = corruptor.draw_substitutes(originals, torch.Generator().manual_seed(3))
    histogram = torch.bincount(drawn, minlength=VOCAB).double()
    assert histogram[5] == 0 and histogram[10] == 0 and histogram[:5].sum() == 0 and histogram[39] == 0
    expected = unigram.clone()
    expected[5] = 0
    expected = expected / expected.sum() * drawn.numel()
    big = expected > 1000
    assert float(((histogram[big] - expected[big]).abs() / expected[big]).max()) < 0.05


def test_same_seed_same_corruption_and_different_seed_differs():
    _, _, a = corrupt("flowlm", seed=5)
    _, _, b = corrupt("flowlm", seed=5)
    _, _, c = corrupt("flowlm", seed=6)
    assert torch.equal(a.input_ids, b.input_ids) and torch.equal(a.kinds, b.kinds)
    assert not torch.equal(a.input_ids, c.input_ids)


def test_hybrid_schedule_ends_and_peak():
    r = torch.tensor([0.0, 0.5, 1.0, 0.9], dtype=torch.float64)
    s = hybrid_substitution_rate(r, 0.2)
    assert s.tolist()[:3] == [0.0, 0.2, 0.0]
    assert float(hybrid_substitution_rate(torch.tensor([0.9], dtype=torch.float64), 1.0)) == pytest.approx(0.1)  # capped at 1 − r


def test_substitution_floor_as_flowtrain():
    """s(r) = peak·4r(1−r) + floor·(1−r): the floor alone on a canvas with no masks, nothing at r = 1."""
    r = torch.tensor([0.0, 0.5, 1.0], dtype=torch.float64)
    assert hybrid_substitution_rate(r, 0.2, 0.1).tolist() == pytest.approx([0.1, 0.25, 0.0])
    assert "+ 0.1·(1−r)" in CorruptionKnobs("flowlm", substitution_floor=0.1).summary


@pytest.mark.parametrize("knobs, message", [
    (dict(objective="nope"), "objective"),
    (dict(objective="flowlm", minimum_noise=0), "minimum noise"),
    (dict(objective="flowlm", substitution_peak=1.5), "substitution peak"),
    (dict(objective="flowlm", substitution_floor=-0.1), "substitution floor"),
    (dict(objective="flowlm", weight_kept=-1), "keep weight"),
    (dict(objective="bert", selection_rate_low=0.5, selection_rate_high=0.2), "selection rate"),
    (dict(objective="bert", bert_mask_fraction=0.8, bert_random_fraction=0.3), "bert mask"),
])
def test_bad_knobs_are_named(knobs, message):
    with pytest.raises(KnobError, match=message):
        CorruptionKnobs(**knobs).validate()
