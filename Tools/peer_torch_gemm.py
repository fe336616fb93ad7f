#!/usr/bin/env python3
"""The PyTorch peer of `flowlm bench gemm`: C = X · Wᵀ (torch.matmul, MKL/oneDNN on the CPU) on the same shape
and threads, warm-up then the median and best of repeats; prints JSON like flowlm's.

Pinned peer (see Tools/requirements.txt): torch==2.13.0+cpu
"""
import argparse
import json
import statistics
import time

import torch


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shape", default="2048x2048x2048", help="MxNxK")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    m, n, k = (int(part) for part in args.shape.lower().split("x"))
    torch.set_num_threads(args.threads)
    x, w = torch.rand(m, k), torch.rand(n, k)
    rates = []
    with torch.inference_mode():
        for run in range(args.repeats + 2):
            start = time.perf_counter()
            x @ w.T
            seconds = time.perf_counter() - start
            if run >= 2:
                rates.append(2 * m * n * k / seconds / 1e9)
    print(json.dumps({
        "engine": "pytorch", "torch": torch.__version__, "m": m, "n": n, "k": k, "threads": args.threads,
        "repeats": args.repeats, "gflops": round(statistics.median(rates), 1), "best_gflops": round(max(rates), 1),
    }))


if __name__ == "__main__":
    main()
