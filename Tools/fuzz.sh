#!/usr/bin/env bash
# Runs the libFuzzer targets under ASan, each from its committed seeds (Fuzz/seeds/<target>) and its growing
# local corpus (Fuzz/corpus-<target>, out of git). A crash leaves its input in Fuzz/crash-<target>-*; turn each
# into a regression test before fixing it.
# With `--sanitize=fuzzer --sanitize=address` SwiftPM lets the later flag win for each module, which leaves
# the code without coverage counters (libFuzzer then runs blind: "no interesting inputs"), so the sanitizers
# and the coverage kinds are also passed to swiftc explicitly.
# Usage: Tools/fuzz.sh [--seconds N | runs-per-target (default 1000000)] [target...]
#        `make fuzz` runs every target for FUZZ_SECONDS (default 300) each.
# FUZZ_CONFIG=debug builds without optimization (quicker to build, far slower to run).
set -euo pipefail
cd "$(dirname "$0")/.."
limit=(-runs=1000000)
if [ "${1:-}" = "--seconds" ]; then limit=(-max_total_time="$2"); shift 2
elif [ -n "${1:-}" ] && [[ $1 =~ ^[0-9]+$ ]]; then limit=(-runs="$1"); shift; fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(safetensors config tokenizer wordpiece model-files trace prompt-response bpe-trainer prompt-template)
config="${FUZZ_CONFIG:-release}"
status=0
for t in "${targets[@]}"; do
  product="fuzz-$t"
  FLOWLM_FUZZ=1 swift build -c "$config" --sanitize=fuzzer --sanitize=address \
    --product "$product" --scratch-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp >/dev/null
  corpus="Fuzz/corpus-$t"
  mkdir -p "$corpus"
  seeds="Fuzz/seeds/$t"
  echo "== $product: ${limit[*]}"
  .build-fuzz/"$config"/"$product" "${limit[@]}" -max_len=8192 -print_final_stats=1 -artifact_prefix="Fuzz/crash-$t-" \
    "$corpus" $( [ -d "$seeds" ] && echo "$seeds" ) > "/tmp/flowlm-fuzz-$t.log" 2>&1 || status=1
  grep -E "stat::number_of_executed_units|Done|ERROR|SUMMARY" "/tmp/flowlm-fuzz-$t.log" || true
done
exit "$status"
