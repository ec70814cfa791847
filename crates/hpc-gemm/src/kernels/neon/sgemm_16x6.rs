//! `sgemm_neon_16x6`.
//!
//! # Contract
//! The module contract of `kernels` with `MR x NR = 16 x 6` f32: 4 q registers (4 lanes) by 6
//! columns = 24 accumulators, plus 4 registers for A and the broadcasts of B, within NEON's 32
//! vector registers. The wide block (point 13) is the same 16 x 6, so the driver does not use
//! it. Requires NEON (`pulp::aarch64::Neon`). Tested by `kernels::testing::neon` and by the
//! driver tests, under qemu on the x86-64 build machines.

use crate::kernels::{Isa, microkernel};

microkernel! {
    /// `sgemm_neon_16x6`: f32, aarch64 NEON.
    Sgemm16x6: f32, Isa::Neon, pulp::aarch64::Neon, MV = 4, NR = 6, EDGE_NR = [2, 4],
    WIDE = (4 x [1, 2, 3, 4, 5] 6),
    "sgemm_neon_16x6"
}
