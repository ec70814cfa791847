//! What the exported functions run on, and the guard that keeps panics out of C.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};

use hpc_gemm::{Fast, Par};

/// Threads set by `hpc_set_num_threads` (0: not set, use `HPC_NUM_THREADS` / all cores).
static THREADS: AtomicUsize = AtomicUsize::new(0);

/// The thread count calls use now.
pub(crate) fn threads() -> usize {
    match THREADS.load(Ordering::Relaxed) {
        0 => hpc_gemm::default_threads(),
        n => n,
    }
}

/// Sets the thread count (`n <= 0`: back to the default).
pub(crate) fn set_threads(n: i32) {
    THREADS.store(usize::try_from(n).unwrap_or(0), Ordering::Relaxed);
}

/// The fast Level 3 with the current thread policy.
pub(crate) fn fast() -> Fast {
    Fast::new(Par::from_count(threads()))
}

/// Runs `f`; a panic (a bug in hpc: arguments are validated before anything can panic) is
/// reported and aborts the process instead of unwinding into the C or Fortran caller.
pub(crate) fn guard<R>(routine: &str, f: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => {
            eprintln!("hpc: internal error in {routine} (a bug: please report it); aborting");
            std::process::abort()
        }
    }
}
