//! Kernels for x86-64-v4 (AVX-512, 32 zmm registers), one file per kernel.
//!
//! # Contract
//! See each kernel file; both follow the module contract of `kernels`.

mod dgemm_16x14;
mod sgemm_32x14;

pub use dgemm_16x14::Dgemm16x14;
pub use sgemm_32x14::Sgemm32x14;
