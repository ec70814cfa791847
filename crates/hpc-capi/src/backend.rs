//! What the exported functions run on, and the guard that keeps panics out of C.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};

use hpc_gemm::{Fast, Par};

use crate::args::NullArray;

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

/// Runs `f`; a panic is reported and aborts the process instead of unwinding into the C or
/// Fortran caller. An array argument that is a null pointer although the call needs elements
/// from it ([`NullArray`], the caller's bug) is reported by routine and argument; any other
/// panic is a bug in hpc (arguments are validated before anything can panic).
pub(crate) fn guard<R>(routine: &str, f: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) if payload.is::<NullArray>() => {
            let NullArray { name, len } = payload.downcast_ref::<NullArray>().expect("checked");
            eprintln!(
                "hpc: {routine}: argument {name} is a null pointer, but the call needs {len} \
                 element(s) there (a bug in the caller); aborting"
            );
            std::process::abort()
        }
        Err(_) => {
            eprintln!("hpc: internal error in {routine} (a bug: please report it); aborting");
            std::process::abort()
        }
    }
}
