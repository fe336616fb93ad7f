"""Checkpoints: a Hugging Face model directory flowlm reads, plus the PyTorch train state for resume.

OUT/ holds config.json, model.safetensors, tokenizer.json (with the tokenizer_config.json / special_tokens_map.json
that came with it, when present), README.md (model card), train_log.jsonl, and
torch_train_state.pt + torch_train_state.json (optimizer, scheduler, step, data position, RNG, and the weights the
optimizer belongs to). The names differ from FlowTrain's train_state.* on purpose: the two trainers' optimizer
states are not interchangeable, and `flowlm train --resume` must not mistake one for the other.
Every file is written in a temporary folder, fsynced and renamed into place; the train state goes last and carries
its own weights, so a kill at any moment leaves a loadable model and a consistent resume point.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import torch
from safetensors.torch import save_file
from transformers import PreTrainedModel

from .objectives import SpecialIds
from .specials import NAMING_FILES

STATE_PT, STATE_JSON, LOG = "torch_train_state.pt", "torch_train_state.json", "train_log.jsonl"
STEP_KEY = "flowlm_step"
ORDER = ("tokenizer.json", "config.json", "model.safetensors", "README.md", STATE_PT, STATE_JSON)


def tied_names(mlm: PreTrainedModel) -> set[str]:
    """State-dict names that alias another parameter and that transformers does not store (the tied decoder weight,
    BERT's and RoBERTa's decoder bias): the targets of the model's tied-weights map."""
    tied = getattr(mlm, "all_tied_weights_keys", None)
    if tied is None:  # older transformers
        tied = {"decoder.weight": None} if getattr(mlm.config, "tie_word_embeddings", True) else {}
    return set(tied)


def _fsync(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def save_checkpoint(out: Path, mlm: PreTrainedModel, full_state: dict, tokenizer_path: Path, card: str,
                    train_state: dict, summary: dict, dtype: torch.dtype = torch.float32, step: int = 0,
                    naming_files: list[Path] = (), specials: SpecialIds | None = None) -> None:
    """Rank 0 only. ``full_state`` is the gathered HF-named state dict (CPU). ``naming_files`` are the
    tokenizer_config.json / special_tokens_map.json to copy next to tokenizer.json (others left in OUT by an earlier
    run are removed); ``specials`` fill the pad/cls/sep/mask ids config.json lacks, so that the folder stands alone."""
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / f".saving-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    weights = {k: (v.to(dtype) if v.is_floating_point() else v).contiguous() for k, v in full_state.items()}
    for name in tied_names(mlm):
        # Tied parameters are stored once, under the source name, as HF does (FSDP's gathered dict holds both names).
        weights.pop(name, None)
    # One file with the step in its metadata, as flowlm's ModelCheckpoint writes it ("flowlm_step").
    save_file(weights, str(tmp / "model.safetensors"), metadata={"format": "pt", STEP_KEY: str(step)})
    mlm.config.save_pretrained(tmp)
    config = json.loads((tmp / "config.json").read_text())
    config["dtype"] = str(dtype).removeprefix("torch.")  # the dtype the weights are stored in
    config["architectures"] = [type(mlm).__name__]
    if specials is not None:  # as `flowlm train --init` does: the resolved ids, named in the config
        for role in ("pad", "cls", "sep", "mask"):
            # Only where the config names none: an id it has shapes the model (RoBERTa's positions count from pad).
            if config.get(f"{role}_token_id") is None:
                config[f"{role}_token_id"] = getattr(specials, role)
    (tmp / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    shutil.copyfile(tokenizer_path, tmp / "tokenizer.json")
    copied = []
    for source in naming_files:
        if source.name in NAMING_FILES:
            shutil.copyfile(source, tmp / source.name)
            copied.append(source.name)
    (tmp / "README.md").write_text(card)
    torch.save(train_state, tmp / STATE_PT)
    (tmp / STATE_JSON).write_text(json.dumps(summary, indent=2) + "\n")
    for name in sorted(p.name for p in tmp.iterdir()):
        os.chmod(tmp / name, 0o644)
        _fsync(tmp / name)
    for stale in NAMING_FILES:  # from an earlier run with another tokenizer: it would rename this one's tokens
        if stale not in copied and (out / stale).is_file():
            (out / stale).unlink()
    for extra in sorted(p.name for p in tmp.iterdir() if p.name not in ORDER):  # e.g. generation_config.json
        os.replace(tmp / extra, out / extra)
    for name in ORDER:
        os.replace(tmp / name, out / name)
    tmp.rmdir()
    dir_fd = os.open(out, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def load_train_state(out: Path) -> dict:
    path = out / STATE_PT
    if not path.exists():
        raise FileNotFoundError(f"{path}: no train state to resume from")
    return torch.load(path, map_location="cpu", weights_only=False)


def model_card(*, name: str, data: str, args, knobs, steps: int, tokens_seen: int, parameters: int, last: dict,
               validation: dict | None, command: str, world_size: int, architecture: str = "ModernBertForMaskedLM",
               model_type: str = "modernbert", source: str = "", specials: SpecialIds | None = None) -> str:
    """README.md in the layout of FlowTrain's ModelCard.markdown, plus the architecture, where the weights started
    from, the reserved ids and how the run was distributed."""
    def cell(record: dict, prefix: str, kind: str) -> str:
        loss, acc = record.get(f"{prefix}loss_{kind}"), record.get(f"{prefix}acc_{kind}")
        return "–" if loss is None or acc is None else f"{loss:.4f} (acc {acc:.4f})"

    def row(split: str, record: dict, prefix: str = "") -> str:
        objective = record.get(prefix + "loss")
        cells = " | ".join(cell(record, prefix, k) for k in ("masked", "substituted", "kept"))
        return f"| {split} | {'–' if objective is None else f'{objective:.4f}'} | {cells} |"

    clip = f"{args.clip}" if args.clip > 0 else "off"
    tag = "".join(c if c.isalnum() or c in "-_." else "-" for c in model_type)
    lines = [
        "---", "library_name: transformers", f"tags: [{tag}, fill-mask, diffusion, flowlm]", "---", "",
        f"# {name}", "",
        f"A `{architecture}` encoder (model_type `{model_type}`) trained by FlowLM's PyTorch trainer "
        f"(python/flowlm_train) as a diffusion language model (objective `{knobs.objective}`).", "",
        "## Training", "",
        f"- Architecture: {architecture} (model_type {model_type})",
        f"- Started from: {source or 'unknown'}",
    ]
    if specials is not None:
        reserved = ", ".join(f"{role} {getattr(specials, role)}" for role in ("pad", "cls", "sep", "mask", "unk")
                             if getattr(specials, role) is not None)
        lines.append(f"- Reserved ids (never corrupted, never scored): {reserved}")
    lines += [
        f"- Data: {data}",
        f"- Objective: {knobs.summary}",
        f"- Parameters: {parameters}",
        f"- Steps: {steps} (batch {args.batch} × length {args.length} × {world_size} process(es), accumulation {args.grad_accum})",
        f"- Tokens seen: {tokens_seen}",
        f"- Optimiser: AdamW (β1 {args.beta1}, β2 {args.beta2}, eps {args.adam_eps}, weight decay {args.weight_decay} on "
        f"matrices and embeddings only), peak lr {args.lr}, {args.warmup} warm-up steps, {args.decay} decay to "
        f"{args.final_lr_ratio} × peak, clip norm {clip}",
        f"- Seed: {args.seed}", "",
        "## Final losses", "",
        "Cross-entropy (nats) and accuracy against the clean token, by corruption kind; the objective column is the "
        "weighted loss that was minimised.", "",
        "| split | objective | masked | substituted | kept |", "|---|---|---|---|---|", row("train", last),
    ]
    if validation:
        lines.append(row("validation", validation, "val_"))
    lines += ["", "## Reproduce", "", "```", command, "```", "",
              "Visualize it with `flowlm info DIR` and `flowlm tui --model DIR`.", ""]
    return "\n".join(lines)
