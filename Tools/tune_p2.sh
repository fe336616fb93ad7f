#!/usr/bin/env bash
# Chooses the p2 sampler's E (most remasks per step) on tuning seed 100 only: the validity curves (K = 2 … L,
# sampled from all-mask) of the sweep's chosen cells (Tools/sweep_experiment.sh, docs/eval/sweep.md), one
# mask-only and one corruption-and-correction model per task, for E = 1, 2, 4. The reported seeds never enter.
# Writes $FLOWLM_RUNS/p2-tune/<task>-E<E>.json, then docs/eval/ideas/p2-tuning.md.
# Usage: Tools/tune_p2.sh   (FLOWLM_RUNS=runs, THREADS=1)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${FLOWLM_RUNS:-runs}"
source Tools/release_binary.sh
sweep="$runs/sweep-experiment"
out="$runs/p2-tune"
mkdir -p "$out" docs/eval/ideas
for task in palindrome dyck; do
  for E in 1 2 4; do
    [ -s "$out/$task-E$E.json" ] && continue
    "$bin" eval --task "$task" --model "$sweep/$task/flowlm-lr2e-3-tmin0.001" --baseline "$sweep/$task/llada-lr2e-3-tmin0.05" \
      --samples 200 --validity-curve --p2 --p2-remasks "$E" --threads "${THREADS:-1}" --json > "$out/$task-E$E.json.part"
    mv "$out/$task-E$E.json.part" "$out/$task-E$E.json"
  done
done
python3 Tools/summarize_p2_tuning.py "$out" > docs/eval/ideas/p2-tuning.md
echo "wrote docs/eval/ideas/p2-tuning.md"
