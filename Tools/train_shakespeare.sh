#!/usr/bin/env bash
# Reproduces the shipped Shakespeare pair: fetch the corpus, train the corruption-and-correction model and its
# mask-only twin with the same shape, data, recipe, steps and seed (only the objective differs), then store both as
# F16 checkpoints with their model cards (each checkpoint's flowlm_sampler.json, chosen on a tuning seed, is
# kept). The recipe comes from the sweep in docs/SHAKESPEARE.md (Tools/sweep_shakespeare.sh): the toy shape, a
# byte-level BPE of 4096 tokens trained on the corpus (deterministic, so both twins get the same one), a
# substitution floor of 0.1.
#
# The two runs train side by side, one thread each (both cores busy). Training state goes to $FLOWLM_RUNS
# (default runs/, out of git) and is saved every 250 steps; run the script again after an interruption (a
# stopped session, Ctrl-C) and each run resumes exactly where it stopped.
#
# Usage: Tools/train_shakespeare.sh [steps, default 22000 = 45 M tokens per twin]
#        SHIP_ONLY=1 Tools/train_shakespeare.sh   only convert the finished runs into checkpoints/
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-22000}"
runs="${FLOWLM_RUNS:-runs}"
source Tools/release_binary.sh
recipe=(--preset toy --batch 16 --length 128 --lr 1.5e-3 --warmup 200 --decay cosine --decay-floor 0.1
        --p-sub 0.2 --sub-floor 0.1 --seed 0 --threads 1 --eval-every 250 --save-every 250)

train_twin() {  # objective
  local run="$runs/shakespeare-$1" resume=()
  [ -f "$run/train_state.json" ] && resume=(--resume)
  mkdir -p "$run"
  "$bin" train --data corpus/shakespeare --vocab-size 4096 --out "$run" \
    --objective "$1" "${recipe[@]}" --steps "$steps" "${resume[@]}" >> "$run/stdout.log" 2>&1
}

if [ "${SHIP_ONLY:-0}" != 1 ]; then
  [ -d corpus/shakespeare ] || python3 Tools/fetch_shakespeare.py
  pids=()
  for objective in flowlm llada; do train_twin "$objective" & pids+=($!); done
  status=0
  for pid in "${pids[@]}"; do wait "$pid" || status=$?; done
  [ "$status" = 0 ] || { echo "train_shakespeare: a run stopped (exit $status); run again to resume" >&2; exit "$status"; }
  cmp -s "$runs/shakespeare-flowlm/tokenizer.json" "$runs/shakespeare-llada/tokenizer.json" \
    || { echo "train_shakespeare: the twins' tokenizers differ" >&2; exit 1; }
fi
for objective in flowlm llada; do
  run="$runs/shakespeare-$objective" ship="checkpoints/shakespeare-$objective"
  "$bin" convert --model "$run" --out "$ship" --dtype F16
  cp "$run/README.md" "$ship/"
  # The shipped log keeps every validation row and every 50th step (the full log stays with the run).
  python3 -c 'import json, sys
for line in open(sys.argv[1]):
    row = json.loads(line)
    if "val_loss" in row or row["step"] % 50 == 0: sys.stdout.write(line)' "$run/train_log.jsonl" > "$ship/train_log.jsonl"
  printf '\n## Shipped copy\n\nWeights stored as F16 by `flowlm convert --dtype F16` (the forward runs in float32); the corpus\ncomes from `python3 Tools/fetch_shakespeare.py`; `Tools/train_shakespeare.sh` reproduces both twins.\n`flowlm_sampler.json` holds the sampler settings `flowlm tui` and `flowlm generate` start from (docs/SHAKESPEARE.md).\n' >> "$ship/README.md"
done
# The held-out evaluation both cards quote (the same command as Tools/run_eval.sh's text part), then the cards'
# evaluation rows and sample outputs.
"$bin" eval --task text --data corpus/shakespeare --model checkpoints/shakespeare-flowlm \
  --baseline checkpoints/shakespeare-llada --samples 200 --report docs/eval/text.md --json > docs/eval/text.json
for objective in flowlm llada; do
  python3 Tools/model_card_extras.py "checkpoints/shakespeare-$objective" --eval docs/eval/text.json --bin "$bin"
done
