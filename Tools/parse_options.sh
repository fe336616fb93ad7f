# Sourced by the Tools scripts that take options: `parse_options NAME... -- "$@"` sets each `--name value`
# pair as the shell variable `name`, for the listed names only; anything else stops the script with a message.
parse_options() {
  local names=() script
  script=$(basename "$0")
  while [[ $1 != -- ]]; do names+=("$1"); shift; done
  shift
  while [[ $# -gt 0 ]]; do
    local name=${1#--}
    if [[ $1 != --* || " ${names[*]} " != *" $name "* ]]; then
      echo "$script: unknown option $1 (options: ${names[*]/#/--})" >&2; exit 2
    fi
    if [[ $# -lt 2 ]]; then echo "$script: $1 needs a value" >&2; exit 2; fi
    printf -v "$name" '%s' "$2"
    shift 2
  done
}
