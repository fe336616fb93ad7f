#!/usr/bin/env bash
# First looks at issue 19 §2's ideas for a corruption-and-correction recipe without the generation tax, on tuning
# seed 100 only (docs/eval/ideas.md; nothing here is a reported result). Each cell trains like the sweep's chosen
# C&C cell (Tools/sweep_experiment.sh: 1,200 steps of 128 sequences, lr 2e-3) with one change, then is scored by
# `flowlm eval --samples 100`:
#   psub0-floor0.1 / 0.2   substitutions only from the floor, s(r) = floor·(1 − r), none from the mid-r peak
#   two-stage              the sweep's chosen mask-only model, then 300 C&C steps from it (`--init`, lr 1e-3)
#   two-stage-floor0.1     the same with the floor-only schedule (p_sub 0, floor 0.1) in the second stage
# `Tools/try_ideas.sh report` then trains the idea that did best there on the reported seeds 0–2 with §4.1's C&C
# recipe (1,500 steps) and evaluates it as Tools/run_eval.sh does, into <runs>/ideas-report/<task>.md and .json.
#   model-subs0.5          the §5 C&C recipe (p_sub 0.2) with half of the substitutions re-drawn from the model
#   floor0.1-model-subs0.5 the floor-only schedule with the same (`Tools/try_ideas.sh model-subs` runs these two)
#   model-subs-text        the shipped C&C Shakespeare model's full-precision run (<runs>/shakespeare-flowlm) trained
#                          1,000 more steps with and without --model-substitutes 0.5, then generation edits on seeds
#                          100–109 (Tools/measure_edits.py, generation from the model's own prompt and settings)
# Usage: Tools/try_ideas.sh [report|model-subs|model-subs-text]   (FLOWLM_RUNS as for the sweep; python3 Tools/summarize_ideas.py <runs>)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${FLOWLM_RUNS:-runs}"
source Tools/release_binary.sh
source Tools/experiment_shape.sh
base=(--objective flowlm --evaluated-length-only --batch 128 --length 18 --seed 100 --threads 1 --eval-every 400)
cell() {  # task name arguments…
  local task="$1" name="$2"; shift 2
  local out="$runs/ideas/$task/$name"
  [ -f "$out/eval.json" ] && return 0
  mkdir -p "$out"
  "$bin" train --data "task:$task" --out "$out" "${base[@]}" "$@" > "$out/stdout.log" 2>&1
  "$bin" eval --task "$task" --model "$out" --samples 100 --threads 1 --json > "$out/eval.json"
  echo "tried $out"
}
shape=("${experiment_shape[@]}" --steps 1200 --lr 2e-3 --warmup 100)
if [ "${1:-}" = report ]; then
  for task in dyck palindrome; do
    models=()
    for seed in 0 1 2; do
      out="$runs/ideas-report/$task/flowlm-floor0.1-seed$seed"
      models+=(--model "$out")
      [ -f "$out/model.safetensors" ] && continue
      mkdir -p "$out"
      "$bin" train --data "task:$task" --out "$out" --objective flowlm --evaluated-length-only --p-sub 0 --sub-floor 0.1 \
        "${experiment_shape[@]}" --steps 1500 --batch 128 --length 18 --lr 2e-3 \
        --min-noise 0.001 --warmup 100 --seed "$seed" --threads 1 --eval-every 250 --save-every 500 > "$out.out" 2>&1
    done
    "$bin" eval --task "$task" "${models[@]}" --samples 200 --seeds 1 --validity-curve --remask \
      --report "$runs/ideas-report/$task.md" --json > "$runs/ideas-report/$task.json"
  done
  exit 0
fi
if [ "${1:-}" = model-subs-text ]; then
  for variant in control msub0.5; do
    out="$runs/msub-text/$variant"
    extra=(); [ "$variant" = msub0.5 ] && extra=(--model-substitutes 0.5)
    if [ ! -f "$out/model.safetensors" ]; then
      mkdir -p "$out"
      "$bin" train --data corpus/shakespeare --init "$runs/shakespeare-flowlm" --out "$out" --objective flowlm \
        --batch 16 --length 128 --lr 3e-4 --warmup 50 --decay cosine --decay-floor 0.1 --p-sub 0.2 --sub-floor 0.1 \
        --seed 0 --threads 1 --eval-every 250 --save-every 250 --steps 1000 "${extra[@]}" > "$out/stdout.log" 2>&1
    fi
    cp checkpoints/shakespeare-flowlm/flowlm_sampler.json "$out/"
    python3 Tools/measure_edits.py --model "$out" --seeds 100-109 --bin "$bin" --run-args ''
  done
  exit 0
fi
if [ "${1:-}" = model-subs ]; then
  for task in palindrome dyck; do
    cell "$task" model-subs0.5 "${shape[@]}" --model-substitutes 0.5
    cell "$task" floor0.1-model-subs0.5 "${shape[@]}" --p-sub 0 --sub-floor 0.1 --model-substitutes 0.5
  done
  exit 0
fi
for task in palindrome dyck; do
  cell "$task" psub0-floor0.1 "${shape[@]}" --p-sub 0 --sub-floor 0.1 &
  cell "$task" psub0-floor0.2 "${shape[@]}" --p-sub 0 --sub-floor 0.2
  wait
  cell "$task" two-stage --init "$runs/sweep-experiment/$task/llada-lr2e-3-tmin0.05" --steps 300 --lr 1e-3 --warmup 30
  cell "$task" two-stage-floor0.1 --init "$runs/sweep-experiment/$task/llada-lr2e-3-tmin0.05" --steps 300 --lr 1e-3 \
    --warmup 30 --p-sub 0 --sub-floor 0.1
done
