#!/usr/bin/env python3
"""Turns `flowlm train` logs (train_log.jsonl) into a markdown table of validation curves, and a PNG plot when
matplotlib is installed (pip install matplotlib==3.11.2).

Each argument is a run folder; its name labels the row. Curves are the validation rows of the log
(every --eval-every steps): held-out masked-token loss and accuracy, and accuracy at substituted positions, at the
training noise levels (t ~ U[t_min, 1]); `flowlm eval --task text` measures at fixed mask rates afterwards.

Usage: Tools/summarize_training.py RUN... [--title T] [--every N] [--markdown FILE] [--plot FILE.png]
"""
import argparse, json, pathlib, sys


def load(run: pathlib.Path):
    rows = []
    with open(run / "train_log.jsonl") as f:
        for line in f:
            row = json.loads(line)
            if "val_loss" in row:
                rows.append(row)
    return rows


def fmt(x, digits=3):
    return "–" if x is None else f"{x:.{digits}f}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--title", default="Validation curves")
    ap.add_argument("--every", type=int, default=100, help="table columns: every N steps")
    ap.add_argument("--markdown")
    ap.add_argument("--plot")
    args = ap.parse_args()
    runs = [(pathlib.Path(r).name, load(pathlib.Path(r))) for r in args.runs]
    runs = [(name, rows) for name, rows in runs if rows]
    if not runs:
        print("summarize_training: no validation rows in the given runs", file=sys.stderr)
        return 1

    out = [f"### {args.title}", ""]
    out += ["| run | steps | tokens (M) | wall (min) | val masked loss | val masked acc | val substituted acc | val kept acc |",
            "|---|---|---|---|---|---|---|---|"]
    for name, rows in runs:
        last = rows[-1]
        out.append(f"| {name} | {last['step']} | {last['tokens_seen'] / 1e6:.2f} | {last['elapsed_s'] / 60:.1f} | "
                   f"{fmt(last.get('val_loss_masked'))} | {fmt(last.get('val_acc_masked'))} | "
                   f"{fmt(last.get('val_acc_substituted'))} | {fmt(last.get('val_acc_kept'))} |")
    steps = sorted({r["step"] for _, rows in runs for r in rows if r["step"] % args.every == 0})
    out += ["", "Held-out masked-token loss (nats) by step:", "",
            "| run | " + " | ".join(str(s) for s in steps) + " |", "|---|" + "---|" * len(steps)]
    for name, rows in runs:
        by_step = {r["step"]: r for r in rows}
        out.append(f"| {name} | " + " | ".join(fmt(by_step.get(s, {}).get("val_loss_masked")) for s in steps) + " |")
    text = "\n".join(out) + "\n"
    if args.markdown:
        pathlib.Path(args.markdown).write_text(text)
    print(text)

    if args.plot:
        try:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            print("summarize_training: matplotlib not installed, no plot", file=sys.stderr)
            return 0
        fig, axes = plt.subplots(1, 2, figsize=(11, 4))
        for name, rows in runs:
            tokens = [r["tokens_seen"] / 1e6 for r in rows]
            axes[0].plot(tokens, [r["val_loss_masked"] for r in rows], label=name)
            axes[1].plot(tokens, [r.get("val_acc_substituted", 0) for r in rows], label=name)
        axes[0].set_ylabel("held-out masked-token loss (nats)")
        axes[1].set_ylabel("held-out accuracy at substituted positions")
        for ax in axes:
            ax.set_xlabel("training tokens (M)")
            ax.grid(alpha=0.3)
        axes[0].legend(fontsize=7)
        fig.suptitle(args.title)
        fig.tight_layout()
        fig.savefig(args.plot, dpi=110)
    return 0


if __name__ == "__main__":
    sys.exit(main())
