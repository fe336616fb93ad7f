#!/usr/bin/env bash
# Peak resident memory of `flowlm forward` on a random model of a preset against PyTorch's HF ModernBertForMaskedLM
# doing the same forward (Tools/peer_torch_memory.py), alternated in one run, each measured by Tools/peak_rss.py
# (ru_maxrss of the child via wait4). PyTorch runs twice per round: loading the same model directory
# (from_pretrained, like flowlm) and built from the config (no file). The model directory is written once by
# PyTorch (save_pretrained, float32) under --models. Prints each JSON line and the medians and the ratio
# flowlm / PyTorch (median of per-round ratios).
# Usage: Tools/bench_memory.sh [--preset base] [--length 512] [--threads 1] [--rounds 3] [--models /tmp/flowlm-bench-models]
set -euo pipefail
cd "$(dirname "$0")/.."
preset=base length=512 threads=1 rounds=3 models=/tmp/flowlm-bench-models
source Tools/parse_options.sh
parse_options preset length threads rounds models -- "$@"
source Tools/release_binary.sh
dir=$models/$preset
if [[ ! -f $dir/model.safetensors ]]; then
  python3 Tools/peer_torch_memory.py --from-config "$preset" --save "$dir" >&2
fi
ids=$(cd Tools && python3 -c "import random, sys; from peer_presets import PRESETS
r = random.Random(2); print(','.join(str(r.randrange(PRESETS[sys.argv[1]]['vocab_size'])) for _ in range(int(sys.argv[2]))))" "$preset" "$length")
results=()
for ((round = 0; round < rounds; round++)); do
  for run in ours peer_file peer_config; do
    case $run in
      ours) line=$(python3 Tools/peak_rss.py flowlm "$bin" forward --model "$dir" --ids "$ids" --threads "$threads") ;;
      peer_file) line=$(python3 Tools/peak_rss.py pytorch_from_pretrained python3 Tools/peer_torch_memory.py --model "$dir" \
                          --ids "$ids" --threads "$threads") ;;
      peer_config) line=$(python3 Tools/peak_rss.py pytorch_from_config python3 Tools/peer_torch_memory.py \
                            --from-config "$preset" --ids "$ids" --threads "$threads") ;;
    esac
    echo "$line"
    results+=("$line")
  done
done
python3 - "$preset" "$length" "$threads" "${results[@]}" <<'PY'
import json, statistics, sys
preset, length, threads = sys.argv[1:4]
rows = [json.loads(a) for a in sys.argv[4:]]
rounds = [rows[i:i + 3] for i in range(0, len(rows), 3)]
def med(key, k): return statistics.median(r[k][key] for r in rounds)
for k, name in [(1, "from_pretrained"), (2, "from config")]:
    ratio = statistics.median(r[0]["peak_rss_mib"] / r[k]["peak_rss_mib"] for r in rounds)
    print(f'{preset} 1x{length}, {threads} thread(s), {len(rounds)} round(s): peak RSS flowlm {med("peak_rss_mib", 0):.0f} MiB, '
          f'pytorch ({name}) {med("peak_rss_mib", k):.0f} MiB -> flowlm/pytorch {ratio:.2f} (median of per-round ratios); '
          f'wall {med("wall_s", 0):.2f} s vs {med("wall_s", k):.2f} s')
PY
