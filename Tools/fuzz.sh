#!/usr/bin/env bash
# Runs the libFuzzer targets (safetensors header, config.json, tokenizer.json, WordPiece tokenizer.json and
# vocab.txt) under ASan.
# With `--sanitize=fuzzer --sanitize=address` SwiftPM lets the later flag win for each module, which leaves
# the code without coverage counters (libFuzzer then runs blind: "no interesting inputs"), so the sanitizers
# and the coverage kinds are also passed to swiftc explicitly.
# Usage: Tools/fuzz.sh [runs-per-target, default 1000000] [target...]
# FUZZ_CONFIG=debug builds without optimization (quicker to build, slower to run); FUZZ_SECONDS=N stops each
# target after N seconds even if its runs are not done.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-1000000}"; shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(safetensors config tokenizer wordpiece)
config="${FUZZ_CONFIG:-release}"
time_limit=()
[ -z "${FUZZ_SECONDS:-}" ] || time_limit=(-max_total_time="$FUZZ_SECONDS")
for t in "${targets[@]}"; do
  product="fuzz-$t"
  FLOWLM_FUZZ=1 swift build -c "$config" --sanitize=fuzzer --sanitize=address \
    --product "$product" --scratch-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp >/dev/null
  corpus="Fuzz/corpus-$t"
  mkdir -p "$corpus"
  seeds="Fuzz/seeds/$t"
  echo "== $product: $runs runs"
  .build-fuzz/"$config"/"$product" -runs="$runs" ${time_limit[@]+"${time_limit[@]}"} -max_len=8192 -print_final_stats=1 "$corpus" $( [ -d "$seeds" ] && echo "$seeds" ) 2>&1 \
    | grep -E "stat::number_of_executed_units|Done|ERROR|SUMMARY" || true
done
