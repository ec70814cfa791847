//! # hpc-capi: the C ABI of hpc
//!
//! This crate builds `libhpc_blas.so`, the shared library through which C, Fortran and
//! Python's ctypes reach hpc: the Fortran BLAS symbols (`dgemm_`, ...), the netlib CBLAS API
//! (`cblas_dgemm`, ...) and hpc's own C API. Bindings stay thin: validate, convert, call the
//! Rust crates, report errors as the BLAS does; no panic crosses the boundary.
//!
//! - [`f77`]: the Fortran BLAS ABI (reference BLAS 3.11, gfortran conventions, LP64);
//! - [`cblas`]: the netlib CBLAS API, row- and column-major;
//! - [`native`]: hpc's own API (`include/hpc.h`): general strides, status codes;
//! - here: OpenBLAS's and GotoBLAS's names for the thread control, which programs and scripts
//!   written for OpenBLAS call (they do the same as `hpc_set_num_threads`; nothing else of
//!   OpenBLAS's API is imitated).

use std::ffi::c_int;

pub use native::{hpc_get_num_threads, hpc_set_num_threads, hpc_version};

mod args;
mod backend;
pub mod cblas;
pub mod f77;
pub mod native;
pub mod xerbla;

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

    use std::ffi::CStr;

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
