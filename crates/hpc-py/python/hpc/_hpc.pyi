# Type stub of the extension module hpc._hpc (crates/hpc-py/src); checked by mypy's stubtest.
# Scalars are passed as (re, im) pairs; trans codes are 0 (none), 1 (transpose), 2 (conjugate
# transpose). The public, NumPy-style API is in hpc/__init__.py.
from typing import Any, Dict, Optional, Tuple, final

import numpy as np

__all__ = [
    "__version__",
    "asum",
    "axpy",
    "cuda_is_available",
    "cuda_libraries_found",
    "cuda_matmul",
    "cuda_matmul_device",
    "cuda_matmul_stack",
    "DeviceArray",
    "dot",
    "gemm",
    "gemv",
    "ger",
    "get_num_threads",
    "iamax",
    "matmul",
    "nrm2",
    "scal",
    "set_num_threads",
    "simd_level",
    "symm",
    "syrk",
    "trmm",
    "trsv",
]
__version__: str

def simd_level() -> str: ...
def cuda_libraries_found() -> bool: ...
def cuda_is_available() -> bool: ...
def cuda_matmul(a: Any, b: Any, backend: str = "tiled") -> np.ndarray: ...
def cuda_matmul_stack(a: Any, b: Any, backend: str = "tiled") -> np.ndarray: ...
def cuda_matmul_device(
    dtype: str,
    a: Tuple[int, int, int, int, bool],
    b: Tuple[int, int, int, int, bool],
    backend: str = "tiled",
) -> DeviceArray: ...
@final
class DeviceArray:
    """A matrix on the GPU computed by hpc (column-major), with __cuda_array_interface__."""

    @property
    def shape(self) -> Tuple[int, int]: ...
    @property
    def dtype(self) -> str: ...
    @property
    def __cuda_array_interface__(self) -> Dict[str, Any]: ...
    def get(self) -> np.ndarray: ...

def get_num_threads() -> int: ...
def set_num_threads(n: int) -> None: ...
def matmul(a: Any, b: Any, *, out: Optional[np.ndarray] = None) -> Any:
    """a @ b as numpy.matmul computes it (stacks broadcast, 1-D operands promoted); into out if given."""

def gemm(
    a: np.ndarray,
    b: np.ndarray,
    c: np.ndarray,
    alpha: Tuple[float, float],
    beta: Tuple[float, float],
    trans_a: bool,
    trans_b: bool,
    conj_a: bool,
    conj_b: bool,
) -> None: ...
def dot(x: np.ndarray, y: np.ndarray, conj: bool) -> Any: ...
def axpy(alpha: Tuple[float, float], x: np.ndarray, y: np.ndarray) -> None: ...
def scal(alpha: Tuple[float, float], x: np.ndarray) -> None: ...
def nrm2(x: np.ndarray) -> Any: ...
def asum(x: np.ndarray) -> Any: ...
def iamax(x: np.ndarray) -> Optional[int]: ...
def gemv(
    a: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    alpha: Tuple[float, float],
    beta: Tuple[float, float],
    trans_code: int,
) -> None: ...
def ger(
    alpha: Tuple[float, float], x: np.ndarray, y: np.ndarray, a: np.ndarray, conj: bool
) -> None: ...
def trsv(a: np.ndarray, x: np.ndarray, lower: bool, trans_code: int, unit: bool) -> None: ...
def syrk(
    a: np.ndarray,
    c: np.ndarray,
    alpha: Tuple[float, float],
    beta: Tuple[float, float],
    lower: bool,
    trans_code: int,
) -> None: ...
def trmm(
    a: np.ndarray,
    b: np.ndarray,
    alpha: Tuple[float, float],
    left: bool,
    lower: bool,
    trans_code: int,
    unit: bool,
    solve: bool,
) -> None: ...
def symm(
    a: np.ndarray,
    b: np.ndarray,
    c: np.ndarray,
    alpha: Tuple[float, float],
    beta: Tuple[float, float],
    left: bool,
    lower: bool,
) -> None: ...
