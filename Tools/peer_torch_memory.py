#!/usr/bin/env python3
"""The PyTorch peer of `flowlm forward` for Tools/bench_memory.sh: HF ModernBertForMaskedLM loaded from the same model
directory (`from_pretrained`, float32, CPU) or built from the preset's config (`--from-config`, no file), then one
forward over the given ids, as `flowlm forward --ids` does. Also makes that directory (`--save DIR`): a random model
of a preset saved with `save_pretrained` (float32 safetensors, tied decoder left out as HF writes it).

Pinned peer (see Tools/requirements.txt): torch==2.13.0+cpu, transformers==5.24.0
"""
import argparse

import torch
from transformers import ModernBertForMaskedLM

from peer_presets import PRESETS, preset_config


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", help="an HF model directory to load")
    parser.add_argument("--from-config", choices=PRESETS, help="build a random model of this preset instead")
    parser.add_argument("--save", help="write a random model of --from-config's preset to this directory and exit")
    parser.add_argument("--ids", help="comma-separated token ids")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    if args.save:
        ModernBertForMaskedLM(preset_config(args.from_config)).save_pretrained(args.save)
        return
    if args.from_config:
        model = ModernBertForMaskedLM(preset_config(args.from_config)).eval()
    else:
        model = ModernBertForMaskedLM.from_pretrained(args.model, dtype=torch.float32).eval()
    ids = torch.tensor([[int(i) for i in args.ids.split(",")]])
    with torch.inference_mode():
        logits = model(input_ids=ids, attention_mask=torch.ones_like(ids)).logits
    # What `flowlm forward` prints by default: the most likely token at each position.
    print(logits[0].argmax(-1).tolist())


if __name__ == "__main__":
    main()
