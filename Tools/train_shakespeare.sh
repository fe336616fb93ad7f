#!/usr/bin/env bash
# Reproduces the shipped Shakespeare pair: fetch the corpus, train the corruption-and-correction model and its
# mask-only twin with the same architecture, data, steps and seed, then store both as F16 checkpoints.
# Usage: Tools/train_shakespeare.sh [steps, default 1500]   (training state stays in runs/, out of git)
# Set SHIP_ONLY=1 to only convert finished runs in runs/ into checkpoints/.
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-1500}"
bin=.build/release/flowlm
[ -x "$bin" ] || swift build -c release --product flowlm
if [ "${SHIP_ONLY:-0}" != 1 ]; then
  python3 Tools/fetch_shakespeare.py
  for objective in flowlm llada; do
    "$bin" train --data corpus/shakespeare --out "runs/shakespeare-$objective" --objective "$objective" --preset toy \
      --steps "$steps" --batch 16 --length 128 --lr 1.5e-3 --warmup 100 --seed 0 --threads 1 \
      --eval-every 100 --save-every 250 &
  done
  wait
fi
for objective in flowlm llada; do
  run="runs/shakespeare-$objective" ship="checkpoints/shakespeare-$objective"
  "$bin" convert --model "$run" --out "$ship" --dtype F16
  cp "$run/README.md" "$run/train_log.jsonl" "$ship/"
  printf '\n## Shipped copy\n\nWeights stored as F16 by `flowlm convert --dtype F16` (the forward runs in float32); the corpus\ncomes from `python3 Tools/fetch_shakespeare.py`; `Tools/train_shakespeare.sh` reproduces both twins.\n' >> "$ship/README.md"
done
