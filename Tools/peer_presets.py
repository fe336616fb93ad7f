"""What the PyTorch peers share: FlowLM's model presets as HF configs and the benchmark arguments.

Pinned peer (see Tools/requirements.txt): torch==2.13.0+cpu, transformers==5.24.0
"""
import argparse
import json
import statistics
import time

import torch
from transformers import ModernBertConfig

# Must match Sources/FlowModel/ModernBert/ModernBertConfig+Presets.swift.
PRESETS = {
    "toy": dict(vocab_size=2048, hidden_size=256, intermediate_size=512, num_hidden_layers=6, num_attention_heads=4,
                pad_token_id=0, bos_token_id=2, eos_token_id=3, cls_token_id=2, sep_token_id=3),
    "small": dict(vocab_size=8192, hidden_size=384, intermediate_size=768, num_hidden_layers=8, num_attention_heads=6,
                  pad_token_id=0, bos_token_id=2, eos_token_id=3, cls_token_id=2, sep_token_id=3),
    "base": dict(vocab_size=50368, hidden_size=768, intermediate_size=1152, num_hidden_layers=22, num_attention_heads=12),
    "large": dict(vocab_size=50368, hidden_size=1024, intermediate_size=2624, num_hidden_layers=28, num_attention_heads=16),
}


def parse_benchmark_args(description: str, batch: int, repeats: int) -> argparse.Namespace:
    """The flags `flowlm bench forward|train` take, with that command's defaults; sets torch's threads and seed."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--preset", choices=PRESETS, default="toy")
    parser.add_argument("--batch", type=int, default=batch)
    parser.add_argument("--length", type=int, default=128)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--repeats", type=int, default=repeats)
    parser.add_argument("--warmups", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    return args


def preset_config(name: str) -> ModernBertConfig:
    return ModernBertConfig(local_attention=128, global_attn_every_n_layers=3, **PRESETS[name])


def timed_runs(args: argparse.Namespace, run) -> list:
    """Milliseconds of each of args.repeats calls of run(), after args.warmups untimed ones."""
    times = []
    for index in range(args.warmups + args.repeats):
        start = time.perf_counter()
        run()
        elapsed = (time.perf_counter() - start) * 1000
        if index >= args.warmups:
            times.append(elapsed)
    return times


def print_model_result(args: argparse.Namespace, model, times: list, **extra) -> None:
    """One JSON line with the fields `flowlm bench forward|train --json` prints, and any extra ones."""
    median = statistics.median(times)
    print(json.dumps({
        "engine": "pytorch", "torch": torch.__version__, "preset": args.preset, "batch": args.batch,
        "length": args.length, "threads": args.threads, "repeats": args.repeats,
        "attn_implementation": model.config._attn_implementation,
        "median_ms": round(median, 3), "min_ms": round(min(times), 3),
        "tokens_per_s": round(args.batch * args.length / (median / 1000), 1),
        **extra,
    }))
