"""hpc: BLAS-style linear algebra kernels written in Rust, for NumPy users.

Every function takes NumPy arrays (or anything ``numpy.asarray`` accepts, such as lists) of
dtype float32, float64, complex64 or complex128, with any strides (C or Fortran order,
transposed views, slices with steps, negative strides) and without copying them, and runs with
the GIL released. dtypes are never promoted: mixed or unsupported dtypes raise DTypeError (a
TypeError). Shape problems raise ShapeError (a ValueError); an output that is read-only,
overlaps an input or repeats elements raises LayoutError (a ValueError). All derive from
HpcError.

Functions that update an operand in place (``axpy``, ``scal``, ``ger`` with ``a``, and ``c=``,
``y=``, ``out=`` arguments) also return it.
"""

from __future__ import annotations

from typing import Any, Optional, Union

import numpy as np

from . import _hpc, cuda
from ._errors import CudaError, DTypeError, HpcError, LayoutError, ShapeError
from ._hpc import __version__, get_num_threads, matmul
from ._threads import register_threadpoolctl, threads

__all__ = [
    "__version__",
    "HpcError",
    "ShapeError",
    "DTypeError",
    "LayoutError",
    "CudaError",
    "cuda",
    "matmul",
    "gemm",
    "dot",
    "vdot",
    "axpy",
    "scal",
    "nrm2",
    "asum",
    "iamax",
    "gemv",
    "ger",
    "trsv",
    "syrk",
    "trsm",
    "trmm",
    "symm",
    "set_num_threads",
    "get_num_threads",
    "threads",
    "config",
    "show_config",
]

_DTYPES = (np.float32, np.float64, np.complex64, np.complex128)
Scalar = Union[int, float, complex]


def _check_dtype(dtype: np.dtype, name: str) -> None:
    if dtype.type not in _DTYPES:
        raise DTypeError(
            f"{name} has dtype {dtype}; hpc computes on float32, float64, complex64 and "
            f"complex128 (convert with .astype(np.float64) or another of these)"
        )


def _arr(x: Any, name: str) -> np.ndarray:
    """``x`` as an ndarray of a supported dtype (lists are converted; arrays are not copied)."""
    a = x if isinstance(x, np.ndarray) else np.asarray(x)
    _check_dtype(a.dtype, name)
    return a


def _same(**arrays: np.ndarray) -> np.dtype:
    items = list(arrays.items())
    first_name, first = items[0]
    for name, a in items[1:]:
        if a.dtype != first.dtype:
            raise DTypeError(
                f"{first_name} is {first.dtype} but {name} is {a.dtype}: hpc does not mix "
                f"dtypes; convert one with .astype()"
            )
    return first.dtype


def _ndim(a: np.ndarray, name: str, *ndims: int) -> None:
    if a.ndim not in ndims:
        want = " or ".join(f"{n}-D" for n in ndims)
        raise ShapeError(f"{name} must be {want}, but has shape {a.shape} ({a.ndim}-D)")


def _scalar(v: Scalar, dtype: np.dtype, name: str) -> tuple:
    c = complex(v)
    if c.imag != 0 and dtype.kind != "c":
        raise DTypeError(f"{name} = {v!r} is complex but the operands are {dtype}")
    return (c.real, c.imag)


def _out(out: Any, shape: tuple, dtype: np.dtype, name: str = "out") -> np.ndarray:
    if not isinstance(out, np.ndarray):
        raise LayoutError(f"{name} must be a NumPy array, not {type(out).__name__}")
    if out.shape != shape:
        raise ShapeError(f"{name} has shape {out.shape}, but the result has shape {shape}")
    if out.dtype != dtype:
        raise DTypeError(f"{name} is {out.dtype}, but the result is {dtype}")
    if not out.flags.writeable:
        raise LayoutError(f"{name} is read-only; pass a writeable array")
    return out


def _trans_code(trans: bool, conj: bool, what: str) -> int:
    if conj and not trans:
        raise ValueError(f"{what}: conj=True needs trans=True (op(a) = a^H)")
    return 2 if conj else 1 if trans else 0


def gemm(
    a: Any,
    b: Any,
    c: Optional[np.ndarray] = None,
    *,
    alpha: Scalar = 1.0,
    beta: Scalar = 0.0,
    trans_a: bool = False,
    trans_b: bool = False,
    conj_a: bool = False,
    conj_b: bool = False,
) -> np.ndarray:
    """``C <- alpha op(a) op(b) + beta C``, with ``op`` transposing (``trans_*``) and/or
    conjugating (``conj_*``) the last two dimensions. Arrays of more dimensions are stacks of
    matrices: those of ``a`` and ``b`` broadcast (NumPy's rule) to ``c``'s. Without ``c``, a
    new array is returned (``beta`` unused); with ``c``, it is updated in place and
    returned. ``beta = 0`` never reads ``c``."""
    # Shapes, dtypes and c are checked once, in Rust; here only what a new c needs.
    a, b = _arr(a, "a"), _arr(b, "b")
    if c is None:
        for x, name in ((a, "a"), (b, "b")):
            if x.ndim < 2:
                raise ShapeError(
                    f"{name} must have 2 or more dimensions, but has shape {x.shape} ({x.ndim}-D)"
                )
        dtype = _same(a=a, b=b)
        try:
            stack = (
                () if a.ndim == 2 and b.ndim == 2
                else np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
            )
        except ValueError:
            raise ShapeError(
                f"gemm: the stacks of a {a.shape[:-2]} and b {b.shape[:-2]} do not broadcast "
                f"(shapes {a.shape} and {b.shape})"
            ) from None
        m = a.shape[-1] if trans_a else a.shape[-2]
        n = b.shape[-2] if trans_b else b.shape[-1]
        c = np.empty(stack + (m, n), dtype=dtype)
        beta = 0.0
    _hpc.gemm(
        a, b, c, _scalar(alpha, a.dtype, "alpha"), _scalar(beta, a.dtype, "beta"),
        trans_a, trans_b, conj_a, conj_b,
    )
    return c


def _asarray(x: Any) -> np.ndarray:
    """``x`` as an ndarray (lists are converted; arrays pass as they are). dtypes, shapes and
    lengths are checked by the extension, once."""
    return x if type(x) is np.ndarray else np.asarray(x)


def dot(x: Any, y: Any) -> Any:
    """``sum x_i y_i`` of two 1-D arrays (no conjugation), as a NumPy scalar."""
    return _hpc.dot(_asarray(x), _asarray(y), False)


def vdot(x: Any, y: Any) -> Any:
    """``sum conj(x_i) y_i`` of two 1-D arrays, as a NumPy scalar."""
    return _hpc.dot(_asarray(x), _asarray(y), True)


def axpy(alpha: Scalar, x: Any, y: np.ndarray) -> np.ndarray:
    """``y <- alpha x + y`` in place; returns ``y``."""
    if not isinstance(y, np.ndarray):
        raise LayoutError("y is updated in place and must be a NumPy array")
    _hpc.axpy(_scalar(alpha, y.dtype, "alpha"), _asarray(x), y)
    return y


def scal(alpha: Scalar, x: np.ndarray) -> np.ndarray:
    """``x <- alpha x`` in place; returns ``x``."""
    if not isinstance(x, np.ndarray):
        raise LayoutError("x is updated in place and must be a NumPy array")
    x = _arr(x, "x")
    _ndim(x, "x", 1)
    _hpc.scal(_scalar(alpha, x.dtype, "alpha"), x)
    return x


def nrm2(x: Any) -> Any:
    """The Euclidean norm of a 1-D array (without overflow), as a real NumPy scalar."""
    return _hpc.nrm2(_asarray(x))


def asum(x: Any) -> Any:
    """``sum |re x_i| + |im x_i|`` of a 1-D array, as a real NumPy scalar."""
    return _hpc.asum(_asarray(x))


def iamax(x: Any) -> int:
    """The index of the first element with the largest ``|re| + |im|`` (ShapeError if empty)."""
    x = _arr(x, "x")
    _ndim(x, "x", 1)
    i = _hpc.iamax(x)
    if i is None:
        raise ShapeError("iamax of an empty array")
    return i


def gemv(
    a: Any,
    x: Any,
    y: Optional[np.ndarray] = None,
    *,
    alpha: Scalar = 1.0,
    beta: Scalar = 0.0,
    trans: bool = False,
    conj: bool = False,
) -> np.ndarray:
    """``y <- alpha op(a) x + beta y`` (``op``: ``a``, ``a^T`` with ``trans``, ``a^H`` with
    ``trans`` and ``conj``). Without ``y``, a new array is returned."""
    a, x = _arr(a, "a"), _arr(x, "x")
    _ndim(a, "a", 2)
    _ndim(x, "x", 1)
    dtype = _same(a=a, x=x)
    code = _trans_code(trans, conj, "gemv")
    rows, cols = (a.shape[1], a.shape[0]) if trans else a.shape
    if x.shape[0] != cols:
        raise ShapeError(f"gemv: op(a) is {rows} x {cols} (a {a.shape}) but x has shape {x.shape}")
    if y is None:
        y = np.empty((rows,), dtype=dtype)
        beta = 0.0
    else:
        y = _out(y, (rows,), dtype, "y")
    if cols == 0:
        # op(a) x is a sum of no terms; the BLAS would leave y as it is, but y <- beta y is
        # what the formula says (and beta = 0 writes zeros without reading y).
        if complex(beta) == 0:
            y[...] = 0
        else:
            _hpc.scal(_scalar(beta, dtype, "beta"), y)
        return y
    _hpc.gemv(a, x, y, _scalar(alpha, dtype, "alpha"), _scalar(beta, dtype, "beta"), code)
    return y


def ger(
    x: Any, y: Any, a: Optional[np.ndarray] = None, *, alpha: Scalar = 1.0, conj: bool = False
) -> np.ndarray:
    """``a <- alpha x y^T + a`` (``y^H`` with ``conj``), in place; without ``a``, the outer
    product ``alpha x y^T`` in a new array."""
    x, y = _arr(x, "x"), _arr(y, "y")
    _ndim(x, "x", 1)
    _ndim(y, "y", 1)
    dtype = _same(x=x, y=y)
    shape = (x.shape[0], y.shape[0])
    a = np.zeros(shape, dtype=dtype) if a is None else _out(a, shape, dtype, "a")
    _hpc.ger(_scalar(alpha, dtype, "alpha"), x, y, a, conj)
    return a


def _square(a: np.ndarray, name: str = "a") -> None:
    if a.shape[0] != a.shape[1]:
        raise ShapeError(f"{name} must be square, but has shape {a.shape}")


def trsv(
    a: Any,
    b: Any,
    *,
    lower: bool = False,
    trans: bool = False,
    conj: bool = False,
    unit_diagonal: bool = False,
    overwrite_b: bool = False,
) -> np.ndarray:
    """Solves ``op(a) x = b`` for a triangular ``a`` (only its ``lower``/upper triangle is
    read); returns ``x`` (in ``b`` itself with ``overwrite_b``)."""
    a, b = _arr(a, "a"), _arr(b, "b")
    _ndim(a, "a", 2)
    _ndim(b, "b", 1)
    _square(a)
    dtype = _same(a=a, b=b)
    if b.shape[0] != a.shape[0]:
        raise ShapeError(f"trsv: a has shape {a.shape} but b has shape {b.shape}")
    x = b if overwrite_b else b.copy()
    _hpc.trsv(a, x, lower, _trans_code(trans, conj, "trsv"), unit_diagonal)
    return x


def syrk(
    a: Any,
    c: Optional[np.ndarray] = None,
    *,
    alpha: Scalar = 1.0,
    beta: Scalar = 0.0,
    lower: bool = False,
    trans: bool = False,
) -> np.ndarray:
    """``C <- alpha op(a) op(a)^T + beta C`` on the ``lower``/upper triangle of ``C`` only (the
    other is neither read nor written). Without ``c``, a new zero-filled ``n x n`` array."""
    a = _arr(a, "a")
    _ndim(a, "a", 2)
    dtype = a.dtype
    n = a.shape[1] if trans else a.shape[0]
    if c is None:
        c = np.zeros((n, n), dtype=dtype)
        beta = 0.0
    else:
        c = _out(c, (n, n), dtype, "c")
    _hpc.syrk(a, c, _scalar(alpha, dtype, "alpha"), _scalar(beta, dtype, "beta"), lower, int(trans))
    return c


def _side(side: str) -> bool:
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', not {side!r}")
    return side == "left"


def _tri3(a: Any, b: Any, side: str, what: str) -> tuple:
    a, b = _arr(a, "a"), _arr(b, "b")
    _ndim(a, "a", 2)
    _ndim(b, "b", 2)
    _square(a)
    dtype = _same(a=a, b=b)
    left = _side(side)
    need = b.shape[0] if left else b.shape[1]
    if a.shape[0] != need:
        raise ShapeError(
            f"{what}: a has shape {a.shape} but b has shape {b.shape} (side={side!r} needs a of "
            f"order {need})"
        )
    return a, b, dtype, left


def _tri_op(solve: bool, a: Any, b: Any, alpha: Scalar, side: str, lower: bool, trans: bool,
            conj: bool, unit_diagonal: bool, overwrite_b: bool) -> np.ndarray:
    what = "trsm" if solve else "trmm"
    a, b, dtype, left = _tri3(a, b, side, what)
    x = b if overwrite_b else b.copy()
    code = _trans_code(trans, conj, what)
    _hpc.trmm(a, x, _scalar(alpha, dtype, "alpha"), left, lower, code, unit_diagonal, solve)
    return x


def trsm(
    a: Any,
    b: Any,
    *,
    alpha: Scalar = 1.0,
    side: str = "left",
    lower: bool = False,
    trans: bool = False,
    conj: bool = False,
    unit_diagonal: bool = False,
    overwrite_b: bool = False,
) -> np.ndarray:
    """Solves ``op(a) X = alpha b`` (``side='left'``) or ``X op(a) = alpha b`` for a
    triangular ``a``; returns ``X`` (in ``b`` itself with ``overwrite_b``)."""
    return _tri_op(True, a, b, alpha, side, lower, trans, conj, unit_diagonal, overwrite_b)


def trmm(
    a: Any,
    b: Any,
    *,
    alpha: Scalar = 1.0,
    side: str = "left",
    lower: bool = False,
    trans: bool = False,
    conj: bool = False,
    unit_diagonal: bool = False,
    overwrite_b: bool = False,
) -> np.ndarray:
    """``alpha op(a) b`` (``side='left'``) or ``alpha b op(a)`` for a triangular ``a``
    (in ``b`` itself with ``overwrite_b``)."""
    return _tri_op(False, a, b, alpha, side, lower, trans, conj, unit_diagonal, overwrite_b)


def symm(
    a: Any,
    b: Any,
    c: Optional[np.ndarray] = None,
    *,
    alpha: Scalar = 1.0,
    beta: Scalar = 0.0,
    side: str = "left",
    lower: bool = False,
) -> np.ndarray:
    """``C <- alpha a b + beta C`` (``side='left'``) or ``alpha b a + beta C``, ``a``
    symmetric (only its ``lower``/upper triangle is read). Without ``c``, a new array."""
    a, b, dtype, left = _tri3(a, b, side, "symm")
    if c is None:
        c = np.empty(b.shape, dtype=dtype)
        beta = 0.0
    else:
        c = _out(c, b.shape, dtype, "c")
    _hpc.symm(a, b, c, _scalar(alpha, dtype, "alpha"), _scalar(beta, dtype, "beta"), left, lower)
    return c


def set_num_threads(n: int) -> None:
    """Sets the number of threads later calls use (``n <= 0``: back to the default:
    ``HPC_NUM_THREADS``, else ``OMP_NUM_THREADS``, else the cores this process may use).
    ``with hpc.threads(n):`` sets it for a block; ``threadpoolctl.threadpool_limits`` sets it
    too (``import hpc`` registers hpc with threadpoolctl where it is installed)."""
    _hpc.set_num_threads(int(n))


def config() -> dict:
    """The version, the SIMD level in use, the thread count, and whether a CUDA device is
    usable (``cuda``: the libraries load and device 0 opens)."""
    return {
        "version": __version__,
        "simd": _hpc.simd_level(),
        "threads": get_num_threads(),
        "cuda": cuda.is_available(),
    }


def show_config() -> None:
    """Prints :func:`config`, one item per line."""
    for key, value in config().items():
        print(f"{key}: {value}")


# threadpoolctl lists and limits hpc beside NumPy's BLAS (where threadpoolctl is installed).
register_threadpoolctl()
