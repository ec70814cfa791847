"""Stacks of matrices: N-D `hpc.matmul` with NumPy's broadcasting, and `hpc.gemm` on stacks,
against NumPy and bitwise against hpc's own single products."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hpc
from conftest import DTYPES, LAYOUTS, TOL, rand


def close(got, want, dtype):
    np.testing.assert_allclose(got, want, **TOL[dtype])


# (a's shape, b's shape): stacks that broadcast, 1-D operands among stacks, empty stacks.
SHAPES = [
    ((2, 3, 4), (2, 4, 5)),
    ((3, 4), (6, 4, 2)),
    ((6, 3, 4), (4, 2)),
    ((2, 1, 3, 4), (5, 4, 2)),
    ((1, 3, 3, 4), (2, 1, 4, 5)),
    ((4,), (3, 4, 5)),
    ((2, 3, 4), (4,)),
    ((7, 1, 4), (7, 4, 1)),
    ((0, 3, 4), (4, 5)),
    ((2, 3, 0), (2, 0, 5)),
    ((2, 0, 4), (1, 4, 3)),
    ((2, 2, 2, 3, 4), (2, 2, 4, 2)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sa,sb", SHAPES)
def test_matmul_stacks_match_numpy(dtype, sa, sb, rng):
    a, b = rand(sa, dtype, rng), rand(sb, dtype, rng)
    got, want = hpc.matmul(a, b), np.matmul(a, b)
    assert got.shape == want.shape and got.dtype == want.dtype
    close(got, want, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.complex64])
@pytest.mark.parametrize("la,lb", list(itertools.product(LAYOUTS, repeat=2)))
def test_matmul_stacks_any_layout(dtype, la, lb, rng):
    a, b = rand((3, 5, 4), dtype, rng, la), rand((3, 4, 6), dtype, rng, lb)
    close(hpc.matmul(a, b), a @ b, dtype)


def test_matmul_broadcast_views_in_place(rng):
    # np.broadcast_to gives stride 0 along the stack: read in place, never copied.
    a = np.broadcast_to(rand((3, 4), np.float64, rng), (5, 3, 4))
    b = rand((5, 4, 2), np.float64, rng)
    assert a.strides[0] == 0
    close(hpc.matmul(a, b), a @ b, np.float64)
    # A stack whose dimensions cannot merge: one operand repeats along the middle one.
    a = rand((4, 1, 3, 2), np.float64, rng)
    b = rand((4, 5, 2, 3), np.float64, rng)[:, ::2]
    close(hpc.matmul(a, b), a @ b, np.float64)


@pytest.mark.parametrize("dtype", DTYPES)
def test_matmul_stack_is_bitwise_the_single_products(dtype, rng):
    a, b = rand((9, 7, 5), dtype, rng, "stepped"), rand((5, 6), dtype, rng)
    got = hpc.matmul(a, b)
    for threads in (1, 2, 3):
        hpc.set_num_threads(threads)
        try:
            again = hpc.matmul(a, b)
            singles = np.stack([hpc.matmul(a[i], b) for i in range(9)])
        finally:
            hpc.set_num_threads(0)
        assert np.array_equal(again, got)
        assert np.array_equal(singles, got)


def test_matmul_out_stacks(rng):
    a, b = rand((4, 3, 5), np.float64, rng), rand((4, 5, 2), np.float64, rng)
    big = np.full((4, 2, 7), np.nan)
    out = big[:, :, 1:7:2].transpose(0, 2, 1)[::-1]  # (4, 3, 2), every stride unusual
    r = hpc.matmul(a, b, out=out)
    assert r is out
    close(out, a @ b, np.float64)
    assert np.isnan(big[:, :, 0]).all(), "elements outside out were written"
    # 1-D b: out has the stack's shape without the dropped dimension.
    out = np.empty((4, 3))
    hpc.matmul(a, b[:, :, 0].copy()[0], out=out)
    close(out, a @ b[0, :, 0], np.float64)


def _repeated(shape, count):
    """A writeable stack of `count` views of one matrix (batch stride 0)."""
    z = np.zeros(shape)
    return np.lib.stride_tricks.as_strided(z, (count,) + shape, (0,) + z.strides)


def test_matmul_stack_errors():
    with pytest.raises(hpc.ShapeError, match=r"the stacks of a \(2,\) and b \(3,\) do not broadcast"):
        hpc.matmul(np.ones((2, 3, 4)), np.ones((3, 4, 5)))
    with pytest.raises(hpc.ShapeError, match=r"a has shape \(2, 3, 4\) and b has shape \(2, 5, 5\)"):
        hpc.matmul(np.ones((2, 3, 4)), np.ones((2, 5, 5)))
    with pytest.raises(hpc.ShapeError, match=r"out has shape \(2, 3, 5\), but the result has shape \(2, 2, 3, 5\)"):
        hpc.matmul(np.ones((2, 2, 3, 4)), np.ones((4, 5)), out=np.ones((2, 3, 5)))
    with pytest.raises(hpc.DTypeError, match="out is float32"):
        hpc.matmul(np.ones((2, 3, 4)), np.ones((4, 5)), out=np.ones((2, 3, 5), np.float32))
    with pytest.raises(hpc.LayoutError, match="several elements at one address"):
        hpc.matmul(np.ones((2, 3, 4)), np.ones((4, 5)), out=_repeated((3, 5), 2))
    with pytest.raises(hpc.ShapeError, match="is 0-D"):
        hpc.matmul(np.ones((2, 3, 4)), np.float64(2.0))
    x = np.ones((2, 3, 3))
    with pytest.raises(hpc.LayoutError, match="out overlaps the input a"):
        hpc.matmul(x, np.ones((3, 3)), out=x[::-1])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("trans_a,conj_a,trans_b,conj_b", [
    (False, False, False, False), (True, False, False, False), (False, False, True, True),
    (True, True, True, False), (False, True, False, True),
])
def test_gemm_stacks(dtype, trans_a, conj_a, trans_b, conj_b, rng):
    if np.dtype(dtype).kind != "c" and (conj_a or conj_b):
        pytest.skip("conjugation of a real matrix is the same product; covered by the complex dtypes")
    def op(x, t, c):
        x = np.conj(x) if c else x
        return np.swapaxes(x, -1, -2) if t else x
    m, k, n = 4, 3, 5
    a = rand((6, k, m) if trans_a else (6, m, k), dtype, rng, "negative")
    b = rand((n, k) if trans_b else (k, n), dtype, rng)  # one b for the whole stack
    c = rand((6, m, n), dtype, rng, "F")
    c0 = c.copy()
    alpha, beta = (1.5 - 0.5j, -2.0) if np.dtype(dtype).kind == "c" else (1.5, -2.0)
    r = hpc.gemm(a, b, c, alpha=alpha, beta=beta, trans_a=trans_a, trans_b=trans_b, conj_a=conj_a, conj_b=conj_b)
    assert r is c
    close(c, alpha * op(a, trans_a, conj_a) @ op(b, trans_b, conj_b) + beta * c0, dtype)
    new = hpc.gemm(a, b, alpha=alpha, trans_a=trans_a, trans_b=trans_b, conj_a=conj_a, conj_b=conj_b)
    close(new, alpha * op(a, trans_a, conj_a) @ op(b, trans_b, conj_b), dtype)


def test_gemm_stack_beta_zero_never_reads_c(rng):
    a, b = rand((3, 2, 4), np.float64, rng), rand((3, 4, 2), np.float64, rng)
    c = np.full((3, 2, 2), np.nan)
    hpc.gemm(a, b, c, beta=0.0)
    close(c, a @ b, np.float64)


def test_gemm_stack_errors():
    with pytest.raises(hpc.ShapeError, match=r"do not broadcast to the result's \(3,\)"):
        hpc.gemm(np.ones((2, 3, 4)), np.ones((4, 5)), np.ones((3, 3, 5)))
    with pytest.raises(hpc.ShapeError, match=r"the stacks of a \(2,\) and b \(3,\) do not broadcast"):
        hpc.gemm(np.ones((2, 3, 4)), np.ones((3, 4, 5)))
    with pytest.raises(hpc.ShapeError, match=r"op\(A\) is 3 x 4 but op\(B\) is 5 x 5: op\(B\) must have k = 4 rows \(shapes \(2, 3, 4\)"):
        hpc.gemm(np.ones((2, 3, 4)), np.ones((2, 5, 5)), np.ones((2, 3, 5)))
    with pytest.raises(hpc.ShapeError, match=r"b must have 2 or more dimensions"):
        hpc.gemm(np.ones((2, 3, 4)), np.ones(4))
    with pytest.raises(hpc.LayoutError, match="several elements at one address"):
        hpc.gemm(np.ones((2, 3, 4)), np.ones((4, 5)), _repeated((3, 5), 2))


@settings(max_examples=60, deadline=None)
@given(
    stack_a=st.lists(st.integers(1, 3), min_size=0, max_size=3),
    stack_b=st.lists(st.integers(1, 3), min_size=0, max_size=3),
    dims=st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 6)),
    one_d=st.sampled_from(["", "a", "b"]),
    seed=st.integers(0, 2**31),
)
def test_random_stacks(stack_a, stack_b, dims, one_d, seed):
    rng = np.random.default_rng(seed)
    # Broadcast-compatible stacks: each dimension of b equals a's or is 1.
    stack_b = [1 if rng.random() < 0.3 else x for x in stack_a[len(stack_a) - len(stack_b):]] if rng.random() < 0.7 else stack_b
    m, k, n = dims
    sa = (k,) if one_d == "a" else tuple(stack_a) + (m, k)
    sb = (k,) if one_d == "b" else tuple(stack_b) + (k, n)
    layouts = ["C", "stepped", "negative", "transposed"]
    a = rand(sa, np.float64, rng, layouts[seed % 4])
    b = rand(sb, np.float64, rng, layouts[(seed // 4) % 4])
    try:
        want = np.matmul(a, b)
    except ValueError:
        with pytest.raises(hpc.ShapeError):
            hpc.matmul(a, b)
        return
    got = hpc.matmul(a, b)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
