//! The five loops of the Goto/BLIS algorithm around a microkernel, and nothing else.
//!
//! ```text
//! LOOP 5 (jc): for each NC-wide panel of columns of C and op(B)
//!   LOOP 4 (pc): for each KC-deep slice of the inner dimension        (never parallel)
//!     pack op(B)[pc.., jc..] (KC x NC) into NR-wide micro-panels   -> B~ (shared, L2/L3)
//!     LOOP 3 (ic): for each MC-tall block of rows of C and op(A)      (parallel: ic ways)
//!       pack op(A)[ic.., pc..] (MC x KC) into MR-tall micro-panels -> A~ (per thread, L2)
//!       LOOP 2 (jr): for each NR-wide micro-panel of B~               (parallel: jr ways)
//!         LOOP 1 (ir): for each MR-tall micro-panel of A~
//!           microkernel: C[ir, jr] (MR x NR) <- beta * C + alpha * A~_ir * B~_jr (k = KC)
//! ```
//!
//! When all of op(A)'s rows fit one `MC x KC` block of A~ (`m * kc <= MC * KC`, so that a
//! shallow product takes more rows than MC), LOOP 3 runs once and each micro-panel of B~ would
//! serve a single pass of LOOP 1, so B~ is not packed up front: LOOP 2 packs each micro-panel just
//! before its pass (into L1, prefetching the next one), which saves writing B~ to L3 and
//! reading it back; the skinny shape 64 x 4096 x 4096 went from 28 to 53 GFLOP/s with it.
//! A real op(B) with contiguous columns is not even packed there: the kernel reads its full
//! micro-panels in place (`ukr_b_in_place`), which took that shape from 56 to 81 GFLOP/s in
//! f64 and from 93 to 168 in f32 (`examples/gemm_time.rs`, one thread), unless B's columns
//! alias in L1 and LOOP 1 makes more than two passes (see `macro_kernel`). A short, wide
//! product (at most four micro-panels of the wide block's rows, at least twice as many columns
//! as rows) runs the kernel's wide register block instead (32 x 6 f64, 64 x 6 f32, kernel
//! contract point 13), reading B in place six columns at a time: 64 x 4096 x 4096 from 82 to 93
//! GFLOP/s in f64 ([`wide_applies`]). On Zen 4 every real product whose op(B) has contiguous
//! columns does so (but a narrow one), over as many blocks of A~ as it takes: nothing of op(B)
//! is packed there, and f64 n = 1024 runs 4-7% faster than with B~ in column form.
//!
//! B~ of a real op(B) with contiguous columns is packed in column form (kernel contract point
//! 12): each micro-panel a plain copy of its NR columns at a fixed, odd-cache-line stride, which
//! the kernel addresses with constant offsets. The usual packed form is a transposition of the
//! same columns; the copy is cheaper and the kernel as fast ([`cols_form`]).
//!
//! A product may be asked for one triangle of C only (gemmt, [`Region`], for the syrk family):
//! LOOP 3 skips blocks of A~ and LOOP 2 micro-panels of B~ that the triangle misses, and LOOP 1
//! skips such tiles and computes those the triangle cuts into the tile buffer, merging the kept
//! elements into C. With threads, C's columns are then shared by equal work, not equal width.
//!
//! Operands may be structured ([`Structure`]). A triangular op(A) may multiply op(B) in place
//! (`trmm`, [`TriA`]): A~ is packed with zeros beyond the diagonal, LOOP 1 trims each
//! micro-panel's k range to the triangle, and LOOP 4 runs in the order that packs every row of
//! op(B) into B~ before the product overwrites it; a triangular op(B) likewise from the right.
//! A symmetric or Hermitian op(A) or op(B) (`symm`/`hemm`, [`Sym`]) is packed from its stored
//! triangle and the mirror of the other, so it runs as one GEMM.
//!
//! β is applied once, on the first `pc` iteration; later iterations accumulate with β = 1
//! (matrixmultiply's `betap`).
//!
//! Threads. The threads first split C into shares at the top, above LOOP 5, and each share
//! runs the five loops on its own: one fork and one join per call, where sharing B~ costs two
//! per packed panel; the calling thread runs one share and hpc's helpers the others (`fork`).
//! When C is tall enough (at least `ROW_SHARE_PANELS` = 4 micro-panels of A per share) and at
//! least as tall as it is wide, the shares are rows: each packs its own rows of op(A), none
//! packs them twice, and every share reads all of op(B) (in place when a share
//! is one MC block; packing B~ in column form is a copy, the cheaper packing to do twice).
//! Against splitting LOOP 2 with every thread packing the same A~, f64 2 threads (paired
//! medians of 6 alternated runs): n = 256 +30%, n = 384 +11%, 4096 x 64 x 4096 +7%,
//! 600 x 200 x 600 +24%, 128 x 400 x 4096 +12%; c64 4096 x 64 x 1024 +27%, c32 n = 256 +27%.
//! When C is wider than tall (and has at least `COL_SHARE` = 256 columns per share), or too
//! short for row shares, the shares are columns, and every share packs all of op(A), which is
//! small beside its `2 * m * k * cols` flops at 256 columns or more. Against no shares
//! (`examples/gemm_time`, 2 threads, medians of 6-8 alternated runs): f64 n = 512 +8%,
//! n = 768 +7%, 64 x 4096 x 4096 +4%, f32 n = 1024 +6%, c64 n = 256 +48%; n = 2048 even.
//! Rows against columns where both apply (paired medians of 5): f64 4096 x 4096 x 64 +14%,
//! n = 512 +2-4%, 768 +2%, 1024 +1%, 2048 +1%; f32 n = 1024 +2-3%, 2048 +1%, 512 even (noisy),
//! 4096 x 4096 x 64 -1%; c64 and c32 n = 1024 +1%; but 64 x 4096 x 4096 -10%, hence columns
//! for a wide C. Re-measured later with rayon's pool running every share, a large, deep, about
//! square C (n >= 1024, k >= 512, m <= 1.25 n) came out the other way, columns +2-6% on f64
//! n = 1024 to 4096 (figures at [`run`]), so it takes columns as well, unless the wide block
//! reads op(B) in place (Zen 4), where no share copies any of op(B) and rows win again.
//! Within a share, or for a narrower C, the threads split LOOP 3 and LOOP 2 between them
//! (`ic_ways x jr_ways`), so every microtile of C belongs to exactly one thread, and they take
//! turns packing B~ in parallel. No split changes which kernel computes an element nor the
//! order of its k sums (MC, KC and NC do not depend on the thread count; MC is always a
//! multiple of MR; a share is whole micro-panels, and an edge tile's store does the same
//! arithmetic as a full one), so results are bitwise identical whatever the number of threads.

use num_traits::{One, Zero};

use crate::blocking::{Blocking, Caches, Cpu};
use crate::buffer::{Slot, with_buffer};
use crate::kernels::{Aux, Microkernel};
use crate::pack::{
    pack_a, pack_a_sym, pack_b, pack_b_cols, pack_b_sym, packed_a_len, packed_b_cols_len,
    packed_b_len, prefetch_block, triangle_a, triangle_b,
};
use crate::raw::{RawMat, RawMatMut};
use crate::simd::{GemmScalar, factor};

/// One canonical product `C <- beta * C + alpha * op(A) * op(B)`: `a` is op(A) up to the
/// conjugation flag (`m x k`), `b` is op(B) likewise (`k x n`), `c` is `m x n`. `k > 0`,
/// `alpha != 0`, `m, n > 0` (the trivial cases are handled by `canonical.rs`).
#[derive(Clone, Copy, Debug)]
pub struct Problem<T> {
    pub alpha: T,
    pub a: RawMat<T>,
    pub conj_a: bool,
    pub b: RawMat<T>,
    pub conj_b: bool,
    pub beta: T,
    pub c: RawMatMut<T>,
    /// Which elements of C are computed: all of them, or one triangle (gemmt, for
    /// `syrk`/`syr2k`); the others are neither read nor written.
    pub region: Region,
    /// What op(A) or op(B) is beyond a general matrix ([`Structure`]).
    pub structure: Structure,
}

impl<T: Copy> Problem<T> {
    /// The part of the product that computes `cnt` columns of C from column `s0` (`cols`), or
    /// `cnt` rows from row `s0`: the same operands, narrowed to the columns of op(B) (or rows
    /// of op(A)) that part reads.
    pub(crate) fn share(&self, cols: bool, s0: usize, cnt: usize) -> Problem<T> {
        let (m, n) = (self.c.rows, self.c.cols);
        if cols {
            Problem {
                b: self.b.sub(0, s0, self.b.rows, cnt),
                c: self.c.sub(0, s0, m, cnt),
                region: self.region.sub(0, s0),
                ..*self
            }
        } else {
            Problem {
                a: self.a.sub(s0, 0, cnt, self.a.cols),
                c: self.c.sub(s0, 0, cnt, n),
                region: self.region.sub(s0, 0),
                ..*self
            }
        }
    }
}

/// What the operands are beyond general matrices: the in-place triangular products of `trmm`
/// and the symmetric ones of `symm`/`hemm`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Structure {
    /// General operands.
    General,
    /// op(A) is a triangle and C is op(B) itself, overwritten in place (`trmm` from the
    /// left): see [`TriA`].
    TriA(TriA),
    /// op(B) is a triangle (`k x k`, so `n = k`) and C is op(A) itself, overwritten in place
    /// (`trmm` from the right: `B <- alpha B op(A)`, β = 0). Every column of op(A) must be packed
    /// into A~ before a write reaches it. Column j of the product reads columns `l <= j` of
    /// op(A) (upper) or `l >= j` (lower), so NC = KC, LOOP 5 runs backwards under an upper
    /// triangle, and each panel first runs the KC slice of its own columns (β; B~'s diagonal
    /// squares packed as A~'s are under [`TriA`], each micro-panel of B~ on its k range), then
    /// the slices of columns not yet written. Threads split LOOP 3 only (a thread packs A~'s
    /// rows before any write reaches them); no shares.
    TriB(TriA),
    /// op(A) is symmetric or Hermitian (`symm`/`hemm` from the left): see [`Sym`].
    SymA(Sym),
    /// op(B) is symmetric or Hermitian (`symm`/`hemm` from the right): see [`Sym`].
    SymB(Sym),
}

impl Structure {
    /// The triangle of [`Structure::TriA`].
    pub(crate) fn tri_a(self) -> Option<TriA> {
        match self {
            Structure::TriA(t) => Some(t),
            _ => None,
        }
    }

    /// The triangle of [`Structure::TriB`].
    pub(crate) fn tri_b(self) -> Option<TriA> {
        match self {
            Structure::TriB(t) => Some(t),
            _ => None,
        }
    }
}

/// A symmetric or Hermitian (`herm`) operand of `symm`/`hemm`: the whole square matrix, of
/// which only the `lower` or upper triangle is read. Packing takes each element of the other
/// triangle from its mirror (conjugated if `herm`), and with `herm` the diagonal's imaginary
/// part as zero, so the product runs on the loops as one GEMM (BLIS's way), with no dense copy
/// of any block. No shares at the top (the packing needs each block's place in the matrix).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sym {
    /// The stored triangle is the lower one (else the upper).
    pub lower: bool,
    /// Hermitian (else symmetric).
    pub herm: bool,
}

/// A triangular op(A) (square, `k x k`) multiplying op(B) in place: `C = op(B)`, the same
/// elements, and `beta = 0` (`trmm`'s `B <- alpha op(A) B`).
///
/// Only op(A)'s triangle is read as such: the packing of A~ writes zeros over the other side of
/// each diagonal square and ones over a unit diagonal, and LOOP 1 trims each micro-panel's k
/// range to the triangle (so no more than an `MR x MR` square per micro-panel is multiplied
/// by zeros).
///
/// In place: every row block of op(B) must be packed into B~ before a write reaches it. Row i
/// of the product reads rows `l <= i` of B (lower) or `l >= i` (upper), so LOOP 4 runs
/// backwards for a lower triangle and forwards for an upper one: the rows an iteration writes
/// are its own KC rows (the first time they are written: β) and the rows already written,
/// never those later iterations pack. For that KC is a multiple of MR (no micro-panel
/// straddles two KC slices), B~ is always packed up front (no fused LOOP 2), and threads share
/// C by columns or within LOOP 3/LOOP 2 only, never by rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TriA {
    /// Lower triangular (else upper).
    pub lower: bool,
    /// An implicit unit diagonal (the stored one is not read).
    pub unit: bool,
}

impl TriA {
    /// A micro-panel's k range (`ks..ke` within a KC slice of depth `kcb`) and whether its
    /// rows are written for the first time (β applies), for the micro-panel whose first row is
    /// `d` rows below the slice's first k (negative: above). `None`: the triangle gives it
    /// nothing from this slice.
    #[inline(always)]
    pub(crate) fn k_range(self, d: isize, rows: usize, kcb: usize) -> Option<(usize, usize, bool)> {
        let kcb_i = kcb as isize;
        // Micro-panels never straddle a slice's first row (KC is a multiple of MR).
        debug_assert!(d >= 0 || d + rows as isize <= 0);
        let first = (0..kcb_i).contains(&d);
        if self.lower {
            // Row i takes k <= i: up to the micro-panel's last row.
            let ke = (d + rows as isize).min(kcb_i);
            (ke > 0).then_some((0, ke as usize, first))
        } else {
            // Row i takes k >= i: from the micro-panel's first row.
            (d < kcb_i).then(|| (d.max(0) as usize, kcb, first))
        }
    }

    /// As a triangular op(B) ([`Structure::TriB`]): the k range of the micro-panel of B~ whose
    /// first column is `d` columns right of its own KC slice's first row (column j takes rows
    /// `l <= j` under an upper triangle, `l >= j` under a lower one).
    #[inline(always)]
    fn k_range_of_cols(self, d: usize, cols: usize, kcb: usize) -> (usize, usize) {
        if self.lower {
            (d.min(kcb), kcb)
        } else {
            (0, (d + cols).min(kcb))
        }
    }
}

/// Which k range of a KC slice LOOP 1 runs each micro-panel on.
#[derive(Clone, Copy)]
enum KRange {
    /// All of it.
    All,
    /// Under a triangular op(A): per micro-panel of A~ ([`TriA::k_range`], with row ic's
    /// diagonal element `d0` into the slice).
    RowsOf(TriA, isize),
    /// The same for every micro-panel (one of B~ under a triangular op(B)).
    Fixed(usize, usize),
}

/// The elements of C a product computes: all, or a triangle. With `Lower(o)` element (i, j) is
/// computed when `i + o >= j`, with `Upper(o)` when `i + o <= j`: `o` is the offset of the
/// matrix's diagonal, so that a block of C at (r0, c0) carries `o + r0 - c0` ([`Region::sub`]).
/// Which tiles are skipped, computed whole or computed into a buffer and merged depends only on
/// a tile's place in C, so the bits do not depend on the thread count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    /// Every element.
    All,
    /// Elements on or below the diagonal of offset `o`.
    Lower(isize),
    /// Elements on or above the diagonal of offset `o`.
    Upper(isize),
}

/// How much of a block of C a [`Region`] covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cover {
    /// No element.
    None,
    /// Every element.
    Full,
    /// Some elements.
    Part,
}

impl Region {
    /// The triangle as seen from the block at (`r0`, `c0`).
    pub(crate) fn sub(self, r0: usize, c0: usize) -> Region {
        let d = r0 as isize - c0 as isize;
        match self {
            Region::All => Region::All,
            Region::Lower(o) => Region::Lower(o + d),
            Region::Upper(o) => Region::Upper(o + d),
        }
    }

    /// Whether element (i, j) is computed.
    pub(crate) fn keeps(self, i: usize, j: usize) -> bool {
        let (i, j) = (i as isize, j as isize);
        match self {
            Region::All => true,
            Region::Lower(o) => i + o >= j,
            Region::Upper(o) => i + o <= j,
        }
    }

    /// How much of a `rows x cols` block (at this triangle's origin) is covered.
    pub(crate) fn cover(self, rows: usize, cols: usize) -> Cover {
        if rows == 0 || cols == 0 {
            return Cover::None;
        }
        // Lower: the block's top-right corner decides Full, its bottom-left one None; upper
        // the other way round.
        let (full, none) = match self {
            Region::All => return Cover::Full,
            Region::Lower(_) => (self.keeps(0, cols - 1), !self.keeps(rows - 1, 0)),
            Region::Upper(_) => (self.keeps(rows - 1, 0), !self.keeps(0, cols - 1)),
        };
        if none {
            Cover::None
        } else if full {
            Cover::Full
        } else {
            Cover::Part
        }
    }

    /// Column shares of about equal work for `ways` threads over a `rows x cols` C (each share
    /// but the last a multiple of `nr` columns): the first column of each share, and `cols`.
    fn balanced_columns(self, rows: usize, cols: usize, ways: usize, nr: usize) -> Vec<usize> {
        // Rows computed in column j.
        let r = rows as isize;
        let work = |j: usize| match self {
            Region::All => rows,
            Region::Lower(o) => (r - (j as isize - o).clamp(0, r)) as usize,
            Region::Upper(o) => (j as isize - o + 1).clamp(0, r) as usize,
        };
        let per_col: Vec<usize> = (0..cols).map(work).collect();
        let total: usize = per_col.iter().sum();
        let mut starts = vec![0];
        let mut acc = 0;
        for (j, w) in per_col.iter().enumerate() {
            acc += w;
            let share = starts.len();
            if share < ways && acc * ways >= total * share {
                let start = (j + 1).next_multiple_of(nr);
                if start < cols && start > *starts.last().unwrap() {
                    starts.push(start);
                }
            }
        }
        starts.push(cols);
        starts
    }
}

/// Runs the five loops with kernel `K` on `nt` threads (1 = no rayon at all): shares of C's
/// columns, or else of its rows, at the top when C is wide or tall enough (module doc), each
/// on [`run_shared`].
///
/// # Safety
/// `K::ISA` is available; `a` and `b` are readable, `c` readable and writable, and no one
/// else accesses `c` during the call.
pub(crate) unsafe fn run<T: GemmScalar, K: Microkernel<T::Real>>(p: &Problem<T>, nt: usize) {
    let (m, n) = (p.c.rows, p.c.cols);
    let mr_t = K::MR / factor::<T>();
    // A narrow product over several blocks of A~: each block serves a few micro-panels of B~
    // only, so packing A (from memory, for a large A) takes much of the time. Smaller blocks
    // make it faster ([`Blocking::narrow`]: half MC and, but on Zen 4, half KC): A's columns
    // are read in shorter runs, and the L2 streamer, fetching on to the end of each 4 KiB page,
    // brings in the next blocks' runs of the same columns while the kernels use this one. On
    // the Xeon, one thread, paired medians of 3 alternated runs of `examples/gemm_time`: f64
    // 4096 x 64 x 4096 +13% (two threads +10%), 4096 x 32 x 4096 +22%, 4096 x 112 x 4096 +4%,
    // 2048 x 64 x 2048 +6%; f32 4096 x 64 x 4096 +7%; c64 +6%; at 4096 x 256 x 4096 -2%,
    // hence at most `NARROW_PANELS` micro-panels; with one block of A (the fused LOOP 2,
    // 200 x 50 x 300) -1 to -4%, hence more rows than MC. KC changes the order of the k sums,
    // so the choice is made here, on the whole product, and every share follows it: the bits
    // never depend on the thread count.
    //
    // Packing A is still a third of f64 4096 x 64 x 4096 (perf). Bounds, one thread: packing
    // the same block over and over (from L2) would be 1.13x, no packing 1.4x. Packing from L2
    // is itself bound by L2's bandwidth (the source, and the destination's fills and
    // write-backs). On one thread (`stream_a`), the kernels prefetch the next block into L2
    // meanwhile (their `Aux` stream, [`loop3`]): on the Xeon +2%; on the Zen 4 VM, calls
    // alternated in one process, medians of 7-21 pairs, f64 4096 x 64 x 4096 -3% to +7% over
    // five runs (perf: `pack_a` from 20% of the samples to 14-16%, the kernels from 60% to
    // 64-67%), 4096 x 32 x 4096 +3% to +14%, 2048 x 64 x 2048 +1% to +9%,
    // 4096 x 112 x 4096 +1% to +3%; f32 4096 x 64 x 4096 -2% to +9%. Not on two threads
    // (each packing its own rows from memory at once): -1 to -3%, as on the Xeon (even). Not
    // for wider products either (4096 x 128 x 4096 and 4096 x 256 x 4096 -1%, n = 2048 and
    // 1024 -1 to -4%), whose blocks of A~ each serve many more kernel calls. Left out:
    // packing each micro-panel into L1 right before its calls, 0.62x, since each micro-panel
    // takes two lines from each of 256 pages where a block takes sixteen. The same stream of
    // one line per column (for the L2 streamer to fetch the rest) was 0.975. Splitting k
    // between two threads instead of m (as MKL does here, `gblock_by_k`), with a sum of the
    // two halves: 0.97-0.98 against two row halves, and the bits would depend on the threads.
    let cpu = Cpu::detect();
    let mut blk = Blocking::for_kernel(K::MR, K::NR, size_of::<T::Real>());
    let narrow = n <= NARROW_PANELS * K::NR
        && m > blk.mc / factor::<T>()
        && p.structure == Structure::General;
    if narrow {
        blk = blk.narrow(cpu, K::MR);
    }
    let blk = &blk;
    let stream_a = narrow && nt == 1;
    // Which register block, decided on the whole product like the blocks, and on one thread
    // whether the wide block prefetches the next group of op(B)'s columns ([`loop2_wide`]).
    let wide = wide_applies::<T, K>(p, cpu, narrow);
    let wide_next = wide && nt == 1 && cpu.wide_prefetches_next();
    let by_cols = share_ways(nt, n / COL_SHARE);
    let by_rows = share_ways(nt, m / (ROW_SHARE_PANELS * mr_t));
    // Into how many shares, and whether by columns. Row shares neither for a triangle of C
    // nor in place under a triangular op(A) (a share's writes would reach rows another share
    // still packs); no shares at all under a triangular op(B) (the same with columns) nor a
    // symmetric operand (whose packing needs each block's place in the whole matrix).
    // Otherwise rows when C is at least as tall as it is wide (each share packs only its own
    // rows of op(A), and B~, a copy in column form, is the cheaper to pack twice), columns
    // when it is wider. Packing B~ once for both shares does not pay here: with each of two
    // row shares copying half of its micro-panels into one buffer that both read (timing only,
    // no synchronisation at all), f64 n = 2048 came out 1.00 and 1024 0.98 (two threads,
    // paired medians of 5): reading the other core's fresh copies costs what copying them
    // saves. One share over both threads (`run_shared`, B~ packed together, a fork and join
    // per KC slice): n = 1024 0.95, 2048 and 4096 0.98. Against row shares on the Zen 4 VM
    // (calls alternated in one process, medians of 9-11 pairs): f64 n = 320 0.91, 384 0.82-0.96,
    // 512 1.00-1.06, 576 0.96, 640-896 1.03-1.06, 1024 1.00; f32 512 0.93, 768 0.96: a window,
    // not a rule.
    // A large, deep, about square C takes column shares all the same: each share copies only
    // its half of op(B) into B~, and packs all of op(A) (why that wins is not settled: row
    // shares with NC halved, which pack as much of op(A), measured 0.94 at n = 2048). Two
    // threads, paired medians of 6 alternated runs of `examples/gemm_time` (the host in its
    // slow phase), columns against rows: f64 n = 1024 +6%, 1536 +4%, 2048 +6%, 3000 +4%,
    // 4096 +3%; f32 2048 +3%, 4096 +5%; c64 1024 even. Not below: n = 512 0.95, 768 even,
    // 2048 x 2048 x 256 +1%, and C taller than square, 1536 x 1024 x 1024 even, 2048 x 1024 x
    // 2048 0.97, 4096 x 1024 x 1024 0.97, nor shallow, 4096 x 4096 x 64 0.91. This rule against
    // the build before it, paired medians of 4-6, a faster moment: f64 n = 1024 +2%, 2048 +3%,
    // 4096 +2%; f32 1024 +1%, 2048 +1%; c64 1024 +1%; f64 512 and 4096 x 4096 x 64 even.
    // Not when the wide block reads op(B) in place (`wide`, Zen 4): no share copies any of it,
    // and row shares pack op(A) once between them. Rows against columns there, calls
    // alternated in one process, medians of 9-11 pairs: f64 n = 1024 +2 to +4%, 1536 +2%,
    // 2048 +2%, 3000 +2%, 4096 even, 1024 x 1024 x 512 +2%, 1200 x 1000 x 1000 even; f32
    // n = 1024 -1 to +1%, 2048 +2%, 3000 +2%.
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
        unsafe { run_shared::<T, K>(p, nt, blk, (stream_a, wide, wide_next, nt == 1)) };
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
            unsafe {
                run_shared::<T, K>(
                    &share,
                    (nt / shares).max(1),
                    blk,
                    (false, wide, false, false),
                )
            };
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
        unsafe { run_shared::<T, K>(&share, nt / ways, blk, (false, wide, false, false)) };
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

/// Fewest passes of LOOP 1 over a micro-panel of B, in the fused LOOP 2, for which a real
/// op(B) with contiguous columns is copied into column form rather than read in place.
const COPY_PASSES: usize = 8;

/// Fewest blocks of A~ (MC rows each) for which the wide block, on one thread, copies each
/// KC slice of op(B) into column form (contract point 12's layout, which no two columns share
/// L1 sets in) while the first block of A~ reads it, for the other blocks to read the copy
/// ([`run_shared`]). Read in place, each block's first kernel call on a group of columns took
/// 10-12% longer than the others (its columns from L3, in a page each), and the call before
/// it, prefetching them, 5-15% (time stamps per call, f64 n = 4096 on the Zen 4 VM); reading
/// the copy, 3-5% and 2-5%, and the others 1-2% faster too. The copy costs the same for
/// every block of A~ there is: calls alternated in one process, medians of 9 pairs, one
/// thread, copying against not, f64 n = 4096 +0.7 and +1.8% (two runs), 3072 +1.1%, 2048
/// +0.3%, 1024 -0.9%, 512 -2.3%. Not on two threads (each share copying its own): n = 4096
/// -1.4%, 2048 -4.4%.
const COPY_B_BLOCKS: usize = 12;

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

/// The five loops with block sizes `blk` (chosen by [`run`] for the whole product), with `nt`
/// threads sharing each packed panel of B; with `stream_a`, the kernels prefetch the next block
/// of op(A) into L2 ([`run`]); with `wide`, the wide register block runs ([`wide_applies`]), and
/// with `wide_next` as well, it prefetches the next group of op(B)'s columns ([`loop2_wide`]);
/// `one_thread`: the whole call runs on this one thread (no shares), so that a tall product's
/// wide block may copy op(B) ([`COPY_B_BLOCKS`]).
///
/// # Safety
/// As [`run`].
unsafe fn run_shared<T: GemmScalar, K: Microkernel<T::Real>>(
    p: &Problem<T>,
    nt: usize,
    blk: &Blocking,
    (stream_a, wide, wide_next, one_thread): (bool, bool, bool, bool),
) {
    let f = factor::<T>();
    let (mr, nr) = (K::MR, K::NR);
    let (m, n, k) = (p.c.rows, p.c.cols, p.a.cols);
    // Rows of T per A micro-panel, and MC/KC in elements of T (1m halves them for complex).
    let mr_t = mr / f;
    let mut kc_t = (blk.kc / f).max(1);
    if matches!(
        p.structure,
        Structure::General | Structure::SymA(_) | Structure::SymB(_)
    ) {
        kc_t = even_depth::<T>(k, kc_t);
    }
    if p.structure.tri_a().is_some() {
        // In place: whole micro-panels of A per KC slice ([`TriA`]).
        kc_t = (kc_t / mr_t).max(1) * mr_t;
    }
    if p.structure.tri_b().is_some() {
        // In place, op(B) triangular: whole micro-panels of B per KC slice, and NC = KC.
        kc_t = (kc_t / nr).max(1) * nr;
    }

    // LOOP 5 (jc): NC columns of C at a time.
    // NC adjusted so that the panels come out even (a multiple of NR each): 1024 columns are
    // two panels of 518 and 506, not 602 and 422. As with KC ([`even_depth`]), a panel may be
    // a sixteenth wider than NC rather than leave a thin second one: with NC = 4088 (f64 on
    // Zen 4), n = 4096 is one panel, not two (which would pack op(A) twice). In place under
    // a triangular op(B), NC = KC, and the panels run backwards under an upper triangle
    // ([`Structure::TriB`]).
    let nc = if p.structure.tri_b().is_some() {
        kc_t
    } else {
        n.div_ceil(n.div_ceil(blk.nc + blk.nc / 16))
            .next_multiple_of(nr)
    };
    let panels = n.div_ceil(nc);
    for jp in 0..panels {
        let jc = if p.structure.tri_b().is_some_and(|t| !t.lower) {
            panels - 1 - jp
        } else {
            jp
        } * nc;
        let ncb = nc.min(n - jc);
        // LOOP 4 (pc): KC of the inner dimension at a time. Never parallel: every iteration
        // updates the same block of C.
        // In place under a lower triangular op(A), backwards ([`TriA`]). Under a triangular
        // op(B), the panel's own slice first (`pc = jc`), then those the triangle takes left
        // (upper) or right (lower) of it.
        let backwards = p.structure.tri_a().is_some_and(|t| t.lower);
        let slices = match p.structure.tri_b() {
            None => k.div_ceil(kc_t),
            Some(t) if t.lower => 1 + (k - jc - ncb).div_ceil(kc_t),
            Some(_) => 1 + jc / kc_t,
        };
        for s in 0..slices {
            let pc = match p.structure.tri_b() {
                None if backwards => (slices - 1 - s) * kc_t,
                None => s * kc_t,
                Some(_) if s == 0 => jc,
                Some(t) if t.lower => jc + ncb + (s - 1) * kc_t,
                Some(_) => (s - 1) * kc_t,
            };
            let kcb = if p.structure.tri_b().is_some() && s == 0 {
                ncb
            } else {
                kc_t.min(k - pc)
            };
            // β on the first rank-KC update only; the later ones add to what is there. Under
            // a triangular op(A) LOOP 1 decides per micro-panel.
            let first = match (p.structure.tri_a(), p.structure.tri_b()) {
                (Some(_), _) => true,
                (_, Some(_)) => s == 0,
                _ => pc == 0,
            };
            let beta = if first { p.beta } else { T::one() };
            let b_blk = p.b.sub(pc, jc, kcb, ncb);
            let c_blk = p.c.sub(0, jc, m, ncb);
            let a_blk = p.a.sub(0, pc, m, kcb);
            let tri = p.region.sub(0, jc);
            if tri.cover(m, ncb) == Cover::None {
                continue;
            }
            let fused_ok = matches!(p.structure, Structure::General | Structure::SymA(_));
            let one_block = m * kcb <= blk.mc / f * (blk.kc / f).max(1);
            if (one_block || wide) && fused_ok {
                // All of op(A)'s rows fit one block of A~ (at most MC x KC elements, so a
                // shallow KC block takes more rows than MC): LOOP 3 runs once, and each
                // micro-panel of B~ would serve one pass of LOOP 1 only, so it is packed right
                // before that pass (into L1) instead of all of B~ up front (into L3 and back).
                // f64 n = 200 (k = 200 < KC): 0.91x when it took two MC blocks of 128 rows.
                // The wide block reads op(B) in place, so it takes this path for any number
                // of blocks of A~ (MC rows each, more for a shallow slice, [`mc_for_depth`]):
                // nothing of op(B) is packed, and each block of A~ reads the slice of op(B)
                // again, from L2 or L3.
                let fused = |b: RawMat<T>, copy_to: Option<RawMatMut<T>>| BPanels::Fused {
                    b,
                    conj: p.conj_b,
                    wide,
                    wide_next,
                    copy_to,
                };
                let mc_t = if one_block {
                    m.max(blk.mc / f)
                } else {
                    mc_for_depth::<T>(blk, kcb, m, mr_t)
                };
                if wide && one_thread && m >= COPY_B_BLOCKS * mc_t && kcb <= cols_ld::<T>() {
                    // Tall: the first block of A~ copies op(B)'s slice into column form as it
                    // goes, and the others read the copy ([`COPY_B_BLOCKS`]).
                    let ld = cols_ld::<T>();
                    with_buffer(Slot::B, ld * ncb, |buf: &mut [T::Real]| {
                        let copy = RawMatMut {
                            ptr: buf.as_mut_ptr() as *mut T,
                            rows: kcb,
                            cols: ncb,
                            rs: 1,
                            cs: ld as isize,
                        };
                        let first = mc_t.min(m);
                        // SAFETY: forwarded from the caller; T is real (`wide`), so the
                        // buffer of `ld * ncb` reals holds the `kcb x ncb` copy (`kcb <= ld`),
                        // which the first call writes in full before the second reads it.
                        unsafe {
                            loop3::<T, K>(
                                p,
                                (a_blk.sub(0, 0, first, kcb), pc),
                                (fused(b_blk, Some(copy)), None),
                                beta,
                                c_blk.sub(0, 0, first, ncb),
                                tri,
                                mc_t,
                                (1, false),
                            );
                            loop3::<T, K>(
                                p,
                                (a_blk.sub(first, 0, m - first, kcb), pc),
                                (fused(copy.as_ref(), None), None),
                                beta,
                                c_blk.sub(first, 0, m - first, ncb),
                                tri.sub(first, 0),
                                mc_t,
                                (1, false),
                            )
                        };
                    });
                    continue;
                }
                // SAFETY: forwarded from the caller.
                unsafe {
                    loop3::<T, K>(
                        p,
                        (a_blk, pc),
                        (fused(b_blk, None), None),
                        beta,
                        c_blk,
                        tri,
                        mc_t,
                        (nt, false),
                    )
                };
                continue;
            }
            if cols_form(p, kcb) {
                // B~ in column form (contract point 12): a copy of each column where the packed
                // form is a transposition, and a kernel that reads it as fast or faster. One
                // thread, paired medians of 5 alternated runs of `examples/gemm_time`: f64
                // n = 512 +3%, 1000 +2%, 2048 +2%, 4096 x 4096 x 64 +11%, 4096 x 64 x 4096 +2%;
                // f32 n = 1024 +5%, 2048 +3%; f64 two threads n = 1024 and 2048 +2%.
                // Left out: copying each micro-panel during the first block of LOOP 3 instead,
                // right before its pass, while that pass's kernel calls prefetch the next
                // one's columns into L2 (the fused LOOP 2's stream), so that fetching B
                // overlaps the kernels: one thread f64 n = 2048 +0.7%, 1024 -0.8%, f32 2048
                // +0.3%; two threads f64 2048 +0.7%, 1024 +1.3% (paired medians of 5, all
                // within the noise).
                let ld = cols_ld::<T>();
                let len = packed_b_cols_len(ncb, nr, ld);
                with_buffer(Slot::B, len, |bp: &mut [T::Real]| {
                    let b_blk = p.b.sub(pc, jc, kcb, ncb);
                    if nt > 1 {
                        // In parallel over whole micro-panels.
                        let per = ncb.div_ceil(nr).div_ceil(nt);
                        crate::fork::for_each_chunk_mut(bp, nr * ld * per, |t, chunk| {
                            let j0 = t * per * nr;
                            let cols = (per * nr).min(ncb - j0);
                            // SAFETY: as below, for this thread's micro-panels.
                            unsafe { pack_b_cols(b_blk.sub(0, j0, kcb, cols), nr, ld, chunk) };
                        });
                    } else {
                        // SAFETY: the block lies inside op(B) (caller's contract), which is
                        // real with contiguous columns and `kcb <= ld` (`cols_form`).
                        unsafe { pack_b_cols(b_blk, nr, ld, bp) };
                    }
                    let mc_t = mc_for_depth::<T>(blk, kcb, m, mr_t);
                    let b = (BPanels::Packed { bp, cols: true }, None);
                    // SAFETY: forwarded from the caller; B~ holds the packed panel.
                    unsafe {
                        loop3::<T, K>(p, (a_blk, pc), b, beta, c_blk, tri, mc_t, (nt, stream_a))
                    };
                });
                continue;
            }
            with_buffer(
                Slot::B,
                packed_b_len::<T>(kcb, ncb, nr),
                |bp: &mut [T::Real]| {
                    // Pack B~ (KC x NC), in parallel over its micro-panels.
                    if nt > 1 {
                        let panel = nr * f * kcb;
                        let per = ncb.div_ceil(nr).div_ceil(nt);
                        crate::fork::for_each_chunk_mut(bp, panel * per, |t, chunk| {
                            // This thread's micro-panels: columns j0.. of the block.
                            let j0 = t * per * nr;
                            let cols = (per * nr).min(ncb - j0);
                            // SAFETY: the block lies inside op(B) (caller's contract).
                            unsafe { pack_b_block(p, (pc, jc + j0, kcb, cols), nr, chunk) };
                        });
                    } else {
                        // SAFETY: as above.
                        unsafe { pack_b_block(p, (pc, jc, kcb, ncb), nr, bp) };
                    }
                    // Under a triangular op(B), the panel's own slice holds the diagonal.
                    let b_diag = p.structure.tri_b().filter(|_| s == 0);
                    if let Some(t) = b_diag {
                        triangle_b::<T>(bp, nr, (kcb, ncb), (t.lower, t.unit));
                    }
                    let b = (BPanels::Packed { bp, cols: false }, b_diag);
                    let mc_t = mc_for_depth::<T>(blk, kcb, m, mr_t);
                    // SAFETY: forwarded from the caller; B~ holds the packed panel.
                    unsafe {
                        loop3::<T, K>(p, (a_blk, pc), b, beta, c_blk, tri, mc_t, (nt, stream_a))
                    };
                },
            );
        }
    }
}

/// MC (in rows of T) for a KC slice `kcb` deep of a product `m` tall: a slice shallower than KC
/// takes as many more rows (`MC * KC / kcb`, whole micro-panels, at most `m`), so that A~ keeps its
/// size in L2. Each micro-panel of B~ then serves that many more kernel calls per pass of LOOP 2,
/// and each column of C is written in longer runs (MC rows at a time), which is what a shallow
/// product is bound by: with k = 64, C takes four times the bytes of A and B together. On the Zen 4
/// VM (MC = 128 then), one thread, calls alternated in one process, medians of 7-9 pairs, against
/// MC for every depth: f64 4096 x 4096 x 32 +18%, 4096 x 4096 x 64 +13%, 4096 x 4096 x 128 +7%,
/// 3000 x 3000 x 100 +9%, 2048 x 2048 x 200 +5%, 1024 x 1024 x 300 +3%, 2048 x 2048 x 256 +1%,
/// 4096 x 1024 x 64 +7%, 1024 x 4096 x 64 +2%; f32 4096 x 4096 x 64 +16%, 2048 x 2048 x 128 +12%;
/// c64 +2% and even. Two threads: f64 4096 x 4096 x 64 +15%, 3000 x 3000 x 100 +6%,
/// 2048 x 2048 x 128 +5%, 1024 x 1024 x 300 +3%; f32 4096 x 4096 x 64 +1%. MC does not change how
/// any element is computed, so the bits stay the same.
fn mc_for_depth<T: GemmScalar>(blk: &Blocking, kcb: usize, m: usize, mr_t: usize) -> usize {
    let f = factor::<T>();
    let (mc_t, kc_t) = (blk.mc / f, (blk.kc / f).max(1));
    if kcb >= kc_t {
        return mc_t;
    }
    (mc_t * kc_t / kcb.max(1))
        .min(m)
        .next_multiple_of(mr_t)
        .max(mc_t)
}

/// KC for a product `k` deep, from the blocking's `kc_t`: LOOP 4's slices of equal depth (to
/// one), each at most a sixteenth deeper than `kc_t` (and, for a real op(B), no deeper than the
/// column form holds, [`cols_form`]). A product a little deeper than a multiple of KC then runs
/// no extra slice for the remainder (a pass over all of C for a few rank-1 updates): f64
/// k = 513 one slice of 513 where it took 512 + 1. With the even MC blocks of [`loop3`], against
/// neither (paired medians of 3-5 alternated runs of `examples/gemm_time`): f64 n = 513 +7%
/// (two threads +9%), 1030 +2% (+3%); f32 513 +3%, 1030 +2%; c64 513 +3%, 260 +2%; f64
/// n = 300, 1000 and 2048 even.
fn even_depth<T: GemmScalar>(k: usize, kc_t: usize) -> usize {
    let mut most = kc_t + kc_t / 16;
    if !T::IS_COMPLEX && kc_t <= cols_ld::<T>() {
        most = most.min(cols_ld::<T>());
    }
    k.div_ceil(k.div_ceil(most).max(1)).max(1)
}

/// The column stride of B micro-panels in column form for `T` (contract point 12).
fn cols_ld<T>() -> usize {
    crate::kernels::b_cols_ld(size_of::<T>())
}

/// Whether B~ is packed in column form (contract point 12) for a KC slice `kcb` deep: for a
/// real op(B) with contiguous columns, `kcb` within the form's depth, and a structure whose
/// B~ is a plain copy of op(B) (under a triangular or symmetric op(B) it is not).
fn cols_form<T: GemmScalar>(p: &Problem<T>, kcb: usize) -> bool {
    !T::IS_COMPLEX
        && p.b.rs == 1
        && kcb <= cols_ld::<T>()
        && matches!(
            p.structure,
            Structure::General | Structure::TriA(_) | Structure::SymA(_)
        )
}

/// Packs the `kcb x cols` block of op(B) at (`pc`, `j0`) into B~ micro-panels: from op(B), or
/// from the whole symmetric matrix under [`Structure::SymB`].
///
/// # Safety
/// The block lies inside op(B); `dst` holds its packed length.
unsafe fn pack_b_block<T: GemmScalar>(
    p: &Problem<T>,
    (pc, j0, kcb, cols): (usize, usize, usize, usize),
    nr: usize,
    dst: &mut [T::Real],
) {
    // SAFETY: forwarded.
    unsafe {
        match p.structure {
            Structure::SymB(sym) => {
                pack_b_sym(p.b, (pc, j0, kcb, cols), (sym.lower, sym.herm), nr, dst)
            }
            _ => pack_b(p.b.sub(pc, j0, kcb, cols), p.conj_b, nr, dst),
        }
    }
}

/// Where LOOP 2 finds its micro-panels of B~.
#[derive(Clone, Copy)]
enum BPanels<'a, T: GemmScalar> {
    /// All of B~, packed before LOOP 3: in the packed form (contract point 5), or in column
    /// form if `cols` ([`pack_b_cols`], point 12).
    Packed { bp: &'a [T::Real], cols: bool },
    /// Not packed yet: LOOP 2 packs each micro-panel of this `kcb x ncb` block of op(B) just
    /// before it uses it, or with `wide`, reads the block in place with the wide register
    /// block ([`loop2_wide`]), prefetching each next group of its columns with `wide_next`
    /// (and copying each group first with `copy_to`).
    Fused {
        b: RawMat<T>,
        conj: bool,
        wide: bool,
        wide_next: bool,
        /// With `wide`: where LOOP 2 copies each group of op(B)'s columns before its first
        /// kernel call (a `kcb x ncb` matrix, unit row stride), for the calls to read there.
        copy_to: Option<RawMatMut<T>>,
    },
}

/// LOOP 3's blocks of rows: `m` rows in `blocks` blocks of whole micro-panels (`mr_t` rows;
/// the last micro-panel may be short), as even as whole micro-panels make them, so that no
/// block is left with a sliver of rows. Blocks of one height (MC rounded up to whole
/// micro-panels) left one: f64 m = 2048 in blocks of 224 rows (seven 32-row panels of the
/// wide block) ended in one of 32 rows, a pass over all of B~ for one kernel call per group of
/// its columns, and m = 4096 ended in one of 64. Blocks of six or seven panels against those,
/// calls alternated in one process, medians of 9-11 pairs (the Zen 4 VM): one thread f64
/// n = 4096 +0.2, +0.6 and +1.7% (three runs), 2048 +0.5, +0.9 and +1.2%, 1000 +1.2%, 512
/// +0.9%, 1500 +0.6%, 600 and 768 even, 3000 -0.8%; two threads (row shares of one thread
/// each) n = 512 to 4096 -1 to +1.4%. A small gain where a sliver was left, noise elsewhere.
#[derive(Clone, Copy, Debug)]
struct RowBlocks {
    m: usize,
    mr_t: usize,
    panels: usize,
    blocks: usize,
}

impl RowBlocks {
    fn new(m: usize, mr_t: usize, blocks: usize) -> RowBlocks {
        RowBlocks {
            m,
            mr_t,
            panels: m.div_ceil(mr_t),
            blocks: blocks.max(1),
        }
    }

    /// The first row and the rows of block `ib` (no rows past the last block).
    fn block(&self, ib: usize) -> (usize, usize) {
        let start = |b: usize| (b * self.panels / self.blocks * self.mr_t).min(self.m);
        let (s, e) = (start(ib.min(self.blocks)), start((ib + 1).min(self.blocks)));
        (s, e - s)
    }

    /// The rows of the tallest block.
    fn most(&self) -> usize {
        (self.panels.div_ceil(self.blocks) * self.mr_t).min(self.m)
    }
}

/// LOOP 3 (ic) and the split of the threads between LOOP 3 and LOOP 2, for the KC slice of
/// op(A) `a_blk` whose first k is `pc`, on `nt` threads; with `stream_a`, the kernels of each
/// block prefetch the next one into L2 ([`run`]).
///
/// # Safety
/// As [`run`]; `b` holds or reads the `kcb x ncb` panel of op(B).
#[allow(clippy::too_many_arguments)]
unsafe fn loop3<T: GemmScalar, K: Microkernel<T::Real>>(
    p: &Problem<T>,
    (a_blk, pc): (RawMat<T>, usize),
    (b, b_diag): (BPanels<'_, T>, Option<TriA>),
    beta: T,
    c_blk: RawMatMut<T>,
    tri: Region,
    mc_t: usize,
    (nt, stream_a): (usize, bool),
) {
    let (m, ncb, kcb) = (c_blk.rows, c_blk.cols, a_blk.cols);
    // The wide block's LOOP 2 takes A~ in micro-panels of its own height (contract point 13).
    let wide = matches!(b, BPanels::Fused { wide: true, .. });
    let mr = if wide { K::WIDE_MR } else { K::MR };
    let mr_t = mr / factor::<T>();
    let jr_panels = ncb.div_ceil(K::NR);
    // Threads go to LOOP 3 first (each packs its own A~), the rest to LOOP 2. When LOOP 3 is
    // parallel, its blocks are shrunk so that they divide evenly between the threads.
    let m_blocks = m.div_ceil(mc_t);
    let ic_ways = nt.min(m_blocks).max(1);
    // Under a triangular op(B) in place, one thread per block of A~ (its rows are written
    // right after it packs them, [`Structure::TriB`]).
    let jr_ways = if p.structure.tri_b().is_some() {
        1
    } else {
        (nt / ic_ways).clamp(1, jr_panels)
    };
    let blocks = if ic_ways > 1 {
        // A multiple of the threads, so that each thread takes as many blocks.
        m_blocks.div_ceil(ic_ways) * ic_ways
    } else {
        // One thread on LOOP 3: each block at most a sixteenth taller than MC, so that a few
        // rows past a multiple of MC ride along rather than take a pass over all of B~ of
        // their own (f64 m = 513: two blocks of 272 rows for 256 + 256 + 1). One thread,
        // paired medians of 3 with `HPC_MC=272` against 256: f64 n = 513 +2% (with
        // [`even_depth`], see there).
        let most = mc_t + (mc_t / 16).next_multiple_of(mr_t);
        m.div_ceil(most).max(1)
    };
    let rows = RowBlocks::new(m, mr_t, blocks);
    let m_blocks = rows.blocks;
    let a_len = packed_a_len::<T>(rows.most(), kcb, mr);

    let work = |iw: usize, jw: usize| {
        // This thread's share of LOOP 2.
        let per = jr_panels.div_ceil(jr_ways);
        let jr = (jw * per).min(jr_panels)..((jw + 1) * per).min(jr_panels);
        if jr.is_empty() {
            return;
        }
        with_buffer(Slot::A, a_len, |ap: &mut [T::Real]| {
            // LOOP 3 (ic): this thread's MC-row blocks.
            for ib in (iw..m_blocks).step_by(ic_ways) {
                let (ic, mcb) = rows.block(ib);
                if mcb == 0 {
                    continue;
                }
                let tri = tri.sub(ic, 0);
                if tri.cover(mcb, ncb) == Cover::None {
                    continue;
                }
                // Under a triangular op(A): row ic's diagonal element is `d0` into the slice;
                // blocks the triangle gives nothing from this slice are skipped.
                let tri_a = p.structure.tri_a().map(|t| (t, ic as isize - pc as isize));
                if let Some((t, d0)) = tri_a {
                    let outside = if t.lower {
                        d0 + mcb as isize <= 0
                    } else {
                        d0 >= kcb as isize
                    };
                    if outside {
                        continue;
                    }
                }
                let ap = &mut ap[..packed_a_len::<T>(mcb, kcb, mr)];
                // SAFETY: the block lies inside op(A) (caller's contract).
                unsafe {
                    match p.structure {
                        Structure::SymA(sym) => {
                            pack_a_sym(p.a, (ic, pc, mcb, kcb), (sym.lower, sym.herm), mr, ap)
                        }
                        _ => pack_a(a_blk.sub(ic, 0, mcb, kcb), p.conj_a, mr, ap),
                    }
                };
                if let Some((t, d0)) = tri_a {
                    triangle_a::<T>(ap, mr, (mcb, kcb), (t.lower, t.unit), d0);
                }
                // The next block of op(A), for the kernels to prefetch: this thread's, which
                // one thread on LOOP 3 packs next. Read in place through unit row strides, as
                // the stream of `Aux` is (contract point 8), by the column-form kernels.
                let a_next = (stream_a
                    && ic_ways == 1
                    && ib + 1 < m_blocks
                    && !T::IS_COMPLEX
                    && a_blk.rs == 1
                    && matches!(b, BPanels::Packed { cols: true, .. }))
                .then(|| {
                    let (ic, mcb) = rows.block(ib + 1);
                    a_blk.sub(ic, 0, mcb, kcb)
                });
                // SAFETY: this thread owns rows ic.. and the micro-panels `jr` of this C block.
                unsafe {
                    macro_kernel::<T, K>(
                        p.alpha,
                        ap,
                        (b, a_next),
                        beta,
                        c_blk.sub(ic, 0, mcb, ncb),
                        (tri, tri_a, b_diag),
                        kcb,
                        jr.clone(),
                    )
                };
            }
        });
    };

    let ways = ic_ways * jr_ways;
    if ways == 1 {
        work(0, 0);
    } else {
        crate::fork::for_each(ways, |t| work(t % ic_ways, t / ic_ways));
    }
}

/// LOOP 2 (jr) and LOOP 1 (ir) over one packed block of A and the micro-panels `jr` of B~;
/// `a_next`, a block of op(A) for the column-form kernel calls to prefetch into L2 meanwhile.
///
/// # Safety
/// `K::ISA` is available; `c` is the `mcb x ncb` block of C these panels compute, writable by
/// this thread alone; `ap` (and `b` if packed) are packed as the kernel contract says, or `b`
/// is readable.
unsafe fn macro_kernel<T: GemmScalar, K: Microkernel<T::Real>>(
    alpha: T,
    ap: &[T::Real],
    (b, a_next): (BPanels<'_, T>, Option<RawMat<T>>),
    beta: T,
    c: RawMatMut<T>,
    (tri, tri_a, b_diag): (Region, Option<(TriA, isize)>, Option<TriA>),
    kcb: usize,
    jr: core::ops::Range<usize>,
) {
    let nr = K::NR;
    // The k range of micro-panel j of B~ (or of each micro-panel of A~).
    let k_range = |j: usize| match (tri_a, b_diag) {
        (Some((t, d0)), _) => KRange::RowsOf(t, d0),
        (_, Some(t)) => {
            let (ks, ke) = t.k_range_of_cols(j * nr, nr.min(c.cols - j * nr), kcb);
            KRange::Fixed(ks, ke)
        }
        _ => KRange::All,
    };
    // Micro-panels of B whose columns of this block the triangle misses are skipped.
    let skip = |j: usize| tri.sub(0, j * nr).cover(c.rows, nr.min(c.cols - j * nr)) == Cover::None;
    let k_real = factor::<T>() * kcb;
    let ncb = c.cols;
    match b {
        BPanels::Packed { bp, cols } => {
            // LOOP 2 (jr): NR columns of C at a time. In column form, each micro-panel has a
            // slot of NR columns of stride `cols_ld`; a last one narrower than NR is packed as
            // point 5 says, at the start of its slot. The calls on full micro-panels in column
            // form share the prefetch stream of `a_next` by columns (each pass of LOOP 2 its
            // share, which LOOP 1 splits between its calls). No stream of B~ here: the kernel
            // calls streaming the next micro-panel of a B~ larger than L2 into L2 (as the fused
            // LOOP 2 does with op(B)) measured 0.98 at f64 n = 2048 and 0.97 at 1024 on two
            // threads (paired medians of 5).
            let slot = if cols {
                nr * cols_ld::<T>()
            } else {
                nr * k_real
            };
            let full = |j: usize| cols && nr.min(ncb - j * nr) == nr;
            let (first, streamed) = (jr.start, jr.clone().filter(|&j| full(j)).count());
            for j in jr {
                if skip(j) {
                    continue;
                }
                let panel = &bp[j * slot..(j + 1) * slot];
                let b_panel = if full(j) {
                    BMicro::Cols(panel.as_ptr())
                } else {
                    BMicro::Packed(&panel[..nr * k_real])
                };
                // Full micro-panels come first: the j-th of them streams the j-th share.
                let stream = a_next.filter(|_| full(j)).map(|s| {
                    let jj = j - first;
                    let (c0, c1) = (jj * s.cols / streamed, (jj + 1) * s.cols / streamed);
                    s.sub(0, c0, s.rows, c1 - c0)
                });
                // SAFETY: forwarded.
                unsafe {
                    loop1::<T, K>(
                        stream,
                        alpha,
                        ap,
                        b_panel,
                        beta,
                        c,
                        (tri, k_range(j)),
                        j * nr,
                        k_real,
                    )
                };
            }
        }
        BPanels::Fused {
            b,
            wide: true,
            wide_next,
            copy_to,
            ..
        } => {
            // SAFETY: forwarded; `ap` holds A~ in micro-panels of `WIDE_MR` rows (`loop3`).
            unsafe { loop2_wide::<T, K>(alpha, ap, (b, copy_to), beta, c, jr, wide_next) }
        }
        BPanels::Fused { b, conj, .. } => {
            // A full micro-panel of a real op(B) whose columns are contiguous is read in place
            // by the kernel (contract point 11): packing it would copy it for the few passes
            // of LOOP 1 it serves. Other layouts (and complex types, whose 1m form differs
            // from the data) are packed.
            //
            // Unless B's columns alias in L1 (a column stride that is a multiple of 2 KiB, such
            // as a power-of-two leading dimension, puts the NR columns' lines in one or two
            // L1 sets, more than the cache's ways hold): then the micro-panel does not stay in
            // L1 between the passes of LOOP 1, and each pass after the first reads it again
            // from L2 or beyond. Beyond two passes, its columns are copied (contiguous copies,
            // no transposition) into column form (contract point 12: a column stride of an
            // odd number of cache lines, so that they fall in distinct sets), which the kernel
            // reads with that stride as a constant (the next micro-panel prefetched as below).
            // The constant stride, against the same copy read through its strides: one thread,
            // paired medians of 5 alternated runs, f64 64 x 4096 x 4096 +7%, 128 x 4096 x 4096
            // +9%, n = 256 +6%; f32 n = 512 +6%. Against packing
            // the micro-panel (a transposition, 23% of the time of f64 64 x 4096 x 4096 on one
            // thread; perf), one thread, paired medians of 5 alternated runs of
            // `examples/gemm_time`: 64 x 4096 x 4096 +10%, 128 x 4096 x 4096 +8%,
            // 64 x 2048 x 2048 +5%; 2 threads even (within the noise). Reading B in place
            // despite the aliasing is faster still on one thread (+8-14%) but slower on two
            // (-7 to -29%), where the default is every core.
            //
            // Without aliasing, the micro-panel is copied too when LOOP 1 makes at least
            // `COPY_PASSES` passes over it: the column form's kernel is faster than the one
            // reading through strides, and the copy is paid once for many passes. One thread,
            // paired medians of 3 alternated runs: f32 4096 x 4096 x 64 +5% (two threads
            // +4%), f32 n = 300 +3%, f64 n = 200 +1%; f64 n = 128 and 300 even.
            let aliasing = (b.cs.unsigned_abs() * size_of::<T>()) % 2048 == 0;
            let passes = c.rows.div_ceil(K::MR);
            let in_place = !T::IS_COMPLEX && b.rs == 1;
            let ld = cols_ld::<T>();
            let copy = in_place && (aliasing || passes >= COPY_PASSES) && passes > 2 && kcb <= ld;
            let big = kcb * ncb * size_of::<T>() > Caches::detect().l2;
            let len = if copy { nr * ld } else { nr * k_real };
            with_buffer(Slot::B, len, |b_panel: &mut [T::Real]| {
                // LOOP 2 (jr): NR columns of C at a time, packing each micro-panel first.
                for j in jr {
                    if skip(j) {
                        continue;
                    }
                    let j0 = j * nr;
                    let cols = nr.min(ncb - j0);
                    // The next micro-panel is on its way while this one is used: packed, it is
                    // prefetched here; copied from a block of B larger than L2 (so likely not
                    // in it), the kernel calls of LOOP 1 prefetch it into L2 a few lines per k
                    // step (contract point 8), each call its share of the columns. One thread,
                    // paired medians of 3 alternated runs of `examples/gemm_time` against one
                    // burst of prefetches here: f64 64 x 4096 x 4096 +10%; against none, +10%
                    // (f32 128 x 4096 x 4096 +2%). From a smaller block, nothing is prefetched:
                    // the bursts cost f64 n = 200 and 256 4-10%. Read in place, nothing either:
                    // the hardware prefetchers follow its NR column streams, and the stream's
                    // extra work in the kernel costs more than it saves. Against the stream,
                    // one thread: f64 64 x 4095 x 4095 +14%, 32 x 4096 x 4096 +6%,
                    // 16 x 4096 x 4096 +22%, f32 64 x 4096 x 4096 +12%; two threads f64
                    // 64 x 4095 x 4095 +15%, f32 64 x 4096 x 4096 +15%.
                    let mut stream = None;
                    if j0 + cols < ncb {
                        let next = b.sub(0, j0 + cols, kcb, nr.min(ncb - j0 - cols));
                        if !in_place {
                            prefetch_block(next);
                        } else if big && copy {
                            stream = Some(next);
                        }
                    }
                    let panel = if in_place && cols == nr && !copy {
                        BMicro::InPlace {
                            // T is real here, so a pointer to T is a pointer to T::Real.
                            ptr: b.sub(0, j0, kcb, cols).ptr as *const T::Real,
                            rs: b.rs,
                            cs: b.cs,
                        }
                    } else if copy && cols == nr {
                        // SAFETY: T is real, the columns are contiguous (rs == 1) and lie
                        // inside the block, kcb <= ld, and the buffer holds one slot.
                        unsafe { pack_b_cols(b.sub(0, j0, kcb, nr), nr, ld, b_panel) };
                        BMicro::Cols(b_panel.as_ptr())
                    } else {
                        let b_panel = &mut b_panel[..nr * k_real];
                        // SAFETY: the columns lie inside the block of op(B) (caller's contract).
                        unsafe { pack_b(b.sub(0, j0, kcb, cols), conj, nr, b_panel) };
                        BMicro::Packed(b_panel)
                    };
                    // SAFETY: forwarded; an in-place panel is a full `kcb x NR` block of op(B)
                    // (or its copy).
                    unsafe {
                        loop1::<T, K>(
                            stream,
                            alpha,
                            ap,
                            panel,
                            beta,
                            c,
                            (tri, k_range(j)),
                            j0,
                            k_real,
                        )
                    };
                }
            })
        }
    }
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
/// that they do not crowd L1's sets when B's leading dimension is a power of two. The
/// 16 x 14 block reads 14 streams in place (which alias there) or copies them into column
/// form first (a tenth of the time of f64 64 x 4096 x 4096, perf). The wide block, on the
/// other hand, reads more of A per flop (4 vectors per 24 FMAs against 2 per 28), so with
/// more passes the copies pay off. Measured on the Xeon build machine, one thread, paired
/// medians of 3 alternated runs of `examples/gemm_time`, against the 16 x 14 (32 x 14) block:
/// - f64 m x 4096 x 4096: m = 24 +13%, 32 +15%, 40 +16%, 64 +22%, 100 +8%, 128 +7%, 256
///   +3%; m = 16 (half a micro-panel) -1%; f64 64 x 1000 x 1000 +3%, 100 x 2000 x 500 +3%;
///   square n = 256 +3%, 300 +2%, 200 -2%.
/// - f32 m x 4096 x 4096: m = 64 +5%, 80 +6%, 100 +6%, 128 +7%, 160 +3%, 256 even; m = 32
///   (half a micro-panel) -10%, 48 -3%; 128 x 1000 x 1000 +6%; square n = 256 -3%, 300 -5%,
///   362 -3%, 200 even.
/// - Two threads: f64 64 x 4096 x 4096 +17%, 128 x 4096 x 4096 +7%; f32 +5% and +7%.
///
/// On the Zen 4 VM the wide block reading op(B) in place beat the 16 x 14 (32 x 14) block
/// with B~ copied into column form for products of every size, as in the `gemm` crate, which
/// runs the same 32 x 6 block and copies nothing of op(B) below m = 4096 (and which had run up
/// to 1.08x as fast as hpc at n = 192-384 on one thread there). Calls alternated in one
/// process, medians of 7-11 pairs, against the 16 x 14 block:
/// - f64 one thread: n = 160 +6%, 192 +6%, 256 +5%, 320 +5%, 384 +7%, 512 +8%, 768 +5%,
///   1024 +4 to +7%, 1536 +4%, 2048 +2 to +5%, 4096 even; n = 100 and 128 even; 4096 x 4096
///   x 64 +3 to +6%, 4096 x 128 x 4096 +5%, 4096 x 256 x 4096 +3%, 200 x 2048 x 2048 +15%,
///   1000 x 1000 x 300 +3%, 777 x 333 x 555 +4%, 1000 x 500 x 2000 even; C 16 bytes off a
///   cache line, n = 512 +6%, 1024 +6%, 2048 +1%. In the bench harness (`hpc-benches
///   --filter dgemm --threads 1`), n = 1024 ran at 91% of the FMA peak (1.08x OpenBLAS).
/// - f64 two threads: n = 300 +8%, 512 +11%, 640 +7%, 768 +7%, 1024 +4%, 1536 +1%, 2048 +3%;
///   n = 256 even; 4096 x 4096 x 64 +6%, 200 x 2048 x 2048 +13%, 4096 x 256 x 4096 +3%,
///   64 x 4096 x 4096 (short and wide already) even.
/// - f32 one thread: n = 512 +4%, 1024 +5%, 2048 +5%; n = 128-300 +0 to +3%; 4096 x 4096 x 64
///   +4%; 4096 x 256 x 4096, 777 x 333 x 555 and 128 x 2048 x 2048 even (-1 to +1%).
/// - A narrow product (4096 x 64 x 4096) lost 3%, so it keeps its own path.
/// - The blocks stay as derived: MC = 128, 256 or 320 against 192, KC = 256, 384, 768 or 1024
///   against 512 came out even or lost (f64 n = 768 to 3000, one thread).
///
/// On the Xeon the wide block streamed its panels from L2 at 69 GFLOP/s where the 16 x 14
/// block ran 90 (`kernels::x86_v4`), and lost at f32 squares (above), so other processors
/// keep it for short, wide products.
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

/// LOOP 2 and LOOP 1 of the wide register block (contract point 13), for the columns of the
/// micro-panels `jr` of B~'s block `b` (real, contiguous columns, read in place): `WIDE_NR`
/// columns at a time, the last group narrower, each against every micro-panel of A~; with
/// `prefetch_next`, the last call on each group prefetches the next. With `copy_to`, each
/// group is first copied there (the same rows and columns), and the calls read the copy.
///
/// # Safety
/// As [`macro_kernel`], with `ap` packed in micro-panels of `K::WIDE_MR` rows and `T` real;
/// `copy_to`, if any, is as large as `b`, has unit row stride, overlaps nothing else, and no
/// other thread touches the columns `jr` of it.
#[allow(clippy::too_many_arguments)]
unsafe fn loop2_wide<T: GemmScalar, K: Microkernel<T::Real>>(
    alpha: T,
    ap: &[T::Real],
    (b, copy_to): (RawMat<T>, Option<RawMatMut<T>>),
    beta: T,
    c: RawMatMut<T>,
    jr: core::ops::Range<usize>,
    prefetch_next: bool,
) {
    let (mr, nr) = (K::WIDE_MR, K::WIDE_NR);
    let k = b.rows;
    let (c0, c1) = (jr.start * K::NR, (jr.end * K::NR).min(c.cols));
    let panels = ap.len() / (mr * k).max(1);
    // LOOP 2: WIDE_NR columns of C at a time.
    for j0 in (c0..c1).step_by(nr) {
        let cols = nr.min(c1 - j0);
        let group = match copy_to {
            Some(dst) => {
                for j in j0..j0 + cols {
                    // SAFETY: column j of `b` has `k` contiguous readable elements, and of
                    // `dst` as many writable ones, apart from them (the caller's contract).
                    unsafe { core::ptr::copy_nonoverlapping(b.at(0, j), dst.at(0, j), k) };
                }
                dst.as_ref().sub(0, j0, k, cols)
            }
            None => b.sub(0, j0, k, cols),
        };
        // T is real here, so a pointer to T is a pointer to T::Real.
        let b_panel = group.ptr as *const T::Real;
        // The last call of LOOP 1 on a full group prefetches the next group into L1 (contract
        // point 8), a line of each of its columns as it starts a line of its own. The first
        // call on a group otherwise reads its columns from L3 or memory, where the other calls
        // find them in L1: on the Zen 4 VM, one thread, f64 n = 2048 (6 or 7 calls a group),
        // 11,400-12,500 time stamp counter cycles a first call against 9,200-9,400 for the
        // others (medians of 7 products); with the prefetch 9,900-10,100, the last call slower
        // by 1,200 for it. The next group into L2 instead, spread over all of the group's calls
        // or all in the last, sped the first calls less and slowed the others more; into L1
        // spread over the calls, a column each, left the first call as fast as the others but
        // slowed each of them by 400; the first call prefetching its own columns a few lines
        // ahead gained nothing. Calls alternated in one process, medians of 9 pairs, against
        // none: f64 one thread n = 1024 +0 to +1%, 2048 +0 to +1.5%, 3000 +1 to +2%, 4096 even,
        // 32 x 4096 x 4096 +5%, 64 x 4096 x 4096 +3%, 4096 x 4096 x 64 +2 to +3%, n = 256 and
        // 500 +1%; f32 n = 1024 +0.3%, 2048 +0.5 to +1%. Not on two threads ([`run`]): f64
        // n = 512 -1 to +1%, 1024 -2 to +0%, 2048 -1 to +3%.
        let next = if prefetch_next && cols == nr && j0 + nr < c1 {
            let next_cols = nr.min(c1 - j0 - nr);
            Aux {
                b_next: b.sub(0, j0 + nr, k, next_cols).ptr as *const T::Real,
                b_next_cs: b.cs,
                b_next_cols: next_cols,
                ..Aux::NONE
            }
        } else {
            Aux::NONE
        };
        // LOOP 1: WIDE_MR rows of C at a time.
        for (i, a_panel) in ap.chunks_exact(mr * k).enumerate() {
            let i0 = i * mr;
            let c_tile = c.sub(i0, j0, mr.min(c.rows - i0), cols);
            let aux = if i + 1 == panels { &next } else { &Aux::NONE };
            // SAFETY: the tile is inside C and this thread's alone; the A micro-panel holds
            // `WIDE_MR x k` reals; B's `cols` columns of this group lie inside the block, and
            // the next group's (the stream's, unit row stride: `wide_applies`) too.
            unsafe {
                K::ukr_wide(
                    c_tile.rows,
                    cols,
                    k,
                    alpha.re(),
                    a_panel.as_ptr(),
                    b_panel,
                    group.rs,
                    group.cs,
                    beta.re(),
                    c_tile.ptr as *mut T::Real,
                    c_tile.rs,
                    c_tile.cs,
                    aux,
                )
            };
        }
    }
}

/// One micro-panel of B as LOOP 1 hands it to the kernel.
#[derive(Clone, Copy)]
enum BMicro<'a, R> {
    /// Packed (contract point 5).
    Packed(&'a [R]),
    /// A full `k x NR` block of a real op(B), read in place (contract point 11).
    InPlace { ptr: *const R, rs: isize, cs: isize },
    /// A full `k x NR` block of a real op(B) in column form (contract point 12).
    Cols(*const R),
}

/// LOOP 1 (ir) for the micro-panel of B~ that computes columns `j0..` of the block `c`, each
/// micro-panel of A~ on its `k_range` of the slice: all of it, or under a triangular op(A) its
/// own ([`TriA::k_range`], with β where its rows are written first), or under a triangular op(B)
/// that of this micro-panel of B~.
///
/// # Safety
/// As [`macro_kernel`].
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn loop1<T: GemmScalar, K: Microkernel<T::Real>>(
    stream: Option<RawMat<T>>,
    alpha: T,
    ap: &[T::Real],
    b_panel: BMicro<'_, T::Real>,
    beta: T,
    c: RawMatMut<T>,
    (tri, k_range): (Region, KRange),
    j0: usize,
    k_real: usize,
) {
    let (mr, nr) = (K::MR, K::NR);
    let mr_t = mr / factor::<T>();
    let (mcb, ncb) = (c.rows, c.cols);
    let nrb = nr.min(ncb - j0);
    // The 1m tile buffer for complex types (real types write C directly).
    let mut tile = [<T::Real as Zero>::zero(); TILE];
    debug_assert!(mr * nr <= TILE);
    let aux = Aux::NONE;
    let f = factor::<T>();
    let real_update = T::IS_COMPLEX && c.rs == 1 && alpha.im().is_zero() && beta.im().is_zero();
    // The share of `stream` (a real block with contiguous columns) that micro-panel i's call
    // prefetches: its columns split evenly between the calls of this pass.
    let passes = ap.len() / (mr * k_real).max(1);
    let stream_aux = |i: usize| match stream {
        Some(s) if s.rs == 1 && !T::IS_COMPLEX => {
            let (c0, c1) = (i * s.cols / passes, (i + 1) * s.cols / passes);
            // Whole lines of a column, one more for a start inside a line.
            let lines = (s.rows * size_of::<T>()).div_ceil(64) + 1;
            Aux {
                b_next: s.at(0, c0) as *const T::Real,
                b_next_cs: s.cs,
                b_next_lines: lines,
                b_next_cols: c1 - c0,
                b_next_per_step: (lines * (c1 - c0)).div_ceil(k_real.max(1)),
                ..Aux::NONE
            }
        }
        _ => Aux::NONE,
    };
    // LOOP 1 (ir): MR rows of C at a time.
    {
        for (i, a_panel) in ap.chunks_exact(mr * k_real).enumerate() {
            let i0 = i * mr_t;
            let mrb = mr_t.min(mcb - i0);
            let c_tile = c.sub(i0, j0, mrb, nrb);
            let tri_tile = tri.sub(i0, j0);
            let cover = tri_tile.cover(mrb, nrb);
            if cover == Cover::None {
                continue;
            }
            // The k range (in reals) and β of this micro-panel; the panels' pointers move to
            // its start.
            let (ks, ke, beta) = match k_range {
                KRange::All => (0, k_real / f, beta),
                KRange::RowsOf(t, d0) => {
                    let Some((ks, ke, first)) = t.k_range(d0 + i0 as isize, mrb, k_real / f) else {
                        continue;
                    };
                    (ks, ke, if first { beta } else { T::one() })
                }
                KRange::Fixed(ks, ke) => (ks, ke, beta),
            };
            let (a_panel, b_panel, k_real) = if ks == 0 && ke == k_real / f {
                (a_panel, b_panel, k_real)
            } else {
                let b_panel = match b_panel {
                    BMicro::Packed(bp) => BMicro::Packed(&bp[f * ks * nr..]),
                    // (Not met: under a triangle B~ is always packed up front; row `ks` of the
                    // block would be the start.)
                    BMicro::InPlace { ptr, rs, cs } => BMicro::InPlace {
                        ptr: ptr.wrapping_offset(ks as isize * rs),
                        rs,
                        cs,
                    },
                    BMicro::Cols(ptr) => BMicro::Cols(ptr.wrapping_add(ks)),
                };
                (&a_panel[f * ks * mr..], b_panel, f * (ke - ks))
            };
            if cover == Cover::Part {
                // A tile the triangle cuts: the product into the tile buffer (with α = 1 and
                // β = 0, so C is not touched), then merged into the kept elements only.
                let one = <T::Real as One>::one();
                let zero = <T::Real as Zero>::zero();
                match b_panel {
                    // SAFETY: as for whole tiles below, with the tile buffer (MR x NR reals,
                    // column-major, ld = MR) as C; an in-place panel is real (f = 1).
                    BMicro::InPlace { ptr, rs, cs } => unsafe {
                        K::ukr_b_in_place(
                            mrb,
                            k_real,
                            one,
                            a_panel.as_ptr(),
                            ptr,
                            rs,
                            cs,
                            zero,
                            tile.as_mut_ptr(),
                            1,
                            mr as isize,
                            &aux,
                        )
                    },
                    // SAFETY: as above.
                    BMicro::Cols(ptr) => unsafe {
                        K::ukr_b_cols(
                            mrb,
                            k_real,
                            one,
                            a_panel.as_ptr(),
                            ptr,
                            zero,
                            tile.as_mut_ptr(),
                            1,
                            mr as isize,
                            &aux,
                        )
                    },
                    // SAFETY: as above.
                    BMicro::Packed(bp) => unsafe {
                        K::ukr(
                            f * mrb,
                            nrb,
                            k_real,
                            one,
                            a_panel.as_ptr(),
                            bp.as_ptr(),
                            zero,
                            tile.as_mut_ptr(),
                            1,
                            mr as isize,
                            &aux,
                        )
                    },
                }
                // SAFETY: the tile is inside C and this thread's alone.
                unsafe { merge_tile(&tile, mr, alpha, beta, c_tile, tri_tile) };
                continue;
            }
            let b_panel = match b_panel {
                BMicro::InPlace { ptr, rs, cs } => {
                    // SAFETY: as below; B is a full `k_real x NR` block of op(B) (the
                    // caller's contract), so the kernel reads nothing past it.
                    unsafe {
                        K::ukr_b_in_place(
                            mrb,
                            k_real,
                            alpha.re(),
                            a_panel.as_ptr(),
                            ptr,
                            rs,
                            cs,
                            beta.re(),
                            c_tile.ptr as *mut T::Real,
                            c_tile.rs,
                            c_tile.cs,
                            &aux,
                        )
                    };
                    continue;
                }
                BMicro::Cols(ptr) => {
                    // SAFETY: as below; B is a full `k_real x NR` micro-panel in column form.
                    unsafe {
                        K::ukr_b_cols(
                            mrb,
                            k_real,
                            alpha.re(),
                            a_panel.as_ptr(),
                            ptr,
                            beta.re(),
                            c_tile.ptr as *mut T::Real,
                            c_tile.rs,
                            c_tile.cs,
                            &stream_aux(i),
                        )
                    };
                    continue;
                }
                BMicro::Packed(bp) => bp,
            };
            if !T::IS_COMPLEX || real_update {
                // Real T: T is its own real type, so the cast is an identity. Complex T with
                // unit row stride and real α, β: C's columns, read as reals, hold re/im
                // interleaved exactly as the rows of the 1m tile do, and scaling a complex
                // number by a real one scales re and im alike, so the real kernel updates C
                // in place (`f * mrb` real rows, column stride `f * cs`).
                // SAFETY: the tile is inside C, the panels hold `k_real * MR` and
                // `k_real * NR` reals.
                unsafe {
                    K::ukr(
                        f * mrb,
                        nrb,
                        k_real,
                        alpha.re(),
                        a_panel.as_ptr(),
                        b_panel.as_ptr(),
                        beta.re(),
                        c_tile.ptr as *mut T::Real,
                        c_tile.rs,
                        f as isize * c_tile.cs,
                        &aux,
                    )
                };
            } else {
                // 1m: the real kernel computes the product into a real MR x NR tile, which
                // holds the complex tile re/im row-interleaved; α and β are applied here.
                // Only the `2 * mrb x nrb` corner is computed (an edge tile when it is less).
                // SAFETY: `tile` holds MR x NR reals, column-major with ld = MR.
                unsafe {
                    K::ukr(
                        f * mrb,
                        nrb,
                        k_real,
                        <T::Real as One>::one(),
                        a_panel.as_ptr(),
                        b_panel.as_ptr(),
                        <T::Real as Zero>::zero(),
                        tile.as_mut_ptr(),
                        1,
                        mr as isize,
                        &aux,
                    )
                };
                // SAFETY: the tile is inside C and this thread's alone.
                unsafe { merge_tile(&tile, mr, alpha, beta, c_tile, Region::All) };
            }
        }
    }
}

/// Capacity of the 1m tile buffer (the largest `MR x NR` of any kernel).
const TILE: usize = 512;

/// `C <- beta * C + alpha * T` on the elements of `c` that `tri` keeps, where the real tile `t`
/// (column-major, leading dimension `ld`) holds element (i, j) in row `i` (real `T`) or, in
/// complex arithmetic, in rows `2i` (re) and `2i + 1` (im) (the 1m tile). With β = 0, C is not
/// read.
///
/// # Safety
/// `c` is readable and writable.
#[inline]
unsafe fn merge_tile<T: GemmScalar>(
    t: &[T::Real],
    ld: usize,
    alpha: T,
    beta: T,
    c: RawMatMut<T>,
    tri: Region,
) {
    for j in 0..c.cols {
        for i in 0..c.rows {
            if !tri.keeps(i, j) {
                continue;
            }
            let x = if T::IS_COMPLEX {
                T::from_parts(t[2 * i + j * ld], t[2 * i + 1 + j * ld])
            } else {
                T::from_real(t[i + j * ld])
            };
            let ab = alpha * x;
            // SAFETY: (i, j) is inside `c`.
            unsafe {
                let v = if beta.is_zero() {
                    ab
                } else if beta.is_one() {
                    c.get(i, j) + ab
                } else {
                    beta * c.get(i, j) + ab
                };
                c.set(i, j, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_blocks_cover_the_rows_in_even_whole_panels() {
        // m = 2048 and 4096 in 32-row panels, at most seven a block: no sliver at the end.
        let r = RowBlocks::new(2048, 32, 2048usize.div_ceil(224));
        assert_eq!((r.blocks, r.most()), (10, 224));
        assert_eq!((r.block(0), r.block(9)), ((0, 192), (1824, 224)));
        let r = RowBlocks::new(4096, 32, 4096usize.div_ceil(224));
        let heights: Vec<usize> = (0..r.blocks).map(|b| r.block(b).1).collect();
        assert!(heights.iter().all(|&h| h == 192 || h == 224), "{heights:?}");
        for (m, mr, blocks) in [(0, 8, 1), (1, 8, 1), (7, 8, 3), (100, 8, 3), (513, 16, 2)] {
            for blocks in [blocks, blocks + 1, 40] {
                let r = RowBlocks::new(m, mr, blocks);
                let mut next = 0;
                for b in 0..r.blocks {
                    let (s, h) = r.block(b);
                    assert_eq!(s, next, "m {m} mr {mr} blocks {blocks} block {b}");
                    assert!(h <= r.most());
                    // Whole panels but at the end; heights within one panel of each other.
                    assert!(s + h == m || h % mr == 0);
                    assert!(h + mr >= r.most() || s + h == m || h == 0 && r.panels < r.blocks);
                    next = s + h;
                }
                assert_eq!(next, m);
                assert_eq!(r.block(r.blocks), (m, 0));
            }
        }
    }

    #[test]
    fn regions_classify_blocks_and_balance_shares() {
        let lower = Region::Lower(0);
        assert!(lower.keeps(3, 3) && lower.keeps(4, 3) && !lower.keeps(2, 3));
        assert!(Region::Upper(0).keeps(2, 3) && !Region::Upper(0).keeps(4, 3));
        // A 16 x 14 tile at (32, 0) is below the diagonal, at (0, 32) above it, at (8, 8) cut.
        assert_eq!(lower.sub(32, 0).cover(16, 14), Cover::Full);
        assert_eq!(lower.sub(0, 32).cover(16, 14), Cover::None);
        assert_eq!(lower.sub(8, 8).cover(16, 14), Cover::Part);
        assert_eq!(Region::Upper(0).sub(0, 32).cover(16, 14), Cover::Full);
        assert_eq!(Region::Upper(0).sub(32, 0).cover(16, 14), Cover::None);
        // The last row of a tile reaching the diagonal's first element: Part, not None.
        assert_eq!(lower.sub(0, 15).cover(16, 14), Cover::Part);
        assert_eq!(lower.sub(0, 16).cover(16, 14), Cover::None);
        assert_eq!(Region::All.cover(3, 3), Cover::Full);
        assert_eq!(lower.cover(0, 3), Cover::None);
        // Every element is in exactly one of a block's classes, tile by tile.
        for (r0, c0) in [(0, 0), (5, 9), (30, 2), (2, 30)] {
            let t = lower.sub(r0, c0);
            let kept = (0..16)
                .flat_map(|i| (0..14).map(move |j| (i, j)))
                .filter(|&(i, j)| lower.keeps(r0 + i, c0 + j))
                .count();
            let want = match t.cover(16, 14) {
                Cover::None => 0,
                Cover::Full => 16 * 14,
                Cover::Part => kept,
            };
            assert_eq!(kept, want, "({r0}, {c0})");
            assert!(t.cover(16, 14) != Cover::Part || (0 < kept && kept < 16 * 14));
        }
        // Lower triangle of 1000 x 1000 in two shares of equal work: the first about 29% of
        // the columns (whole micro-panels of 14), the second the rest.
        let s = lower.balanced_columns(1000, 1000, 2, 14);
        assert_eq!(s.len(), 3);
        assert_eq!((s[0], s[2]), (0, 1000));
        assert!(s[1] % 14 == 0 && (280..=310).contains(&s[1]), "{s:?}");
        let s = Region::Upper(0).balanced_columns(1000, 1000, 2, 14);
        assert!((700..=720).contains(&s[1]), "{s:?}");
        assert_eq!(
            Region::All.balanced_columns(100, 100, 4, 14),
            vec![0, 28, 56, 84, 100]
        );
    }

    #[test]
    #[cfg(target_arch = "x86_64")]
    fn the_wide_block_takes_the_products_its_rule_names() {
        use crate::kernels::x86_v4::Dgemm16x14 as K;
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
