//! `dgemm_x86_v4_16x14`.
//!
//! # Contract
//! The module contract of `kernels` with `MR x NR = 16 x 14` f64: 2 zmm vectors (8 lanes) by 14
//! columns = 28 accumulators, 2 registers for A, B broadcast from memory into each FMA; 28
//! independent FMA chains per k step hide the FMA latency of two 512-bit pipes (4 cycles x 2 pipes
//! = 8 chains needed). The wide block (point 13) is 32 x 6: 4 vectors by 6 columns = 24
//! accumulators, 4 registers for A. Requires AVX-512 F/BW/CD/DQ/VL (`pulp::x86::V4`). Tested by
//! `kernels::testing::x86_v4` and by the driver tests with `HPC_FORCE_ISA=avx512`.

use crate::kernels::{Isa, microkernel};

microkernel! {
    /// `dgemm_x86_v4_16x14`: f64, AVX-512.
    Dgemm16x14: f64, Isa::Avx512, pulp::x86::V4, MV = 2, NR = 14, EDGE_NR = [2, 4, 6, 8, 10, 12],
    WIDE = (4 x [1, 2, 3, 4, 5] 6),
    "dgemm_x86_v4_16x14"
}
