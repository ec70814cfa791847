"""hpc.cuda: matrix products on an NVIDIA GPU.

``matmul(a, b)`` takes either

- two NumPy arrays (or lists): they are copied to the device (any strides) and the result is
  copied back into a new NumPy array; stacks of matrices (more than 2 dimensions) broadcast
  as in ``numpy.matmul`` and run as one batched call (cuBLAS's strided-batched GEMM, or hpc's
  kernel over the grid's z dimension), one matrix for the whole stack sent once; or
- two arrays already on the GPU, from CuPy, PyTorch, Numba or anything else with a
  ``__cuda_array_interface__``: they are read in place (C- or Fortran-contiguous, or a
  transposed view of either), and the result is a :class:`DeviceArray` that stays on the
  device and exposes ``__cuda_array_interface__`` itself, so ``cupy.asarray(c)`` or
  ``torch.as_tensor(c, device="cuda")`` use it without a copy (keep ``c`` alive meanwhile).
  ``c.get()`` copies it to a NumPy array.

``backend="tiled"`` runs hpc's own CUDA kernels (float32 on the CUDA cores, float64 on the
FP64 tensor cores of sm_80 and later, still in full FP64), ``backend="cublas"``
cuBLAS (also complex64 and complex128; FP32 is computed in FP32, never TF32). The GIL is
released while the GPU works. Without a usable GPU, ``is_available()`` is False and
``matmul`` raises ``hpc.CudaError`` saying what was looked for; argument errors are found
first and raise ``ShapeError``, ``DTypeError`` or ``LayoutError`` as on the CPU.
"""

import math
from typing import Any, Tuple, Union

import numpy as np

from . import _hpc
from ._errors import CudaError, DTypeError, LayoutError, ShapeError
from ._hpc import DeviceArray

__all__ = ["is_available", "matmul", "DeviceArray", "CudaError"]

_TYPES = {
    "f4": "float32",
    "f8": "float64",
    "c8": "complex64",
    "c16": "complex128",
}


def is_available() -> bool:
    """Whether the CUDA libraries load and a GPU can be opened."""
    return _hpc.cuda_is_available()


def _device_operand(x: Any, name: str) -> Tuple[str, Tuple[int, int, int, int, bool]]:
    """The dtype name and ``(address, rows, cols, ld, transposed)`` of a device array: the
    column-major matrix stored at ``address``, which ``x`` is (or is the transpose of)."""
    cai = x.__cuda_array_interface__
    if not isinstance(cai, dict):
        raise TypeError(f"cuda.matmul: {name}.__cuda_array_interface__ is not a dict")
    shape = tuple(int(s) for s in cai["shape"])
    if len(shape) != 2:
        raise ShapeError(f"cuda.matmul: {name} must be 2-D on the device, got shape {shape}")
    typestr = str(cai["typestr"])
    if typestr[:1] == ">" or typestr[1:] not in _TYPES:
        raise DTypeError(
            f"cuda.matmul: {name} has typestr {typestr!r}; hpc computes float32, float64, "
            "complex64 and complex128 in native byte order"
        )
    dtype = _TYPES[typestr[1:]]
    if cai.get("mask") is not None:
        raise LayoutError(f"cuda.matmul: {name} is a masked array")
    address = int(cai["data"][0])
    rows, cols = shape
    size = int(typestr[2:])
    strides = cai.get("strides")
    if strides is None:  # C-contiguous: the transpose of a column-major cols x rows
        strides = (cols * size, size)
    s0, s1 = (int(s) for s in strides)
    if s0 % size or s1 % size:
        raise LayoutError(f"cuda.matmul: {name} has strides {strides} not in whole elements")
    e0, e1 = s0 // size, s1 // size
    # Column-major: unit row step (irrelevant for one row), leading dimension e1 (irrelevant
    # for one column).
    ld = e1 if cols > 1 else max(rows, 1)
    if (e0 == 1 or rows == 1) and ld >= max(rows, 1):
        return dtype, (address, rows, cols, ld, False)
    # Row-major: the transpose of a column-major cols x rows with leading dimension e0.
    ld = e0 if rows > 1 else max(cols, 1)
    if (e1 == 1 or cols == 1) and ld >= max(cols, 1):
        return dtype, (address, cols, rows, ld, True)
    raise LayoutError(
        f"cuda.matmul: {name} has shape {shape} and strides {tuple(strides)}; hpc reads a "
        "C- or Fortran-contiguous device array or a transposed view of one (copy it with "
        "cupy.ascontiguousarray or tensor.contiguous())"
    )


def _stacked(a: np.ndarray, b: np.ndarray, backend: str) -> np.ndarray:
    """``a @ b`` for NumPy stacks (the dimensions before the last two broadcast, as in
    ``numpy.matmul``): one batched call on the GPU."""
    for x, name in ((a, "a"), (b, "b")):
        if x.ndim < 2:
            raise ShapeError(
                f"cuda.matmul: {name} must have 2 or more dimensions, but has shape {x.shape}"
            )
    if a.shape[-1] != b.shape[-2]:
        raise ShapeError(
            f"cuda.matmul: a has shape {a.shape} and b has shape {b.shape}; the last dimension "
            f"of a ({a.shape[-1]}) must equal the second-to-last of b ({b.shape[-2]})"
        )
    try:
        stack = tuple(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]))
    except ValueError:
        raise ShapeError(
            f"cuda.matmul: the stacks of a {a.shape[:-2]} and b {b.shape[:-2]} do not broadcast"
        ) from None
    count = math.prod(stack)

    def flat(x: np.ndarray) -> np.ndarray:
        # One matrix for the whole stack stays one (repeated on the device, not copied).
        if math.prod(x.shape[:-2]) == 1 and count != 0:
            return x.reshape((1,) + x.shape[-2:])
        return np.broadcast_to(x, stack + x.shape[-2:]).reshape((count,) + x.shape[-2:])

    c = _hpc.cuda_matmul_stack(flat(a), flat(b), backend)  # (count, n, m)
    m, n = a.shape[-2], b.shape[-1]
    return c.transpose(0, 2, 1).reshape(stack + (m, n))


def matmul(a: Any, b: Any, *, backend: str = "tiled") -> Union[np.ndarray, DeviceArray]:
    """``a @ b`` on the GPU: NumPy in, NumPy out (2-D, or stacks of matrices that broadcast as
    in ``numpy.matmul``, one batched call); device arrays (2-D) in, device array out."""
    on_a = hasattr(a, "__cuda_array_interface__")
    on_b = hasattr(b, "__cuda_array_interface__")
    if on_a or on_b:
        if not (on_a and on_b):
            raise LayoutError(
                "cuda.matmul: one operand is on the GPU and the other is not; pass both as "
                "device arrays or both as NumPy arrays"
            )
        ta, oa = _device_operand(a, "a")
        tb, ob = _device_operand(b, "b")
        if ta != tb:
            raise DTypeError(
                f"cuda.matmul: a is {ta} and b is {tb}; hpc does not mix or promote dtypes"
            )
        return _hpc.cuda_matmul_device(ta, oa, ob, backend)
    a = a if isinstance(a, np.ndarray) else np.asarray(a)
    b = b if isinstance(b, np.ndarray) else np.asarray(b)
    if a.ndim > 2 or b.ndim > 2:
        return _stacked(a, b, backend)
    return _hpc.cuda_matmul(a, b, backend)
