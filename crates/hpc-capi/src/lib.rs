//! # hpc-capi: the C ABI of hpc
//!
//! This crate builds `libhpc_blas.so`, the shared library through which C, Fortran and
//! Python's ctypes reach hpc: the Fortran BLAS symbols (`dgemm_`, ...), the netlib CBLAS API
//! (`cblas_dgemm`, ...) and hpc's own C API. Bindings stay thin: validate, convert, call the
//! Rust crates, report errors as the BLAS does; no panic crosses the boundary.
//!
//! Exported so far: the library's identity and thread policy, which a C program can query
//! before anything else.

use std::ffi::{CStr, c_char, c_int};

mod args;
mod backend;
pub mod cblas;
pub mod f77;
pub mod xerbla;

const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(s) => s,
        Err(_) => panic!("the package version contains a NUL byte"),
    };

/// The version of hpc as a NUL-terminated string with static lifetime (never free it).
#[unsafe(no_mangle)]
pub extern "C" fn hpc_version() -> *const c_char {
    VERSION.as_ptr()
}

/// The default number of threads hpc uses: `HPC_NUM_THREADS` if set to a positive integer,
/// else the number of cores available to the process.
#[unsafe(no_mangle)]
pub extern "C" fn hpc_get_num_threads() -> c_int {
    c_int::try_from(backend::threads()).unwrap_or(c_int::MAX)
}

/// Sets the number of threads later calls use; `n <= 0` restores the default
/// (`HPC_NUM_THREADS`, else all cores).
#[unsafe(no_mangle)]
pub extern "C" fn hpc_set_num_threads(n: c_int) {
    backend::set_threads(n)
}

/// OpenBLAS's name for [`hpc_set_num_threads`], answered because programs and scripts written
/// for OpenBLAS call it to control threads; it does the same thing here.
#[unsafe(no_mangle)]
pub extern "C" fn openblas_set_num_threads(n: c_int) {
    backend::set_threads(n)
}

/// OpenBLAS's name for [`hpc_get_num_threads`].
#[unsafe(no_mangle)]
pub extern "C" fn openblas_get_num_threads() -> c_int {
    hpc_get_num_threads()
}

/// GotoBLAS's name for [`hpc_set_num_threads`].
#[unsafe(no_mangle)]
pub extern "C" fn goto_set_num_threads(n: c_int) {
    backend::set_threads(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_the_package_version() {
        // SAFETY: hpc_version returns a pointer to a static NUL-terminated string.
        let v = unsafe { CStr::from_ptr(hpc_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn thread_count_matches_the_rust_default() {
        assert_eq!(hpc_get_num_threads() as usize, hpc_gemm::default_threads());
        assert!(hpc_get_num_threads() >= 1);
        hpc_set_num_threads(3);
        assert_eq!(openblas_get_num_threads(), 3);
        goto_set_num_threads(0);
        assert_eq!(hpc_get_num_threads() as usize, hpc_gemm::default_threads());
    }
}
