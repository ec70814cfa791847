"""hpc.dask: matrix products of Dask arrays, every block on hpc (``pip install hpc[dask]``).

- ``matmul(a, b)``: Dask arrays (or anything ``dask.array.asarray`` takes) in, a Dask array
  out. Each output block is one task that accumulates its row of ``a``'s blocks times its
  column of ``b``'s blocks with ``hpc.gemm`` into one buffer (beta = 1 after the first), where
  ``dask.array``'s own matmul makes a temporary per k block and sums them.
- ``gram(x)``: ``x^H x`` of a tall array chunked by rows: one rank-k update (``hpc.syrk``;
  complex: ``hpc.gemm`` with ``a^H``) per chunk, then Dask's tree sum of the small results. The
  normal equations and covariance matrices of data science are this product.

Both follow ``hpc.matmul``'s rules: dtypes float32, float64, complex64, complex128, never mixed
or promoted (``DTypeError``); shapes that do not fit raise ``ShapeError`` when the graph is
built. They run on Dask's threaded and synchronous schedulers and on ``distributed``: each
task gives hpc the threads its process can spare (a ``distributed`` worker: hpc's default in
the worker, which follows the ``OMP_NUM_THREADS`` its nanny sets, divided among the worker's
task threads; the threaded scheduler: one per task; the synchronous one: hpc's default).
Only a ``distributed.LocalCluster`` on one machine is tested here; a cluster of many machines
runs the same tasks.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import numpy as np

try:
    import dask
    import dask.array as da
except ImportError as e:  # pragma: no cover - exercised only without the extra
    raise ImportError("hpc.dask needs Dask: pip install 'hpc[dask]' (or dask[array])") from e

from . import _check_dtype, _same, _threads, gemm, get_num_threads, syrk
from ._errors import ShapeError

__all__ = ["matmul", "gram"]


def _check_dtypes(**arrays: Any) -> np.dtype:
    """The arrays' one dtype, with ``hpc.matmul``'s errors (``DTypeError``)."""
    for name, x in arrays.items():
        _check_dtype(x.dtype, name)
    return _same(**arrays)


def _task_threads() -> int:
    """The threads hpc may use in the task running now, from its process's own settings."""
    total = get_num_threads()
    try:
        from distributed import get_worker

        return max(1, total // max(1, get_worker().state.nthreads))
    except (ImportError, ValueError, AttributeError):
        pass
    if threading.current_thread() is threading.main_thread():
        return total  # the synchronous scheduler: one task at a time
    tasks = dask.config.get("num_workers", None) or os.cpu_count() or 1
    return max(1, total // tasks)


def _aligned(x: np.ndarray) -> np.ndarray:
    """``x``, copied if its memory is not aligned for its dtype (as blocks received from another
    worker may be: they can sit anywhere in a network buffer)."""
    return x if x.flags.aligned else np.array(x)


def _block_product(a_blocks: list, b_blocks: list) -> np.ndarray:
    """One output block: sum over k of a[i, k] @ b[k, j], accumulated in place."""
    c = None
    with _threads.threads(_task_threads()):
        for x, y in zip(map(_aligned, a_blocks), map(_aligned, b_blocks)):
            if c is None:
                c = gemm(x, y)
            else:
                gemm(x, y, c, beta=1.0)
    return c


def matmul(a: Any, b: Any) -> "da.Array":
    """``a @ b`` for 2-D Dask arrays (a 1-D operand is a row or column, as in ``hpc.matmul``,
    its dimension dropped from the result), every output block one ``hpc.gemm`` task."""
    a, b = da.asarray(a), da.asarray(b)
    dtype = _check_dtypes(a=a, b=b)
    for x, name in ((a, "a"), (b, "b")):
        if x.ndim not in (1, 2):
            raise ShapeError(
                f"hpc.dask.matmul: {name} must be 1-D or 2-D, but has shape {x.shape} ({x.ndim}-D)"
            )
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    if a2.shape[1] != b2.shape[0]:
        raise ShapeError(
            f"hpc.dask.matmul: a has shape {a.shape} and b has shape {b.shape}; the last "
            f"dimension of a ({a2.shape[1]}) must equal the first of b ({b2.shape[0]})"
        )
    # b's row blocks must meet a's column blocks.
    b2 = b2.rechunk({0: a2.chunks[1]})
    c = da.blockwise(
        _block_product, "ij", a2, "ik", b2, "kj", concatenate=False, dtype=dtype,
        meta=np.empty((0, 0), dtype=dtype),
    )
    if a.ndim == 1 and b.ndim == 1:
        return c[0, 0]
    if a.ndim == 1:
        return c[0]
    if b.ndim == 1:
        return c[:, 0]
    return c


def _gram_block(x: np.ndarray) -> np.ndarray:
    """``x^H x`` of one row chunk, the whole p x p matrix, as a (1, p, p) block."""
    x = _aligned(x)
    with _threads.threads(_task_threads()):
        if np.iscomplexobj(x):
            c = gemm(x, x, trans_a=True, conj_a=True)
        else:
            c = syrk(x, trans=True)  # the upper triangle
            c += np.triu(c, 1).T
    return c[None]


def gram(x: Any) -> "da.Array":
    """``x^H x`` (``x^T x`` for real ``x``) of a 2-D Dask array, tall and chunked by rows
    (its columns are gathered into one chunk): a p x p Dask array."""
    x = da.asarray(x)
    dtype = _check_dtypes(x=x)
    if x.ndim != 2:
        raise ShapeError(f"hpc.dask.gram: x must be 2-D, but has shape {x.shape} ({x.ndim}-D)")
    x = x.rechunk({1: -1})
    p = x.shape[1]
    parts = x.map_blocks(
        _gram_block, chunks=((1,) * x.numblocks[0], (p,), (p,)), new_axis=2, dtype=dtype,
        meta=np.empty((0, 0, 0), dtype=dtype),
    )
    return parts.sum(axis=0)
