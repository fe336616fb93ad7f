#!/usr/bin/env python3
"""Does `make run` show corrections, and are they improvements? Runs `flowlm generate` with make run's own
arguments over seeds 0–9, once as is (edits on) and once with --max-edits 0 (edits off, same seed), and reports
edits of visible tokens per run and the mean model log-probability of the final answer.

The log-probability of a final text is the model's pseudo-log-likelihood of its answer (Salazar et al., "Masked
Language Model Scoring", ACL 2020): the mean over answer positions of log p(token | every other token), each
position masked in turn (`flowlm score`). (p(current) with the token visible is no measure: a
corruption-and-correction model scores almost every visible token near 1.) Higher means the model finds the text
more plausible.

Usage: Tools/measure_edits.py [--model DIR] [--seeds 0-9] [--bin .build/release/flowlm] [--json] [-- extra generate args]
"""
import argparse, json, shlex, subprocess, sys

# The Makefile's RUN_ARGS (make run opens repair mode); pass --run-args '' for generation from the model's own
# prompt and its flowlm_sampler.json settings.
RUN_ARGS = "--repair 'ROMEO. But soft! what light through yonder window breaks? It is the east, and Juliet is the sun.'"


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def mean_log_p(binary, model, ids, length):
    """Pseudo-log-likelihood of the last `length` tokens of `ids` (`flowlm score`)."""
    out = json.loads(run([binary, "score", "--model", model, "--ids", ",".join(map(str, ids)), "--last", str(length),
                          "--json", "--threads", "1"]))
    return out["mean"]


def answer_length(model, arguments):
    """--length if given, else the model's recommended length, else generate's default of 48."""
    if "--length" in arguments:
        return int(arguments[arguments.index("--length") + 1])
    try:
        return json.load(open(f"{model}/flowlm_sampler.json")).get("length", 48)
    except FileNotFoundError:
        return 48


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="checkpoints/shakespeare-flowlm")
    ap.add_argument("--seeds", default="0-9")
    ap.add_argument("--bin", default=".build/release/flowlm")
    ap.add_argument("--run-args", default=RUN_ARGS)
    ap.add_argument("--json", action="store_true")
    args, extra = ap.parse_known_args()
    extra = [a for a in extra if a != "--"]
    lo, hi = (int(x) for x in args.seeds.split("-"))
    rows = []
    for seed in range(lo, hi + 1):
        row = {"seed": seed}
        for label, more in (("on", []), ("off", ["--max-edits", "0"])):
            cmd = [args.bin, "generate", "--model", args.model, *shlex.split(args.run_args), "--seed", str(seed),
                   "--json", "--threads", "1", *extra, *more]
            result = json.loads(run(cmd))
            ids = result.get("ids", result.get("repaired_ids"))  # repair mode reports the repaired text
            # ids hold the final canvas without [CLS]/[SEP]; the answer is its last `length` tokens.
            arguments = shlex.split(args.run_args) + extra
            # In repair mode every token of the text is editable, so the whole canvas is the answer.
            length = len(ids) if "--repair" in arguments else answer_length(args.model, arguments)
            row[f"edits_{label}"] = result["stats"]["edits"]
            row[f"text_{label}"] = result.get("answer", result.get("repaired"))
            row[f"ids_{label}"] = ids
            row[f"length"] = length
        rows.append(row)
    for row in rows:
        for label in ("on", "off"):
            if label == "off" and row["ids_off"] == row["ids_on"]:
                row["logp_off"] = row["logp_on"]
                continue
            row[f"logp_{label}"] = mean_log_p(args.bin, args.model, row[f"ids_{label}"], row["length"])
    edits = sum(r["edits_on"] for r in rows) / len(rows)
    logp_on = sum(r["logp_on"] for r in rows) / len(rows)
    logp_off = sum(r["logp_off"] for r in rows) / len(rows)
    better = sum(r["logp_on"] > r["logp_off"] for r in rows)
    same = sum(r["text_on"] == r["text_off"] for r in rows)
    if args.json:
        print(json.dumps({"rows": [{k: v for k, v in r.items() if not k.startswith("ids_")} for r in rows],
                          "mean_edits": edits, "mean_logp_on": logp_on, "mean_logp_off": logp_off}))
        return 0
    print(f"model {args.model}, generate {args.run_args} {' '.join(extra)}, seeds {args.seeds}")
    print("| seed | edits (on) | mean log p, edits on | mean log p, edits off |")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| {r['seed']} | {r['edits_on']} | {r['logp_on']:.3f} | {r['logp_off']:.3f} |")
    print(f"| mean | **{edits:.1f}** | **{logp_on:.3f}** | **{logp_off:.3f}** |")
    print(f"edits on scored higher in {better} of {len(rows)} runs; identical texts in {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
