#!/usr/bin/env bash
# Runs `flowlm bench train` and Tools/peer_torch_train.py (HF ModernBertForMaskedLM + torch.optim.AdamW) on the
# same shapes and threads, one after the other, and prints both JSON lines with the speed and memory ratios.
# Usage: Tools/bench_train.sh [--preset toy] [--batch 16] [--length 128] [--threads 1] [--repeats 5]
set -euo pipefail
cd "$(dirname "$0")/.."
preset=toy batch=16 length=128 threads=1 repeats=5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --preset) preset=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --length) length=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    *) echo "bench_train.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
binary=${FLOWLM_BIN:-.build/release/flowlm}
[[ -x $binary ]] || swift build -c release --product flowlm >&2
ours=$($binary bench train --preset "$preset" --batch "$batch" --length "$length" --threads "$threads" \
       --repeats "$repeats" --json)
peer=$(python3 Tools/peer_torch_train.py --preset "$preset" --batch "$batch" --length "$length" --threads "$threads" \
       --repeats "$repeats" 2>/dev/null)
echo "$ours"
echo "$peer"
python3 - "$ours" "$peer" <<'PY'
import json, sys
ours, peer = json.loads(sys.argv[1]), json.loads(sys.argv[2])
speed = peer["median_ms"] / ours["median_ms"]
memory = ours["peak_rss_mb"] / peer["peak_rss_mb"]
print(f'train step {ours["preset"]} {ours["batch"]}x{ours["length"]}, {ours["threads"]} thread(s): '
      f'flowlm {ours["median_ms"]:.1f} ms, pytorch {peer["median_ms"]:.1f} ms -> flowlm {speed:.2f}x as fast; '
      f'peak RSS flowlm {ours["peak_rss_mb"]:.0f} MB, pytorch {peer["peak_rss_mb"]:.0f} MB -> {memory:.2f} of pytorch')
PY
