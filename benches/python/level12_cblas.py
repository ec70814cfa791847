"""A quick Level 1/2 comparison through CBLAS: one BLAS library per process, column-major
float64, GB/s of compulsory memory traffic (ddot 16n bytes, daxpy 24n, dgemv 8n^2, dger 16n^2),
medians of repeated calls. Run it once per library, alternating processes, and compare the
lines: it is the stopgap until `cargo xtask bench` has a Level 1/2 section (issue 37).

Usage: python level12_cblas.py LIBRARY   (e.g. target/hpc-blas/lib/libhpc_blas.so or
       /usr/lib/x86_64-linux-gnu/libopenblas.so.0; set HPC_NUM_THREADS / OPENBLAS_NUM_THREADS)
"""

import ctypes as C
import statistics
import sys
import time

import numpy as np

lib = C.CDLL(sys.argv[1])
lib.cblas_ddot.restype = C.c_double
COL_MAJOR, NO_TRANS, TRANS = 102, 111, 112


def ptr(a):
    return a.ctypes.data_as(C.c_void_p)


def median_time(f, reps, inner):
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        for _ in range(inner):
            f()
        times.append((time.perf_counter() - t) / inner)
    return statistics.median(times)


rows = []
for n, reps, inner in [(4_000_000, 15, 1), (20_000, 200, 50)]:
    x, y = np.random.rand(n), np.random.rand(n)
    t = median_time(lambda: lib.cblas_ddot(n, ptr(x), 1, ptr(y), 1), reps, inner)
    rows.append((f"ddot n = {n}", 16 * n / t))
    t = median_time(lambda: lib.cblas_daxpy(n, C.c_double(1.0001), ptr(x), 1, ptr(y), 1), reps, inner)
    rows.append((f"daxpy n = {n}", 24 * n / t))
for n, reps, inner in [(4096, 15, 1), (1000, 100, 10)]:
    a = np.asfortranarray(np.random.rand(n, n))
    x, y = np.random.rand(n), np.random.rand(n)
    for code, name in [(NO_TRANS, "N"), (TRANS, "T")]:
        call = lambda: lib.cblas_dgemv(
            COL_MAJOR, code, n, n, C.c_double(1.0), ptr(a), n, ptr(x), 1, C.c_double(0.5), ptr(y), 1
        )
        rows.append((f"dgemv {name} n = {n}", 8 * n * n / median_time(call, reps, inner)))
    call = lambda: lib.cblas_dger(COL_MAJOR, n, n, C.c_double(1e-9), ptr(x), 1, ptr(y), 1, ptr(a), n)
    rows.append((f"dger n = {n}", 16 * n * n / median_time(call, reps, inner)))
for name, rate in rows:
    print(f"{name:22s} {rate / 1e9:6.1f} GB/s")
