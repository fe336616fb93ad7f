# Sourced by Tools/bench_forward.sh and Tools/bench_train.sh: runs flowlm's and PyTorch's benchmark one after the
# other, `rounds` times, echoing both JSON lines each time and appending them to the array `results`
# (ours, peer, ours, peer, ...). Alternating keeps a burst of background load from landing on one side only.
# Usage: alternate_rounds ROUNDS OURS_FUNCTION PEER_FUNCTION   (each function prints one JSON line)
alternate_rounds() {
  local rounds=$1 ours_function=$2 peer_function=$3 round ours peer
  results=()
  for ((round = 0; round < rounds; round++)); do
    ours=$("$ours_function")
    peer=$("$peer_function" 2>/dev/null)
    echo "$ours"
    echo "$peer"
    results+=("$ours" "$peer")
  done
}
