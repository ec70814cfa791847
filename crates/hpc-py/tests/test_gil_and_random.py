"""The GIL is released while hpc computes, and random shapes and strides (hypothesis)."""

import threading
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hpc


@pytest.mark.parametrize("stacked", [False, True])
def test_other_threads_run_during_a_long_matmul(stacked):
    n = 1500
    a, b = np.ones((n, n)), np.ones((n, n))
    if stacked:
        # A stack of products, one batched call (one b for all of them).
        a = np.ones((12, 600, 600))
        b = np.ones((600, 600))
    count = 0
    stop = threading.Event()

    def counter():
        nonlocal count
        while not stop.is_set():
            count += 1

    hpc.set_num_threads(1)
    try:
        t = threading.Thread(target=counter)
        t.start()
        time.sleep(0.05)
        before = count
        start = time.perf_counter()
        hpc.matmul(a, b)
        took = time.perf_counter() - start
        during = count - before
        stop.set()
        t.join()
    finally:
        hpc.set_num_threads(0)
    # With the GIL held for the whole call the counter could only move in the interpreter's
    # switch intervals before and after it; released, it keeps running throughout.
    assert took > 0.02, f"the product took only {took:.3f} s: too short to observe"
    assert during > 10_000, f"the counter advanced {during} times in {took:.3f} s"


def test_two_threads_call_hpc_at_once():
    rng = np.random.default_rng(3)
    pairs = [(rng.standard_normal((300, 200)), rng.standard_normal((200, 250))) for _ in range(2)]
    results = [None, None]

    def work(i):
        for _ in range(5):
            results[i] = hpc.matmul(*pairs[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for (a, b), r in zip(pairs, results):
        np.testing.assert_allclose(r, a @ b, rtol=1e-12, atol=1e-12)


def strided(draw_ints, shape, dtype, seed, step, flip, transpose):
    """A view of `shape` with steps, optional reversal and transposition."""
    rng = np.random.default_rng(seed)
    full = tuple(d * step + 1 for d in (shape[::-1] if transpose else shape))
    base = rng.standard_normal(full).astype(dtype)
    if np.dtype(dtype).kind == "c":
        base = base + 1j * rng.standard_normal(full).astype(dtype)
    v = base[tuple(slice(0, d * step, step) for d in (shape[::-1] if transpose else shape))]
    if flip:
        v = v[::-1]
    return v.T if transpose else v


dims = st.integers(0, 40)
dtypes = st.sampled_from([np.float32, np.float64, np.complex64, np.complex128])


@settings(max_examples=150, deadline=None)
@given(m=dims, k=dims, n=dims, dtype=dtypes, seed=st.integers(0, 2**31),
       steps=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       flips=st.tuples(st.booleans(), st.booleans()),
       trs=st.tuples(st.booleans(), st.booleans()))
def test_matmul_random_shapes_and_strides(m, k, n, dtype, seed, steps, flips, trs):
    a = strided(None, (m, k), dtype, seed, steps[0], flips[0], trs[0])
    b = strided(None, (k, n), dtype, seed + 1, steps[1], flips[1], trs[1])
    tol = 1e-4 if dtype in (np.float32, np.complex64) else 1e-11
    np.testing.assert_allclose(hpc.matmul(a, b), a @ b, rtol=tol, atol=tol * max(1, k))


@settings(max_examples=100, deadline=None)
@given(m=dims, n=dims, dtype=dtypes, seed=st.integers(0, 2**31), step=st.integers(1, 3),
       flip=st.booleans(), tr=st.booleans())
def test_gemv_random_shapes_and_strides(m, n, dtype, seed, step, flip, tr):
    a = strided(None, (m, n), dtype, seed, step, flip, tr)
    x = strided(None, (n,), dtype, seed + 2, step, not flip, False)
    tol = 1e-4 if dtype in (np.float32, np.complex64) else 1e-11
    np.testing.assert_allclose(hpc.gemv(a, x), a @ x, rtol=tol, atol=tol * max(1, n))


def test_ctrl_c_during_a_long_call_raises_keyboard_interrupt():
    import signal
    import subprocess
    import sys

    # The child installs Python's own Ctrl-C handler: a process started in the background
    # by a shell without job control inherits SIGINT ignored, and Python then leaves it so
    # (a CI run launched with `nohup ... &` lost the signal that way).
    code = (
        "import signal\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "import numpy as np, hpc\n"
        "a = np.ones((1500, 1500))\n"
        "print('ready', flush=True)\n"
        "try:\n"
        "    for _ in range(1000):\n"
        "        hpc.matmul(a, a)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', flush=True)\n"
        "c = hpc.matmul(np.eye(2), np.ones((2, 2)))\n"
        "print('still working', c.sum(), flush=True)\n"
    )
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "ready"
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    # KeyboardInterrupt reaches Python (when the interrupted call returns), and the
    # interpreter and hpc go on working afterwards.
    assert p.returncode == 0, (p.returncode, err[-500:])
    assert out.split("\n")[:2] == ["interrupted", "still working 4.0"], out
