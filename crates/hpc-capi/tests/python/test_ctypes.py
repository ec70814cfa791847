"""The ctypes route into hpc's C library, checked against NumPy.

Loads the library named by HPC_BLAS_LIB with ctypes.CDLL, declares argtypes/restype, and
multiplies NumPy arrays through cblas_dgemm (row- and column-major), cblas_zgemm, and the
native hpc_dgemm / hpc_zgemm with NumPy's own strides (transposed views, slices with steps,
negative strides), then checks the status codes of bad calls. Run by `cargo xtask test`;
exits nonzero on the first failed check.
"""

import ctypes as ct
import os
import sys

import numpy as np

lib = ct.CDLL(os.environ["HPC_BLAS_LIB"])

ROW, COL = 101, 102
NO_TRANS, TRANS, CONJ_TRANS = 111, 112, 113
dptr = ct.POINTER(ct.c_double)
i32 = ct.c_int

lib.cblas_dgemm.argtypes = [i32, i32, i32, i32, i32, i32, ct.c_double, dptr, i32, dptr, i32,
                            ct.c_double, dptr, i32]
lib.cblas_dgemm.restype = None
lib.cblas_zgemm.argtypes = [i32, i32, i32, i32, i32, i32, ct.c_void_p, ct.c_void_p, i32,
                            ct.c_void_p, i32, ct.c_void_p, ct.c_void_p, i32]
lib.cblas_zgemm.restype = None
native = [i32, i32, ct.c_size_t, ct.c_size_t, ct.c_size_t]
strided = [ct.c_ssize_t, ct.c_ssize_t]
lib.hpc_dgemm.argtypes = (native + [ct.c_double, ct.c_void_p] + strided + [ct.c_void_p]
                          + strided + [ct.c_double, ct.c_void_p] + strided)
lib.hpc_dgemm.restype = ct.c_int
lib.hpc_zgemm.argtypes = (native + [ct.c_void_p, ct.c_void_p] + strided + [ct.c_void_p]
                          + strided + [ct.c_void_p, ct.c_void_p] + strided)
lib.hpc_zgemm.restype = ct.c_int
lib.hpc_last_error.restype = ct.c_char_p
lib.hpc_status_string.argtypes = [i32]
lib.hpc_status_string.restype = ct.c_char_p

checks = 0


def check(ok, what):
    global checks
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        sys.exit(1)
    checks += 1


def p(a):
    return a.ctypes.data_as(dptr)


rng = np.random.default_rng(7)
m, n, k = 37, 29, 41
a = rng.standard_normal((m, k))
b = rng.standard_normal((k, n))
want = a @ b

c = np.full((m, n), np.nan)
lib.cblas_dgemm(ROW, NO_TRANS, NO_TRANS, m, n, k, 1.0, p(a), k, p(b), n, 0.0, p(c), n)
check(np.allclose(c, want, rtol=1e-12, atol=1e-12), "cblas_dgemm row-major (C full of NaN, beta = 0)")

af, bf = np.asfortranarray(a), np.asfortranarray(b)
cf = np.asfortranarray(np.ones((m, n)))
lib.cblas_dgemm(COL, NO_TRANS, NO_TRANS, m, n, k, 2.0, p(af), m, p(bf), k, -1.0, p(cf), m)
check(np.allclose(cf, 2 * want - 1, rtol=1e-12, atol=1e-12), "cblas_dgemm column-major, alpha 2, beta -1")

za = (rng.standard_normal((m, k)) + 1j * rng.standard_normal((m, k)))
zb = (rng.standard_normal((m, n)) + 1j * rng.standard_normal((m, n)))
zc = np.zeros((k, n), dtype=np.complex128)
alpha, beta = np.array([1 - 2j]), np.array([0j])
lib.cblas_zgemm(ROW, CONJ_TRANS, NO_TRANS, k, n, m, alpha.ctypes.data, za.ctypes.data, k,
                zb.ctypes.data, n, beta.ctypes.data, zc.ctypes.data, n)
check(np.allclose(zc, (1 - 2j) * za.conj().T @ zb, rtol=1e-12, atol=1e-12), "cblas_zgemm row-major A^H B")


def strides(x):
    """NumPy's byte strides as element strides."""
    return [s // x.itemsize for s in x.strides]


def hpc_dgemm(x, y, out, alpha=1.0, beta=0.0):
    """out <- alpha x y + beta out on whatever strides the views have."""
    mm, kk = x.shape
    nn = y.shape[1]
    return lib.hpc_dgemm(0, 0, mm, nn, kk, alpha, x.ctypes.data, *strides(x), y.ctypes.data,
                         *strides(y), beta, out.ctypes.data, *strides(out))


big = rng.standard_normal((80, 90))
views = {
    "transposed": (big[:40, :50].T, big[:40, 50:75]),
    "sliced with steps": (big[::2, ::3][:20, :15], big[1::4, 2::5][:15, :12]),
    "negative strides": (big[::-1, ::-2][:30, :20], big[-1:-41:-2, 10:30][:20, :18]),
}
for name, (x, y) in views.items():
    out = np.empty((x.shape[0], y.shape[1]))
    s = hpc_dgemm(x, y, out)
    check(s == 0 and np.allclose(out, x @ y, rtol=1e-12, atol=1e-12), f"hpc_dgemm on {name} views")

outT = np.zeros((12, 15)).T  # a column-major output view
x, y = big[:15, :7], big[20:27, :12]
check(hpc_dgemm(x, y, outT) == 0 and np.allclose(outT, x @ y), "hpc_dgemm into a transposed output")

zx = za[::3, ::-2]
zy = zb[::-1, ::2][: zx.shape[1]]
zo = np.zeros((zx.shape[0], zy.shape[1]), dtype=np.complex128)
al, be = np.array([2 + 1j]), np.array([0j])
s = lib.hpc_zgemm(0, 0, zx.shape[0], zy.shape[1], zx.shape[1], al.ctypes.data, zx.ctypes.data,
                  *strides(zx), zy.ctypes.data, *strides(zy), be.ctypes.data, zo.ctypes.data,
                  *strides(zo))
check(s == 0 and np.allclose(zo, (2 + 1j) * zx @ zy, rtol=1e-12, atol=1e-12), "hpc_zgemm on strided complex views")

# Errors come back as values, with a message.
x = np.ones((4, 4))
s = hpc_dgemm(x, x, x)
check(s == 3 and b"overlaps" in lib.hpc_last_error(), "output overlapping an input: status 3 (HPC_ERR_OVERLAP)")
check(lib.hpc_status_string(s) == b"the output overlaps an input", "hpc_status_string(3)")
s = lib.hpc_dgemm(5, 0, 2, 2, 2, 1.0, x.ctypes.data, 4, 1, x.ctypes.data, 4, 1, 0.0,
                  np.empty((2, 2)).ctypes.data, 2, 1)
check(s == 2 and b"trans_a" in lib.hpc_last_error(), "unknown trans_a: status 2 (HPC_ERR_INVALID_ARGUMENT)")
s = lib.hpc_dgemm(0, 0, 2, 2, 2, 1.0, None, 2, 1, x.ctypes.data, 4, 1, 0.0,
                  np.empty((2, 2)).ctypes.data, 2, 1)
check(s == 1, "null A: status 1 (HPC_ERR_NULL_POINTER)")

print(f"{checks} ctypes checks passed")
