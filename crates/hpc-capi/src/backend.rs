//! What the exported functions run on, and the guard that keeps panics out of C.

use hpc_gemm::{Fast, Par};
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::args::NullArray;

/// The thread count calls use now ([`hpc_gemm::num_threads`]).
pub(crate) fn threads() -> usize {
    hpc_gemm::num_threads()
}

/// Sets the thread count (`n <= 0`: back to the default).
pub(crate) fn set_threads(n: i32) {
    hpc_gemm::set_num_threads(usize::try_from(n).unwrap_or(0));
}

/// The fast backend (Level 1, 2 and 3) with the current thread policy.
pub(crate) fn fast() -> Fast {
    Fast::new(Par::current())
}

/// Runs `f`; a panic is reported and aborts the process instead of unwinding into the C or
/// Fortran caller. An array argument that is a null pointer although the call needs elements
/// from it ([`NullArray`], the caller's bug) is reported by routine and argument; any other
/// panic is a bug in hpc (arguments are validated before anything can panic).
pub(crate) fn guard<R>(routine: &str, f: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            eprintln!("{}", panic_report(routine, payload.as_ref()));
            std::process::abort()
        }
    }
}

/// What [`guard`] prints for a panic with `payload` in `routine`.
fn panic_report(routine: &str, payload: &(dyn std::any::Any + Send)) -> String {
    match payload.downcast_ref::<NullArray>() {
        Some(NullArray { name, len }) => format!(
            "hpc: {routine}: argument {name} is a null pointer, but the call needs {len} \
             element(s) there (a bug in the caller); aborting"
        ),
        None => format!("hpc: internal error in {routine} (a bug: please report it); aborting"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_null_array_is_reported_as_the_callers_error() {
        // What `dasum_(&3, NULL, &1)` reaches: the view of X over a null pointer.
        let payload = catch_unwind(|| {
            // SAFETY: deliberately a null pointer with n = 3: the view refuses it by panicking
            // with `NullArray` before anything is read.
            let _ = unsafe { crate::args::vec::<f64>("X", std::ptr::null(), 3, 1) };
        })
        .expect_err("a null X with n = 3 is refused");
        let msg = panic_report("DASUM", payload.as_ref());
        assert_eq!(
            msg,
            "hpc: DASUM: argument X is a null pointer, but the call needs 3 element(s) there (a \
             bug in the caller); aborting"
        );
        let other = catch_unwind(|| panic!("boom")).expect_err("panics");
        assert!(panic_report("DGEMM", other.as_ref()).contains("internal error in DGEMM"));
    }
}
