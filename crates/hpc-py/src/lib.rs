//! # hpc-py: the `hpc` Python package
//!
//! The extension module `hpc._hpc`, built with maturin (PyO3, abi3 for CPython 3.9+). The
//! binding stays thin: it validates, converts NumPy arrays to hpc-core views, calls the Rust
//! crates with the GIL released, and converts errors to Python exceptions.
//!
//! Exposed so far: the package version and the default thread count.

use pyo3::prelude::*;

/// The default number of threads hpc uses (`HPC_NUM_THREADS`, else the available cores).
#[pyfunction]
fn get_num_threads() -> usize {
    hpc_gemm::default_threads()
}

/// The `hpc._hpc` extension module.
#[pymodule]
fn _hpc(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(get_num_threads, m)?)?;
    Ok(())
}
