"""The model: ModernBertForMaskedLM from a preset or a config.json, or any AutoModelForMaskedLM checkpoint (a folder,
or a hub id found offline in the local Hugging Face cache); and the training forward on scored rows only."""
from __future__ import annotations

import json
import os
from pathlib import Path

import torch
from transformers import AutoConfig, AutoModelForMaskedLM, ModernBertConfig, ModernBertForMaskedLM, PreTrainedModel

from .objectives import SpecialIds

# Model shapes by preset name, as flowlm's ModelPreset (Sources/FlowModel/ModernBert/ModernBertConfig+Presets.swift). The
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


class ModelSourceError(ValueError):
    pass


def resolve_pretrained(name: str | os.PathLike, cache_dir: str | os.PathLike | None = None) -> Path:
    """The folder for ``--init-from``: an existing folder, else a hub id (``org/name``) resolved by transformers from
    the local Hugging Face cache only (``local_files_only=True``; $HF_HUB_CACHE, $HF_HOME/hub or
    ~/.cache/huggingface/hub): the snapshot folder that holds its config.json. Nothing is downloaded."""
    text = str(name)
    path = Path(text).expanduser()
    if path.is_dir():
        return path
    if path.exists():
        raise ModelSourceError(f"--init-from {text}: not a folder (give the model's folder, which holds config.json)")
    from huggingface_hub import constants
    from transformers.utils.hub import cached_file

    cache = Path(cache_dir) if cache_dir else Path(constants.HF_HUB_CACHE)
    looked = cache / ("models--" + text.replace("/", "--")) / "snapshots" / "*" / "config.json"
    try:
        config = cached_file(text, "config.json", cache_dir=cache_dir, local_files_only=True)
    except OSError as error:  # not cached, or not a valid hub id (HFValidationError is an OSError here)
        if "Repo id must be" in str(error):
            raise ModelSourceError(f"--init-from {text}: no such folder (and not a hub id of the form org/name)") from None
        config = None
    if config is None:
        raise ModelSourceError(f"--init-from {text}: no such folder, and no snapshot of the hub model {text!r} in the "
                               f"local Hugging Face cache (looked for {looked}); the trainer never downloads: fetch it "
                               f"first (hf download {text}) or give a folder")
    return Path(config).parent


def read_config(path: str | os.PathLike) -> dict:
    path = Path(path)
    try:
        values = json.loads(path.read_text())
    except FileNotFoundError:
        raise ModelSourceError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelSourceError(f"{path}: not a readable config.json ({error})") from None
    if not isinstance(values, dict):
        raise ModelSourceError(f"{path}: not a JSON object")
    return values


def config_from_json(values: dict, path: str | os.PathLike):
    """A config.json without model_type (or "modernbert") is a ModernBERT config, as before; any other model_type
    builds that architecture's config (transformers' AutoConfig)."""
    model_type = values.get("model_type") or "modernbert"
    if model_type == "modernbert":
        return ModernBertConfig(**{k: v for k, v in values.items() if k != "model_type"})
    try:
        return AutoConfig.for_model(**values)
    except ValueError as error:
        raise ModelSourceError(f"{path}: {error}") from None


def position_limit(mlm: PreTrainedModel) -> int | None:
    """The longest input a model with learned absolute positions takes (RoBERTa's positions start after pad);
    None for rotary models such as ModernBERT."""
    embeddings = getattr(mlm.base_model, "embeddings", None)
    table = getattr(embeddings, "position_embeddings", None)
    if not isinstance(table, torch.nn.Embedding):
        return None
    offset = embeddings.padding_idx + 1 if isinstance(getattr(embeddings, "padding_idx", None), int) else 0
    return table.num_embeddings - offset


def build_model(*, preset: str | None = None, config_json: str | None = None, checkpoint: str | os.PathLike | None = None,
                vocab_size: int, specials: SpecialIds, attn_implementation: str = "sdpa",
                dtype: torch.dtype = torch.float32, length: int = 0) -> PreTrainedModel:
    """Exactly one of preset / config_json / checkpoint (a folder: see resolve_pretrained). A checkpoint keeps its
    weights and its architecture (AutoModelForMaskedLM); the others start from HF's own initialisation (seed torch
    first)."""
    chosen = [x for x in (preset, config_json, checkpoint) if x]
    if len(chosen) != 1:
        raise ValueError("model: give exactly one of --preset, --config, --init-from")
    if checkpoint:
        model = AutoModelForMaskedLM.from_pretrained(str(checkpoint), attn_implementation=attn_implementation,
                                                     dtype=dtype, local_files_only=True)
        source = checkpoint
    elif preset:
        if preset not in PRESETS:
            raise ValueError(f"model: unknown preset {preset!r} (choose {', '.join(PRESETS)})")
        shape = dict(PRESETS[preset])
        shape["max_position_embeddings"] = max(shape["max_position_embeddings"], length)  # as flowlm train does
        config = config_for(shape, vocab_size, specials)
        config._attn_implementation = attn_implementation
        return ModernBertForMaskedLM(config).to(dtype)
    else:
        config = config_from_json(read_config(config_json), config_json)
        config._attn_implementation = attn_implementation
        model = (ModernBertForMaskedLM(config) if isinstance(config, ModernBertConfig)
                 else AutoModelForMaskedLM.from_config(config)).to(dtype)
        source = config_json
    if model.config.vocab_size < vocab_size:
        raise ValueError(f"{source}: the model has {model.config.vocab_size} rows, the tokenizer {vocab_size} ids")
    limit = position_limit(model)
    if limit is not None and length > limit:
        raise ValueError(f"{source}: --length {length} is longer than the {limit} positions the model has")
    return model


# The head of each architecture applied to hidden states [N, H] (row-wise, so it may run on scored rows only), and
# the encoder that gives those hidden states: exactly what the class's forward does between the two.
def _distilbert_head(m, h):
    return m.vocab_projector(m.vocab_layer_norm(m.activation(m.vocab_transform(h))))


SPARSE_HEADS = {
    "ModernBertForMaskedLM": (lambda m: m.model, lambda m, h: m.decoder(m.head(h))),
    "BertForMaskedLM": (lambda m: m.bert, lambda m, h: m.cls(h)),
    "RobertaForMaskedLM": (lambda m: m.roberta, lambda m, h: m.lm_head(h)),
    "XLMRobertaForMaskedLM": (lambda m: m.roberta, lambda m, h: m.lm_head(h)),
    "CamembertForMaskedLM": (lambda m: m.roberta, lambda m, h: m.lm_head(h)),
    "DistilBertForMaskedLM": (lambda m: m.distilbert, _distilbert_head),
}


class ScoredLogits(torch.nn.Module):
    """The MLM forward restricted to scored positions: logits [len(scored_index), V] of the flattened [B·T] rows.
    For the architectures in SPARSE_HEADS the head and the decoder run only on rows that carry a loss (HF's
    sparse_prediction path); any other AutoModelForMaskedLM runs its full forward and the scored rows are picked from
    its logits. Wrap THIS module in DDP/FSDP so that gradient synchronisation sees the forward.
    """

    def __init__(self, mlm: PreTrainedModel):
        super().__init__()
        self.mlm = mlm
        self._parts = SPARSE_HEADS.get(type(mlm).__name__)  # plain functions, not submodules: no second state name

    @property
    def sparse(self) -> bool:
        return self._parts is not None

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, scored_index: torch.Tensor) -> torch.Tensor:
        if self._parts is None:
            logits = self.mlm(input_ids=input_ids, attention_mask=attention_mask).logits
            return logits.reshape(-1, logits.shape[-1]).index_select(0, scored_index)
        encoder, head = self._parts
        hidden = encoder(self.mlm)(input_ids=input_ids, attention_mask=attention_mask)[0]
        hidden = hidden.reshape(-1, hidden.shape[-1]).index_select(0, scored_index)
        return head(self.mlm, hidden)
