"""hpc.dask on a distributed.LocalCluster of 2 worker processes x 1 thread, against Dask's own
algorithms on the same cluster, interleaved runs:

- ``hpc.dask.matmul(a, b)`` against ``a @ b`` (``dask.array``'s matmul, NumPy's BLAS in each
  task) for square f64 matrices at n = 6000-12000, chunks 1500-3000;
- ``hpc.dask.gram(x)`` against ``x.T @ x`` for a tall (4,000,000 x 64) f64 array in row chunks.

Inputs are random arrays persisted on the workers first; a run times the product computed
and kept on the workers (``persist`` and ``wait``), or brought back when it is small (the
gram). Each result is checked against the other contender's first. GFLOP/s (2 m n k), medians
of the runs; written as report cases (section ``dask``) with --json.

Usage: python dask_bench.py [--quick] [--json PATH]
"""

import argparse
import json
import statistics
import time

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--quick", action="store_true")
parser.add_argument("--json", help="write the cases to this file (for the report)")
args = parser.parse_args()

import dask.array as da  # noqa: E402
import distributed  # noqa: E402

import hpc.dask as hd  # noqa: E402

MATMUL = [(2000, 1000)] if args.quick else [(6000, 1500), (6000, 3000), (9000, 3000), (12000, 3000)]
GRAM = (200_000, 64, 50_000) if args.quick else (4_000_000, 64, 250_000)
RUNS = 3 if args.quick else 5


def timed(f):
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def contender(name, rates):
    s = sorted(rates)
    return {"library": name, "median": statistics.median(s), "min": s[0], "max": s[-1],
            "samples": rates}


def case(name, dims, flops, results):
    h = results[0]["median"]
    line = " | ".join(f"{r['library']} {r['median']:.1f} ({h / r['median']:.2f}x)"
                      for r in results[1:])
    print(f"  {name:<40} hpc.dask {h:7.1f} | {line}", flush=True)
    return {"section": "dask", "name": name, "dtype": "f64", "dims": list(dims), "threads": 2,
            "unit": "GFLOP/s", "results": results, "bandwidth": None}


def main():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    cases = []
    print("hpc.dask on a LocalCluster of 2 worker processes x 1 thread, f64, GFLOP/s "
          f"(median of {RUNS} interleaved runs):")
    try:
        for n, chunk in MATMUL:
            a = da.random.random((n, n), chunks=chunk).persist()
            b = da.random.random((n, n), chunks=chunk).persist()
            distributed.wait([a, b])
            ours = hd.matmul(a, b).persist()
            theirs = (a @ b).persist()
            distributed.wait([ours, theirs])
            err = float(abs(ours - theirs).max().compute()) / n
            assert err < 1e-12, f"hpc.dask.matmul differs from dask's at n = {n}: {err:.2e}"
            del ours, theirs
            fns = {"hpc.dask": lambda: hd.matmul(a, b), "dask.array": lambda: a @ b}
            samples = {k: [] for k in fns}
            for _ in range(RUNS):
                for k, f in fns.items():
                    def run(f=f):
                        c = f().persist()
                        distributed.wait(c)
                        del c
                    samples[k].append(2.0 * n**3 / timed(run) / 1e9)
            cases.append(case(f"matmul n={n} chunks={chunk}", (n, n, n), 2.0 * n**3,
                              [contender(k, v) for k, v in samples.items()]))
            del a, b
        rows, p, chunk = GRAM
        x = da.random.random((rows, p), chunks=(chunk, p)).persist()
        distributed.wait(x)
        g1, g2 = hd.gram(x).compute(), (x.T @ x).compute()
        assert np.allclose(g1, g2, rtol=1e-10), "hpc.dask.gram differs from x.T @ x"
        fns = {"hpc.dask": lambda: hd.gram(x).compute(), "dask.array": lambda: (x.T @ x).compute()}
        samples = {k: [] for k in fns}
        flops = 2.0 * rows * p * p
        for _ in range(RUNS):
            for k, f in fns.items():
                samples[k].append(flops / timed(f) / 1e9)
        cases.append(case(f"gram ({rows}, {p}) chunks={chunk}", (p, p, rows), flops,
                          [contender(k, v) for k, v in samples.items()]))
    finally:
        client.close()
        cluster.close()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(cases, f)


if __name__ == "__main__":
    main()
