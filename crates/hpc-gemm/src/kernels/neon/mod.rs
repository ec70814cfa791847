//! Kernels for aarch64 NEON (Advanced SIMD, 32 128-bit registers), one file per kernel.
//!
//! # Contract
//! See each kernel file; both follow the module contract of `kernels`. NEON is part of every
//! aarch64 Linux target, so these kernels are the default there.
//!
//! Tested for correctness, not tuned: the build machines are x86-64, so the tests run these
//! kernels under `qemu-aarch64` (`cargo xtask test`, step "aarch64 NEON under qemu"), which
//! says nothing about their speed. The register blocks follow the register budget alone (24
//! accumulators of 32 registers, as BLIS's and OpenBLAS's ARMv8 kernels use), and the
//! prefetch hints of the shared body are no-ops on aarch64 (`simd::prefetch`). Measuring and
//! tuning them on an aarch64 machine is left to whoever has one.

mod dgemm_8x6;
mod sgemm_16x6;

pub use dgemm_8x6::Dgemm8x6;
pub use sgemm_16x6::Sgemm16x6;
