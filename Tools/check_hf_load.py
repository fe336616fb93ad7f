#!/usr/bin/env python3
# Checks that a flowlm checkpoint directory is a Hugging Face model: loads it with AutoModelForMaskedLM and its
# tokenizer.json with `tokenizers`, runs a few inputs (some positions replaced by [MASK]) through both HF and
# `flowlm forward --model DIR --ids ... --json`, and prints the largest absolute logit difference.
# Exit 1 when it exceeds --tolerance.
#
# Pinned peer (see Tools/requirements.txt): torch==2.13.0+cpu, transformers==5.24.0, tokenizers==0.23.3
#
# Usage: Tools/check_hf_load.py DIR [--flowlm .build/debug/flowlm] [--text "abcba" ...] [--tolerance 1e-4]
import argparse
import json
import subprocess
import sys
from pathlib import Path

import torch
from tokenizers import Tokenizer
from transformers import AutoModelForMaskedLM

DEFAULT_TEXTS = ["abcba", "hgfeefgh", "To be, or not to be", "()[]([])", "12+34=46"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model")
    parser.add_argument("--flowlm", default=str(Path(__file__).resolve().parent.parent / ".build/debug/flowlm"))
    parser.add_argument("--text", action="append", help="input text (repeatable); default: a few mixed strings")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()

    directory = Path(args.model)
    tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
    model = AutoModelForMaskedLM.from_pretrained(str(directory), dtype=torch.float32, attn_implementation="eager").eval()
    mask_id = tokenizer.token_to_id("[MASK]")
    worst = 0.0
    rows = []
    for text in args.text or DEFAULT_TEXTS:
        ids = tokenizer.encode(text).ids  # the tokenizer's post-processor adds [CLS] … [SEP]
        ids = [i for i in ids if i is not None]
        if len(ids) < 3:
            continue
        ids[len(ids) // 2] = mask_id  # a masked position, as the refinement loop sees it
        with torch.no_grad():
            theirs = model(input_ids=torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long)).logits[0]
        out = subprocess.run([args.flowlm, "forward", "--model", str(directory), "--ids", ",".join(map(str, ids)), "--json",
                              "--top-k", "0"], check=True, capture_output=True, text=True).stdout
        ours = torch.tensor(json.loads(out)["logits"], dtype=torch.float32)
        difference = float((ours - theirs).abs().max())
        worst = max(worst, difference)
        rows.append({"text": text, "ids": len(ids), "max_abs_diff": difference,
                     "argmax_equal": bool(torch.equal(ours.argmax(-1), theirs.argmax(-1)))})
    print(json.dumps({"model": str(directory), "architecture": type(model).__name__, "inputs": rows,
                      "max_abs_diff": worst, "tolerance": args.tolerance, "ok": worst <= args.tolerance}))
    return 0 if worst <= args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
