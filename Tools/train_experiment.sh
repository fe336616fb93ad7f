#!/usr/bin/env bash
# Trains the experiment's synthetic-task models: for each task (palindrome, dyck, addition) and training seed
# (0, 1, 2), three variants with the same architecture, data stream, steps, batch and length (equal compute per
# pair), each with the recipe its objective's sweep chose on tuning seed 100 (Tools/sweep_experiment.sh,
# docs/eval/sweep.md):
#   flowlm        corruption-and-correction (masks + substitutions, loss on masked, substituted and kept tokens)
#   llada         mask-only (LLaDA's objective)
#   flowlm-wkeep0 the same corruption as flowlm with w_keep = 0 (the seed reference's loss), on flowlm's recipe
# Palindromes and brackets train at the evaluated length only (--evaluated-length-only).
# Runs go to $FLOWLM_RUNS/experiment/ (default runs/; with their training state, out of git; an interrupted run resumes); finished
# runs are stored as F16 under checkpoints/experiment/<task>/<variant>-seed<N>/ with their model cards.
# Steps as shipped: 1,500 for addition and palindromes, 4,000 for brackets (neither objective reached greedy
# validity 0.95 in every seed at 1,500; research_idea.md §4.1).
# Usage: Tools/train_experiment.sh [steps for every task, default as shipped]   (JOBS=2 parallel trainings, 1 thread each;
#        TASKS='addition dyck' trains only those tasks, VARIANTS='flowlm llada' only those variants)
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-}"
jobs="${JOBS:-2}"
runs="${FLOWLM_RUNS:-runs}"
source Tools/release_binary.sh

train_one() {  # task variant seed steps bin runs
  source Tools/experiment_shape.sh  # here: xargs runs this in a fresh bash, and arrays do not export
  local task="$1" variant="$2" seed="$3" steps="$4" bin="$5" runs="$6"
  if [ "$steps" = shipped ]; then steps=1500; [ "$task" = dyck ] && steps=4000; fi
  local run="$runs/experiment/$task/$variant-seed$seed" ship="checkpoints/experiment/$task/$variant-seed$seed"
  [ -f "$ship/model.safetensors" ] && return 0
  local objective=flowlm keep=1 length=18 shape=(--evaluated-length-only)
  [ "$variant" = llada ] && objective=llada
  [ "$variant" = flowlm-wkeep0 ] && keep=0
  [ "$task" = addition ] && { length=16; shape=(); }
  # task objective → learning rate and t_min, the sweep's choice (docs/eval/sweep.md)
  local lr tmin
  read -r lr tmin < <(awk -v t="$task" -v o="$objective" '$1 == t && $2 == o { print $3, $4 }' <<'RECIPES'
addition   llada  1e-3 0.001
addition   flowlm 1e-3 0.001
palindrome llada  2e-3 0.05
palindrome flowlm 2e-3 0.001
dyck       llada  2e-3 0.05
dyck       flowlm 2e-3 0.001
RECIPES
)
  local resume=()
  [ -f "$run/train_state.json" ] && resume=(--resume)
  mkdir -p "$(dirname "$run")"
  "$bin" train --data "task:$task" --out "$run" --objective "$objective" --w-keep "$keep" "${shape[@]}" \
    "${experiment_shape[@]}" --steps "$steps" --batch 128 --length "$length" \
    --lr "$lr" --min-noise "$tmin" --warmup 100 --seed "$seed" --threads 1 --eval-every 250 --save-every 500 \
    "${resume[@]}" > "$run.out" 2>&1 || { echo "stopped: $run (run again to resume)" >&2; return 1; }
  "$bin" convert --model "$run" --out "$ship" --dtype F16 > /dev/null
  cp "$run/README.md" "$ship/"
  printf '\n## Shipped copy\n\nWeights stored as F16 by `flowlm convert --dtype F16`; `Tools/train_experiment.sh` reproduces every\nmodel of the experiment (the training log stays in runs/experiment/).\n' >> "$ship/README.md"
  echo "trained $ship"
}
export -f train_one

for task in ${TASKS:-addition palindrome dyck}; do
  for seed in 0 1 2; do
    for variant in ${VARIANTS:-flowlm llada flowlm-wkeep0}; do
      echo "$task $variant $seed"
    done
  done
done | xargs -P "$jobs" -L 1 bash -c 'train_one "$0" "$1" "$2" '"${steps:-shipped} $bin $runs"
