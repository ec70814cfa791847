"""Shared helpers: dtypes with their tolerances, and array layouts (views with every kind of
strides) to run each function on."""

import numpy as np
import pytest

DTYPES = [np.float32, np.float64, np.complex64, np.complex128]
TOL = {
    np.float32: dict(rtol=2e-4, atol=2e-4),
    np.float64: dict(rtol=1e-11, atol=1e-11),
    np.complex64: dict(rtol=2e-4, atol=2e-4),
    np.complex128: dict(rtol=1e-11, atol=1e-11),
}
LAYOUTS = ["C", "F", "transposed", "stepped", "negative"]


def rand(shape, dtype, rng, layout="C"):
    """A random array of `shape` and `dtype`, stored as `layout` says (always a view with
    those strides, never a contiguous copy unless the layout is C or F)."""
    def draw(s):
        x = rng.standard_normal(s)
        if np.dtype(dtype).kind == "c":
            x = x + 1j * rng.standard_normal(s)
        return x.astype(dtype)

    shape = tuple(shape)
    if layout == "C":
        return draw(shape)
    if layout == "F":
        return np.asfortranarray(draw(shape))
    if layout == "transposed":
        return draw(shape[::-1]).T
    if layout == "stepped":
        big = draw(tuple(2 * d + 1 for d in shape))
        return big[tuple(slice(1, None, 2) for _ in shape)][tuple(slice(0, d) for d in shape)]
    if layout == "negative":
        return draw(shape)[tuple(slice(None, None, -1) for _ in shape)]
    raise ValueError(layout)


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
