#!/usr/bin/env python3
"""Runs a command and prints one JSON line: its peak resident set (getrusage ru_maxrss of that child alone, via
wait4) and its wall time. Used by Tools/bench_memory.sh for flowlm and the PyTorch peer alike, so both are
measured the same way. The command's stdout goes to /dev/null; its stderr passes through.

Usage: Tools/peak_rss.py LABEL COMMAND [ARGS...]
"""
import json
import os
import subprocess
import sys
import time


def main():
    label, command = sys.argv[1], sys.argv[2:]
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{label}: {' '.join(command)} exited with {code}")
    # Linux reports ru_maxrss in KiB.
    print(json.dumps({"engine": label, "peak_rss_mib": round(usage.ru_maxrss / 1024, 1), "wall_s": round(wall, 2)}))


if __name__ == "__main__":
    main()
