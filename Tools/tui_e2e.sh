#!/usr/bin/env bash
# End-to-end check of the terminal UI: the real binary in a detached tmux session.
# Replays a committed trace (no model needed), steps, checks colours via SGR codes, clicks a token and the
# timeline and turns the wheel (X10 mouse reports), opens the help and scrolls it to the end, clears a text
# field with Ctrl-U, resizes below the minimum and back, quits with q (exit 0) and with Ctrl-C (exit 130),
# and checks the terminal came back in canonical mode with echo on and mouse reporting off; finally checks the non-terminal error
# (exit 2).
# Part 2 runs repair mode on the shipped model (`tui --repair`, env FLOWLM_REPAIR_MODEL, default
# checkpoints/shakespeare-flowlm): steps until the correction is done and checks that the damaged positions are
# marked and that the model's edits are drawn in the edit style (reverse, SGR 7). It checks styles and markers,
# not words, so it holds for a retrained model too.
# Part 3 runs the visualizer from an interactive shell: Ctrl-Z suspends it (the shell reports it stopped) and
# `fg` redraws it; 50 resizes in about a second leave a whole, correct frame; SIGHUP exits with 129 and a sane
# terminal.
# Usage: Tools/tui_e2e.sh [trace.jsonl]   (env FLOWLM_BIN, default .build/debug/flowlm)
set -euo pipefail
BIN=${FLOWLM_BIN:-.build/debug/flowlm}
TRACE=${1:-Fixtures/tui/replay.jsonl}
SOCKET="flowlm-e2e-$$"
OUT=$(mktemp -d)
trap 'tmux -L "$SOCKET" kill-server 2>/dev/null || true; rm -rf "$OUT"' EXIT
fail() { echo "tui_e2e: $*" >&2; exit 1; }
tm() { tmux -L "$SOCKET" "$@"; }
screen() { tm capture-pane -p -t e2e "$@"; }
wait_for() {  # text, [seconds]
    for _ in $(seq 1 $(( ${2:-10} * 10 ))); do screen | grep -qF -- "$1" && return 0; sleep 0.1; done
    screen >&2; fail "timed out waiting for: $1"
}
RUNS=0
start() {  # [flowlm tui arguments, quoted for the shell; default: replay the trace]
    # Each run gets a tmux server of its own: one just killed may still hold its socket ("server exited
    # unexpectedly"). stty is saved before the exit status, so once wait_exit sees the status both are there.
    RUNS=$((RUNS + 1)); SOCKET="flowlm-e2e-$$-$RUNS"
    rm -f "$OUT/exit" "$OUT/stty"
    tm new-session -d -s e2e -x 100 -y 30 \
        "$BIN tui ${1:---replay '$TRACE'}; status=\$?; stty -a > '$OUT/stty'; echo \$status > '$OUT/exit'; sleep 30"
}
mouse() {  # code x y (cells from 0): one X10 report, bytes 32 + code, 33 + x, 33 + y
    local code x y
    code=$(printf "\\$(printf %o $((32 + $1)))"); x=$(printf "\\$(printf %o $((33 + $2)))"); y=$(printf "\\$(printf %o $((33 + $3)))")
    tm send-keys -t e2e -l $'\e'"[M$code$x$y"
}
click() { mouse 0 "$1" "$2"; mouse 3 "$1" "$2"; }  # press, then release as terminals send it
wait_exit() {
    for _ in $(seq 1 50); do [ -s "$OUT/exit" ] && return 0; sleep 0.1; done
    fail "the binary did not exit"
}

[ -x "$BIN" ] || fail "$BIN not built (swift build --product flowlm)"
[ -f "$TRACE" ] || fail "no trace at $TRACE"

start
wait_for "Canvas"
for _ in 1 2 3; do tm send-keys -t e2e Space; sleep 0.2; done
wait_for "step 3/"
screen -e | grep -q $'\e\\[[0-9;]*38;5;' || screen -e | grep -q $'\e\\[[0-9;]*3[0-7]m' \
    || fail "no colour SGR codes in the captured pane"
[ "$(tm display -p -t e2e '#{mouse_standard_flag}')" = 1 ] || fail "mouse reporting is off"
click 1 2; wait_for "pos 1 ·"                                   # the first token on the canvas
mouse 64 5 5; mouse 64 5 5; wait_for "history:1/"                 # the wheel, back two steps
click 9 25; wait_for "history:0/"                                 # the timeline's first column
tm send-keys -t e2e '?'; wait_for "Help ·"; tm send-keys -t e2e End; wait_for "Legend"; tm send-keys -t e2e Escape
tm send-keys -t e2e o; wait_for "Open trace"; tm send-keys -t e2e C-u; tm send-keys -t e2e -l "typed.jsonl"
wait_for "typed.jsonl"; screen | grep -qF "│ typed.jsonl" || fail "Ctrl-U did not clear the field"
tm send-keys -t e2e Escape
tm resize-window -t e2e -x 50 -y 12; wait_for "terminal too small"
tm resize-window -t e2e -x 100 -y 30; wait_for "Canvas"
tm send-keys -t e2e q; wait_exit
[ "$(cat "$OUT/exit")" = 0 ] || fail "q exited with $(cat "$OUT/exit")"
grep -qE '(^| )icanon' "$OUT/stty" && grep -qE '(^| )echo( |$)' "$OUT/stty" || fail "terminal not restored after q"
[ "$(tm display -p -t e2e '#{mouse_any_flag}')" = 0 ] || fail "mouse reporting left on after q"
tm kill-server

start
wait_for "Canvas"
tm send-keys -t e2e C-c; wait_exit
[ "$(cat "$OUT/exit")" = 130 ] || fail "Ctrl-C exited with $(cat "$OUT/exit")"
grep -qE '(^| )icanon' "$OUT/stty" || fail "terminal not restored after Ctrl-C"
[ "$(tm display -p -t e2e '#{mouse_any_flag}')" = 0 ] || fail "mouse reporting left on after Ctrl-C"
tm kill-server

set +e
message=$("$BIN" tui --replay "$TRACE" </dev/null 2>&1 >/dev/null); status=$?
set -e
[ "$status" = 2 ] || fail "without a terminal: exit $status, expected 2"
echo "$message" | grep -q "flowlm generate" || fail "without a terminal: message does not point to flowlm generate"

# Part 2: repair mode on a real model. Seed 6 damages 9 of the 30 tokens; the shipped model edits 5 positions
# (check with: flowlm generate --repair '…' --substitute 0.15 --mask 0 --seed 6 --every-step).
REPAIR_MODEL=${FLOWLM_REPAIR_MODEL:-checkpoints/shakespeare-flowlm}
REPAIR_TEXT='ROMEO. But soft! what light through yonder window breaks? It is the east, and Juliet is the sun.'
[ -f "$REPAIR_MODEL/model.safetensors" ] || fail "no model at $REPAIR_MODEL (make setup)"
# Whether a pane capture with SGR codes (capture-pane -e) shows the edit glyph ✎ while reverse video (SGR 7,
# the edit style) is on; colour parameters (38;5;N, 48;2;R;G;B) are skipped so a colour 7 is not taken for it.
edit_in_edit_style() {
    perl -CSD -0777 -ne '
        my ($reverse, $found) = (0, 0);
        while (/\e\[([0-9;]*)m|(\x{270E})/g) {
            if (defined $2) { $found = 1 if $reverse; next }
            my @p = split /;/, ($1 eq "" ? "0" : $1);
            while (@p) {
                my $code = shift @p;
                if ($code == 38 || $code == 48) { my $kind = shift @p // 5; splice @p, 0, ($kind == 2 ? 3 : 1); next }
                $reverse = 0 if $code == 0 || $code == 27;
                $reverse = 1 if $code == 7;
            }
        }
        exit($found ? 0 : 1);'
}
start "--model '$REPAIR_MODEL' --repair '$REPAIR_TEXT' --substitute 0.15 --mask 0 --seed 6"
wait_for "step 0/" 60
screen | grep -q " repair │" || fail "the status line does not say repair mode"
screen | grep -qE "repair: [1-9][0-9]* damaged" || fail "no damaged positions counted in the canvas title"
[ "$(screen | grep -o '†' | wc -l)" -ge 1 ] || fail "no damaged marker † on the canvas"
screen -e | grep -q $'\e\\[[0-9;]*48;5;125m' || fail "the damaged marker is not drawn in the damaged style"
edited=0
for step in $(seq 1 60); do
    tm send-keys -t e2e Space
    for _ in $(seq 1 300); do
        screen | grep -qE "step $step/|repair done" && break; sleep 0.1
    done
    screen | grep -qE "step $step/|repair done" || { screen >&2; fail "step $step did not arrive"; }
    screen -e | edit_in_edit_style && edited=1
    screen | grep -q "repair done" && break
done
screen | grep -q "repair done" || { screen >&2; fail "the correction did not finish"; }
[ "$edited" = 1 ] || fail "no edit (✎ in reverse video) appeared on the canvas while the model repaired the text"
screen | grep -qE '†|✓' || fail "the damaged positions are no longer marked (†, or ✓ once restored)"
tm send-keys -t e2e q; wait_exit
[ "$(cat "$OUT/exit")" = 0 ] || fail "q in repair mode exited with $(cat "$OUT/exit")"
tm kill-server

# Part 3: job control, a resize storm and SIGHUP, from a shell.
RUNS=$((RUNS + 1)); SOCKET="flowlm-e2e-$$-$RUNS"
tm new-session -d -s e2e -x 100 -y 30 "bash --norc --noprofile -i"
sleep 0.3
# The visualizer is the shell's job itself (in `a; b`, a shell that sees `a` stop runs `b` at once).
tm send-keys -t e2e -l "$BIN tui --replay '$TRACE'"
tm send-keys -t e2e Enter
wait_for "Canvas"
tm send-keys -t e2e C-z
wait_for "Stopped"
tm send-keys -t e2e -l "fg"; tm send-keys -t e2e Enter
wait_for "Canvas"
screen | head -1 | grep -q "replay" || { screen >&2; fail "fg did not redraw the status line"; }
for i in $(seq 1 50); do tm resize-window -t e2e -x $((70 + (i * 7) % 50)) -y $((20 + (i * 3) % 15)); sleep 0.02; done
tm resize-window -t e2e -x 100 -y 30
sleep 1
wait_for "Canvas"
[ "$(screen | wc -l)" = 30 ] || fail "after the resize storm the frame is not 30 lines"
screen | head -1 | grep -q "replay" || { screen >&2; fail "after the resize storm the status line is missing"; }
screen | sed -n '2p' | grep -q "Canvas" || { screen >&2; fail "after the resize storm the canvas title is not on line 2"; }
screen | tail -1 | grep -q "step" || { screen >&2; fail "after the resize storm the key line is missing"; }
pkill -HUP -f -- "$BIN tui --replay" || fail "no visualizer process to hang up"
for _ in $(seq 1 30); do pgrep -f -- "$BIN tui --replay" > /dev/null || break; sleep 0.1; done
tm send-keys -t e2e -l "echo exit=\$?; stty -a | tr '\\n' ' ' > '$OUT/stty.tmp'; mv '$OUT/stty.tmp' '$OUT/stty'"
tm send-keys -t e2e Enter
wait_for "exit=129"
for _ in $(seq 1 20); do [ -s "$OUT/stty" ] && break; sleep 0.1; done
grep -q " icanon" "$OUT/stty" && grep -q " echo " "$OUT/stty" || fail "after SIGHUP the terminal is not back in canonical mode with echo"
tm kill-server
echo "tui_e2e: ok"
