#!/usr/bin/env python3
# The PyTorch peer of `flowlm bench forward`: the same preset shapes as HF ModernBertForMaskedLM in
# float32 on the CPU, same threads, warm-up then the median of repeats; prints JSON like flowlm's.
#
# Pinned peer (see Tools/requirements.txt): torch==2.13.0+cpu, transformers==5.24.0
import json
import statistics
import time

import torch
from transformers import ModernBertForMaskedLM

from peer_presets import parse_benchmark_args, preset_config

def main():
    args = parse_benchmark_args(__doc__, batch=1, repeats=10)
    config = preset_config(args.preset)
    model = ModernBertForMaskedLM(config).eval()
    ids = torch.randint(0, config.vocab_size, (args.batch, args.length))
    mask = torch.ones_like(ids)
    times = []
    with torch.inference_mode():
        for run in range(args.warmups + args.repeats):
            start = time.perf_counter()
            model(input_ids=ids, attention_mask=mask)
            elapsed = (time.perf_counter() - start) * 1000
            if run >= args.warmups:
                times.append(elapsed)
    median = statistics.median(times)
    print(json.dumps({
        "engine": "pytorch", "torch": torch.__version__, "preset": args.preset, "batch": args.batch,
        "length": args.length, "threads": args.threads, "repeats": args.repeats,
        "attn_implementation": model.config._attn_implementation,
        "median_ms": round(median, 3), "min_ms": round(min(times), 3),
        "tokens_per_s": round(args.batch * args.length / (median / 1000), 1),
    }))


if __name__ == "__main__":
    main()
