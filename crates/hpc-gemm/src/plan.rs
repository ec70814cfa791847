//! The plan of one product: how it is blocked, which register block runs, and how the
//! threads share it. Every choice is made here, once, on the whole product, and every share
//! follows it, so that no choice that changes the order of the k sums (KC, the register block)
//! depends on the thread count: the bits do not.
//!
//! Threads first split C into shares at the top, above LOOP 5, and each share runs the five
//! loops on its own (`loops::gemm_loops`): one fork and one join per call. When C is tall
//! enough ([`ROW_SHARE_PANELS`] micro-panels of A per share) and at least as tall as it is
//! wide, the shares are rows: each packs its own rows of op(A) and reads all of op(B). When C
//! is wider (at least [`COL_SHARE`] columns per share), or too short for row shares, they are
//! columns, and every share packs all of op(A). Within a share the threads split LOOP 3 and
//! LOOP 2 (`loops::loop3`), so every micro-tile of C belongs to exactly one thread.
//! Measurements behind each rule: `docs/tuning.md`, the "plan.rs" sections.

use crate::blocking::{Blocking, Cpu};
use crate::kernels::{Isa, Microkernel};
use crate::problem::{Problem, Region, Structure};
use crate::registry::{Family, GemmScalar, Visitor};
use crate::simd::factor;

/// How the five loops run one product, or one share of it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Plan {
    /// MC, KC and NC.
    pub blk: Blocking,
    /// The threads that split LOOP 3 and LOOP 2 (and take turns packing B~).
    pub nt: usize,
    /// The kernels prefetch the next block of op(A) into L2 (a narrow product on one
    /// thread, `loops::loop3`).
    pub stream_a: bool,
    /// The wide register block runs ([`wide_applies`]).
    pub wide: bool,
    /// The wide block prefetches the next group of op(B)'s columns (`macro_kernel::loop2_wide`).
    pub wide_next: bool,
    /// The whole product runs on this one thread (no shares), so that a tall product's wide
    /// block may copy op(B) (`loops::COPY_B_BLOCKS`).
    pub one_thread: bool,
}

impl Plan {
    /// The plan of a share run by `nt` of the product's threads: the same blocks and
    /// register block, without the one-thread choices.
    fn share(self, nt: usize) -> Plan {
        Plan {
            nt: nt.max(1),
            stream_a: false,
            wide_next: false,
            one_thread: false,
            ..self
        }
    }
}

/// Runs `p` on `nt` threads with the kernel the registry picks for `isa`.
///
/// # Safety
/// `isa` is available; the operands of `p` are valid as [`run`] requires.
pub(crate) unsafe fn run_on<T: GemmScalar>(isa: Isa, p: &Problem<T>, nt: usize) {
    struct Run<'a, T>(&'a Problem<T>, usize);
    impl<T: GemmScalar> Visitor<T::Real> for Run<'_, T> {
        unsafe fn visit<K: Microkernel<T::Real>>(self) {
            // SAFETY: forwarded (the registry hands over the kernel of an available ISA).
            unsafe { run::<T, K>(self.0, self.1) }
        }
    }
    // SAFETY: forwarded.
    unsafe { T::Real::with_kernel(isa, Run(p, nt)) }
}

/// Plans `p` for kernel `K` on `nt` threads (1 = no other thread at all), shares C's columns
/// or rows between the threads at the top when C is wide or tall enough, and runs the five
/// loops on each share.
///
/// # Safety
/// `K::ISA` is available; `a` and `b` are readable, `c` readable and writable, and no one
/// else accesses `c` during the call.
pub(crate) unsafe fn run<T: GemmScalar, K: Microkernel<T::Real>>(p: &Problem<T>, nt: usize) {
    let (m, n) = (p.c.rows, p.c.cols);
    let mr_t = K::MR / factor::<T>();
    // A narrow product over several blocks of A~: each block serves a few micro-panels of B~
    // only, so packing A takes much of the time, and smaller blocks ([`Blocking::narrow`])
    // make it faster. On one thread the kernels also prefetch the next block of op(A) into L2
    // (`stream_a`). History: `docs/tuning.md`, "plan.rs: run (narrow products)".
    let cpu = Cpu::detect();
    let mut blk = Blocking::for_kernel(K::MR, K::NR, size_of::<T::Real>());
    let narrow = n <= NARROW_PANELS * K::NR
        && m > blk.mc / factor::<T>()
        && p.structure == Structure::General;
    if narrow {
        blk = blk.narrow(cpu, K::MR);
    }
    let wide = wide_applies::<T, K>(p, cpu, narrow);
    let plan = Plan {
        blk,
        nt,
        stream_a: narrow && nt == 1,
        wide,
        wide_next: wide && nt == 1 && cpu.wide_prefetches_next(),
        one_thread: nt == 1,
    };
    let by_cols = share_ways(nt, n / COL_SHARE);
    let by_rows = share_ways(nt, m / (ROW_SHARE_PANELS * mr_t));
    // Into how many shares, and whether by columns. Row shares neither for a triangle of C
    // nor in place under a triangular op(A) (a share's writes would reach rows another share
    // still packs); no shares at all under a triangular op(B) (the same with columns) nor a
    // symmetric operand (whose packing needs each block's place in the whole matrix).
    // Otherwise rows when C is at least as tall as it is wide (each share packs only its own
    // rows of op(A), and B~, a copy in column form, is the cheaper to pack twice), columns
    // when it is wider, and columns for a large, deep, about square C unless the wide block
    // reads op(B) in place. History: `docs/tuning.md`, "plan.rs: run (row or column shares)".
    let square_deep = !wide && n >= SQUARE_COLS && p.a.cols >= SQUARE_DEPTH && 4 * m <= 5 * n;
    let (ways, cols) = if matches!(
        p.structure,
        Structure::TriB(_) | Structure::SymA(_) | Structure::SymB(_)
    ) {
        (1, false)
    } else if p.region != Region::All || p.structure.tri_a().is_some() {
        (by_cols, true)
    } else if by_rows > 1 && ((m >= n && !square_deep) || by_cols == 1) {
        (by_rows, false)
    } else {
        (by_cols, true)
    };
    if ways == 1 {
        // SAFETY: forwarded.
        unsafe { crate::loops::gemm_loops::<T, K>(p, &plan) };
        return;
    }
    if p.region != Region::All {
        // A triangle: column shares of about equal work (whole micro-panels each).
        let starts = p.region.balanced_columns(m, n, ways, K::NR);
        let shares = starts.len() - 1;
        crate::fork::for_each(shares, |w| {
            let (j0, j1) = (starts[w], starts[w + 1]);
            let share = p.share(true, j0, j1 - j0);
            // SAFETY: as below.
            unsafe { crate::loops::gemm_loops::<T, K>(&share, &plan.share(nt / shares)) };
        });
        return;
    }
    // Shares are whole micro-panels: every share but the last is a multiple of NR columns, or
    // of MR rows.
    let (len, per) = if cols {
        (n, n.div_ceil(ways).next_multiple_of(K::NR))
    } else {
        (m, m.div_ceil(ways).next_multiple_of(mr_t))
    };
    let work = |w: usize| {
        let s0 = w * per;
        if s0 >= len {
            return;
        }
        let share = p.share(cols, s0, per.min(len - s0));
        // SAFETY: forwarded; each share reads its own columns of op(B) (or rows of op(A)) and
        // writes its own columns (or rows) of C, which no other share touches.
        unsafe { crate::loops::gemm_loops::<T, K>(&share, &plan.share(nt / ways)) };
    };
    // The calling thread runs the first share, hpc's helpers (or the pool it runs on) the
    // others: `fork`.
    crate::fork::for_each(ways, work);
}

/// Fewest columns of C per column share.
pub(crate) const COL_SHARE: usize = 256;

/// Fewest columns, and least depth, of a product whose about square C takes column shares
/// rather than row shares ([`run`]).
const SQUARE_COLS: usize = 1024;
const SQUARE_DEPTH: usize = 512;

/// Most micro-panels of B (NR columns each) in a narrow product.
const NARROW_PANELS: usize = 8;

/// Fewest micro-panels of A (MR rows each) per row share.
pub(crate) const ROW_SHARE_PANELS: usize = 4;

/// Into how many shares `nt` threads split C when it holds room for at most `most` shares:
/// the largest divisor of `nt` that is at most `most` (1: no split). A share's threads
/// (`nt / ways`) split its loops as usual.
fn share_ways(nt: usize, most: usize) -> usize {
    (1..=nt.min(most.max(1)))
        .rev()
        .find(|w| nt % w == 0)
        .unwrap_or(1)
}

/// Whether the fused LOOP 2 of `p` runs the wide register block (contract point 13): a real
/// op(B) with contiguous columns, read in place `WIDE_NR` columns at a time, against A~ in
/// micro-panels of `WIDE_MR` rows, on kernels whose wide block is taller than their own; for a
/// product with more than half a wide micro-panel of rows that is short and wide (at most four
/// micro-panels of rows, at least twice as many columns as rows), or on a processor whose
/// tuning says so ([`Cpu::wide_in_place`]: Zen 4), any such product but a narrow one
/// ([`run`]).
///
/// It is the `gemm` crate's way with such products: few passes of LOOP 1 over each group of
/// B's columns, too few to pay for copying or packing them, and few enough column streams (6)
/// that they do not crowd L1's sets under a power-of-two leading dimension. On Zen 4 it beats
/// the 16 x 14 block for products of every size but narrow ones; elsewhere only for short,
/// wide ones. History: `docs/tuning.md`, "plan.rs: wide_applies".
fn wide_applies<T: GemmScalar, K: Microkernel<T::Real>>(
    p: &Problem<T>,
    cpu: Cpu,
    narrow: bool,
) -> bool {
    let (m, n) = (p.c.rows, p.c.cols);
    let short_wide = m <= 4 * K::WIDE_MR && n >= 2 * m;
    K::WIDE_MR > K::MR
        && !T::IS_COMPLEX
        && p.b.rs == 1
        && p.structure == Structure::General
        && p.region == Region::All
        && 2 * m > K::WIDE_MR
        && (short_wide || (cpu.wide_in_place() && !narrow))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_arch = "x86_64")]
    fn the_wide_block_takes_the_products_its_rule_names() {
        use crate::kernels::x86_v4::Dgemm16x14 as K;
        use crate::problem::Sym;
        use crate::raw::{RawMat, RawMatMut};
        // An m x n x k f64 problem over dangling pointers (never dereferenced here), op(B)
        // column-major unless `b_rows`.
        let prob = |m: usize, n: usize, k: usize, b_rows: bool| Problem {
            alpha: 1.0f64,
            a: RawMat {
                ptr: core::ptr::NonNull::dangling().as_ptr(),
                rows: m,
                cols: k,
                rs: 1,
                cs: m as isize,
            },
            conj_a: false,
            b: RawMat {
                ptr: core::ptr::NonNull::dangling().as_ptr(),
                rows: k,
                cols: n,
                rs: if b_rows { n as isize } else { 1 },
                cs: if b_rows { 1 } else { k as isize },
            },
            conj_b: false,
            beta: 0.0,
            c: RawMatMut {
                ptr: core::ptr::NonNull::dangling().as_ptr(),
                rows: m,
                cols: n,
                rs: 1,
                cs: m as isize,
            },
            region: Region::All,
            structure: Structure::General,
        };
        let wide = |p: &Problem<f64>, cpu, narrow| wide_applies::<f64, K>(p, cpu, narrow);
        // Short and wide: on every processor.
        for cpu in [Cpu::Zen4, Cpu::Other] {
            assert!(wide(&prob(64, 4096, 4096, false), cpu, false));
            // Half a wide micro-panel of rows or fewer: the 16 x 14 block.
            assert!(!wide(&prob(16, 4096, 4096, false), cpu, false));
            // op(B) not in columns: packed.
            assert!(!wide(&prob(64, 4096, 4096, true), cpu, false));
        }
        // Squares and tall products: on Zen 4 only, and not when narrow.
        for (m, n, k) in [(1024, 1024, 1024), (200, 200, 200), (4096, 4096, 64)] {
            assert!(wide(&prob(m, n, k, false), Cpu::Zen4, false));
            assert!(!wide(&prob(m, n, k, false), Cpu::Other, false));
            assert!(!wide(&prob(m, n, k, true), Cpu::Zen4, false));
        }
        assert!(!wide(&prob(4096, 64, 4096, false), Cpu::Zen4, true));
        // Neither a triangle of C nor a structured operand.
        let mut p = prob(512, 512, 512, false);
        p.region = Region::Lower(0);
        assert!(!wide(&p, Cpu::Zen4, false));
        let mut p = prob(512, 512, 512, false);
        p.structure = Structure::SymA(Sym {
            lower: true,
            herm: false,
        });
        assert!(!wide(&p, Cpu::Zen4, false));
    }

    #[test]
    fn shares_divide_the_threads_and_stay_wide() {
        let cols = |nt, n: usize| share_ways(nt, n / COL_SHARE);
        assert_eq!(cols(1, 10_000), 1);
        assert_eq!(cols(2, 511), 1);
        assert_eq!(cols(2, 512), 2);
        assert_eq!(cols(4, 1100), 4);
        // 3 shares would fit, but 3 does not divide 4 threads: 2 shares of 2 threads each.
        assert_eq!(cols(4, 800), 2);
        assert_eq!(cols(3, 600), 1);
        assert_eq!(cols(16, 100_000), 16);
        assert_eq!(share_ways(4, 0), 1);
        assert_eq!(share_ways(6, 5), 3);
        // Row shares: at least ROW_SHARE_PANELS micro-panels of MR = 16 rows each.
        let rows = |nt, m: usize| share_ways(nt, m / (ROW_SHARE_PANELS * 16));
        assert_eq!(rows(2, 127), 1);
        assert_eq!(rows(2, 128), 2);
        assert_eq!(rows(4, 150), 2);
        assert_eq!(rows(4, 4096), 4);
    }
}
