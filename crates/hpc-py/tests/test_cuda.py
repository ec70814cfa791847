"""hpc.cuda: argument errors come before the GPU is touched, a missing GPU is a CudaError, and
(on a machine with a GPU) both backends agree with NumPy."""

import os

import numpy as np
import pytest

import hpc


def test_a_required_gpu_is_found():
    # `cargo xtask test` sets HPC_REQUIRE_GPU where nvidia-smi finds a GPU: the GPU tests below
    # would otherwise skip (and pass) on a machine whose GPU hpc fails to open.
    if not os.environ.get("HPC_REQUIRE_GPU"):
        pytest.skip("HPC_REQUIRE_GPU is not set: the GPU tests may skip where none is usable")
    assert hpc.cuda.is_available(), "HPC_REQUIRE_GPU is set but hpc.cuda finds no usable GPU"


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


def test_stack_arguments_are_checked_before_the_gpu():
    with pytest.raises(hpc.ShapeError, match=r"the stacks of a \(2,\) and b \(3,\) do not broadcast"):
        hpc.cuda.matmul(np.ones((2, 3, 4)), np.ones((3, 4, 5)))
    with pytest.raises(hpc.ShapeError, match=r"a has shape \(2, 3, 4\) and b has shape \(5, 5\)"):
        hpc.cuda.matmul(np.ones((2, 3, 4)), np.ones((5, 5)))
    with pytest.raises(hpc.ShapeError, match="must have 2 or more dimensions"):
        hpc.cuda.matmul(np.ones((2, 3, 4)), np.ones(4))
    with pytest.raises(hpc.DTypeError, match="float32 but b is float64"):
        hpc.cuda.matmul(np.ones((2, 2, 2), np.float32), np.ones((2, 2, 2)))
    with pytest.raises(hpc.DTypeError, match='needs backend="cublas"'):
        hpc.cuda.matmul(np.ones((2, 2, 2), np.complex64), np.ones((2, 2, 2), np.complex64))


class FakeDevice:
    """An object with a __cuda_array_interface__ (nothing is dereferenced before the checks)."""

    def __init__(self, shape, typestr="<f8", strides=None, data=1 << 20):
        self.__cuda_array_interface__ = {
            "shape": shape,
            "typestr": typestr,
            "data": (data, False),
            "strides": strides,
            "version": 3,
        }


def test_device_operands_are_read_as_column_major_or_transposed():
    op = hpc.cuda._device_operand
    # Fortran-contiguous 3 x 4 float64: column-major, ld 3.
    assert op(FakeDevice((3, 4), strides=(8, 24)), "a") == ("float64", (1 << 20, 3, 4, 3, False))
    # C-contiguous (strides None): the transpose of a column-major 4 x 3 with ld 4.
    assert op(FakeDevice((3, 4)), "a") == ("float64", (1 << 20, 4, 3, 4, True))
    # A column slice of a wider Fortran array: ld 10.
    assert op(FakeDevice((3, 4), "<f4", (4, 40)), "a") == ("float32", (1 << 20, 3, 4, 10, False))
    # Transposed view of a C-contiguous complex array.
    assert op(FakeDevice((5, 2), "<c16", (16, 160)), "b") == ("complex128", (1 << 20, 5, 2, 10, False))
    # One column or one row: any step along the other axis.
    assert op(FakeDevice((4, 1), "<c8", (8, 8)), "a") == ("complex64", (1 << 20, 4, 1, 4, False))
    assert op(FakeDevice((1, 4), "<f8", (32, 8)), "a")[1][1:3] == (1, 4)


def test_device_operand_errors_name_the_problem():
    op = hpc.cuda._device_operand
    with pytest.raises(hpc.ShapeError, match="must be 2-D"):
        op(FakeDevice((3,)), "a")
    with pytest.raises(hpc.DTypeError, match="typestr '<i4'"):
        op(FakeDevice((2, 2), "<i4"), "a")
    with pytest.raises(hpc.DTypeError, match="byte order"):
        op(FakeDevice((2, 2), ">f8"), "a")
    for strides in [(16, 48), (-8, 24), (8, 0), (4, 24)]:
        with pytest.raises(hpc.LayoutError, match="strides"):
            op(FakeDevice((3, 4), strides=strides), "b")


def test_device_matmul_checks_before_the_gpu():
    with pytest.raises(hpc.LayoutError, match="one operand is on the GPU"):
        hpc.cuda.matmul(FakeDevice((2, 2)), np.ones((2, 2)))
    with pytest.raises(hpc.DTypeError, match="a is float64 and b is float32"):
        hpc.cuda.matmul(FakeDevice((2, 2)), FakeDevice((2, 2), "<f4"))
    with pytest.raises(hpc.ShapeError, match=r"a has shape \(2, 3\) and b has shape \(2, 2\)"):
        hpc.cuda.matmul(FakeDevice((2, 3)), FakeDevice((2, 2)))
    with pytest.raises(hpc.DTypeError, match='needs backend="cublas"'):
        hpc.cuda.matmul(FakeDevice((2, 2), "<c16"), FakeDevice((2, 2), "<c16"))
    with pytest.raises(hpc.DTypeError, match='needs backend="cublas"'):
        hpc.cuda.matmul(np.ones((2, 2), np.complex64), np.ones((2, 2), np.complex64))


@pytest.mark.skipif(hpc.cuda.is_available(), reason="a GPU is present: the no-GPU error cannot be observed")
def test_without_a_gpu_matmul_raises_cuda_error():
    with pytest.raises(hpc.CudaError) as info:
        hpc.cuda.matmul(np.ones((2, 2)), np.ones((2, 2)))
    assert isinstance(info.value, RuntimeError) and isinstance(info.value, hpc.HpcError)
    assert "CUDA" in str(info.value) or "LD_LIBRARY_PATH" in str(info.value)


@pytest.mark.skipif(not hpc.cuda.is_available(), reason="no usable GPU on this machine")
@pytest.mark.parametrize("backend", ["tiled", "cublas"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128])
def test_gpu_matmul_matches_numpy(backend, dtype):
    if backend == "tiled" and np.dtype(dtype).kind == "c":
        pytest.skip("the tiled kernels are real; complex runs on cuBLAS (tested with it)")
    rng = np.random.default_rng(5)
    for m, k, n in [(1, 1, 1), (17, 33, 9), (129, 130, 131), (512, 256, 384)]:
        def rand(shape):
            x = rng.standard_normal(shape)
            if np.dtype(dtype).kind == "c":
                x = x + 1j * rng.standard_normal(shape)
            return x.astype(dtype)

        a = rand((k, m)).T  # a transposed view
        b = rand((k, 2 * n))[:, ::2]  # a stepped view
        got = hpc.cuda.matmul(a, b, backend=backend)
        tol = 1e-4 if dtype in (np.float32, np.complex64) else 1e-11
        np.testing.assert_allclose(got, a @ b, rtol=tol, atol=tol * k)


@pytest.mark.skipif(not hpc.cuda.is_available(), reason="no usable GPU on this machine")
@pytest.mark.parametrize("backend", ["tiled", "cublas"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex128])
def test_gpu_stacks_match_numpy(backend, dtype):
    if backend == "tiled" and np.dtype(dtype).kind == "c":
        pytest.skip("the tiled kernels are real; complex runs on cuBLAS (tested with it)")
    rng = np.random.default_rng(6)

    def rand(shape):
        x = rng.standard_normal(shape)
        if np.dtype(dtype).kind == "c":
            x = x + 1j * rng.standard_normal(shape)
        return x.astype(dtype)

    tol = 1e-4 if dtype == np.float32 else 1e-11
    for sa, sb in [((5, 17, 33), (5, 33, 9)), ((3, 1, 8, 4), (2, 4, 6)), ((6, 20, 7), (7, 3)),
                   ((4, 4), (2, 3, 4, 5)), ((0, 3, 4), (4, 2)), ((70000, 2, 2), (2, 2))]:
        a, b = rand(sa), rand(sb)
        got = hpc.cuda.matmul(a, b, backend=backend)
        want = np.matmul(a, b)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol * sa[-1])


cupy = None
if hpc.cuda.is_available():
    try:
        import cupy  # type: ignore[no-redef]
    except ImportError:
        cupy = None


@pytest.mark.skipif(cupy is None, reason="no usable GPU, or CuPy is not installed")
@pytest.mark.parametrize("backend", ["tiled", "cublas"])
def test_cupy_arrays_in_place_and_back(backend):
    rng = np.random.default_rng(9)
    for dtype in [np.float32, np.float64]:
        a = rng.standard_normal((130, 70)).astype(dtype)
        b = rng.standard_normal((90, 70)).astype(dtype)
        da, db = cupy.asarray(a), cupy.asfortranarray(cupy.asarray(b)).T  # C order, transposed F
        dc = hpc.cuda.matmul(da, db, backend=backend)
        assert isinstance(dc, hpc.cuda.DeviceArray) and dc.shape == (130, 90)
        as_cupy = cupy.asarray(dc)  # zero-copy through __cuda_array_interface__
        assert as_cupy.data.ptr == dc.__cuda_array_interface__["data"][0]
        tol = 1e-4 if dtype == np.float32 else 1e-11
        np.testing.assert_allclose(cupy.asnumpy(as_cupy), a @ b.T, rtol=tol, atol=tol * 70)
        np.testing.assert_allclose(dc.get(), a @ b.T, rtol=tol, atol=tol * 70)
