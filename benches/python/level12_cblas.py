"""Issue 37's Level 1/2 table through CBLAS: hpc's C library against another BLAS, column-major
float64, GB/s of compulsory memory traffic (ddot 16n bytes, daxpy 24n, dnrm2 8n, dgemv and
dsymv and dtrsv 8n^2 (dsymv and dtrsv read a triangle, counted whole as the issue counts it),
dger 16n^2), each figure the median of repeated calls in a process of its own, the two
libraries' processes alternated; the ratio is hpc / other, the median of the run-by-run ratios.

Usage:
    python level12_cblas.py HPC_LIB OTHER_LIB[:PREFIX] [--runs R] [--threads 1,2] [--band]

e.g. `python benches/python/level12_cblas.py target/release/libhpc_blas.so \\
      $SITE/scipy_openblas32/lib/libscipy_openblas.so:scipy_` (PREFIX: the other library's
symbol prefix, `scipy_` for PyPI's scipy-openblas32, whose `cblas_dgemv` is
`scipy_cblas_dgemv`). Threads: HPC_NUM_THREADS for hpc, `PREFIXopenblas_set_num_threads`
for the other library (an OpenBLAS). NumPy's own OpenBLAS, loaded in every process, gets one
thread (OPENBLAS_NUM_THREADS=1): with two, its idle threads halved hpc's two-thread speed in
about half the processes (dgbmv kd 256 N 110 or 32-69 GB/s), as issue 39 describes.
A process of one library is `python level12_cblas.py --one LIB[:PREFIX] THREADS`. `--band` adds
dtrsv transposed and the band and packed routines (n = 4096, lower, GB/s of the elements
stored).
"""

import ctypes as C
import os
import statistics
import subprocess
import sys
import time

import numpy as np

COL_MAJOR, NO_TRANS, TRANS, UPPER, LOWER, NON_UNIT = 102, 111, 112, 121, 122, 131


def one(spec, threads):
    """Times every case in this process; prints `case<TAB>bytes per second` lines."""
    path, _, prefix = spec.partition(":")
    lib = C.CDLL(path)
    sym = lambda name: getattr(lib, prefix + name)
    setter = getattr(lib, prefix + "openblas_set_num_threads", None)
    if setter is not None:
        setter(threads)
    sym("cblas_ddot").restype = C.c_double
    sym("cblas_dnrm2").restype = C.c_double
    d = C.c_double
    ptr = lambda a: a.ctypes.data_as(C.c_void_p)

    def rate(f, bytes_moved, reps, inner):
        f()
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            for _ in range(inner):
                f()
            times.append((time.perf_counter() - t) / inner)
        return bytes_moved / statistics.median(times)

    rng = np.random.default_rng(7)
    out = []
    for n, reps, inner in [(4_000_000, 15, 1), (20_000, 100, 50)]:
        x, y = rng.random(n), rng.random(n)
        out.append((f"ddot n = {n}", rate(lambda: sym("cblas_ddot")(n, ptr(x), 1, ptr(y), 1), 16 * n, reps, inner)))
        if n > 20_000:
            call = lambda: sym("cblas_daxpy")(n, d(1e-9), ptr(x), 1, ptr(y), 1)
            out.append((f"daxpy n = {n}", rate(call, 24 * n, reps, inner)))
            out.append((f"dnrm2 n = {n}", rate(lambda: sym("cblas_dnrm2")(n, ptr(x), 1), 8 * n, reps, inner)))
    for n, reps, inner in [(4096, 15, 1), (1000, 100, 10)]:
        a = np.asfortranarray(rng.random((n, n)))
        # A well-conditioned triangle for dtrsv: a dominant diagonal.
        a[np.diag_indices(n)] += n
        x, y = rng.random(n), rng.random(n)
        for code, name in [(NO_TRANS, "N"), (TRANS, "T")]:
            call = lambda: sym("cblas_dgemv")(COL_MAJOR, code, n, n, d(1.0), ptr(a), n, ptr(x), 1, d(0.0), ptr(y), 1)
            out.append((f"dgemv {name} {n}", rate(call, 8 * n * n, reps, inner)))
        if n == 4096:
            call = lambda: sym("cblas_dger")(COL_MAJOR, n, n, d(1e-12), ptr(x), 1, ptr(y), 1, ptr(a), n)
            out.append((f"dger {n}", rate(call, 16 * n * n, reps, inner)))
            call = lambda: sym("cblas_dsymv")(COL_MAJOR, UPPER, n, d(1.0), ptr(a), n, ptr(x), 1, d(0.0), ptr(y), 1)
            out.append((f"dsymv {n}", rate(call, 8 * n * n, reps, inner)))
            b = x.copy()

            def trsv():
                b[:] = x
                sym("cblas_dtrsv")(COL_MAJOR, UPPER, NO_TRANS, NON_UNIT, n, ptr(a), n, ptr(b), 1)

            out.append((f"dtrsv {n}", rate(trsv, 8 * n * n, reps, inner)))
    if "--band" in sys.argv:
        out += band_and_packed(sym, rate, rng)
    for case, r in out:
        print(f"{case}\t{r}")


def band_and_packed(sym, rate, rng):
    """Band and packed routines at n = 4096 (lower; GB/s of the stored elements), and dtrsv
    transposed (GB/s of the whole matrix, as dtrsv above)."""
    d = C.c_double
    ptr = lambda a: a.ctypes.data_as(C.c_void_p)
    n, reps, out = 4096, 9, []
    x, y = rng.random(n), rng.random(n)
    a = np.asfortranarray(rng.random((n, n)))
    a[np.diag_indices(n)] += n
    b = x.copy()

    def on_b(f, *args):
        """A call on b, reset to x first (a solve's right-hand side; a product's input)."""

        def call():
            b[:] = x
            f(*args, ptr(b), 1)

        return call

    call = on_b(sym("cblas_dtrsv"), COL_MAJOR, UPPER, TRANS, NON_UNIT, n, ptr(a), n)
    out.append((f"dtrsv T {n}", rate(call, 8 * n * n, reps, 1)))
    # Packed lower with a dominant diagonal (its first element of each column).
    ap = rng.random(n * (n + 1) // 2) * 0.01
    ap[np.cumsum(np.r_[0, n - np.arange(n - 1)])] = n
    for code, name in [(NO_TRANS, "N"), (TRANS, "T")]:
        call = on_b(sym("cblas_dtpsv"), COL_MAJOR, LOWER, code, NON_UNIT, n, ptr(ap))
        out.append((f"dtpsv {name} {n}", rate(call, 4 * n * n, reps, 1)))
        call = on_b(sym("cblas_dtpmv"), COL_MAJOR, LOWER, code, NON_UNIT, n, ptr(ap))
        out.append((f"dtpmv {name} {n}", rate(call, 4 * n * n, reps, 1)))
    call = lambda: sym("cblas_dspmv")(COL_MAJOR, LOWER, n, d(1.0), ptr(ap), ptr(x), 1, d(0.0), ptr(y), 1)
    out.append((f"dspmv {n}", rate(call, 4 * n * n, reps, 1)))
    for kd in [32, 256]:
        # Band storage, column-major with leading dimension 2 kd + 1 (dgbmv's kl = ku = kd;
        # the triangular and symmetric calls read the first kd + 1 rows as lower bands).
        ab = rng.random((n, 2 * kd + 1)) * 0.01
        ab[:, 0] = n
        ld, stored = 2 * kd + 1, 8 * n * (kd + 1)
        for code, name in [(NO_TRANS, "N"), (TRANS, "T")]:
            call = lambda: sym("cblas_dgbmv")(COL_MAJOR, code, n, n, kd, kd, d(1.0), ptr(ab), ld, ptr(x), 1, d(0.0), ptr(y), 1)
            out.append((f"dgbmv {name} kd {kd}", rate(call, 8 * n * ld, reps, 1)))
            call = on_b(sym("cblas_dtbsv"), COL_MAJOR, LOWER, code, NON_UNIT, n, kd, ptr(ab), ld)
            out.append((f"dtbsv {name} kd {kd}", rate(call, stored, reps, 1)))
            call = on_b(sym("cblas_dtbmv"), COL_MAJOR, LOWER, code, NON_UNIT, n, kd, ptr(ab), ld)
            out.append((f"dtbmv {name} kd {kd}", rate(call, stored, reps, 1)))
        call = lambda: sym("cblas_dsbmv")(COL_MAJOR, LOWER, n, kd, d(1.0), ptr(ab), ld, ptr(x), 1, d(0.0), ptr(y), 1)
        out.append((f"dsbmv kd {kd}", rate(call, stored, reps, 1)))
    return out


def main(argv):
    if argv[0] == "--one":
        return one(argv[1], int(argv[2]))
    hpc, other = argv[0], argv[1]
    runs, threads = 5, [1, 2]
    if "--runs" in argv:
        runs = int(argv[argv.index("--runs") + 1])
    if "--threads" in argv:
        threads = [int(t) for t in argv[argv.index("--threads") + 1].split(",")]
    table = {}
    for t in threads:
        got = {"hpc": [], "other": []}
        for _ in range(runs):
            for who, spec in [("hpc", hpc), ("other", other)]:
                env = dict(os.environ, HPC_NUM_THREADS=str(t), OPENBLAS_NUM_THREADS="1")
                band = ["--band"] if "--band" in argv else []
                text = subprocess.run(
                    [sys.executable, __file__, "--one", spec, str(t)] + band,
                    env=env, capture_output=True, text=True, check=True,
                ).stdout
                got[who].append(dict((l.split("\t")[0], float(l.split("\t")[1])) for l in text.splitlines()))
        for case in got["hpc"][0]:
            ratios = [h[case] / o[case] for h, o in zip(got["hpc"], got["other"])]
            hpc_gbs = statistics.median(h[case] for h in got["hpc"]) / 1e9
            other_gbs = statistics.median(o[case] for o in got["other"]) / 1e9
            table.setdefault(case, {})[t] = (statistics.median(ratios), hpc_gbs, other_gbs)
    print("| routine, size | " + " | ".join(f"{t} thread{'s' if t > 1 else ''}: hpc GB/s, other, ratio" for t in threads) + " |")
    print("|---|" + "---:|" * len(threads))
    for case, by_t in table.items():
        cells = [f"{h:.1f}, {o:.1f}, **{r:.2f}**" for r, h, o in (by_t[t] for t in threads)]
        print(f"| {case} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
