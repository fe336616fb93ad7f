#!/usr/bin/env python3
"""The table of docs/eval/ideas.md: each cell of Tools/try_ideas.sh beside the sweep's chosen C&C and mask-only
cells of the same task (tuning seed 100, `flowlm eval --samples 100`).

Usage: python3 Tools/summarize_ideas.py <runs>   (the folder holding ideas/ and sweep-experiment/)
"""
import json
import pathlib
import sys

BASELINES = {"C&C as in §5 (p_sub 0.2, no floor)": "flowlm-lr2e-3-tmin0.001", "mask-only as in §5": "llada-lr2e-3-tmin0.05"}
COLUMNS = [("masked loss r=0.5", "masked_loss", "mask rate 0.5", None),
           ("greedy validity K=L", "validity", "greedy, prompted, K=L/1", "edits off"),
           ("sampled K=L", "validity", "sampled, all-mask, K=L/1", "edits off"),
           ("sampled K=L/2", "validity", "sampled, all-mask, K=L/2", "edits off"),
           ("sampled K=L/4", "validity", "sampled, all-mask, K=L/4", "edits off"),
           ("sampled K=L/4, edits on = passes", "validity", "sampled, all-mask, K=L/4", "edits on, equal passes"),
           ("AUROC 10 %", "detection_auroc", "substituted 10", None),
           ("false edits 10 %", "false_edit_rate", "substituted 10", "edits on"),
           ("exact repair 10 %", "exact_repair", "substituted 10", "edits on")]


def row(path):
    results = json.loads(path.read_text())["results"]
    cells = []
    for _, metric, condition, sampler in COLUMNS:
        value = next((r["mean"] for r in results if r["metric"] == metric and r["condition"].startswith(condition)
                      and r["sampler"] == sampler), None)
        cells.append("–" if value is None else f"{value:.3f}")
    return cells


def main():
    runs = pathlib.Path(sys.argv[1])
    print("| task | cell | " + " | ".join(name for name, *_ in COLUMNS) + " |")
    print("|---|---|" + "---|" * len(COLUMNS))
    for task in ("palindrome", "dyck"):
        for label, cell in BASELINES.items():
            path = runs / "sweep-experiment" / task / cell / "eval.json"
            if path.exists():
                print(f"| {task} | {label} | " + " | ".join(row(path)) + " |")
        for path in sorted((runs / "ideas" / task).glob("*/eval.json")):
            print(f"| {task} | {path.parent.name} | " + " | ".join(row(path)) + " |")


if __name__ == "__main__":
    main()
