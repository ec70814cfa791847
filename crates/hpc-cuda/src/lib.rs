//! # hpc-cuda: GPU GEMM for hpc
//!
//! This crate is where the GPU path of hpc lives: tiled CUDA GEMM kernels compiled at run time
//! with NVRTC, beside cuBLAS as the yardstick, through `cudarc`. Nothing is linked at build
//! time (cudarc's `dynamic-loading`), so the workspace builds and tests on machines without CUDA.
//!
//! cudarc panics the first time a function of a missing library is called, so every entry
//! point first asks [`probe`], which only checks whether the shared libraries can be loaded.

pub mod device;
pub mod error;
pub mod kernels;

pub use device::{
    Backend, Device, DeviceMatrix, GpuScalar, gemm, gemm_batched, gemm_host, gemm_strided_batched,
};
pub use error::Error;

/// Which CUDA libraries this process can load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Libraries {
    /// The driver API (`libcuda.so`).
    pub driver: bool,
    /// The run-time compiler (`libnvrtc.so`).
    pub nvrtc: bool,
    /// cuBLAS (`libcublas.so`).
    pub cublas: bool,
}

/// Looks for the CUDA shared libraries without calling into them (so without panicking).
/// The answer is computed once per process.
pub fn probe() -> Libraries {
    static PROBED: std::sync::OnceLock<Libraries> = std::sync::OnceLock::new();
    *PROBED.get_or_init(|| {
        // SAFETY: `is_culib_present` only tries `dlopen` on the standard names of the CUDA
        // libraries and drops the handle; the libraries' initialisers are the vendor's, run
        // exactly as they would be by any CUDA program, and no symbol is called.
        unsafe {
            Libraries {
                driver: cudarc::driver::sys::is_culib_present(),
                nvrtc: cudarc::nvrtc::sys::is_culib_present(),
                cublas: cudarc::cublas::sys::is_culib_present(),
            }
        }
    })
}

/// `true` when the driver, NVRTC and cuBLAS libraries can all be loaded. Answers without
/// panicking or printing; a device may still be absent, which opening one reports.
pub fn available() -> bool {
    let libs = probe();
    libs.driver && libs.nvrtc && libs.cublas
}

/// A sentence saying which libraries are missing and how to point at them, for messages.
pub fn describe(libs: Libraries) -> String {
    let missing: Vec<&str> = [
        (libs.driver, "the CUDA driver (libcuda.so)"),
        (libs.nvrtc, "NVRTC (libnvrtc.so)"),
        (libs.cublas, "cuBLAS (libcublas.so)"),
    ]
    .into_iter()
    .filter_map(|(present, name)| (!present).then_some(name))
    .collect();
    if missing.is_empty() {
        "all CUDA libraries were found".to_owned()
    } else {
        format!(
            "not found: {}; install them or add their directory to LD_LIBRARY_PATH",
            missing.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probing_never_panics_and_agrees_with_available() {
        let libs = probe();
        assert_eq!(available(), libs.driver && libs.nvrtc && libs.cublas);
        let text = describe(libs);
        if !available() {
            assert!(text.contains("LD_LIBRARY_PATH"), "{text}");
            println!("CUDA absent here: {text}");
        }
    }

    #[test]
    fn describe_names_what_is_missing() {
        let text = describe(Libraries {
            driver: true,
            nvrtc: false,
            cublas: false,
        });
        assert!(text.contains("NVRTC") && text.contains("cuBLAS") && !text.contains("driver"));
    }
}
