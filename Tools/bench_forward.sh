#!/usr/bin/env bash
# Runs `flowlm bench forward` and Tools/peer_torch.py on the same shapes and threads, one after the other
# in the same run, and prints both JSON lines and the speed ratio (PyTorch time / FlowLM time).
# Usage: Tools/bench_forward.sh [--preset toy] [--batch 1] [--length 128] [--threads 1] [--repeats 10]
set -euo pipefail
cd "$(dirname "$0")/.."
preset=toy batch=1 length=128 threads=1 repeats=10 strategy=outer
while [[ $# -gt 0 ]]; do
  case "$1" in
    --preset) preset=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --length) length=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    --strategy) strategy=$2; shift 2 ;;
    *) echo "bench_forward.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
binary=.build/release/flowlm
[[ -x $binary ]] || swift build -c release --product flowlm >&2
ours=$($binary bench forward --preset "$preset" --batch "$batch" --length "$length" --threads "$threads" \
       --strategy "$strategy" --repeats "$repeats" --json)
peer=$(python3 Tools/peer_torch.py --preset "$preset" --batch "$batch" --length "$length" --threads "$threads" \
       --repeats "$repeats" 2>/dev/null)
echo "$ours"
echo "$peer"
python3 - "$ours" "$peer" <<'PY'
import json, sys
ours, peer = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ratio = peer["median_ms"] / ours["median_ms"]
print(f'{ours["preset"]} {ours["batch"]}x{ours["length"]}, {ours["threads"]} thread(s): '
      f'flowlm {ours["median_ms"]:.2f} ms, pytorch {peer["median_ms"]:.2f} ms -> flowlm {ratio:.2f}x faster')
PY
