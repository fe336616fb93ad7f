#!/usr/bin/env bash
# The whole evaluation of research_idea.md §5: every synthetic task over the shipped experiment models (3 training
# seeds × mask-only / corruption-and-correction / w_keep=0, from Tools/train_experiment.sh), then held-out
# Shakespeare for the shipped text pair. Writes docs/eval/<task>.md (markdown) and docs/eval/<task>.json.
# Usage: Tools/run_eval.sh [samples, default 200]   (SEEDS=1 sample seeds, THREADS=all cores,
#        TASKS='palindrome dyck addition text' the tasks to evaluate; the summaries are rebuilt every time)
# The p2 column's E is 1, chosen on tuning seed 100 (docs/eval/ideas.md).
set -euo pipefail
cd "$(dirname "$0")/.."
samples="${1:-200}"
seeds="${SEEDS:-1}"
source Tools/release_binary.sh
threads=()
[ -n "${THREADS:-}" ] && threads=(--threads "$THREADS")
mkdir -p docs/eval
tasks=" ${TASKS:-palindrome dyck addition text} "
for task in palindrome dyck addition; do
  [[ $tasks == *" $task "* ]] || continue
  dir="checkpoints/experiment/$task"
  args=()
  for seed in 0 1 2; do
    args+=(--model "$dir/flowlm-seed$seed" --baseline "$dir/llada-seed$seed" --ablation "$dir/flowlm-wkeep0-seed$seed")
  done
  "$bin" eval --task "$task" "${args[@]}" --samples "$samples" --seeds "$seeds" "${threads[@]}" --validity-curve --remask --p2 --p2-remasks 1 \
    --report "docs/eval/$task.md" --json > "docs/eval/$task.json"
  echo "wrote docs/eval/$task.md"
done
if [[ $tasks == *" text "* ]]; then
  python3 Tools/fetch_shakespeare.py
  "$bin" eval --task text --data corpus/shakespeare --model checkpoints/shakespeare-flowlm \
    --baseline checkpoints/shakespeare-llada --samples "$samples" --seeds "$seeds" "${threads[@]}" \
    --report docs/eval/text.md --json > docs/eval/text.json
  echo "wrote docs/eval/text.md"
fi
python3 Tools/summarize_eval.py docs/eval > docs/eval/SUMMARY.md
echo "wrote docs/eval/SUMMARY.md"
python3 Tools/plot_validity_curves.py docs/eval > docs/eval/curves.md
echo "wrote docs/eval/curves.md and docs/eval/validity-curves.png"
