"""Every error path: the exception type (and its builtin base) and what the message says."""

import numpy as np
import pytest

import hpc


def raises(exc, match, f, *args, **kw):
    with pytest.raises(exc, match=match) as info:
        f(*args, **kw)
    assert isinstance(info.value, hpc.HpcError)
    return info.value


def test_hierarchy():
    assert issubclass(hpc.ShapeError, ValueError) and issubclass(hpc.ShapeError, hpc.HpcError)
    assert issubclass(hpc.DTypeError, TypeError) and issubclass(hpc.DTypeError, hpc.HpcError)
    assert issubclass(hpc.LayoutError, ValueError) and issubclass(hpc.LayoutError, hpc.HpcError)


def test_wrong_ndim():
    raises(ValueError, r"matmul: b is 0-D", hpc.matmul, np.ones((2, 2)), np.float64(1.0))
    raises(ValueError, r"a must have 2 or more dimensions, but has shape \(3,\)", hpc.gemm, np.ones(3), np.ones((3, 3)))
    raises(ValueError, r"x must be 1-D", hpc.nrm2, np.ones((2, 2)))
    raises(ValueError, r"a must be 2-D", hpc.gemv, np.ones(3), np.ones(3))


def test_mismatched_shapes():
    raises(ValueError, r"a has shape \(2, 3\) and b has shape \(4, 5\)", hpc.matmul, np.ones((2, 3)), np.ones((4, 5)))
    raises(ValueError, r"gemm: op\(A\) is 3 x 2 but op\(B\) is 3 x 3", hpc.gemm, np.ones((2, 3)), np.ones((3, 3)), trans_a=True)
    raises(ValueError, r"lengths differ", hpc.dot, np.ones(3), np.ones(4))
    raises(ValueError, r"a must be square", hpc.trsm, np.ones((2, 3)), np.ones((2, 2)))
    raises(ValueError, r"side='right' needs a of order 2", hpc.trmm, np.ones((3, 3)), np.ones((3, 2)), side="right")
    raises(ValueError, r"C is 2 x 2 but op\(A\) op\(B\) is 2 x 3", hpc.gemm, np.ones((2, 2)), np.ones((2, 3)), np.ones((2, 2)))
    raises(ValueError, r"iamax of an empty array", hpc.iamax, np.ones(0))


def test_wrong_dtypes():
    raises(TypeError, r"a has dtype int64; hpc computes on float32, float64", hpc.matmul, np.ones((2, 2), dtype=np.int64), np.ones((2, 2)))
    raises(TypeError, r"has dtype object", hpc.matmul, np.array([[1.0, None]], dtype=object), np.ones((2, 1)))
    raises(TypeError, r"a is float32 but b is float64: hpc does not mix dtypes", hpc.matmul, np.ones((2, 2), np.float32), np.ones((2, 2)))
    raises(TypeError, r"out is float32, but the result is float64", hpc.matmul, np.ones((2, 2)), np.ones((2, 2)), out=np.ones((2, 2), np.float32))
    raises(TypeError, r"alpha = \(1\+1j\) is complex but the operands are float64", hpc.gemm, np.ones((2, 2)), np.ones((2, 2)), alpha=1 + 1j)
    raises(TypeError, r"has dtype int64", hpc.matmul, [[1, 2]], [[3], [4]])


def test_read_only_out():
    out = np.zeros((2, 2))
    out.flags.writeable = False
    raises(ValueError, r"out is read-only", hpc.matmul, np.ones((2, 2)), np.ones((2, 2)), out=out)


def test_overlapping_out():
    a = np.ones((3, 3))
    raises(ValueError, r"out overlaps the input a in memory", hpc.matmul, a, np.ones((3, 3)), out=a)
    x = np.ones(4)
    raises(ValueError, r"y overlaps the input x", hpc.axpy, 1.0, x[::-1], x)


def test_out_repeating_elements():
    base = np.zeros(4)
    out = np.lib.stride_tricks.as_strided(base, shape=(2, 2), strides=(0, 8))
    raises(ValueError, r"several elements at one address", hpc.matmul, np.ones((2, 2)), np.ones((2, 2)), out=out)


def test_non_contiguous_out_is_fine():
    big = np.zeros((4, 6))
    out = big[::2, ::2]
    hpc.matmul(np.eye(2), np.full((2, 3), 2.0), out=out)
    assert np.all(big[::2, ::2] == 2.0) and np.all(big[1::2] == 0) and np.all(big[:, 1::2] == 0)


def test_strides_not_whole_elements():
    raw = np.zeros(17, dtype=np.uint8)[1:].view(np.float64)  # 2 elements, misaligned
    with pytest.raises(hpc.HpcError, match="not aligned|whole elements"):
        hpc.nrm2(raw)


def test_conj_without_trans():
    with pytest.raises(ValueError, match=r"conj=True needs trans=True"):
        hpc.gemv(np.ones((2, 2), complex), np.ones(2, complex), conj=True)


def test_extension_checks_too():
    # hpc's wrappers leave shape checks to the extension: calling it directly with bad input
    # is an error naming the routine, never a crash.
    from hpc import _hpc

    a = np.ones((2, 2))
    raises(ValueError, r"c overlaps the input a", _hpc.gemm, a, np.ones((2, 2)), a, (1.0, 0.0), (0.0, 0.0), False, False, False, False)
    raises(ValueError, r"op\(A\) is 2 x 3 but op\(B\) is 2 x 2: op\(B\) must have k = 3 rows", _hpc.gemm, np.ones((2, 3)), np.ones((2, 2)), np.ones((2, 2)), (1.0, 0.0), (0.0, 0.0), False, False, False, False)
    raises(TypeError, r"must be a NumPy array", _hpc.nrm2, [1.0, 2.0])
