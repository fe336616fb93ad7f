#!/usr/bin/env bash
# The per-objective recipe sweep behind the experiment's models (research_idea.md §4.1, docs/eval/sweep.md): for
# each task and objective, a small grid of learning rate × lowest noise level t_min, trained on tuning seed 100
# (never a reported seed) and scored with `flowlm eval` on the criteria of the fair comparison: held-out masked
# accuracy and loss at mask rate 0.5, greedy validity at K = L. The w_keep = 0 ablation shares the flowlm recipe
# (it is that objective with one weight changed). Batch 128, palindromes and brackets at their evaluated length
# only, the same steps for every cell. Two runs at a time, one thread each; finished cells are skipped.
# Usage: Tools/sweep_experiment.sh [steps, default 1200]   (FLOWLM_RUNS: where runs go, default runs/)
#        then python3 Tools/summarize_experiment_sweep.py <runs>/sweep-experiment > docs/eval/sweep.md
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-1200}"
runs="${FLOWLM_RUNS:-runs}/sweep-experiment"
source Tools/release_binary.sh

sweep_cell() {  # task objective lr t_min steps runs bin
  source Tools/experiment_shape.sh  # here: xargs runs this in a fresh bash, and arrays do not export
  local task="$1" objective="$2" lr="$3" tmin="$4" steps="$5" runs="$6" bin="$7"
  local out="$runs/$task/$objective-lr$lr-tmin$tmin"
  [ -f "$out/eval.json" ] && return 0
  local length=18 shape=(--evaluated-length-only)
  [ "$task" = addition ] && { length=16; shape=(); }
  local resume=()
  [ -f "$out/train_state.json" ] && resume=(--resume)
  mkdir -p "$out"
  "$bin" train --data "task:$task" --out "$out" --objective "$objective" "${shape[@]}" \
    "${experiment_shape[@]}" --steps "$steps" --batch 128 --length "$length" \
    --lr "$lr" --min-noise "$tmin" --warmup 100 --seed 100 --threads 1 --eval-every 200 --save-every 400 \
    "${resume[@]}" > "$out/stdout.log" 2>&1 || { echo "stopped: $out (run again to resume)" >&2; return 1; }
  "$bin" eval --task "$task" --model "$out" --samples 100 --threads 1 --json > "$out/eval.json.tmp"
  mv "$out/eval.json.tmp" "$out/eval.json"
  echo "swept $out"
}
export -f sweep_cell

for task in addition palindrome dyck; do
  for objective in llada flowlm; do
    for lr in 1e-3 2e-3; do
      for tmin in 0.001 0.05; do
        [ "$objective" = flowlm ] && [ "$task" != addition ] && [ "$tmin" != 0.001 ] && continue
        echo "$task $objective $lr $tmin"
      done
    done
  done
done | xargs -P "${JOBS:-2}" -L 1 bash -c 'sweep_cell "$0" "$1" "$2" "$3" '"$steps $runs $bin"
