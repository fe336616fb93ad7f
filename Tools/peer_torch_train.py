#!/usr/bin/env python3
# The PyTorch peer of `flowlm bench train`: one training step (forward with a masked-LM loss, backward,
# gradient clipping, torch.optim.AdamW) of HF ModernBertForMaskedLM in float32 on the CPU, with the preset's
# shapes and the same threads; warm-up then the median of repeats; peak RSS from getrusage. Prints JSON like
# flowlm's.
#
# Pinned peer (see Tools/requirements.txt): torch==2.13.0+cpu, transformers==5.24.0
import argparse
import json
import resource
import statistics
import time

import torch
from transformers import ModernBertConfig, ModernBertForMaskedLM

# Must match Sources/FlowModel/ModernBertConfig+Presets.swift (and Tools/peer_torch.py).
PRESETS = {
    "toy": dict(vocab_size=2048, hidden_size=256, intermediate_size=512, num_hidden_layers=6, num_attention_heads=4,
                pad_token_id=0, bos_token_id=2, eos_token_id=3, cls_token_id=2, sep_token_id=3),
    "small": dict(vocab_size=8192, hidden_size=384, intermediate_size=768, num_hidden_layers=8, num_attention_heads=6,
                  pad_token_id=0, bos_token_id=2, eos_token_id=3, cls_token_id=2, sep_token_id=3),
    "base": dict(vocab_size=50368, hidden_size=768, intermediate_size=1152, num_hidden_layers=22, num_attention_heads=12),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", choices=PRESETS, default="toy")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--length", type=int, default=128)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--warmups", type=int, default=2)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    config = ModernBertConfig(local_attention=128, global_attn_every_n_layers=3, **PRESETS[args.preset])
    model = ModernBertForMaskedLM(config).train()
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.ndim < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                                  lr=1e-4, betas=(0.9, 0.999), eps=1e-8)
    ids = torch.randint(5, config.vocab_size, (args.batch, args.length))
    labels = ids.clone()
    masked = torch.rand(ids.shape) < 0.5
    inputs = torch.where(masked, torch.full_like(ids, 4), ids)
    labels[~masked] = -100  # scored positions only, as flowlm's weighted loss ignores unscored ones
    mask = torch.ones_like(ids)
    times = []
    for run in range(args.warmups + args.repeats):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=False)
        loss = model(input_ids=inputs, attention_mask=mask, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
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
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


if __name__ == "__main__":
    main()
