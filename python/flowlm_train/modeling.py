"""ModernBertForMaskedLM from a preset, a config.json or a Hugging Face checkpoint, and the training forward."""
from __future__ import annotations

import json
from pathlib import Path

import torch
from transformers import ModernBertConfig, ModernBertForMaskedLM

from .objectives import SpecialIds

# Model shapes by preset name, as flowlm's ModelPreset (Sources/FlowModel/ModernBertConfig+Presets.swift). The
# vocabulary is the tokenizer's size and the special ids are the tokenizer's, as `flowlm train` sets them.
PRESETS: dict[str, dict] = {
    "toy": dict(hidden_size=256, intermediate_size=512, num_hidden_layers=6, num_attention_heads=4,
                local_attention=128, global_attn_every_n_layers=3, max_position_embeddings=1024),
    "small": dict(hidden_size=384, intermediate_size=768, num_hidden_layers=8, num_attention_heads=6,
                  local_attention=128, global_attn_every_n_layers=3, max_position_embeddings=1024),
    "base": dict(hidden_size=768, intermediate_size=1152, num_hidden_layers=22, num_attention_heads=12,
                 local_attention=128, global_attn_every_n_layers=3, max_position_embeddings=8192),
}

_NO_DROPOUT = dict(embedding_dropout=0.0, attention_dropout=0.0, mlp_dropout=0.0, classifier_dropout=0.0)


def config_for(shape: dict, vocab_size: int, specials: SpecialIds) -> ModernBertConfig:
    return ModernBertConfig(
        vocab_size=vocab_size, pad_token_id=specials.pad, cls_token_id=specials.cls, sep_token_id=specials.sep,
        mask_token_id=specials.mask, bos_token_id=specials.cls, eos_token_id=specials.sep, **{**_NO_DROPOUT, **shape})


def build_model(*, preset: str | None = None, config_json: str | None = None, checkpoint: str | None = None,
                vocab_size: int, specials: SpecialIds, attn_implementation: str = "sdpa",
                dtype: torch.dtype = torch.float32, length: int = 0) -> ModernBertForMaskedLM:
    """Exactly one of preset / config_json / checkpoint. A checkpoint keeps its weights; the others start from
    HF's own initialisation (seed torch first)."""
    chosen = [x for x in (preset, config_json, checkpoint) if x]
    if len(chosen) != 1:
        raise ValueError("model: give exactly one of --preset, --config, --init-from")
    if checkpoint:
        model = ModernBertForMaskedLM.from_pretrained(checkpoint, attn_implementation=attn_implementation, dtype=dtype)
        if model.config.vocab_size < vocab_size:
            raise ValueError(f"{checkpoint}: the model has {model.config.vocab_size} rows, the tokenizer {vocab_size} ids")
        return model
    if preset:
        if preset not in PRESETS:
            raise ValueError(f"model: unknown preset {preset!r} (choose {', '.join(PRESETS)})")
        shape = dict(PRESETS[preset])
        shape["max_position_embeddings"] = max(shape["max_position_embeddings"], length)  # as flowlm train does
        config = config_for(shape, vocab_size, specials)
    else:
        values = json.loads(Path(config_json).read_text())
        config = ModernBertConfig(**values)
        if config.vocab_size < vocab_size:
            raise ValueError(f"{config_json}: vocab_size {config.vocab_size} is below the tokenizer's {vocab_size}")
    config._attn_implementation = attn_implementation
    return ModernBertForMaskedLM(config).to(dtype)


class ScoredLogits(torch.nn.Module):
    """The MLM forward restricted to scored positions (HF's sparse_prediction path): the head and the decoder run
    only on rows that carry a loss. Wrap THIS module in DDP/FSDP so that gradient synchronisation sees the forward.
    """

    def __init__(self, mlm: ModernBertForMaskedLM):
        super().__init__()
        self.mlm = mlm

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, scored_index: torch.Tensor) -> torch.Tensor:
        hidden = self.mlm.model(input_ids=input_ids, attention_mask=attention_mask)[0]
        hidden = hidden.reshape(-1, hidden.shape[-1]).index_select(0, scored_index)
        return self.mlm.decoder(self.mlm.head(hidden))
