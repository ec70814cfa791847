"""Thread control as the Python ecosystem expects it.

- ``hpc.threads(n)``: hpc's thread count for the length of a ``with`` block.
- threadpoolctl: ``import hpc`` registers an hpc controller (when threadpoolctl is installed,
  version 3.5 or later), so that ``threadpool_info()`` lists hpc (``user_api`` ``"blas"``,
  ``internal_api`` ``"hpc"``) and ``threadpool_limits(n)`` sets hpc's threads and restores
  them, as it does NumPy's OpenBLAS. It covers this package's extension and hpc's C library
  (``libhpc_blas.so``, also when loaded as ``libblas.so.3`` or through ctypes), each of which
  keeps its own setting.

The default thread count (``HPC_NUM_THREADS``, else ``OMP_NUM_THREADS``, else the cores this
process may use) is read by the library itself.
"""

import contextlib
import ctypes
from typing import Iterator

from . import _hpc


@contextlib.contextmanager
def threads(n: int) -> Iterator[None]:
    """Within the block, hpc's calls use ``n`` threads (``n <= 0``: the default); the count
    in force before is restored on exit, also when the block raises."""
    before = _hpc.get_num_threads()
    _hpc.set_num_threads(int(n))
    try:
        yield
    finally:
        _hpc.set_num_threads(before)


def register_threadpoolctl() -> bool:
    """Registers hpc's controller with threadpoolctl; False if threadpoolctl is missing or
    too old to take controllers (before 3.5)."""
    try:
        import threadpoolctl
    except ImportError:
        return False
    if not (hasattr(threadpoolctl, "register") and hasattr(threadpoolctl, "LibController")):
        return False

    class HpcController(threadpoolctl.LibController):  # type: ignore[misc, name-defined]
        """hpc's extension module (``_hpc``) or its C library (``libhpc_blas``)."""

        user_api = "blas"
        internal_api = "hpc"
        filename_prefixes = ("_hpc", "libhpc_blas")
        check_symbols = ("PyInit__hpc", "hpc_get_num_threads")

        def _extension(self) -> bool:
            return self.prefix == "_hpc"

        def get_num_threads(self) -> int:
            if self._extension():
                return _hpc.get_num_threads()
            return int(self.dynlib.hpc_get_num_threads())

        def set_num_threads(self, num_threads: int) -> None:
            if self._extension():
                _hpc.set_num_threads(int(num_threads))
            else:
                self.dynlib.hpc_set_num_threads(ctypes.c_int(int(num_threads)))

        def get_version(self) -> str:
            if self._extension():
                return str(_hpc.__version__)
            f = self.dynlib.hpc_version
            f.restype = ctypes.c_char_p
            return f().decode()

    threadpoolctl.register(HpcController)
    return True
