//! `dgemm_x86_v4_16x14`.
//!
//! # Contract
//! The module contract of `kernels` with `MR x NR = 16 x 14` f64: 2 zmm vectors (8 lanes) by 14
//! columns = 28 accumulators, 2 registers for A, each element of B broadcast once for its 2
//! FMAs; 28 independent FMA chains per k step hide the FMA latency of two 512-bit pipes (4 cycles
//! x 2 pipes = 8 chains needed). The wide block (point 13) is 32 x 6: 4 vectors by 6 columns = 24
//! accumulators, 4 registers for A; on Zen 4 it runs most products, reading op(B) in place
//! (`loops::wide_applies`), and this block the rest (`examples/kernel_time` on the Zen 4 VM, f64,
//! k = 512 from L2: 57.6 GFLOP/s here, the wide block 57.1, about the peak for both). Other main
//! blocks, measured on the Xeon build machine with `examples/kernel_time` (f64, the same moment,
//! GFLOP/s at k = 64 in L1 / k = 512 with 16 A micro-panels from L2, B packed): 16 x 14 90 / 90,
//! 24 x 8 85 / 84, 24 x 9 88 / 86 (in column form 75-77), 32 x 6 81 / 69; in the GEMM (f64
//! n = 2048, one thread, paired medians of 3): 24 x 8 even, 24 x 9 0.92. The blocks that load A
//! in more vectors per broadcast of B read fewer operands per FMA, but have fewer accumulators
//! (24), and lose (24 x 8 re-measured on 2026-12-03 in the slow phase, minutes apart: 80-81
//! GFLOP/s at k = 512 where 16 x 14 ran 88-90).
//! MKL's own dgemm kernel here (perf annotate of `mkl_blas_avx512_dgemm_kernel_0`) is 24 x 8:
//! explicit broadcasts, A double-buffered in registers, unrolled by 4, one prefetch per k step.
//! Its loop, written out in assembly and run on panels in L1 (k = 64, the slow phase of the
//! host: FMA peak 110 GFLOP/s), measured 91 GFLOP/s, as did this kernel's loop written the same
//! way (unrolled by 1 or 4); with B's broadcasts embedded in the FMAs ({1to8}) 81-87. With A
//! streamed from L2 as `kernel_time` does (16 panels, k = 512) that assembly loop ran 89-91
//! where this kernel, epilogue and C prefetches included, ran 88-90: the compiled body is within
//! about 2% of hand-written assembly of the same schedule. The loop is not front-end bound
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
