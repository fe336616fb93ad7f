#!/usr/bin/env bash
# Runs `flowlm bench forward` and Tools/peer_torch.py on the same shapes and threads, one after the other
# in the same run, and prints both JSON lines and the speed ratio (PyTorch time / FlowLM time).
# On a shared machine, --rounds R alternates the two R times and also prints the median of the per-round
# ratios and the ratio of the best times, which move less with background load.
# Usage: Tools/bench_forward.sh [--preset toy] [--batch 1] [--length 128] [--threads 1] [--repeats 10]
#        [--strategy outer|blas] [--rounds 1]
set -euo pipefail
cd "$(dirname "$0")/.."
preset=toy batch=1 length=128 threads=1 repeats=10 strategy=outer rounds=1
source Tools/parse_options.sh
parse_options preset batch length threads repeats strategy rounds -- "$@"
source Tools/release_binary.sh
ours() {
  $bin bench forward --preset "$preset" --batch "$batch" --length "$length" --threads "$threads" \
    --strategy "$strategy" --repeats "$repeats" --json
}
peer() {
  python3 Tools/peer_torch.py --preset "$preset" --batch "$batch" --length "$length" --threads "$threads" \
    --repeats "$repeats"
}
source Tools/alternate_rounds.sh
alternate_rounds "$rounds" ours peer
python3 - "${results[@]}" <<'PY'
import json, statistics, sys
pairs = [(json.loads(a), json.loads(b)) for a, b in zip(sys.argv[1::2], sys.argv[2::2])]
ours, peer = pairs[0]
ratios = [p["median_ms"] / o["median_ms"] for o, p in pairs]
best = min(p["min_ms"] for _, p in pairs) / min(o["min_ms"] for o, _ in pairs)
print(f'{ours["preset"]} {ours["batch"]}x{ours["length"]}, {ours["threads"]} thread(s), {len(pairs)} round(s): '
      f'flowlm {statistics.median(o["median_ms"] for o, _ in pairs):.2f} ms, '
      f'pytorch {statistics.median(p["median_ms"] for _, p in pairs):.2f} ms -> flowlm {statistics.median(ratios):.2f}x faster '
      f'(median of per-round ratios; best-time ratio {best:.2f}x)')
PY
