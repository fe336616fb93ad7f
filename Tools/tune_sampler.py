#!/usr/bin/env python3
"""Chooses a model's recommended sampler settings (its flowlm_sampler.json) on tuning seeds only.

For each setting in a small grid of the edit knobs (tau_edit, delta, max_edits) and the proposal temperature, runs
`flowlm generate` on the default prompt over the tuning seeds (default 100–109, never the reported 0–9), edits
on and off, and scores each final answer by its pseudo-log-likelihood under the model (Tools/measure_edits.py).
A setting qualifies when edits on score at least as high as edits off on average (corrections, not churn); among
those, the one with the most edits of visible tokens wins. Prints every row, so the choice can be checked.

Usage: Tools/tune_sampler.py --model DIR [--seeds 100-109] [--bin .build/release/flowlm] [--base '{"steps": 24}']
"""
import argparse, itertools, json, subprocess, sys, pathlib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import measure_edits  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--seeds", default="100-109")
    ap.add_argument("--bin", default=".build/release/flowlm")
    ap.add_argument("--tau-edit", default="0.3,0.4,0.5")
    ap.add_argument("--delta", default="0.0,0.1")
    ap.add_argument("--max-edits", default="2,4")
    ap.add_argument("--temperature", default="0.7,0.8")
    args = ap.parse_args()
    grid = list(itertools.product(args.tau_edit.split(","), args.delta.split(","), args.max_edits.split(","),
                                  args.temperature.split(",")))
    rows = []
    for tau, delta, edits, temperature in grid:
        extra = ["--sample", "--tau-edit", tau, "--delta", delta, "--max-edits", edits, "--temperature", temperature]
        out = subprocess.run([sys.executable, str(pathlib.Path(measure_edits.__file__)), "--model", args.model,
                              "--seeds", args.seeds, "--bin", args.bin, "--run-args", "", "--json", "--", *extra],
                             check=True, capture_output=True, text=True).stdout
        result = json.loads(out)
        row = {"tau_edit": float(tau), "delta": float(delta), "max_edits": int(edits), "temperature": float(temperature),
               "edits": result["mean_edits"], "logp_on": result["mean_logp_on"], "logp_off": result["mean_logp_off"]}
        rows.append(row)
        print(json.dumps(row), flush=True)
    qualified = [r for r in rows if r["logp_on"] >= r["logp_off"]]
    if not qualified:
        print("tune_sampler: no setting scores at least as high with edits on", file=sys.stderr)
        return 1
    best = max(qualified, key=lambda r: (r["edits"], r["logp_on"] - r["logp_off"]))
    print("chosen:", json.dumps(best))
    return 0


if __name__ == "__main__":
    sys.exit(main())
