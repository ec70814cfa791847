//! `dgemm_x86_v3_8x6`.
//!
//! # Contract
//! The module contract of `kernels` with `MR x NR = 8 x 6` f64: 2 ymm vectors (4 lanes) by 6
//! columns = 12 accumulators, plus 2 registers for A and 1 broadcast of B, within the 16 ymm
//! registers of AVX2. The wide block (point 13) is the same 8 x 6 (a taller one would spill), so
//! the driver does not use it. Requires AVX2 + FMA (`pulp::x86::V3`). Tested by
//! `kernels::testing::x86_v3` and by the driver tests with `HPC_FORCE_ISA=avx2`.

use crate::kernels::{Isa, microkernel};

microkernel! {
    /// `dgemm_x86_v3_8x6`: f64, AVX2 + FMA.
    Dgemm8x6: f64, Isa::Avx2, pulp::x86::V3, MV = 2, NR = 6, EDGE_NR = [2, 4],
    WIDE = (2 x [1, 2, 3, 4, 5] 6),
    "dgemm_x86_v3_8x6"
}
