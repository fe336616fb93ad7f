"""Command-line options of `python -m flowlm_train.train` (the same names as `flowlm train` where both exist)."""
from __future__ import annotations

import argparse

from .modeling import PRESETS
from .objectives import OBJECTIVES, CorruptionKnobs
from .optim import DECAYS

# `flowlm train`'s defaults (Sources/FlowLM/Training/TrainOptions.swift, LearningRateSchedule, AdamWConfig).
DEFAULTS = dict(steps=2000, batch=16, grad_accum=1, length=128, lr=1e-3, warmup=100, decay="cosine",
                final_lr_ratio=0.1, weight_decay=0.01, beta1=0.9, beta2=0.999, adam_eps=1e-8, clip=1.0, seed=0,
                val_period=20, eval_every=100, save_every=250, log_every=1, max_val_examples=256)

KNOB_FLAGS = {  # flag → CorruptionKnobs field
    "minimum_noise": float, "substitution_peak": float, "substitution_floor": float, "weight_masked": float, "weight_substituted": float,
    "weight_kept": float, "selection_rate_low": float, "selection_rate_high": float, "bert_mask_fraction": float,
    "bert_random_fraction": float, "substitutes": str,
}


# flowlm train's spelling of a knob, accepted first (the long names remain as aliases).
SWIFT_FLAGS = {"substitution_peak": "p-sub", "substitution_floor": "sub-floor", "weight_masked": "w-mask", "weight_substituted": "w-sub",
               "weight_kept": "w-keep"}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m flowlm_train.train",
                                description="Train ModernBertForMaskedLM, or fine-tune any AutoModelForMaskedLM, with "
                                            "FlowLM's corruption objectives (launch with torchrun for DDP/FSDP).")
    d = DEFAULTS
    data = p.add_argument_group("data")
    data.add_argument("--data", required=True, help="a UTF-8 text file, a folder of .txt files, or a .jsonl of prompt/response")
    data.add_argument("--format", choices=["auto", "text", "jsonl"], default="auto", help="auto: .jsonl means prompt/response")
    data.add_argument("--tokenizer", help="tokenizer.json (default: the one in --init-from)")
    data.add_argument("--streaming", action="store_true", help="stream a text corpus larger than memory")
    data.add_argument("--chunk-bytes", type=int, default=1 << 20, help="streaming chunk size (split at a newline)")
    data.add_argument("--val-period", type=int, default=d["val_period"], help="every N-th example is validation")
    data.add_argument("--max-val-examples", type=int, default=d["max_val_examples"],
                      help="validation uses the first N held-out examples (flowlm: 256)")

    model = p.add_argument_group("model")
    model.add_argument("--preset", choices=sorted(PRESETS))
    model.add_argument("--config", help="a config.json to build from scratch (ModernBERT unless its model_type says otherwise)")
    model.add_argument("--init-from", metavar="DIR_OR_HUB_ID",
                       help="fine-tune an AutoModelForMaskedLM checkpoint (ModernBERT, BERT, RoBERTa, DistilBERT…): a "
                            "folder, or a hub id found offline in the local Hugging Face cache")
    model.add_argument("--attn", choices=["sdpa", "eager", "flash_attention_2"], default="sdpa")
    model.add_argument("--dtype", "--save-dtype", dest="dtype", choices=["f32", "bf16", "f16"], default="f32",
                       help="stored weight precision (training is fp32 or bf16 autocast regardless)")

    objective = p.add_argument_group("objective (CorruptionKnobs; defaults as FlowTrain)")
    objective.add_argument("--objective", choices=OBJECTIVES, default="flowlm")
    defaults = CorruptionKnobs("flowlm")
    for name, kind in KNOB_FLAGS.items():
        flags = ["--" + SWIFT_FLAGS[name]] if name in SWIFT_FLAGS else []
        objective.add_argument(*flags, "--" + name.replace("_", "-"), dest=name, type=kind, default=getattr(defaults, name))
    objective.add_argument("--unigram-substitutes", dest="substitutes", action="store_const", const="unigram",
                           help="same as --substitutes unigram")
    objective.add_argument("--normalization", default="sum_of_weights", help='"sum_of_weights" or a fixed number')

    opt = p.add_argument_group("optimisation")
    opt.add_argument("--steps", type=int, default=d["steps"], help="optimiser steps")
    opt.add_argument("--batch", type=int, default=d["batch"], help="sequences per micro-batch per process")
    opt.add_argument("--accumulation", "--grad-accum", dest="grad_accum", type=int, default=d["grad_accum"],
                     help="micro-batches per optimiser step")
    opt.add_argument("--length", type=int, default=d["length"], help="window / context length in tokens")
    opt.add_argument("--lr", type=float, default=d["lr"], help="peak learning rate")
    opt.add_argument("--warmup", type=int, default=d["warmup"], help="warm-up steps")
    opt.add_argument("--decay", choices=DECAYS, default=d["decay"])
    opt.add_argument("--final-lr-ratio", type=float, default=d["final_lr_ratio"])
    opt.add_argument("--weight-decay", type=float, default=d["weight_decay"])
    opt.add_argument("--beta1", type=float, default=d["beta1"])
    opt.add_argument("--beta2", type=float, default=d["beta2"])
    opt.add_argument("--adam-eps", type=float, default=d["adam_eps"])
    opt.add_argument("--clip", type=float, default=d["clip"], help="global gradient-norm clip (0 = off)")
    opt.add_argument("--seed", type=int, default=d["seed"])

    run = p.add_argument_group("run")
    run.add_argument("--out", required=True, help="output HF model directory")
    run.add_argument("--resume", action="store_true", help="continue from OUT/torch_train_state.pt")
    run.add_argument("--auto-resume", action="store_true",
                     help="resume when OUT holds a train state, start fresh otherwise (requeued or elastic jobs)")
    run.add_argument("--stop-after", type=int, default=0,
                     help="save and exit after this many steps, as if interrupted (time-limited jobs; resume later)")
    run.add_argument("--eval-every", type=int, default=d["eval_every"])
    run.add_argument("--save-every", type=int, default=d["save_every"])
    run.add_argument("--log-every", type=int, default=d["log_every"])
    run.add_argument("--bf16", choices=["auto", "on", "off"], default="auto", help="bf16 autocast (auto: on with CUDA)")
    run.add_argument("--fsdp", action="store_true", help="shard parameters, gradients and optimizer state (FSDP2)")
    run.add_argument("--device", choices=["auto", "cuda", "cpu"], default="auto")
    run.add_argument("--backend", help="torch.distributed backend (default nccl on CUDA, gloo on CPU)")
    run.add_argument("--threads", type=int, default=0, help="CPU threads per process (0 = torch's default)")
    run.add_argument("--dump-batch", metavar="FILE", help="write the first training batch in flowlm's dump format and exit")
    return p


def knobs_from_args(args) -> CorruptionKnobs:
    return CorruptionKnobs(objective=args.objective, **{name: getattr(args, name) for name in KNOB_FLAGS}).validate()
