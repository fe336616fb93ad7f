#!/usr/bin/env bash
# The short recipe sweep behind the shipped Shakespeare twins (docs/SHAKESPEARE.md): each variant changes one
# knob of the baseline and trains the corruption-and-correction objective on tuning seed 100 (never a reported
# seed) for ~1 M tokens, two runs at a time on one thread each. Curves land in <runs>/sweep/<name>/train_log.jsonl;
# Tools/summarize_sweep.py turns them into the table and plot in docs/.
# Usage: Tools/sweep_shakespeare.sh [runs folder, default $FLOWLM_RUNS or runs]   (finished variants are skipped)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-${FLOWLM_RUNS:-runs}}/sweep"
bin=.build/release/flowlm
[ -x "$bin" ] || swift build -c release --product flowlm
[ -d corpus/shakespeare ] || python3 Tools/fetch_shakespeare.py
base=(--data corpus/shakespeare --objective flowlm --seed 100 --threads 1 --eval-every 50 --save-every 100
      --warmup 50 --preset toy)
# name | arguments that differ from the baseline (batch 16 × 128 tokens, 500 steps, lr 1.5e-3, vocabulary 2048)
variants=(
  "baseline|"
  "lr3e-3|--lr 3e-3"
  "lr7e-4|--lr 7e-4"
  "subfloor0.1|--sub-floor 0.1"
  "psub0.4-floor0.1|--p-sub 0.4 --sub-floor 0.1"
  "smaller-192x4|--hidden 192 --intermediate 384 --heads 4 --layers 4"
  "larger-384x6|--hidden 384 --intermediate 768 --heads 6 --layers 6"
  "vocab4096|--vocab-size 4096"
  "length64|--length 64 --batch 32"
  "batch32|--batch 32 --steps 250 --warmup 25"
)
run_variant() {
  local name="${1%%|*}" extra="${1#*|}"
  local out="$runs/$name"
  [ -f "$out/README.md" ] && grep -q "Final losses" "$out/README.md" && return 0
  local args=("${base[@]}" --out "$out" --steps 500 --batch 16 --length 128 --lr 1.5e-3)
  [[ "$extra" == *"--vocab-size"* ]] || args+=(--vocab-size 2048)   # BPE training is deterministic
  # shellcheck disable=SC2206
  args+=($extra)   # later flags win, so a variant overrides the baseline's value
  if [ -f "$out/train_state.json" ]; then args+=(--resume); fi
  mkdir -p "$out"
  "$bin" train "${args[@]}" > "$out/stdout.log" 2>&1
}
pids=()
for v in "${variants[@]}"; do
  run_variant "$v" &
  pids+=($!)
  if ((${#pids[@]} == 2)); then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
wait
echo "sweep: done in $runs"
