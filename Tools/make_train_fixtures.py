#!/usr/bin/env python3
"""One whole training step of a tiny ModernBertForMaskedLM in PyTorch autograd, as FlowTrain's golden fixture.

Pinned: torch==2.13.0+cpu, transformers==5.24.0 (Tools/requirements.txt). Float32, CPU, no dropout.
For each case it writes Fixtures/train/<case>/: the HF model directory before the step (config.json,
model.safetensors) and step.safetensors holding
  input_ids [B,T] (I64), attention_mask [B,T] (I64), labels [B,T] (I64, -100 = not scored),
  weights [B,T] (F32, per-position loss weight), normalizer [1] (F32), mask_token_id [1] (I64),
  logits [B,T,V], loss [1], grad.<param> for every parameter (the tied embedding once), after.<param> for every
  parameter after one AdamW step.
The loss is FlowLM's weighted cross-entropy: sum_i w_i * CE_i / normalizer over positions with a label, with the
[MASK] logit excluded (set to -inf) because MASK is never a target.
AdamW: lr 1e-2, betas (0.9, 0.999), eps 1e-8, weight decay 0.01 on matrices and embeddings only; LayerNorm
weights and all biases are not decayed (two parameter groups), as FlowTrain documents.
"""
import json, pathlib
import torch
from safetensors.torch import save_file
from transformers import ModernBertConfig, ModernBertForMaskedLM

ROOT = pathlib.Path(__file__).resolve().parent.parent / "Fixtures" / "train"
MASK = 4


def build(case: str, biases: bool, seed: int):
    torch.manual_seed(seed)
    cfg = ModernBertConfig(
        vocab_size=64, hidden_size=32, intermediate_size=48, num_hidden_layers=3, num_attention_heads=2,
        local_attention=4, global_attn_every_n_layers=2, pad_token_id=0, cls_token_id=2, sep_token_id=3,
        mask_token_id=MASK, bos_token_id=2, eos_token_id=3, norm_bias=biases, attention_bias=biases,
        mlp_bias=biases, classifier_bias=biases, decoder_bias=True, max_position_embeddings=64,
        embedding_dropout=0.0, attention_dropout=0.0, mlp_dropout=0.0, classifier_dropout=0.0,
    )
    cfg._attn_implementation = "eager"
    model = ModernBertForMaskedLM(cfg).float()
    with torch.no_grad():  # non-trivial norms and biases, so their gradients are tested for real
        for name, p in model.named_parameters():
            if p.dim() == 1:
                p.add_(torch.randn_like(p) * 0.1)
    out = ROOT / case
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)

    B, T = 3, 11
    g = torch.Generator().manual_seed(seed + 1)
    ids = torch.randint(5, cfg.vocab_size, (B, T), generator=g)
    ids[:, 0] = 2
    lengths = [T, 8, 6]
    mask = torch.zeros(B, T, dtype=torch.long)
    for b, n in enumerate(lengths):
        ids[b, n - 1] = 3
        ids[b, n:] = 0
        mask[b, :n] = 1
    labels = ids.clone()
    corrupted = ids.clone()
    # Mask some positions, substitute others, keep the rest; CLS/SEP/PAD are not scored.
    r = torch.rand(B, T, generator=g)
    editable = (mask == 1) & (ids != 2) & (ids != 3)
    corrupted[editable & (r < 0.35)] = MASK
    subs = editable & (r >= 0.35) & (r < 0.5)
    corrupted[subs] = torch.randint(5, cfg.vocab_size, (int(subs.sum()),), generator=g)
    labels[~editable] = -100
    weights = torch.where(editable, torch.rand(B, T, generator=g) + 0.5, torch.zeros(B, T))
    normalizer = torch.tensor([float(editable.sum())])

    model.train()
    logits = model(input_ids=corrupted, attention_mask=mask).logits
    masked_logits = logits.clone()
    masked_logits[..., MASK] = float("-inf")
    ce = torch.nn.functional.cross_entropy(masked_logits.reshape(-1, cfg.vocab_size), labels.reshape(-1),
                                           ignore_index=-100, reduction="none").reshape(B, T)
    loss = (ce * weights).sum() / normalizer[0]
    loss.backward()

    params = dict(model.named_parameters())
    tensors = {
        "input_ids": corrupted, "clean_ids": ids, "attention_mask": mask, "labels": labels, "weights": weights,
        "normalizer": normalizer, "mask_token_id": torch.tensor([MASK]), "logits": logits.detach(),
        "loss": loss.detach().reshape(1),
    }
    for name, p in params.items():
        tensors["grad." + name] = p.grad.detach().clone()
    decay = [p for n, p in params.items() if p.dim() >= 2]
    no_decay = [p for n, p in params.items() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=1e-2, betas=(0.9, 0.999), eps=1e-8)
    opt.step()
    for name, p in params.items():
        tensors["after." + name] = p.detach().clone()
    save_file({k: v.contiguous() for k, v in tensors.items()}, out / "step.safetensors", metadata={"format": "pt"})
    (out / "README.md").write_text(f"Made by Tools/make_train_fixtures.py (case {case}); loss {loss.item():.6f}.\n")
    print(case, "loss", loss.item(), "params", len(params))


build("default", biases=False, seed=11)
build("biases", biases=True, seed=12)
