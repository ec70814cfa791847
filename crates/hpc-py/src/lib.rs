//! # hpc-py: the `hpc` Python package
//!
//! The extension module `hpc._hpc`, built with maturin (PyO3, abi3 for CPython 3.9+). The
//! binding stays thin: it checks NumPy arrays, makes hpc-core views of them (no copies: any
//! strides, either order, negative steps), calls the Rust crates with the GIL released, and
//! turns errors into `hpc`'s exceptions. The NumPy-style signatures are in `hpc/__init__.py`.
//!
//! - `array.rs`: NumPy arrays as views;
//! - `ops.rs`: the functions, and the one helper that releases the GIL;
//! - `stack.rs`: stacks of matrices (NumPy's broadcasting) as hpc-gemm's batches;
//! - `cuda.rs`: `hpc.cuda` (the GPU product for NumPy arrays);
//! - `errors.rs`: `hpc`'s exceptions.

use pyo3::prelude::*;

mod array;
mod cuda;
mod errors;
mod ops;
mod stack;

/// The SIMD level hpc-gemm's kernels use on this machine (`avx512`, `avx2`, `scalar`, ...).
#[pyfunction]
fn simd_level() -> String {
    hpc_gemm::selected_isa().name().to_string()
}

/// Whether the CUDA libraries (driver, NVRTC, cuBLAS) can be loaded; answers without
/// touching a device.
#[pyfunction]
fn cuda_libraries_found() -> bool {
    hpc_cuda::available()
}

/// The `hpc._hpc` extension module.
#[pymodule]
fn _hpc(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(simd_level, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_libraries_found, m)?)?;
    m.add_function(wrap_pyfunction!(cuda::cuda_is_available, m)?)?;
    m.add_function(wrap_pyfunction!(cuda::cuda_matmul, m)?)?;
    m.add_function(wrap_pyfunction!(cuda::cuda_matmul_device, m)?)?;
    m.add_function(wrap_pyfunction!(cuda::cuda_matmul_stack, m)?)?;
    m.add_class::<cuda::DeviceArray>()?;
    m.add_function(wrap_pyfunction!(ops::get_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(ops::set_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(ops::matmul, m)?)?;
    m.add_function(wrap_pyfunction!(ops::gemm, m)?)?;
    m.add_function(wrap_pyfunction!(ops::dot, m)?)?;
    m.add_function(wrap_pyfunction!(ops::axpy, m)?)?;
    m.add_function(wrap_pyfunction!(ops::scal, m)?)?;
    m.add_function(wrap_pyfunction!(ops::nrm2, m)?)?;
    m.add_function(wrap_pyfunction!(ops::asum, m)?)?;
    m.add_function(wrap_pyfunction!(ops::iamax, m)?)?;
    m.add_function(wrap_pyfunction!(ops::gemv, m)?)?;
    m.add_function(wrap_pyfunction!(ops::ger, m)?)?;
    m.add_function(wrap_pyfunction!(ops::trsv, m)?)?;
    m.add_function(wrap_pyfunction!(ops::syrk, m)?)?;
    m.add_function(wrap_pyfunction!(ops::trmm, m)?)?;
    m.add_function(wrap_pyfunction!(ops::symm, m)?)?;
    Ok(())
}
