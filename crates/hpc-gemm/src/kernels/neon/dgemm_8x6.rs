//! `dgemm_neon_8x6`.
//!
//! # Contract
//! The module contract of `kernels` with `MR x NR = 8 x 6` f64: 4 q registers (2 lanes) by 6
//! columns = 24 accumulators, plus 4 registers for A and the broadcasts of B, within NEON's 32
//! vector registers; 24 independent FMA chains per k step cover the FMA latency of up to four
//! 128-bit pipes (4 cycles x 4 pipes = 16 chains). The wide block (point 13) is the same 8 x 6,
//! so the driver does not use it. Requires NEON (`pulp::aarch64::Neon`). Tested by
//! `kernels::testing::neon` and by the driver tests, under qemu on the x86-64 build machines.

use crate::kernels::{Isa, microkernel};

microkernel! {
    /// `dgemm_neon_8x6`: f64, aarch64 NEON.
    Dgemm8x6: f64, Isa::Neon, pulp::aarch64::Neon, MV = 4, NR = 6, EDGE_NR = [2, 4],
    WIDE = (4 x [1, 2, 3, 4, 5] 6),
    "dgemm_neon_8x6"
}
