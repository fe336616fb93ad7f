#!/usr/bin/env python3
"""Condenses docs/eval/<task>.json (written by `flowlm eval --json`, see Tools/run_eval.sh) into the tables of
research_idea.md §5: validity, repair, and the model-level measures, each cell the mean over training seeds with
its 95 % t-interval. Standard library only.  Usage: python3 Tools/summarize_eval.py [docs/eval] > docs/eval/SUMMARY.md
"""
import json
import os
import sys

KINDS = [("mask-only", "mask-only"), ("corruption+correction", "C&C"), ("w_keep=0", "w_keep=0")]


def cell(entry):
    if entry is None:
        return "–"
    mean = entry["mean"]
    if entry.get("ci95"):
        lo, hi = entry["ci95"]
        return f"{mean:.2f} [{lo:.2f}, {hi:.2f}]"
    return f"{mean:.2f}"


def index(results):
    return {(r["metric"], r["condition"], r["model"], r["sampler"]): r for r in results}


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out)


def conditions(results, metric):
    seen = []
    for r in results:
        if r["metric"] == metric and r["condition"] not in seen:
            seen.append(r["condition"])
    return seen


def summarize(task, data):
    results, at = data["results"], index(data["results"])
    kinds = [(k, short) for k, short in KINDS if any(r["model"] == k for r in results)]
    seeds = {k: sum(1 for m in data["models"] if m["kind"] == k) for k, _ in kinds}
    lines = [f"### {task}", "",
             f"{data['samples']} samples per condition; training seeds: "
             + ", ".join(f"{short} {seeds[k]}" for k, short in kinds) + ".", ""]
    if conditions(results, "validity"):
        samplers = [("edits off", "off"), ("edits on", "on"), ("edits on, equal passes", "on =passes")]
        if any(r["sampler"] == "remask, equal passes" for r in results):
            samplers.append(("remask, equal passes", "remask =passes"))
        if any(r["sampler"] == "p2 planner" for r in results):
            samplers.append(("p2 planner", "p2"))
        columns = [(k, s) for k, _ in kinds for s, _ in samplers]
        header = ["validity"] + [f"{short}, {label}" for k, short in kinds for _, label in samplers]
        rows = [[c] + [cell(at.get(("validity", c, k, s))) for k, s in columns] for c in conditions(results, "validity")]
        lines += [table(header, rows), ""]
    repair = [c for c in conditions(results, "false_edit_rate")]
    metrics = [("detection_auroc", None, "AUROC"), ("fixed_rate", "edits on", "restored"),
               ("exact_repair", "edits on", "exact"), ("valid_after_repair", "edits on", "valid"),
               ("false_edit_rate", "edits on", "false edits"), ("broken_share", "edits on", "broken")]
    metrics = [m for m in metrics if conditions(results, m[0])]
    metrics.append(("forward_passes", "edits on", "passes"))
    header = ["repair (edits on)", "model"] + [name for _, _, name in metrics]
    rows = [[c, short] + [cell(at.get((m, c, k, s))) for m, s, _ in metrics] for c in repair for k, short in kinds]
    lines += [table(header, rows), ""]
    model_level = [("ece", None), ("masked_loss", None), ("masked_accuracy", None), ("infill_validity", "edits off"),
                   ("infill_validity", "edits on"), ("infill_token_accuracy", "edits off"), ("infill_token_accuracy", "edits on"),
                   ("unique_valid", "edits off"), ("unique_samples", "edits off"), ("unigram_entropy_bits", "edits off"),
                   ("unigram_entropy_bits", "edits on")]
    rows = []
    for metric, sampler in model_level:
        for c in conditions(results, metric):
            if not any((metric, c, k, sampler) in at for k, _ in kinds):
                continue
            label = f"{metric} ({c}" + (f", {sampler})" if sampler else ")")
            rows.append([label] + [cell(at.get((metric, c, k, sampler))) for k, _ in kinds])
    for c in conditions(results, "unigram_entropy_bits"):
        if c == "held-out references":
            rows.append(["unigram_entropy_bits (held-out references)"]
                        + [cell(at.get(("unigram_entropy_bits", c, k, None))) for k, _ in kinds])
    lines += [table(["measure"] + [short for _, short in kinds], rows), ""]
    return "\n".join(lines)


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "docs/eval"
    print("## Summary of `make eval` (cells: mean over training seeds [95 % t-interval]; per-seed values in docs/eval/<task>.md)\n")
    for task in ("palindrome", "dyck", "addition", "text"):
        path = os.path.join(folder, f"{task}.json")
        if os.path.exists(path):
            with open(path) as f:
                print(summarize(task, json.load(f)))


if __name__ == "__main__":
    main()
