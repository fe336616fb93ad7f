#!/usr/bin/env bash
# Runs `flowlm bench train` and Tools/peer_torch_train.py (HF ModernBertForMaskedLM + torch.optim.AdamW) on the
# same shapes and threads, one after the other, and prints both JSON lines with the speed and memory ratios.
# --rounds R alternates the two R times (as Tools/bench_forward.sh) and also prints the median of the per-round
# ratios, which moves less with background load than any single pair.
# Usage: Tools/bench_train.sh [--preset toy] [--batch 16] [--length 128] [--threads 1] [--repeats 5] [--rounds 1]
set -euo pipefail
cd "$(dirname "$0")/.."
preset=toy batch=16 length=128 threads=1 repeats=5 rounds=1
source Tools/parse_options.sh
parse_options preset batch length threads repeats rounds -- "$@"
source Tools/release_binary.sh
ours() {
  $bin bench train --preset "$preset" --batch "$batch" --length "$length" --threads "$threads" \
    --repeats "$repeats" --json
}
peer() {
  python3 Tools/peer_torch_train.py --preset "$preset" --batch "$batch" --length "$length" --threads "$threads" \
    --repeats "$repeats"
}
source Tools/alternate_rounds.sh
alternate_rounds "$rounds" ours peer
python3 - "${results[@]}" <<'PY'
import json, statistics, sys
pairs = [(json.loads(a), json.loads(b)) for a, b in zip(sys.argv[1::2], sys.argv[2::2])]
ours = pairs[0][0]
ratios = [p["median_ms"] / o["median_ms"] for o, p in pairs]
memory = max(o["peak_rss_mb"] for o, _ in pairs) / min(p["peak_rss_mb"] for _, p in pairs)
print(f'train step {ours["preset"]} {ours["batch"]}x{ours["length"]}, {ours["threads"]} thread(s), {len(pairs)} round(s): '
      f'flowlm {statistics.median(o["median_ms"] for o, _ in pairs):.1f} ms, '
      f'pytorch {statistics.median(p["median_ms"] for _, p in pairs):.1f} ms -> flowlm {statistics.median(ratios):.2f}x as fast '
      f'(median of per-round ratios {", ".join(f"{r:.2f}" for r in ratios)}); '
      f'peak RSS flowlm {max(o["peak_rss_mb"] for o, _ in pairs):.0f} MB, '
      f'pytorch {min(p["peak_rss_mb"] for _, p in pairs):.0f} MB -> {memory:.2f} of pytorch')
PY
