#!/usr/bin/env bash
# Runs `flowlm bench gemm` (which also measures the FMA peak) and Tools/peer_torch_gemm.py on the same shape and
# threads, alternating --rounds times, and prints the median GFLOP/s of each, as a fraction of the peak measured
# in the same rounds, and their ratio.
# Usage: Tools/bench_gemm.sh [--shape 2048x2048x2048] [--threads 1] [--repeats 5] [--kernel packed|openblas] [--rounds 3]
set -euo pipefail
cd "$(dirname "$0")/.."
shape=2048x2048x2048 threads=1 repeats=5 kernel="" rounds=3
source Tools/parse_options.sh
parse_options shape threads repeats kernel rounds -- "$@"
source Tools/release_binary.sh
ours() {
  $bin bench gemm --shape "$shape" --threads "$threads" --repeats "$repeats" ${kernel:+--kernel "$kernel"} --json
}
peer() {
  python3 Tools/peer_torch_gemm.py --shape "$shape" --threads "$threads" --repeats "$repeats"
}
source Tools/alternate_rounds.sh
alternate_rounds "$rounds" ours peer
python3 - "${results[@]}" <<'PY'
import json, statistics, sys
pairs = [(json.loads(a), json.loads(b)) for a, b in zip(sys.argv[1::2], sys.argv[2::2])]
ours = statistics.median(o["gflops"] for o, _ in pairs)
peer = statistics.median(p["gflops"] for _, p in pairs)
peak = statistics.median(o["peak_gflops"] for o, _ in pairs)
o = pairs[0][0]
print(f'gemm {o["m"]}x{o["n"]}x{o["k"]}, {o["threads"]} thread(s), {len(pairs)} round(s), peak {peak:.1f} GFLOP/s: '
      f'flowlm {o["kernel"]} {ours:.1f} ({ours / peak:.0%}), pytorch {peer:.1f} ({peer / peak:.0%}) '
      f'-> flowlm {statistics.median(a["gflops"] / b["gflops"] for a, b in pairs):.2f}x (median of per-round ratios)')
PY
