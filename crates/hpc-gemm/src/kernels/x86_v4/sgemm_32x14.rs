//! `sgemm_x86_v4_32x14`.
//!
//! # Contract
//! The module contract of `kernels` with `MR x NR = 32 x 14` f32: 2 zmm vectors (16 lanes) by 14
//! columns = 28 accumulators, 2 registers for A, B broadcast from memory. The wide block (point 13)
//! is 64 x 6: 4 vectors by 6 columns = 24 accumulators, 4 registers for A. Requires AVX-512
//! F/BW/CD/DQ/VL (`pulp::x86::V4`). Tested by `kernels::testing::x86_v4` and by the driver tests
//! with `HPC_FORCE_ISA=avx512`.

use crate::kernels::{Isa, microkernel};

microkernel! {
    /// `sgemm_x86_v4_32x14`: f32, AVX-512.
    Sgemm32x14: f32, Isa::Avx512, pulp::x86::V4, MV = 2, NR = 14, EDGE_NR = [2, 4, 6, 8, 10, 12],
    WIDE = (4 x [1, 2, 3, 4, 5] 6),
    "sgemm_x86_v4_32x14"
}
