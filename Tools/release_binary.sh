# Sourced by the Tools scripts that drive the release binary: sets $bin (FLOWLM_BIN overrides it) and builds the
# binary first when it is missing.
bin=${FLOWLM_BIN:-.build/release/flowlm}
[[ -x $bin ]] || swift build -c release --product flowlm >&2
