//! The portable kernels: the shared body on `pulp::Scalar` (one lane, no SIMD assumed).
//!
//! # Contract
//! The module contract of `kernels` with `MR x NR = 4 x 4` (4 one-lane "vectors" by 4 columns,
//! 16 scalar accumulators), any ISA. `mul_add` is a plain multiply and add here (no fused
//! multiply-add is assumed), so its results may differ from the SIMD kernels' in the last bit.
//! The wide block (point 13) is the same 4 x 4, so the driver does not use it.
//! Tested by `kernels::testing::generic` and by the driver tests with `HPC_FORCE_ISA=scalar`.

use super::{Isa, microkernel};

microkernel! {
    /// `dgemm_generic_4x4`: f64, portable.
    Dgemm4x4: f64, Isa::Scalar, pulp::Scalar, MV = 4, NR = 4, EDGE_NR = [2],
    WIDE = (4 x [1, 2, 3] 4), "dgemm_generic_4x4"
}

microkernel! {
    /// `sgemm_generic_4x4`: f32, portable.
    Sgemm4x4: f32, Isa::Scalar, pulp::Scalar, MV = 4, NR = 4, EDGE_NR = [2],
    WIDE = (4 x [1, 2, 3] 4), "sgemm_generic_4x4"
}
