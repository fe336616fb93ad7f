#!/usr/bin/env bash
# Fault tests too slow or too intrusive for `make test` (run by `make test-faults`):
#  1. SIGKILL a training run that saves every step, at 20 random moments (most land inside a checkpoint write or
#     rename); after each kill `flowlm info` must read the folder and the next start must resume from the step the
#     train state holds, with no temporary file left once it runs.
#  2. A real full disk: a 2 MB tmpfs (skipped where mounting is not allowed) holding a run whose checkpoint does
#     not fit: exit code 74, a line naming the file, no temporary file, and the folder's previous state intact.
# Usage: Tools/test_faults.sh [kills, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
kills="${1:-20}"
swift build --product flowlm >&2
bin=.build/debug/flowlm
work=$(mktemp -d /tmp/flowlm-faults.XXXXXX)
trap 'umount "$work/small" 2>/dev/null || true; rm -rf "$work"' EXIT
printf 'to be, or not to be, that is the question:\nwhether tis nobler in the mind to suffer\n%.0s' {1..40} > "$work/corpus.txt"
out="$work/run"
train=("$bin" train --data "$work/corpus.txt" --out "$out" --hidden 64 --intermediate 128 --heads 2 --layers 2
       --vocab-size 300 --batch 4 --length 32 --steps 100000 --save-every 1 --eval-every 1000 --threads 1 --seed 5)
state_step() { python3 - "$out/train_state.safetensors" <<'PY'
import json, struct, sys
with open(sys.argv[1], "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    print(json.loads(f.read(n))["__metadata__"]["step"])
PY
}

echo "== $kills kills during training that saves every step"
passed=0
for i in $(seq 1 "$kills"); do
  resume=()
  expected=0
  if [ -f "$out/train_state.safetensors" ]; then resume=(--resume); expected=$(state_step); fi
  "${train[@]}" "${resume[@]}" > "$work/log.$i" 2>&1 &
  pid=$!
  sleep "$(python3 -c "import random; print(round(random.uniform(1.5, 4.0), 2))")"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  from=$(grep -o "from step [0-9]*" "$work/log.$i" | grep -o "[0-9]*" || true)
  if [ "$from" != "$expected" ]; then echo "kill $i: started from step '${from}', the train state said $expected"; cat "$work/log.$i"; exit 1; fi
  if [ -f "$out/train_state.safetensors" ]; then
    "$bin" info "$out" > /dev/null || { echo "kill $i: flowlm info failed"; exit 1; }
    step=$(state_step)
  else
    step="none"
  fi
  leftovers=$(ls -A "$out" | grep -c "\.tmp-" || true)
  echo "kill $i: resumed from step $expected, killed at saved step $step ($leftovers temporary file(s) from the kill)"
  passed=$((passed + 1))
done
"${train[@]}" --resume > "$work/log.final" 2>&1 &
pid=$!
sleep 2
kill -TERM "$pid"
code=0; wait "$pid" || code=$?
[ "$code" = 143 ] || { echo "final resume: exit $code, expected 143"; cat "$work/log.final"; exit 1; }
[ "$(ls -A "$out" | grep -c "\.tmp-" || true)" = 0 ] || { echo "temporary files left after a resumed run"; ls -A "$out"; exit 1; }
echo "kills: $passed of $kills resumed exactly where the train state said; a final resume ran and stopped cleanly"

echo "== a full disk (2 MB tmpfs)"
mkdir -p "$work/small"
if ! mount -t tmpfs -o size=2m tmpfs "$work/small" 2>/dev/null; then
  echo "skipped: this machine does not let the test mount a tmpfs (needs root and CAP_SYS_ADMIN)"
  exit 0
fi
code=0
"$bin" train --data "$work/corpus.txt" --out "$work/small/run" --hidden 128 --intermediate 256 --heads 2 --layers 2 \
  --vocab-size 300 --batch 4 --length 32 --steps 4 --save-every 1 --threads 1 > "$work/log.full" 2>&1 || code=$?
[ "$code" = 74 ] || { echo "full disk: exit $code, expected 74"; cat "$work/log.full"; exit 1; }
grep -q "No space left on device" "$work/log.full" || { echo "full disk: no ENOSPC message"; cat "$work/log.full"; exit 1; }
[ "$(ls -A "$work/small/run" | grep -c "\.tmp-" || true)" = 0 ] || { echo "full disk: temporary files left"; exit 1; }
echo "full disk: exit 74, $(grep -o "could not save.*" "$work/log.full" | cut -c1-160)"
