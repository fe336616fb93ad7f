#!/usr/bin/env python3
"""The PyTorch peer of `flowlm bench forward`: the same preset shapes as HF ModernBertForMaskedLM in float32 on the
CPU, same threads, warm-up then the median of repeats; prints JSON like flowlm's.

Pinned peer (see Tools/requirements.txt): torch==2.13.0+cpu, transformers==5.24.0
"""
import torch
from transformers import ModernBertForMaskedLM

from peer_presets import parse_benchmark_args, preset_config, print_model_result, timed_runs


def main():
    args = parse_benchmark_args(__doc__, batch=1, repeats=10)
    config = preset_config(args.preset)
    model = ModernBertForMaskedLM(config).eval()
    ids = torch.randint(0, config.vocab_size, (args.batch, args.length))
    mask = torch.ones_like(ids)
    with torch.inference_mode():
        times = timed_runs(args, lambda: model(input_ids=ids, attention_mask=mask))
    print_model_result(args, model, times)


if __name__ == "__main__":
    main()
