"""Batched GEMM: stacks of products, f64 and f32, every contender interleaved in one run.

Contenders: `hpc.matmul` (hpc's batched GEMM under NumPy's N-D matmul), NumPy's `matmul`, the
peers' strided batch `cblas_?gemm_batch_strided` through ctypes (OpenBLAS 0.3.34 from
`scipy-openblas32`, MKL from PyPI `mkl`; found through HPC_PEER_SITE and HPC_MKL_PREFIX, which
`cargo xtask bench` sets), and a loop of single `hpc.matmul` calls on the 2-D slices (what a
user without a batched call writes; it pays Python's per-call cost). Every contender's result
is checked against NumPy's before it is timed. The figures are GFLOP/s (2 m n k a product),
medians of interleaved runs; they are written as report cases (section `batch`) with --json.

Usage: python batch.py [--quick] [--threads N] [--json PATH]
"""

import argparse
import ctypes as ct
import json
import os
import statistics
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--quick", action="store_true")
parser.add_argument("--threads", type=int, default=0, help="0: all cores")
parser.add_argument("--json", help="write the cases to this file (for the report)")
args = parser.parse_args()
threads = args.threads or os.cpu_count() or 1
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(threads)
# Idle peer threads sleep at once instead of spinning on the cores the next contender needs.
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("KMP_BLOCKTIME", "0")

import numpy as np  # noqa: E402  (after the thread variables)

import hpc  # noqa: E402

hpc.set_num_threads(threads)

# (a's shape, b's shape): the cases; the last broadcasts one b over the stack.
CASES = [
    ((100000, 4, 4), (100000, 4, 4)),
    ((20000, 8, 8), (20000, 8, 8)),
    ((2000, 32, 32), (2000, 32, 32)),
    ((64, 256, 256), (64, 256, 256)),
    ((64, 512, 512), (512, 512)),
]
ROW_MAJOR, NO_TRANS = 101, 111


def peer_batches():
    """(name, library, prefix, set_threads) of each peer found with a strided batch."""
    found = []
    site = os.environ.get("HPC_PEER_SITE", "")
    prefix = os.environ.get("HPC_MKL_PREFIX", sys.prefix)
    for name, path, pre, threads_fn in [
        ("OpenBLAS-new", f"{site}/scipy_openblas32/lib/libscipy_openblas.so", "scipy_",
         "scipy_openblas_set_num_threads"),
        ("MKL", f"{prefix}/lib/libmkl_rt.so.3", "", "MKL_Set_Num_Threads"),
    ]:
        try:
            lib = ct.CDLL(path)
            getattr(lib, pre + "cblas_dgemm_batch_strided")
        except (OSError, AttributeError) as e:
            print(f"skipped: {name}'s cblas_?gemm_batch_strided ({e})", file=sys.stderr)
            continue
        found.append((name, lib, pre, getattr(lib, threads_fn)))
    return found


def peer_call(lib, pre, a, b, c):
    """c = a @ b through the library's row-major strided batch (b's stride 0 when 2-D)."""
    count, m, k = a.shape
    n = b.shape[-1]
    f32 = a.dtype == np.float32
    f = getattr(lib, pre + ("cblas_sgemm_batch_strided" if f32 else "cblas_dgemm_batch_strided"))
    real = ct.c_float if f32 else ct.c_double
    p = lambda x: x.ctypes.data_as(ct.c_void_p)  # noqa: E731
    sb = 0 if b.ndim == 2 else k * n

    def run():
        f(ROW_MAJOR, NO_TRANS, NO_TRANS, m, n, k, real(1.0), p(a), k, m * k, p(b), n, sb,
          real(0.0), p(c), n, m * n, count)

    return run


def rate_samples(fns, flops, runs, target):
    """Interleaved runs: in each, every contender is timed over enough calls to last `target`."""
    calls = []
    for f in fns:
        f()  # warm-up
        t = time.perf_counter()
        f()
        once = max(time.perf_counter() - t, 1e-7)
        calls.append(max(1, int(target / once)))
    samples = [[] for _ in fns]
    for _ in range(runs):
        for i, f in enumerate(fns):
            t = time.perf_counter()
            for _ in range(calls[i]):
                f()
            samples[i].append(flops * calls[i] / (time.perf_counter() - t) / 1e9)
    return samples


def contender(name, samples):
    s = sorted(samples)
    return {"library": name, "median": statistics.median(s), "min": s[0], "max": s[-1],
            "samples": samples}


def main():
    peers = peer_batches()
    for _, _, _, set_threads in peers:
        set_threads(threads)
    runs, target = (3, 0.05) if args.quick else (7, 0.15)
    rng = np.random.default_rng(0)
    cases = []
    print(f"Batched GEMM, {threads} thread(s), GFLOP/s (median of {runs} interleaved runs):")
    for dtype, tag in ((np.float64, "f64"), (np.float32, "f32")):
        for sa, sb in CASES:
            a = rng.standard_normal(sa).astype(dtype)
            b = rng.standard_normal(sb).astype(dtype)
            count, m, k = sa
            n = sb[-1]
            want = np.matmul(a, b)
            outs = {}

            def out(name):
                outs[name] = np.empty_like(want)
                return outs[name]

            fns = {
                "hpc": (lambda o: lambda: hpc.matmul(a, b, out=o))(out("hpc")),
                "NumPy": (lambda o: lambda: np.matmul(a, b, out=o))(out("NumPy")),
            }
            for name, lib, pre, _ in peers:
                fns[name] = peer_call(lib, pre, a, b, out(name))
            bs = [b] * count if b.ndim == 2 else list(b)
            loop_out = out("hpc loop")

            def loop(o=loop_out, a_=list(a), b_=bs, c_=list(loop_out)):
                for x, y, z in zip(a_, b_, c_):
                    hpc.matmul(x, y, out=z)

            fns["hpc loop"] = loop
            tol = 1e-3 if dtype == np.float32 else 1e-10
            for name, f in fns.items():
                f()
                err = np.max(np.abs(outs[name] - want)) / max(1.0, np.max(np.abs(want)))
                assert err < tol, f"{name} computes {sa} @ {sb} wrongly (error {err:.2e})"
            flops = 2.0 * count * m * n * k
            samples = rate_samples(list(fns.values()), flops, runs, target)
            results = [contender(name, s) for name, s in zip(fns, samples)]
            label = f"{tag} {sa} @ {sb}".replace(", ", ",")
            cases.append({"section": "batch", "name": label, "dtype": tag, "dims": [m, n, k],
                          "threads": threads, "unit": "GFLOP/s", "results": results,
                          "bandwidth": None})
            h = results[0]["median"]
            line = " | ".join(f"{r['library']} {r['median']:.1f} ({h / r['median']:.2f}x)"
                              for r in results[1:])
            print(f"  {label:<38} hpc {h:7.1f} | {line}", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(cases, f)


main()
