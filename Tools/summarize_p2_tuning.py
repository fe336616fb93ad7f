"""The p2 tuning table (Tools/tune_p2.sh): mean validity over the curve K = 2 … L for each task, model and sampler,
with E for the p2 rows, then the per-K values. Usage: python3 Tools/summarize_p2_tuning.py RUNS/p2-tune"""
import glob
import json
import os
import re
import sys


def rows(folder):
    table = {}
    for path in sorted(glob.glob(os.path.join(folder, "*-E*.json"))):
        task, remasks = re.match(r"(\w+)-E(\d+)\.json$", os.path.basename(path)).groups()
        for r in json.load(open(path))["results"]:
            if r["metric"] != "curve_validity":
                continue
            k = int(r["condition"].split("K=")[1])
            e = remasks if r["sampler"] == "p2 planner" else "–"
            table.setdefault((task, r["model"], r["sampler"], e), {})[k] = r["mean"]
    return table


def main(folder):
    table = rows(folder)
    print("# p2's E on tuning seed 100\n")
    print("Made by `Tools/tune_p2.sh` (200 samples, sampled from all-mask, one 1,200-step model per objective: the")
    print("sweep's chosen cells). Mean validity over K = 2 … L, then each K. The edits-off and edits-on rows do not")
    print("depend on E (they are the same in every run; the first is shown).\n")
    ks = sorted({k for v in table.values() for k in v})
    print("| task | model | sampler | E | mean | " + " | ".join(f"K={k}" for k in ks) + " |")
    print("|" + "---|" * (5 + len(ks)))
    for key in sorted(table):
        values = table[key]
        mean = sum(values.values()) / len(values)
        print(f"| {key[0]} | {key[1]} | {key[2]} | {key[3]} | {mean:.3f} | "
              + " | ".join(f"{values[k]:.2f}" if k in values else "" for k in ks) + " |")


if __name__ == "__main__":
    main(sys.argv[1])
