"""hpc: BLAS-style linear algebra kernels written in Rust, for NumPy users."""

from ._hpc import __version__, get_num_threads

__all__ = ["__version__", "get_num_threads"]
