"""hpc in a shared process: f64 C = A @ B with hpc on all threads, timed in settings a user
meets, against hpc on one thread in the same settings. hpc must never run below its
one-thread speed.

Settings (each a median of interleaved runs, GFLOP/s):
- alone: only hpc calls in this process;
- after NumPy: every hpc call right after a NumPy product of the same size (NumPy's bundled
  OpenBLAS on its default threads, its idle workers left to spin as they do by default);
- after NumPy, limited: the same with NumPy's OpenBLAS held to one thread by threadpoolctl
  (``ThreadpoolController().select(internal_api="openblas").limit(limits=1)``, what the
  README advises);
- beside a busy process: another process spinning on one core meanwhile.

Usage: python shared_process.py [--quick] [--json PATH]
"""

import argparse
import json
import multiprocessing as mp
import os
import statistics
import time

os.environ.pop("OPENBLAS_THREAD_TIMEOUT", None)  # NumPy's OpenBLAS as users have it

import numpy as np  # noqa: E402

import hpc  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--quick", action="store_true")
parser.add_argument("--json", help="write the cases to this file (for the report)")
args = parser.parse_args()

SIZES = [256, 512] if args.quick else [128, 256, 512, 1024]
RUNS = 5 if args.quick else 9


def spin(stop):
    while not stop.is_set():
        pass


def rate(n, threads, before=None, calls=None):
    """GFLOP/s of hpc.matmul at n on `threads` threads, each call preceded by `before()`."""
    rng = np.random.default_rng(n)
    a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    out = np.empty((n, n))
    calls = calls or max(3, int(2e9 / (2 * n**3)))
    total = 0.0
    with hpc.threads(threads):
        for _ in range(calls):
            if before:
                before()
            t = time.perf_counter()
            hpc.matmul(a, b, out=out)
            total += time.perf_counter() - t
    return 2.0 * n**3 * calls / total / 1e9


def numpy_product(n):
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    return lambda: np.matmul(x, y)


def settings(n):
    np_call = numpy_product(n)
    return {
        "alone": None,
        "after NumPy": np_call,
        "after NumPy, its OpenBLAS limited to 1 thread": np_call,
        "beside a busy process": "busy",
    }


def main():
    cores = hpc.get_num_threads()
    cases = []
    print(f"hpc.matmul f64 in a shared process, GFLOP/s (median of {RUNS} interleaved runs): "
          f"{cores} threads against 1")
    for n in SIZES:
        for name, before in settings(n).items():
            busy = before == "busy"
            stop, proc = None, None
            if busy:
                stop = mp.Event()
                proc = mp.Process(target=spin, args=(stop,))
                proc.start()
                before = None
            limits = None
            if "limited" in name:
                from threadpoolctl import ThreadpoolController

                # OpenBLAS only (user_api="blas" would limit hpc too).
                limits = ThreadpoolController().select(internal_api="openblas").limit(limits=1)
            samples = {cores: [], 1: []}
            try:
                for _ in range(RUNS):
                    for t in (cores, 1):
                        samples[t].append(rate(n, t, before))
            finally:
                if limits is not None:
                    limits.restore_original_limits()
                if busy:
                    stop.set()
                    proc.join()
            results = []
            for t, s in samples.items():
                srt = sorted(s)
                results.append({"library": f"hpc {t} thread{'s' if t > 1 else ''}",
                                "median": statistics.median(srt), "min": srt[0],
                                "max": srt[-1], "samples": s})
            h, one = results[0]["median"], results[1]["median"]
            print(f"  n={n:<5} {name:<48} {cores}t {h:7.1f}   1t {one:7.1f}   ({h / one:.2f}x)",
                  flush=True)
            cases.append({"section": "shared", "name": f"dgemm n={n}, {name}", "dtype": "f64",
                          "dims": [n, n, n], "threads": cores, "unit": "GFLOP/s",
                          "results": results, "bandwidth": None})
    if args.json:
        with open(args.json, "w") as f:
            json.dump(cases, f)


if __name__ == "__main__":
    main()
