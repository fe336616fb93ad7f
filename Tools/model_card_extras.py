#!/usr/bin/env python3
"""Appends to a shipped Shakespeare checkpoint's model card what a reader wants beside the training losses: the
held-out evaluation rows that concern this model (from `flowlm eval --task text --json`, docs/eval/text.json) and a
few sample outputs made with the model's own recommended settings (flowlm_sampler.json): three generations and one
repair, each with its seed, so anyone can reproduce them.

Usage: Tools/model_card_extras.py CHECKPOINT [--eval docs/eval/text.json] [--bin .build/release/flowlm]
"""
import argparse, json, pathlib, subprocess, sys

PROMPT = "Romeo.\nBut soft! what light through yonder window breaks?\n"  # DefaultModel.prompt, make run's prompt
VERSE = "ROMEO. But soft! what light through yonder window breaks? It is the east, and Juliet is the sun."

# (metric, condition, sampler or None, label)
ROWS = [
    ("masked_accuracy", "mask rate 0.5", None, "held-out masked-token accuracy at mask rate 0.5"),
    ("masked_loss", "mask rate 0.5", None, "held-out masked-token loss at mask rate 0.5 (nats)"),
    ("fixed_rate", "substituted 10 %", "edits on", "damaged positions restored, 10 % substitutions, no masks"),
    ("false_edit_rate", "substituted 10 %", "edits on", "correct positions changed, 10 % substitutions"),
    ("broken_share", "substituted 0 %", "edits on", "undamaged inputs broken"),
    ("detection_auroc", "substituted 10 %", None, "damage detection AUROC of −log p(current), 10 %"),
]


def evaluation_lines(path, checkpoint):
    report = json.load(open(path))
    kind = next((m["kind"] for m in report["models"] if pathlib.Path(m["path"]).name == checkpoint.name), None)
    if kind is None:
        return []
    lines = ["## Evaluation (held-out Shakespeare)", "",
             f"From `flowlm eval --task text` ({report['samples']} samples; docs/eval/text.md has every table).", "",
             "| measure | value |", "|---|---|"]
    for metric, condition, sampler, label in ROWS:
        for r in report["results"]:
            if r["metric"] == metric and r["condition"] == condition and r["model"] == kind \
                    and (sampler is None or r["sampler"] == sampler):
                lines.append(f"| {label} | {r['mean']:.3f} |")
                break
    return lines + [""]


def sample_lines(binary, checkpoint):
    def run(arguments):
        return json.loads(subprocess.run([binary, *arguments, "--model", str(checkpoint), "--json", "--threads", "1"],
                                         check=True, capture_output=True, text=True).stdout)
    lines = ["## Samples", "",
             "Made with the settings in `flowlm_sampler.json` (`flowlm generate --seed N`), prompt "
             "\"Romeo. / But soft! what light through yonder window breaks?\":", ""]
    for seed in range(3):
        result = run(["generate", "--prompt", PROMPT, "--seed", str(seed)])
        stats = result["stats"]
        lines += [f"Seed {seed} ({stats['forward_passes']} forward passes, {stats['edits']} edits):", "", "```",
                  result["answer"].strip("\n"), "```", ""]
    repair = run(["generate", "--repair", VERSE, "--substitute", "0.1", "--mask", "0", "--seed", "1"])
    lines += ["Repair of a line with 10 % of its tokens substituted (`--repair … --substitute 0.1 --mask 0 --seed 1`):",
              "", "```", f"damaged:  {repair['damaged']}", f"repaired: {repair['repaired']}", "```", "",
              f"{len(repair['fixed'])} of {repair['damaged_count']} damaged tokens restored, "
              f"{len(repair['wrongly_edited'])} correct tokens changed.", ""]
    return lines


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint")
    ap.add_argument("--eval", default="docs/eval/text.json")
    ap.add_argument("--bin", default=".build/release/flowlm")
    args = ap.parse_args()
    checkpoint = pathlib.Path(args.checkpoint)
    extra = []
    if pathlib.Path(args.eval).exists():
        extra += evaluation_lines(args.eval, checkpoint)
    extra += sample_lines(args.bin, checkpoint)
    with open(checkpoint / "README.md", "a") as card:
        card.write("\n" + "\n".join(extra))
    return 0


if __name__ == "__main__":
    sys.exit(main())
