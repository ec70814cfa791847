"""C = A @ B on Python lists through hpc's C library and ctypes: no compiled extension and no
NumPy, so it runs on any Python that has ctypes (CPython, PyPy, GraalPy).

    HPC_BLAS_LIB=target/hpc-blas/lib/libhpc_blas.so python3 examples/ctypes_matmul_lists.py
    HPC_BLAS_LIB=target/hpc-blas/lib/libhpc_blas.so pypy3 examples/ctypes_matmul_lists.py

(`cargo xtask capi` lays the library out there.) `matmul(a, b)` copies the lists of rows into
C arrays of doubles, calls `cblas_dgemm` row-major, and returns the rows of the product.
"""

import ctypes as ct
import os
import platform
import random
import sys

ROW_MAJOR, NO_TRANS = 101, 111


def load(path=None):
    """hpc's C library, with `cblas_dgemm`'s argument types declared."""
    lib = ct.CDLL(path or os.environ.get("HPC_BLAS_LIB", "libhpc_blas.so"))
    d, i, p = ct.c_double, ct.c_int, ct.POINTER(ct.c_double)
    lib.cblas_dgemm.argtypes = [i, i, i, i, i, i, d, p, i, p, i, d, p, i]
    lib.cblas_dgemm.restype = None
    return lib


def matmul(lib, a, b):
    """The product of the row lists `a` (m x k) and `b` (k x n) as a list of rows."""
    m, k, n = len(a), len(b), len(b[0]) if b else 0
    if any(len(row) != k for row in a) or any(len(row) != n for row in b):
        raise ValueError(f"a is {m} x ? and b is {k} x {n}: rows of a need {k} entries")
    ca = (ct.c_double * (m * k))(*[x for row in a for x in row])
    cb = (ct.c_double * (k * n))(*[x for row in b for x in row])
    cc = (ct.c_double * (m * n))()
    lib.cblas_dgemm(ROW_MAJOR, NO_TRANS, NO_TRANS, m, n, k, 1.0, ca, max(k, 1), cb,
                    max(n, 1), 0.0, cc, max(n, 1))
    return [list(cc[i * n:(i + 1) * n]) for i in range(m)]


def main():
    lib = load()
    rng = random.Random(7)
    for m, k, n in [(1, 1, 1), (3, 4, 5), (37, 29, 41), (120, 80, 100)]:
        a = [[rng.uniform(-1, 1) for _ in range(k)] for _ in range(m)]
        b = [[rng.uniform(-1, 1) for _ in range(n)] for _ in range(k)]
        c = matmul(lib, a, b)
        for i in range(m):
            for j in range(n):
                want = sum(a[i][p] * b[p][j] for p in range(k))
                assert abs(c[i][j] - want) <= 1e-12 * (1 + abs(want)), (m, k, n, i, j)
    impl = platform.python_implementation()
    print(f"ctypes_matmul_lists: ok on {impl} {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
