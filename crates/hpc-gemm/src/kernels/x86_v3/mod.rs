//! Kernels for x86-64-v3 (AVX2 + FMA, 16 ymm registers), one file per kernel.
//!
//! # Contract
//! See each kernel file; both follow the module contract of `kernels`.

mod dgemm_8x6;
mod sgemm_16x6;

pub use dgemm_8x6::Dgemm8x6;
pub use sgemm_16x6::Sgemm16x6;
