#!/usr/bin/env python3
"""Validity against forward passes for every cell of the experiment (research_idea.md §5), from the curve rows
`flowlm eval --validity-curve` writes into docs/eval/<task>.json: one panel per task, one line per model kind and
sampler (edits off; edits on with the correction steps inside the same budget), x = mean forward passes actually
used, y = mean validity over training seeds with its 95 % interval as a band. Also prints the curves as a markdown
table. matplotlib is optional (pip install matplotlib==3.11.2); without it only the table is written.

Usage: python3 Tools/plot_validity_curves.py [docs/eval] > docs/eval/curves.md   (writes docs/eval/validity-curves.png)
"""
import json
import os
import re
import sys

TASKS = ["palindrome", "dyck", "addition"]
KINDS = [("mask-only", "mask-only"), ("corruption+correction", "C&C"), ("w_keep=0", "w_keep=0")]
SAMPLERS = ["edits off", "edits on, equal passes", "remask, equal passes", "p2 planner"]


def curves(results):
    """{(kind, sampler): [(K, passes, validity, ci95)]} sorted by K."""
    rows = {}
    for r in results:
        if r["metric"] != "curve_validity":
            continue
        k = int(re.search(r"K=(\d+)", r["condition"]).group(1))
        passes = next(p["mean"] for p in results if p["metric"] == "curve_forward_passes"
                      and p["condition"] == r["condition"] and p["model"] == r["model"] and p["sampler"] == r["sampler"])
        rows.setdefault((r["model"], r["sampler"]), []).append((k, passes, r["mean"], r.get("ci95")))
    return {key: sorted(points) for key, points in rows.items()}


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "docs/eval"
    per_task = {}
    for task in TASKS:
        path = os.path.join(folder, f"{task}.json")
        lines = curves(json.load(open(path))["results"]) if os.path.exists(path) else {}
        if lines:
            per_task[task] = lines
    print("# Validity against forward passes\n")
    print("Sampled from all-mask at K = 2 … L steps; cells: mean validity over training seeds (mean forward passes).")
    print("`flowlm eval --validity-curve` (Tools/run_eval.sh); the plot is validity-curves.png.\n")
    for task, lines in per_task.items():
        keys = [(kind, sampler) for kind, _ in KINDS for sampler in SAMPLERS if (kind, sampler) in lines]
        if not keys:
            continue
        print(f"## {task}\n")
        print("| K | " + " | ".join(f"{dict(KINDS)[kind]}, {sampler}" for kind, sampler in keys) + " |")
        print("|---|" + "---|" * len(keys))
        for i, (k, *_rest) in enumerate(lines[keys[0]]):
            cells = [f"{lines[key][i][2]:.2f} ({lines[key][i][1]:.1f})" for key in keys]
            print(f"| {k} | " + " | ".join(cells) + " |")
        print()
    if not per_task:
        return
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    figure, axes = plt.subplots(1, len(per_task), figsize=(5 * len(per_task), 4), squeeze=False)
    for axis, (task, lines) in zip(axes[0], per_task.items()):
        for kind, label in KINDS:
            for sampler in SAMPLERS:
                points = lines.get((kind, sampler))
                if not points:
                    continue
                x = [p[1] for p in points]
                y = [p[2] for p in points]
                style = {"edits off": "-", "edits on, equal passes": "--", "p2 planner": "-."}.get(sampler, ":")
                line, = axis.plot(x, y, style, label=f"{label}, {sampler}")
                bands = [p[3] for p in points]
                if all(bands):
                    axis.fill_between(x, [max(0, b[0]) for b in bands], [min(1, b[1]) for b in bands],
                                      color=line.get_color(), alpha=0.12)
        axis.set_title(task)
        axis.set_xlabel("forward passes per sequence")
        axis.set_ylabel("validity (sampled, all-mask)")
        axis.set_ylim(0, 1)
        axis.grid(alpha=0.3)
    axes[0][0].legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(os.path.join(folder, "validity-curves.png"), dpi=110)


if __name__ == "__main__":
    main()
