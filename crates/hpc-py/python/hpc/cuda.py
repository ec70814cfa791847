"""hpc.cuda: matrix products on an NVIDIA GPU, for NumPy arrays.

The operands are copied to the device (any strides) and the result back; the GIL is released
meanwhile. ``backend="tiled"`` runs hpc's own CUDA kernel, ``backend="cublas"`` cuBLAS (FP32 is
computed in FP32, never TF32). Without a usable GPU, ``is_available()`` is False and
``matmul`` raises ``hpc.CudaError`` saying what was looked for.
"""

from typing import Any

import numpy as np

from . import _hpc
from ._errors import CudaError

__all__ = ["is_available", "matmul", "CudaError"]


def is_available() -> bool:
    """Whether the CUDA libraries load and a GPU can be opened."""
    return _hpc.cuda_is_available()


def matmul(a: Any, b: Any, *, backend: str = "tiled") -> np.ndarray:
    """``a @ b`` on the GPU for 2-D float32/float64 arrays (lists are converted)."""
    a = a if isinstance(a, np.ndarray) else np.asarray(a)
    b = b if isinstance(b, np.ndarray) else np.asarray(b)
    return _hpc.cuda_matmul(a, b, backend)
