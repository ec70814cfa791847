"""hpc.cuda: argument errors come before the GPU is touched, a missing GPU is a CudaError, and
(on a machine with a GPU) both backends agree with NumPy."""

import numpy as np
import pytest

import hpc


def test_is_available_is_a_bool_and_config_agrees():
    assert isinstance(hpc.cuda.is_available(), bool)
    assert hpc.config()["cuda"] == hpc.cuda.is_available()


def test_arguments_are_checked_before_the_gpu():
    with pytest.raises(hpc.ShapeError, match=r"a has shape \(2, 3\) and b has shape \(2, 2\)"):
        hpc.cuda.matmul(np.ones((2, 3)), np.ones((2, 2)))
    with pytest.raises(hpc.DTypeError, match="float32 but b is float64"):
        hpc.cuda.matmul(np.ones((2, 2), np.float32), np.ones((2, 2)))
    with pytest.raises(ValueError, match="backend must be"):
        hpc.cuda.matmul(np.ones((2, 2)), np.ones((2, 2)), backend="magic")
    with pytest.raises(hpc.ShapeError, match="must be 2-D"):
        hpc.cuda.matmul(np.ones(3), np.ones((3, 3)))


@pytest.mark.skipif(hpc.cuda.is_available(), reason="a GPU is present: the no-GPU error cannot be observed")
def test_without_a_gpu_matmul_raises_cuda_error():
    with pytest.raises(hpc.CudaError) as info:
        hpc.cuda.matmul(np.ones((2, 2)), np.ones((2, 2)))
    assert isinstance(info.value, RuntimeError) and isinstance(info.value, hpc.HpcError)
    assert "CUDA" in str(info.value) or "LD_LIBRARY_PATH" in str(info.value)


@pytest.mark.skipif(not hpc.cuda.is_available(), reason="no usable GPU on this machine")
@pytest.mark.parametrize("backend", ["tiled", "cublas"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gpu_matmul_matches_numpy(backend, dtype):
    rng = np.random.default_rng(5)
    for m, k, n in [(1, 1, 1), (17, 33, 9), (129, 130, 131), (512, 256, 384)]:
        a = rng.standard_normal((k, m)).astype(dtype).T  # a transposed view
        b = rng.standard_normal((k, 2 * n)).astype(dtype)[:, ::2]  # a stepped view
        got = hpc.cuda.matmul(a, b, backend=backend)
        tol = 1e-4 if dtype == np.float32 else 1e-11
        np.testing.assert_allclose(got, a @ b, rtol=tol, atol=tol * k)
