"""Every function of hpc against NumPy, every dtype, every layout of every operand."""

import itertools

import numpy as np
import pytest

import hpc
from conftest import DTYPES, LAYOUTS, TOL, rand


def close(got, want, dtype):
    np.testing.assert_allclose(got, want, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("la,lb", list(itertools.product(LAYOUTS, repeat=2)))
def test_matmul_layouts(dtype, la, lb, rng):
    a, b = rand((7, 5), dtype, rng, la), rand((5, 9), dtype, rng, lb)
    got = hpc.matmul(a, b)
    assert got.dtype == dtype and got.shape == (7, 9)
    close(got, a @ b, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("m,k,n", [(0, 3, 4), (3, 0, 4), (3, 4, 0), (1, 1, 1), (1, 7, 1), (33, 65, 17)])
def test_matmul_shapes(dtype, m, k, n, rng):
    a, b = rand((m, k), dtype, rng), rand((k, n), dtype, rng)
    close(hpc.matmul(a, b), a @ b, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_matmul_one_dimensional_operands(dtype, rng):
    a, b, v, w = rand((4, 3), dtype, rng), rand((3, 5), dtype, rng), rand((3,), dtype, rng), rand((3,), dtype, rng)
    close(hpc.matmul(v, b), v @ b, dtype)
    close(hpc.matmul(a, v), a @ v, dtype)
    got = hpc.matmul(v, w)
    assert np.ndim(got) == 0
    close(got, v @ w, dtype)


def test_matmul_large(rng):
    a, b = rng.standard_normal((1100, 300)), rng.standard_normal((300, 1030))
    close(hpc.matmul(a, b), a @ b, np.float64)


def test_matmul_out_with_strides(rng):
    a, b = rng.standard_normal((6, 4)), rng.standard_normal((4, 5))
    big = np.zeros((12, 15))
    out = big[::2, ::3]
    r = hpc.matmul(a, b, out=out)
    assert r is out
    close(big[::2, ::3], a @ b, np.float64)
    assert np.all(big[1::2] == 0)


def test_lists_are_converted():
    got = hpc.matmul([[1.0, 2.0], [3.0, 4.0]], [[5.0], [6.0]])
    np.testing.assert_array_equal(got, [[17.0], [39.0]])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("trans_a,conj_a,trans_b,conj_b", list(itertools.product([False, True], repeat=4)))
def test_gemm_ops(dtype, trans_a, conj_a, trans_b, conj_b, rng):
    def op(x, t, c):
        x = x.T if t else x
        return x.conj() if c else x

    a = rand((6, 4) if trans_a else (4, 6), dtype, rng, "stepped")
    b = rand((5, 6) if trans_b else (6, 5), dtype, rng, "negative")
    c0 = rand((4, 5), dtype, rng, "F")
    alpha, beta = (0.5 - 1j, 2 + 0.5j) if np.dtype(dtype).kind == "c" else (0.5, -2.0)
    want = alpha * op(a, trans_a, conj_a) @ op(b, trans_b, conj_b) + beta * c0
    c = c0.copy(order="F")
    r = hpc.gemm(a, b, c, alpha=alpha, beta=beta, trans_a=trans_a, trans_b=trans_b, conj_a=conj_a, conj_b=conj_b)
    assert r is c
    close(c, want, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_beta_zero_never_reads_c(dtype, rng):
    a, b = rand((3, 4), dtype, rng), rand((4, 2), dtype, rng)
    c = np.full((3, 2), np.nan, dtype=dtype)
    hpc.gemm(a, b, c, beta=0.0)
    close(c, a @ b, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS[1:])
def test_level1(dtype, layout, rng):
    x, y = rand((2, 9), dtype, rng, layout)[0], rand((9, 2), dtype, rng, layout)[:, 1]
    close(hpc.dot(x, y), np.sum(x * y), dtype)
    close(hpc.vdot(x, y), np.vdot(x, y), dtype)
    close(hpc.nrm2(x), np.linalg.norm(x), dtype)
    close(hpc.asum(x), np.sum(np.abs(x.real) + np.abs(x.imag)), dtype)
    assert hpc.iamax(x) == int(np.argmax(np.abs(x.real) + np.abs(x.imag)))
    y0 = y.copy()
    alpha = 1.5 - 0.5j if np.dtype(dtype).kind == "c" else 1.5
    r = hpc.axpy(alpha, x, y)
    assert r is y
    close(y, alpha * x + y0, dtype)
    x0 = x.copy()
    hpc.scal(alpha, x)
    close(x, alpha * x0, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("trans,conj", [(False, False), (True, False), (True, True)])
def test_gemv(dtype, trans, conj, rng):
    a = rand((5, 7), dtype, rng, "stepped")
    opa = a.T.conj() if conj else a.T if trans else a
    x = rand((opa.shape[1],), dtype, rng, "negative")
    y0 = rand((opa.shape[0],), dtype, rng)
    y = y0.copy()
    hpc.gemv(a, x, y, alpha=2.0, beta=-1.0, trans=trans, conj=conj)
    close(y, 2.0 * opa @ x - y0, dtype)
    close(hpc.gemv(a, x, trans=trans, conj=conj), opa @ x, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("conj", [False, True])
def test_ger(dtype, conj, rng):
    x, y = rand((4,), dtype, rng), rand((6,), dtype, rng, "negative")
    a0 = rand((4, 6), dtype, rng, "F")
    a = a0.copy(order="F")
    hpc.ger(x, y, a, alpha=0.5, conj=conj)
    close(a, 0.5 * np.outer(x, y.conj() if conj else y) + a0, dtype)


def tri(n, dtype, rng, lower, layout="C"):
    t = rand((n, n), dtype, rng, layout)
    t += (n * np.eye(n)).astype(dtype)  # well conditioned
    return t


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lower,trans,unit", list(itertools.product([False, True], repeat=3)))
def test_trsv(dtype, lower, trans, unit, rng):
    a = tri(6, dtype, rng, lower, "transposed")
    t = np.tril(a) if lower else np.triu(a)
    if unit:
        np.fill_diagonal(t, 1)
    b = rand((6,), dtype, rng)
    x = hpc.trsv(a, b, lower=lower, trans=trans, unit_diagonal=unit)
    close((t.T if trans else t) @ x, b, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lower,trans", list(itertools.product([False, True], repeat=2)))
def test_syrk(dtype, lower, trans, rng):
    a = rand((4, 6) if trans else (6, 4), dtype, rng, "F")
    c0 = rand((6, 6), dtype, rng)
    c = c0.copy()
    hpc.syrk(a, c, alpha=2.0, beta=0.5, lower=lower, trans=trans)
    full = 2.0 * (a.T @ a if trans else a @ a.T) + 0.5 * c0
    keep = np.tril(np.ones((6, 6), bool)) if lower else np.triu(np.ones((6, 6), bool))
    close(c[keep], full[keep], dtype)
    np.testing.assert_array_equal(c[~keep], c0[~keep])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("side,lower,trans", list(itertools.product(["left", "right"], [False, True], [False, True])))
def test_trsm_trmm(dtype, side, lower, trans, rng):
    n = 5
    a = tri(n, dtype, rng, lower, "negative")
    t = np.tril(a) if lower else np.triu(a)
    opt = t.T if trans else t
    b = rand((n, 3) if side == "left" else (3, n), dtype, rng, "F")
    x = hpc.trsm(a, b, alpha=2.0, side=side, lower=lower, trans=trans)
    close(opt @ x if side == "left" else x @ opt, 2.0 * b, dtype)
    y = hpc.trmm(a, b, alpha=2.0, side=side, lower=lower, trans=trans)
    close(y, 2.0 * (opt @ b if side == "left" else b @ opt), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("side,lower", list(itertools.product(["left", "right"], [False, True])))
def test_symm(dtype, side, lower, rng):
    n = 6
    a = rand((n, n), dtype, rng, "stepped")
    s = np.tril(a) + np.tril(a, -1).T if lower else np.triu(a) + np.triu(a, 1).T
    b = rand((n, 4) if side == "left" else (4, n), dtype, rng)
    close(hpc.symm(a, b, side=side, lower=lower, alpha=1.5), 1.5 * (s @ b if side == "left" else b @ s), dtype)


def test_threads_and_config():
    old = hpc.get_num_threads()
    hpc.set_num_threads(1)
    assert hpc.get_num_threads() == 1
    hpc.set_num_threads(0)
    assert hpc.get_num_threads() == old
    cfg = hpc.config()
    assert cfg["version"] == hpc.__version__
    assert cfg["simd"] in ("avx512", "avx2", "scalar", "neon")
    assert cfg["threads"] >= 1 and isinstance(cfg["cuda"], bool)


@pytest.mark.parametrize("dtype", DTYPES)
def test_empty_operands(dtype, rng):
    e = np.zeros(0, dtype)
    assert hpc.dot(e, e) == 0 and hpc.vdot(e, e) == 0
    assert hpc.nrm2(e) == 0 and hpc.asum(e) == 0
    close(hpc.gemv(np.zeros((3, 0), dtype), e), np.zeros(3), dtype)
    y = np.full(3, 2, dtype)
    hpc.gemv(np.zeros((3, 0), dtype), e, y, beta=0.5)
    close(y, np.ones(3), dtype)
    assert hpc.gemv(np.zeros((0, 4), dtype), np.ones(4, dtype)).shape == (0,)
    assert hpc.ger(e, np.ones(2, dtype)).shape == (0, 2)
    close(hpc.syrk(np.zeros((3, 0), dtype)), np.zeros((3, 3)), dtype)
    assert hpc.syrk(np.zeros((0, 2), dtype)).shape == (0, 0)
    assert hpc.trsm(np.zeros((0, 0), dtype), np.zeros((0, 5), dtype)).shape == (0, 5)
    assert hpc.symm(np.zeros((0, 0), dtype), np.zeros((0, 2), dtype)).shape == (0, 2)
    close(hpc.gemm(np.zeros((2, 0), dtype), np.zeros((0, 3), dtype)), np.zeros((2, 3)), dtype)
