"""Thread control: the default from the environment (HPC_NUM_THREADS, else OMP_NUM_THREADS,
else the cores this process may use), ``hpc.threads(n)``, and hpc's threadpoolctl controller
for the extension and for the C library."""

import ctypes
import os
import subprocess
import sys

import pytest

import hpc

threadpoolctl = pytest.importorskip(
    "threadpoolctl", reason="threadpoolctl is not installed (cargo xtask test installs it)"
)


def default_threads(env_update, affinity=None):
    """hpc's thread count in a fresh interpreter with the environment changed by
    ``env_update`` (a value of None removes the variable) and, optionally, its CPU affinity."""
    env = dict(os.environ)
    for k in ("HPC_NUM_THREADS", "OMP_NUM_THREADS"):
        env.pop(k, None)
    for k, v in env_update.items():
        if v is not None:
            env[k] = v
    pre = (lambda: os.sched_setaffinity(0, affinity)) if affinity else None
    out = subprocess.run(
        [sys.executable, "-c", "import hpc; print(hpc.get_num_threads())"],
        env=env, capture_output=True, text=True, check=True, preexec_fn=pre,
    )
    return int(out.stdout)


def test_the_environment_sets_the_default_in_order():
    cores = len(os.sched_getaffinity(0))
    assert 1 <= default_threads({}) <= cores
    assert default_threads({"OMP_NUM_THREADS": "1"}) == 1
    assert default_threads({"OMP_NUM_THREADS": "3,1"}) == 3
    assert default_threads({"OMP_NUM_THREADS": "1", "HPC_NUM_THREADS": "3"}) == 3
    assert default_threads({"HPC_NUM_THREADS": "many", "OMP_NUM_THREADS": "2"}) == 2


def test_the_default_follows_the_cpu_affinity_not_the_machine():
    first = min(os.sched_getaffinity(0))
    assert default_threads({}, affinity={first}) == 1


def test_threads_block_sets_and_restores():
    before = hpc.get_num_threads()
    with hpc.threads(1):
        assert hpc.get_num_threads() == 1
        with hpc.threads(3):
            assert hpc.get_num_threads() == 3
        assert hpc.get_num_threads() == 1
    assert hpc.get_num_threads() == before
    with pytest.raises(RuntimeError):
        with hpc.threads(1):
            raise RuntimeError("inside")
    assert hpc.get_num_threads() == before


def hpc_entries(prefix):
    return [i for i in threadpoolctl.threadpool_info()
            if i["internal_api"] == "hpc" and i["prefix"] == prefix]


def test_threadpoolctl_lists_and_limits_the_extension():
    (info,) = hpc_entries("_hpc")
    assert info["user_api"] == "blas"
    assert info["version"] == hpc.__version__
    assert info["num_threads"] == hpc.get_num_threads()
    before = hpc.get_num_threads()
    with threadpoolctl.threadpool_limits(1):
        assert hpc.get_num_threads() == 1
    assert hpc.get_num_threads() == before
    with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
        assert hpc.get_num_threads() == 1
    assert hpc.get_num_threads() == before


def test_threadpoolctl_lists_and_limits_the_c_library():
    path = os.environ.get("HPC_BLAS_LIB")
    if not path:
        pytest.skip("HPC_BLAS_LIB is not set (cargo xtask test sets it to the laid-out C library)")
    lib = ctypes.CDLL(path)
    lib.hpc_set_num_threads(ctypes.c_int(2))
    (info,) = hpc_entries("libhpc_blas")
    assert info["user_api"] == "blas"
    assert info["version"] == hpc.__version__
    assert info["num_threads"] == lib.hpc_get_num_threads() == 2
    with threadpoolctl.threadpool_limits(1):
        assert lib.hpc_get_num_threads() == 1
        assert hpc.get_num_threads() == 1
    assert lib.hpc_get_num_threads() == 2
