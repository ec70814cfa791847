//! `dgemm_x86_v4_16x14`.
//!
//! # Contract
//! The module contract of `kernels` with `MR x NR = 16 x 14` f64: 2 zmm vectors (8 lanes) by 14
//! columns = 28 accumulators, 2 registers for A, each element of B broadcast once for its 2
//! FMAs; 28 independent FMA chains per k step hide the FMA latency of two 512-bit pipes (4 cycles
//! x 2 pipes = 8 chains needed). The wide block (point 13) is 32 x 6: 4 vectors by 6 columns = 24
//! accumulators, 4 registers for A; on Zen 4 it runs most products, reading op(B) in place
//! (`plan::wide_applies`), and this block the rest. Both run at about the FMA peak on panels
//! from L2. Blocks that load A in more vectors per broadcast of B (24 x 8, 24 x 9) read fewer
//! operands per FMA but have fewer accumulators, and lose; the compiled body is within about
//! 2% of hand-written assembly of MKL's schedule. History: `docs/tuning.md`,
//! "kernels/x86_v4/dgemm_16x14.rs".
//! either: an FMA loop with one extra integer op per FMA runs at peak, with two at 0.95x.
//! Requires AVX-512 F/BW/CD/DQ/VL (`pulp::x86::V4`). Tested by
//! `kernels::testing::x86_v4` and by the driver tests with `HPC_FORCE_ISA=avx512`.

use crate::kernels::{Isa, microkernel};

microkernel! {
    /// `dgemm_x86_v4_16x14`: f64, AVX-512.
    Dgemm16x14: f64, Isa::Avx512, pulp::x86::V4, MV = 2, NR = 14, EDGE_NR = [2, 4, 6, 8, 10, 12],
    WIDE = (4 x [1, 2, 3, 4, 5] 6),
    "dgemm_x86_v4_16x14"
}
