"""hpc.dask against NumPy: on Dask's threaded and synchronous schedulers and on a
distributed.LocalCluster of two worker processes (the same tasks a cluster of many machines
runs), with the same dtype and shape errors as hpc.matmul."""

import numpy as np
import pytest

import hpc

dask = pytest.importorskip("dask", reason="Dask is not installed (cargo xtask test installs it)")
da = pytest.importorskip("dask.array", reason="dask.array is not installed")
distributed = pytest.importorskip("distributed", reason="distributed is not installed")
import hpc.dask as hd  # noqa: E402


def rand(shape, dtype, rng):
    x = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


TOL = {np.float32: 2e-4, np.float64: 1e-11, np.complex64: 2e-4, np.complex128: 1e-11}


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128])
@pytest.mark.parametrize("scheduler", ["threads", "synchronous"])
def test_matmul_and_gram_match_numpy(dtype, scheduler):
    rng = np.random.default_rng(1)
    a, b = rand((230, 170), dtype, rng), rand((170, 90), dtype, rng)
    # Chunks that do not meet: b's rows are re-chunked to a's columns.
    A, B = da.from_array(a, chunks=(60, 50)), da.from_array(b, chunks=(40, 35))
    x = rand((3000, 24), dtype, rng)
    X = da.from_array(x, chunks=(700, 10))
    tol = TOL[dtype]
    with dask.config.set(scheduler=scheduler):
        c = hd.matmul(A, B)
        assert isinstance(c, da.Array) and c.dtype == dtype and c.shape == (230, 90)
        np.testing.assert_allclose(c.compute(), a @ b, rtol=tol, atol=tol * 170)
        v = rand(170, dtype, rng)
        np.testing.assert_allclose(hd.matmul(A, v).compute(), a @ v, rtol=tol, atol=tol * 170)
        w = rand(230, dtype, rng)
        np.testing.assert_allclose(hd.matmul(w, A).compute(), w @ a, rtol=tol, atol=tol * 230)
        g = hd.gram(X)
        assert g.shape == (24, 24) and g.dtype == dtype
        np.testing.assert_allclose(g.compute(), x.conj().T @ x, rtol=tol, atol=tol * 3000)


def test_errors_are_hpc_matmuls():
    a = da.ones((4, 3), chunks=2)
    with pytest.raises(hpc.ShapeError, match=r"a has shape \(4, 3\) and b has shape \(4, 3\)"):
        hd.matmul(a, a)
    with pytest.raises(hpc.DTypeError, match="float64 but b is float32"):
        hd.matmul(a, da.ones((3, 2), dtype=np.float32))
    with pytest.raises(hpc.DTypeError, match="has dtype int64"):
        hd.matmul(da.ones((2, 2), dtype=np.int64), da.ones((2, 2), dtype=np.int64))
    with pytest.raises(hpc.ShapeError, match="must be 1-D or 2-D"):
        hd.matmul(da.ones((2, 2, 2)), a)
    with pytest.raises(hpc.ShapeError, match="x must be 2-D"):
        hd.gram(da.ones(5))


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def test_on_a_local_cluster_of_two_worker_processes(client):
    rng = np.random.default_rng(2)
    a, b = rand((400, 300), np.float64, rng), rand((300, 200), np.float64, rng)
    A, B = da.from_array(a, chunks=(100, 100)), da.from_array(b, chunks=(100, 100))
    c = hd.matmul(A, B).compute()
    np.testing.assert_allclose(c, a @ b, rtol=1e-11, atol=1e-10)
    x = rand((20000, 16), np.float64, rng)
    g = hd.gram(da.from_array(x, chunks=(2500, 16))).compute()
    np.testing.assert_allclose(g, x.T @ x, rtol=1e-11, atol=1e-9)
    # Both workers took tasks, and hpc follows each worker's settings: the nanny sets
    # OMP_NUM_THREADS=1, so hpc's default there is one thread, and a task gets it.
    assert len(client.scheduler_info()["workers"]) == 2
    assert set(client.run(hpc.get_num_threads).values()) == {1}
    assert client.submit(hd._task_threads, pure=False).result() == 1
