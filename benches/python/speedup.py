"""The speedup table: C = A @ B in float64 from pure Python up to hpc, in one run.

Rows: pure Python triple loops on lists, pure Python loops over NumPy arrays (both measured
up to n = 256 and extrapolated as n^3 beyond, marked "~"), NumPy's `@` (its bundled OpenBLAS),
`hpc.matmul`, the ctypes route into hpc's C library (`cblas_dgemm`), and Numba `@njit(parallel=
True)` loops when Numba is installed. Each time is the median of several runs (one run for
the slow loops). Also the per-call overhead at 4 x 4 against NumPy's.

Usage: python speedup.py [--quick] [--threads N] [--json PATH]   (HPC_BLAS_LIB: the C library, for ctypes)
"""

import argparse
import ctypes as ct
import os
import statistics
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--quick", action="store_true")
parser.add_argument("--threads", type=int, default=0, help="0: all cores")
parser.add_argument("--json", help="also write the measurements to this file (for the report)")
args = parser.parse_args()
if args.threads:
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ[var] = str(args.threads)
# NumPy's OpenBLAS threads spin for about 2^28 cycles after each call by default, on the very
# cores the next implementation timed needs (this machine has two): let them sleep at once so
# that each row is timed alone. NumPy's own timings do not suffer from it (measured).
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

import numpy as np  # noqa: E402  (after the thread variables)

import hpc  # noqa: E402

hpc.set_num_threads(args.threads)
SIZES = [64, 128, 256] if args.quick else [64, 128, 256, 512, 1024, 2048]
LOOP_MAX = 128 if args.quick else 256


def median_time(f, runs, warm=True):
    if warm:
        f()  # first-call costs (thread start-up, buffers) are not what is measured
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def runs_for(n):
    return 9 if n <= 256 else 5 if n <= 1024 else 3


def pure_lists(a, b, n):
    c = [[0.0] * n for _ in range(n)]
    for i in range(n):
        ai, ci = a[i], c[i]
        for k in range(n):
            aik, bk = ai[k], b[k]
            for j in range(n):
                ci[j] += aik * bk[j]
    return c


def numpy_loops(a, b, n):
    c = np.zeros((n, n))
    for i in range(n):
        for k in range(n):
            aik = a[i, k]
            for j in range(n):
                c[i, j] += aik * b[k, j]
    return c


def make_ctypes():
    path = os.environ.get("HPC_BLAS_LIB")
    if not path or not os.path.exists(path):
        return None, "HPC_BLAS_LIB not set (cargo xtask bench sets it)"
    lib = ct.CDLL(path)
    if args.threads:
        lib.hpc_set_num_threads(args.threads)
    p = ct.POINTER(ct.c_double)
    i = ct.c_int
    lib.cblas_dgemm.argtypes = [i, i, i, i, i, i, ct.c_double, p, i, p, i, ct.c_double, p, i]
    lib.cblas_dgemm.restype = None

    def mm(a, b):
        n = a.shape[0]
        c = np.empty((n, n))
        lib.cblas_dgemm(101, 111, 111, n, n, n, 1.0, a.ctypes.data_as(p), n,
                        b.ctypes.data_as(p), n, 0.0, c.ctypes.data_as(p), n)
        return c

    return mm, None


def make_numba():
    try:
        import numba
    except ImportError:
        return None, "Numba is not installed (pip install numba)"

    @numba.njit(parallel=True, fastmath=True, cache=False)
    def mm(a, b):
        n, k = a.shape
        m = b.shape[1]
        c = np.zeros((n, m))
        for i in numba.prange(n):
            for p in range(k):
                aip = a[i, p]
                for j in range(m):
                    c[i, j] += aip * b[p, j]
        return c

    return mm, None


rng = np.random.default_rng(0)
ctypes_mm, ctypes_why = make_ctypes()
numba_mm, numba_why = make_numba()
rows = {}  # name -> {n: (seconds, extrapolated)}


def record(name, n, seconds, extrapolated=False):
    rows.setdefault(name, {})[n] = (seconds, extrapolated)


for n in SIZES:
    a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    want = a @ b
    print(f"n = {n} ...", file=sys.stderr, flush=True)
    if n <= LOOP_MAX:
        la, lb = a.tolist(), b.tolist()
        record("pure Python (lists)", n, median_time(lambda: pure_lists(la, lb, n), 1 if n >= 256 else 3, warm=False))
        record("Python loops over NumPy", n, median_time(lambda: numpy_loops(a, b, n), 1 if n >= 128 else 3, warm=False))
    else:
        for name in ("pure Python (lists)", "Python loops over NumPy"):
            base = max(rows[name])
            record(name, n, rows[name][base][0] * (n / base) ** 3, True)
    assert np.allclose(hpc.matmul(a, b), want)
    record("NumPy @ (OpenBLAS)", n, median_time(lambda: a @ b, runs_for(n)))
    record("hpc.matmul", n, median_time(lambda: hpc.matmul(a, b), runs_for(n)))
    if ctypes_mm:
        assert np.allclose(ctypes_mm(a, b), want)
        record("hpc via ctypes (cblas_dgemm)", n, median_time(lambda: ctypes_mm(a, b), runs_for(n)))
    if numba_mm:
        numba_mm(a[:8, :8], b[:8, :8])  # compile outside the timing
        if n <= 1024:
            assert np.allclose(numba_mm(a, b), want)
            record("Numba @njit(parallel=True)", n, median_time(lambda: numba_mm(a, b), 3))

threads = args.threads or os.cpu_count()
print(f"\n### C = A @ B, float64, {threads} thread(s): time, GFLOP/s, speedup over pure Python\n")
print("| implementation | " + " | ".join(f"n={n}" for n in SIZES) + " |")
print("|---|" + "---:|" * len(SIZES))
base = rows["pure Python (lists)"]
for name, by_n in rows.items():
    cells = []
    for n in SIZES:
        if n not in by_n:
            cells.append("-")
            continue
        s, extra = by_n[n]
        mark = "~" if extra else ""
        gf = 2 * n**3 / s / 1e9
        ratio = base[n][0] / s
        ratio_text = f"{ratio:,.0f}" if ratio >= 10 else f"{ratio:.2g}"
        cells.append(f"{mark}{s:.3g} s, {gf:.3g} GF/s, {mark}{ratio_text}x")
    print(f"| {name} | " + " | ".join(cells) + " |")
print("\n(~: extrapolated as n^3 from the largest measured size)")
for name, why in (("ctypes", ctypes_why), ("Numba", numba_why)):
    if why:
        print(f"skipped {name}: {why}")

# Per-call overhead on a 4 x 4 product.
a4, b4 = rng.standard_normal((4, 4)), rng.standard_normal((4, 4))
reps = 20000


def per_call(f):
    return median_time(lambda: [f() for _ in range(reps)], 5) / reps


t_np, t_hpc = per_call(lambda: a4 @ b4), per_call(lambda: hpc.matmul(a4, b4))
print(f"\n4 x 4 float64 per call: NumPy {t_np * 1e6:.2f} us, hpc.matmul {t_hpc * 1e6:.2f} us "
      f"({t_hpc / t_np:.2f}x NumPy's time)")

if args.json:
    import json

    with open(args.json, "w") as f:
        json.dump(
            {
                "threads": threads,
                "sizes": SIZES,
                "rows": [
                    {"name": name, "n": n, "seconds": s, "extrapolated": extra}
                    for name, by_n in rows.items()
                    for n, (s, extra) in sorted(by_n.items())
                ],
                "per_call_4x4_seconds": {"numpy": t_np, "hpc": t_hpc},
                "skipped": {name: why for name, why in (("ctypes", ctypes_why), ("Numba", numba_why)) if why},
            },
            f,
            indent=1,
        )
