#!/usr/bin/env python3
"""The PyTorch peer of `flowlm bench train`: one training step (forward with a masked-LM loss, backward, gradient
clipping, torch.optim.AdamW) of HF ModernBertForMaskedLM in float32 on the CPU, with the preset's shapes and the
same threads; warm-up then the median of repeats; peak RSS from getrusage. Prints JSON like flowlm's.

Pinned peer (see Tools/requirements.txt): torch==2.13.0+cpu, transformers==5.24.0
"""
import resource

import torch
from transformers import ModernBertForMaskedLM

from peer_presets import parse_benchmark_args, preset_config, print_model_result, timed_runs


def main():
    args = parse_benchmark_args(__doc__, batch=16, repeats=5)
    config = preset_config(args.preset)
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

    def step():
        optimizer.zero_grad(set_to_none=False)
        loss = model(input_ids=inputs, attention_mask=mask, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()

    times = timed_runs(args, step)
    print_model_result(args, model, times,
                       peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))


if __name__ == "__main__":
    main()
